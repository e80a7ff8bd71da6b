package teambot

import (
	"errors"
	"time"
)

// Statuses of a Leave request (docs/product.md §5): pending → approved |
// rejected | cancelled | expired. A request expires when its last day has
// passed while it still waited for a decision.
const (
	LeavePending   = "pending"
	LeaveApproved  = "approved"
	LeaveRejected  = "rejected"
	LeaveCancelled = "cancelled"
	LeaveExpired   = "expired"
)

// Half days of a Leave: a one-day request may cover the morning or the
// afternoon only.
const (
	HalfMorning   = "上午"
	HalfAfternoon = "下午"
)

// Leave is a member's request to be away for a span of days. Approved leave
// excuses meeting absence, silences report nags for a week it covers and
// takes the member out of vote quorums (R12, docs/product.md §5).
type Leave struct {
	ID       int64
	TeamID   int64
	MemberID int64
	UserID   string // the member's WeCom userid, filled in when read
	Name     string // the member's display name, filled in when read
	From, To Date   // the first and last day, inclusive
	Half     string // "", HalfMorning or HalfAfternoon; only when From == To
	Reason   string // what the member wrote; shown to the member and the supervisor only
	Status   string // LeavePending, LeaveApproved, LeaveRejected, LeaveCancelled or LeaveExpired

	// DecidedBy is the userid of whoever moved the request out of pending:
	// the supervisor who approved or rejected it, or the member who
	// cancelled it; empty when it expired. DecisionNote is a rejection's
	// reason.
	DecidedBy    string
	DecisionNote string
	CreatedAt    time.Time
	DecidedAt    time.Time // zero while pending

	// ForMeeting marks leave asked for a meeting rather than for days.
	ForMeeting bool
}

// Active reports whether the request still holds the days it names: it is
// pending or approved.
func (l Leave) Active() bool { return l.Status == LeavePending || l.Status == LeaveApproved }

// Covers reports whether d is one of the request's days.
func (l Leave) Covers(d Date) bool { return !d.Before(l.From) && !l.To.Before(d) }

// CoversMoment reports whether the request covers the moment t in loc: t
// falls on one of its days and, for a half day, in its half — the morning
// before 12:00, the afternoon from 12:00.
func (l Leave) CoversMoment(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	if !l.Covers(DateOf(t)) {
		return false
	}
	switch l.Half {
	case HalfMorning:
		return t.Hour() < 12
	case HalfAfternoon:
		return t.Hour() >= 12
	}
	return true
}

// Whole reports whether the request covers whole days rather than half of one.
func (l Leave) Whole() bool { return l.Half == "" }

// LeaveFilter selects leave requests of a team.
type LeaveFilter struct {
	TeamID   int64
	MemberID int64    // 0: every member
	From, To Date     // requests with a day in From…To; a zero end is open
	Statuses []string // empty: every status
}

// ErrLeaveStatus is returned (wrapped) when a leave request is no longer in
// a status that allows the change, e.g. deciding one that was decided or
// cancelled in the meantime.
var ErrLeaveStatus = errors.New("leave request has another status")
