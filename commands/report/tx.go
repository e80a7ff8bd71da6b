package report

import (
	"context"

	"teambot"
	"teambot/commands"
)

// Tx is what this area needs from the transaction: the core's, and the
// methods of its own records.
type Tx interface {
	commands.Tx
	CloseWeek(ctx context.Context, c teambot.WeekClosure) error
	ReportHistory(ctx context.Context, teamID, memberID int64, from, to teambot.Week) ([]teambot.Report, error)
	SetReportDeadline(ctx context.Context, teamID int64, d teambot.WeeklyDeadline) error
	SubmitReport(ctx context.Context, r *teambot.Report) error
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }
