package account

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
	AccountByID(ctx context.Context, teamID, id int64) (teambot.Account, error)
	Accounts(ctx context.Context, f teambot.AccountFilter) ([]teambot.Account, error)
	AddPlatformUpdate(ctx context.Context, u *teambot.PlatformUpdate) error
	ConfirmAccount(ctx context.Context, teamID, id int64, by string, at time.Time) error
	CreateAccount(ctx context.Context, a *teambot.Account) error
	LockAccount(ctx context.Context, teamID, id int64) (teambot.Account, error)
	MarkAccountChanged(ctx context.Context, teamID, id int64, by string, at time.Time) error
	PlatformUpdates(ctx context.Context, teamID int64, from, to time.Time) ([]teambot.PlatformUpdate, error)
	RemoveAccount(ctx context.Context, teamID, id int64, by, reason string, at time.Time) error
	TransferAccount(ctx context.Context, teamID, id, toMemberID int64, by, note string, at time.Time) error
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }
