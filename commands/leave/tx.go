package leave

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
	CancelLeave(ctx context.Context, teamID, id int64, by string, at time.Time) error
	CreateLeave(ctx context.Context, l *teambot.Leave) error
	DecideLeave(ctx context.Context, teamID, id int64, status, by, note string, at time.Time) error
	ExpirableLeaves(ctx context.Context, before teambot.Date) ([]teambot.Leave, error)
	ExpireLeave(ctx context.Context, teamID, id int64, at time.Time) error
	LeaveByID(ctx context.Context, teamID, id int64) (teambot.Leave, error)
	OverlappingLeaves(ctx context.Context, teamID, memberID int64, from, to teambot.Date, half string) ([]teambot.Leave, error)
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }

// asTx is tx with this area's methods.
func asTx(tx commands.Tx) Tx { return commands.TxAs[Tx](tx) }
