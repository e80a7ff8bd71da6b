package commands

import (
	"context"
	"time"

	"teambot"
)

// Rules are the rules one area of the rulebook needs to know of another's
// records, each a function the owning area provides when the table is put
// together (package rulebook). An area reads another's records only
// through these (or the shared readings of package commands/roll: who is
// on leave, when a week's reports are due, where they stand), so each such
// dependency is named here once.
type Rules struct {
	// NextMeeting is the team's earliest meeting that has not ended
	// (meeting): /请假 会议 asks leave for it (R9).
	NextMeeting func(ctx context.Context, r *Request) (teambot.Meeting, bool, error)
	// EscalationDigest is what the weekly digest says of the escalations
	// still open (escalate, R16): for the group, and for the supervisor
	// alone (R14); "" when none is open.
	EscalationDigest func(ctx context.Context, r *Request) (group, private string, err error)
	// AccountHandover is the paragraph naming the active accounts m leaves
	// behind (account, R13), "" when none: /移除 and 劝退 or 除名 tell it.
	AccountHandover func(ctx context.Context, r *Request, m teambot.Member) (string, error)
	// VoteResult is a closed vote as the monthly digest lists it (vote):
	// its kind, outcome and tally, in Chinese.
	VoteResult func(ctx context.Context, r *Request, v teambot.Vote) (kind, outcome, tally string, err error)
	// ApprovalDigest is what the weekly digest says of requests that have
	// waited for the supervisor three workdays or more (approval): for the
	// group, and for the supervisor alone (R14); "" when none has.
	ApprovalDigest func(ctx context.Context, r *Request) (group, private string, err error)
	// Placements are the team's approved paid placements of [from, to)
	// as the monthly digest lists them (approval, R5, R7).
	Placements func(ctx context.Context, r *Request, from, to time.Time) ([]teambot.PlacementLine, error)
}

// Rules are the rules of other areas this request's area may ask.
func (r *Request) Rules() Rules { return r.Engine.Config.Rules }
