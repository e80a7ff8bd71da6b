package approval

import (
	"context"
	"time"

	"teambot"
	"teambot/commands"
)

// Tx is what this area needs from the transaction: the core's, the
// methods of its own records, and the account register's platforms.
type Tx interface {
	commands.Tx
	Accounts(ctx context.Context, f teambot.AccountFilter) ([]teambot.Account, error)
	AddPlacementResult(ctx context.Context, p teambot.PlacementResult) error
	AddPlatformUpdate(ctx context.Context, u *teambot.PlatformUpdate) error
	ApprovalByID(ctx context.Context, teamID, id int64) (teambot.Approval, error)
	ApprovalHistory(ctx context.Context, teamID, id int64) ([]teambot.ApprovalVersion, []teambot.ApprovalEvent, error)
	Approvals(ctx context.Context, f teambot.ApprovalFilter) ([]teambot.Approval, error)
	CreateApproval(ctx context.Context, a *teambot.Approval) error
	DecideApproval(ctx context.Context, teamID, id int64, event, by, note string, at time.Time) error
	PlacementResults(ctx context.Context, teamID int64) (map[int64]teambot.PlacementResult, error)
	PlatformReview(ctx context.Context, teamID int64, platform string) (review, set bool, err error)
	PublishApproval(ctx context.Context, teamID, id int64, by, note string, at time.Time) error
	ReviseApproval(ctx context.Context, teamID, id int64, c teambot.ApprovalContent, by string, at time.Time) (int, error)
	SetPlatformReview(ctx context.Context, teamID int64, platform string, review bool, by string, at time.Time) error
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }
