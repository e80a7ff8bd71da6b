// Package escalate is /上报 (R16): a member raises a problem with the
// supervisor privately, the supervisor answers it. It provides
// commands.Rules.EscalationDigest: the open escalations in the weekly digest.
package escalate
