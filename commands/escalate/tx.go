package escalate

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
	CreateEscalation(ctx context.Context, e *teambot.Escalation) error
	EscalationByID(ctx context.Context, teamID, id int64) (teambot.Escalation, error)
	Escalations(ctx context.Context, f teambot.EscalationFilter) ([]teambot.Escalation, error)
	ResolveEscalation(ctx context.Context, teamID, id int64, by, resolution string, at time.Time) error
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }
