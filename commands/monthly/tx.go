package monthly

import (
	"context"
	"time"

	"teambot"
	"teambot/commands"
)

// Tx is what this area needs from the transaction: the core's, and the
// methods of its own records.
type Tx interface {
	commands.Tx
	AddMonthHighlight(ctx context.Context, h *teambot.MonthHighlight) error
	DeleteMonthHighlight(ctx context.Context, teamID, id int64) error
	MonthHighlights(ctx context.Context, teamID int64, month string) ([]teambot.MonthHighlight, error)
	AccountEvents(ctx context.Context, teamID int64, from, to time.Time) ([]teambot.AccountEvent, error)
	Accounts(ctx context.Context, f teambot.AccountFilter) ([]teambot.Account, error)
	Escalations(ctx context.Context, f teambot.EscalationFilter) ([]teambot.Escalation, error)
	LedgerEntries(ctx context.Context, f teambot.LedgerFilter) ([]teambot.LedgerEntry, error)
	MeetingAttendance(ctx context.Context, teamID, meetingID int64) ([]teambot.Attendance, error)
	Meetings(ctx context.Context, teamID int64, from, to time.Time) ([]teambot.Meeting, error)
	PlatformUpdates(ctx context.Context, teamID int64, from, to time.Time) ([]teambot.PlatformUpdate, error)
	Votes(ctx context.Context, f teambot.VoteFilter) ([]teambot.Vote, error)
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }
