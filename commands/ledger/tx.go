package ledger

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
	AddLedgerEntry(ctx context.Context, e *teambot.LedgerEntry) error
	DecideMeetingProposal(ctx context.Context, teamID, id int64, status, by string, at time.Time) error
	LedgerEntries(ctx context.Context, f teambot.LedgerFilter) ([]teambot.LedgerEntry, error)
	LedgerEntryByID(ctx context.Context, teamID, id int64) (teambot.LedgerEntry, error)
	MeetingDisputes(ctx context.Context, teamID int64, statuses ...string) ([]teambot.MeetingDispute, error)
	MeetingProposals(ctx context.Context, teamID int64, statuses ...string) ([]teambot.MeetingProposal, error)
	RemoveMember(ctx context.Context, memberID int64, at time.Time) error
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }
