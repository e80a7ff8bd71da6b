// Package redact is /删除内容 (R14): the supervisor replaces a stored text
// that holds a secret (a report, an update, an escalation, a leave reason or
// a vote title) with [已删除], in the queued messages and the audit log too.
package redact
