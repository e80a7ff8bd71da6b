package scheduler

import (
	"context"
	"time"

	"teambot"
)

// Tx is what the reminder engine and the outbox need from one transaction;
// *storage.Tx satisfies it.
type Tx interface {
	EnsureJobs(ctx context.Context, jobs []teambot.Job, afterTeam int64, now time.Time) (int64, error)
	EnabledJobs(ctx context.Context) ([]teambot.Job, error)
	LeaseDueJobs(ctx context.Context, now, until time.Time, limit int, after teambot.DueKey) ([]teambot.Job, teambot.DueKey, error)
	SetJobsDue(ctx context.Context, due []teambot.JobDue, leased time.Time) error
	FiringsOfTeams(ctx context.Context, teamIDs []int64, since time.Time) (map[teambot.FiringKey]bool, error)
	ClaimFiring(ctx context.Context, k teambot.FiringKey, fireAt time.Time, outcome teambot.FiringOutcome, now time.Time) (bool, error)
	ClaimFirings(ctx context.Context, claims []teambot.FiringClaim, now time.Time) (map[teambot.FiringKey]bool, error)
	ClaimNotice(ctx context.Context, key string, now time.Time) (bool, error)
	TeamDays(ctx context.Context, teamID int64) ([]teambot.DayOverride, error)
	DaysOfTeams(ctx context.Context, teamIDs []int64) (map[int64][]teambot.DayOverride, error)

	Enqueue(ctx context.Context, msgs []teambot.Outgoing, now time.Time) error
	LeaseOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int, token string) ([]teambot.Outgoing, []int, error)
	LeaseOutboxAfter(ctx context.Context, now time.Time, lease time.Duration, limit int, token string, afterID int64) ([]teambot.Outgoing, []int, error)
	MarkSent(ctx context.Context, id int64, token string, now time.Time) error
	RetryLater(ctx context.Context, id int64, token string, at time.Time, why string, deferred bool) error
	MarkFailed(ctx context.Context, id int64, token, why string) error
	TeamByID(ctx context.Context, id int64) (teambot.Team, error)
	TeamsByIDs(ctx context.Context, ids []int64) (map[int64]teambot.Team, error)
	MarkSentMany(ctx context.Context, ids []int64, token string, now time.Time) error
	TakeRobotSlotsBatch(ctx context.Context, reqs []teambot.RobotSlots, now time.Time, limit int, window time.Duration) error
}

// Store runs a function in one transaction.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
}

// StoreOf adapts (*storage.DB).Update, or any database whose transaction
// satisfies Tx, to a Store.
func StoreOf[T Tx](update func(context.Context, func(T) error) error) Store {
	return teambot.StoreOf(update, func(tx T) Tx { return tx })
}
