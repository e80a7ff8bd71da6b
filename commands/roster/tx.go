package roster

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
	Accounts(ctx context.Context, f teambot.AccountFilter) ([]teambot.Account, error)
	AddMember(ctx context.Context, m *teambot.Member) error
	ChooseTeam(ctx context.Context, userID string, teamID int64, at time.Time) error
	CreateJoinRequest(ctx context.Context, q *teambot.JoinRequest) error
	JoinRequestByID(ctx context.Context, teamID, id int64) (teambot.JoinRequest, error)
	DecideJoinRequest(ctx context.Context, teamID, id int64, status, by, reason string, at time.Time) error
	RejoinMember(ctx context.Context, memberID int64, name string, at time.Time) error
	RemoveMember(ctx context.Context, memberID int64, at time.Time) error
	SetJoinMode(ctx context.Context, teamID int64, mode teambot.JoinMode) error
	SetMemberRoles(ctx context.Context, teamID, memberID int64, roles []teambot.Role) error
	SetSupervisor(ctx context.Context, teamID, memberID int64) error
	SetTeamName(ctx context.Context, teamID int64, name string) error
	SetTerm(ctx context.Context, teamID int64, start, end teambot.Date) error
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }
