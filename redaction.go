package teambot

// Redacted is what a stored free text reads after the supervisor redacted
// it because it held a secret (R13, R14): the text itself is gone.
const Redacted = "[已删除]"

// The kinds of stored free text the supervisor can redact.
const (
	RedactReport     = "report"     // a weekly report, every version of its week
	RedactUpdate     = "update"     // a platform update's title or link
	RedactEscalation = "escalation" // an escalated problem's description
	RedactLeave      = "leave"      // a leave request's reason
	RedactVote       = "vote"       // a vote's title
)
