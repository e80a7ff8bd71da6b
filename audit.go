package teambot

import "time"

// AuditEntry records one change to the records: who did what, when and from
// which message. The audit log is append-only; the database refuses updates
// and deletes.
type AuditEntry struct {
	ID     int64
	TeamID int64
	Actor  string // WeCom userid of whoever sent the command, or "system"
	Action string // e.g. "member.join", "role.set", "supervisor.set"
	Target string // the userid or record the action applies to
	Detail string // human-readable, e.g. "roles: 文案, 美工"
	MsgID  string // the message that caused it, if any
	At     time.Time
}
