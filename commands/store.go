package commands

import (
	"context"
	"fmt"
	"time"

	"teambot"
)

// Tx is what command handlers need from one database transaction.
// *storage.Tx satisfies it; the commands package never imports storage.
type Tx interface {
	CreateTeam(ctx context.Context, t *teambot.Team) error
	EnsureTeam(ctx context.Context, t *teambot.Team) (created bool, err error)
	TeamByChat(ctx context.Context, chatID string) (teambot.Team, error)

	TeamsOfUser(ctx context.Context, userID string) ([]teambot.Team, error)
	TeamByID(ctx context.Context, id int64) (teambot.Team, error)

	// Cards (card.go): what a card's task id stands for, and a reason a
	// click waits for.
	NewCardTask(ctx context.Context, t teambot.CardTask) error
	CardTask(ctx context.Context, taskID string) (teambot.CardTask, error)
	AwaitCardReason(ctx context.Context, w teambot.CardReason) error
	TakeCardReason(ctx context.Context, userID string, now time.Time) (teambot.CardReason, bool, error)
	DropCardReason(ctx context.Context, userID string) error
	ChosenTeam(ctx context.Context, userID string) (int64, error)
	SetPushKey(ctx context.Context, teamID int64, sealed string) error
	MarkPushBroken(ctx context.Context, teamID int64, at time.Time) error

	RenameMember(ctx context.Context, memberID int64, name string) error
	MemberByUser(ctx context.Context, teamID int64, userID string) (teambot.Member, error)
	ActiveMembers(ctx context.Context, teamID int64) ([]teambot.Member, error)

	CurrentReports(ctx context.Context, teamID int64, week teambot.Week) ([]teambot.Report, error)
	WeekClosed(ctx context.Context, teamID int64, week teambot.Week) (teambot.WeekClosure, bool, error)
	ReportDeadline(ctx context.Context, teamID int64) (teambot.WeeklyDeadline, error)

	Leaves(ctx context.Context, f teambot.LeaveFilter) ([]teambot.Leave, error)

	MeetingByID(ctx context.Context, teamID, id int64) (teambot.Meeting, error)

	LockTeam(ctx context.Context, teamID int64) (teambot.Team, error)
	WasSupervisor(ctx context.Context, teamID int64, userID string) (bool, error)
	PendingJoinRequests(ctx context.Context, teamID int64) ([]teambot.JoinRequest, error)
	PendingJoinRequest(ctx context.Context, teamID int64, userID string) (teambot.JoinRequest, error)
	TeamsAwaitingUser(ctx context.Context, userID string) ([]teambot.Team, error)

	Audit(ctx context.Context, e *teambot.AuditEntry) error
	Enqueue(ctx context.Context, msgs []teambot.Outgoing, now time.Time) error
	// A message's id and answer (handled.go).
	ArriveInGroup(ctx context.Context, msg teambot.Message) (team teambot.Team, sender teambot.Member, first bool, err error)
	HandledBefore(ctx context.Context, source, msgID string) (kept teambot.KeptReply, seen bool, err error)
	RecordHandled(ctx context.Context, source, msgID string, at time.Time, r teambot.KeptReply) (first bool, err error)
	// Wrote reports whether the transaction has written anything.
	Wrote() bool
	Savepoint(ctx context.Context, name string) error
	Release(name string)

	TeamJobs(ctx context.Context, teamID int64) ([]teambot.Job, error)
	SetJob(ctx context.Context, j teambot.Job, now time.Time) error
	LastSent(ctx context.Context, teamID int64, job string) (time.Time, bool, error)
	TeamDays(ctx context.Context, teamID int64) ([]teambot.DayOverride, error)
	SetTeamDay(ctx context.Context, teamID int64, d teambot.DayOverride) error
	RemoveTeamDay(ctx context.Context, teamID int64, day teambot.Date) error
	RollbackTo(ctx context.Context, name string) error
}

// Sealer encrypts secrets the records must keep, such as a team's webhook
// key, so that the database alone never holds them in the clear.
type Sealer interface {
	Seal(plain string) (string, error)
	Open(sealed string) (string, error)
}

// Store runs a function in one transaction: committed when it returns nil,
// rolled back otherwise.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
}

// StoreOf adapts a database whose transaction type satisfies Tx, such as
// (*storage.DB).Update, to a Store.
func StoreOf[T Tx](update func(context.Context, func(T) error) error) Store {
	return teambot.StoreOf(update, func(tx T) Tx { return tx })
}

// TxAs is tx as an area's own transaction interface T (the core's Tx and
// the methods of the area's records, see package rulebook), looking
// through the wrappers the engine puts around the database's transaction
// (their Unwrap). An area's methods read and write its own records only,
// so a wrapper that changes what the core's methods do (such as splitTx's
// Enqueue) stays in force. It panics when the database's transaction
// lacks T's methods: rulebook's tests check at compile time that
// *storage.Tx has them all.
func TxAs[T Tx](tx Tx) T {
	for {
		if t, ok := tx.(T); ok {
			return t
		}
		w, ok := tx.(interface{ Unwrap() Tx })
		if !ok {
			panic(fmt.Sprintf("commands: transaction %T has not the methods of %T", tx, *new(T)))
		}
		tx = w.Unwrap()
	}
}
