package vote

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
	Ballots(ctx context.Context, voteID int64) ([]teambot.Ballot, error)
	CastBallot(ctx context.Context, b teambot.Ballot, memberID int64, at time.Time) (prev int, had bool, err error)
	CloseVote(ctx context.Context, v teambot.Vote) error
	CreateVote(ctx context.Context, v *teambot.Vote) error
	Electorate(ctx context.Context, voteID int64) ([]teambot.Member, error)
	LockVote(ctx context.Context, teamID, id int64, now time.Time) (teambot.Vote, error)
	MembersActiveAt(ctx context.Context, teamID int64, at time.Time) (map[int64]bool, error)
	SetVoteRule(ctx context.Context, teamID int64, r teambot.VoteRule, at time.Time) error
	Turnout(ctx context.Context, voteID int64) ([]int64, error)
	VetoPassedVote(ctx context.Context, teamID, id int64, by, reason string, at time.Time) error
	VoteByID(ctx context.Context, teamID, id int64) (teambot.Vote, error)
	VoteRule(ctx context.Context, teamID int64) (teambot.VoteRule, error)
	Votes(ctx context.Context, f teambot.VoteFilter) ([]teambot.Vote, error)
	WithdrawBallot(ctx context.Context, b teambot.Ballot, memberID int64) (had bool, err error)
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }

// asTx is tx with this area's methods.
func asTx(tx commands.Tx) Tx { return commands.TxAs[Tx](tx) }
