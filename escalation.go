package teambot

import (
	"errors"
	"time"
)

// Statuses of an Escalation (R16): open → resolved.
const (
	EscalationOpen     = "open"
	EscalationResolved = "resolved"
)

// MaxEscalationRunes is the longest problem an escalation may describe, in
// characters.
const MaxEscalationRunes = 1000

// Escalation is a problem a member could not solve and reported to the
// supervisor (R16). Its text is private: shown in full only to the
// supervisor and the member who reported it, in a single chat or an app
// message (R14).
type Escalation struct {
	ID       int64
	TeamID   int64
	MemberID int64
	UserID   string // the reporter's WeCom userid, filled in when read
	Name     string // the reporter's display name, filled in when read
	Text     string
	Status   string // EscalationOpen or EscalationResolved

	CreatedAt time.Time
	MsgID     string // the message that reported it

	// ResolvedBy is the supervisor's userid and Resolution what they wrote
	// about how it was handled; both empty, and ResolvedAt zero, while open.
	ResolvedBy string
	Resolution string
	ResolvedAt time.Time
}

// Open reports whether the problem still waits for the supervisor.
func (e Escalation) Open() bool { return e.Status == EscalationOpen }

// EscalationFilter selects escalations of a team for storage. Zero fields
// select everything.
type EscalationFilter struct {
	TeamID   int64
	MemberID int64    // 0: every reporter
	Statuses []string // empty: every status
	// CreatedFrom and CreatedTo select escalations reported in
	// CreatedFrom…CreatedTo (From inclusive, To exclusive); a zero end is
	// open.
	CreatedFrom, CreatedTo time.Time
	// Limit, when positive, keeps only the newest Limit escalations.
	Limit int
}

// ErrEscalationResolved is returned (wrapped) when an escalation that is
// already resolved is resolved again, perhaps a moment ago by someone else.
var ErrEscalationResolved = errors.New("escalation is already resolved")
