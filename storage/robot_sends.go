package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"teambot"
)

// TakeRobotSlots reserves n sends for robot at now, if the robot has sent
// fewer than limit-n+1 messages in the window before now: the sends of
// every replica count, because the rows are shared and taken under a lock
// per robot (an advisory lock on PostgreSQL; SQLite has one writer). When
// there is no room, ok is false and next is when the oldest send in the
// window leaves it.
func (tx *Tx) TakeRobotSlots(ctx context.Context, robot string, n int, now time.Time, limit int, window time.Duration) (ok bool, next time.Time, err error) {
	req := []teambot.RobotSlots{{Robot: robot, N: n}}
	if err := tx.TakeRobotSlotsBatch(ctx, req, now, limit, window); err != nil {
		return false, time.Time{}, err
	}
	return req[0].OK, req[0].Next, nil
}

// TakeRobotSlotsBatch answers each request as TakeRobotSlots would, in
// order (two requests for one robot share its window), in four statements
// for the whole batch: the robots' locks taken in one order on every
// replica (so two never wait for each other), their sends in the window,
// and the sends taken.
func (tx *Tx) TakeRobotSlotsBatch(ctx context.Context, reqs []teambot.RobotSlots, now time.Time, limit int, window time.Duration) error {
	if len(reqs) == 0 {
		return nil
	}
	robots := make([]string, 0, len(reqs))
	for _, r := range reqs {
		if r.N < 1 || r.N > limit {
			return fmt.Errorf("robot slots: %d sends, limit %d", r.N, limit)
		}
		robots = append(robots, r.Robot)
	}
	slices.Sort(robots)
	robots = slices.Compact(robots)
	if tx.dialect == Postgres {
		// Locked in the order of their keys, the lock function called after
		// the sort (PostgreSQL evaluates a volatile output column above
		// ORDER BY).
		if err := tx.selectRows(ctx, new([]string), `SELECT pg_advisory_xact_lock(k)::text FROM
			(SELECT DISTINCT hashtext('robot ' || r) AS k FROM unnest(?::text[]) AS r) AS ks ORDER BY k`,
			pq.Array(robots)); err != nil {
			return fmt.Errorf("lock robot slots: %w", err)
		}
	}
	var rows []struct {
		Robot  string    `db:"robot"`
		SentAt time.Time `db:"sent_at"`
	}
	if err := tx.selectIn(ctx, &rows, `SELECT robot, sent_at FROM robot_sends WHERE robot IN (?) AND sent_at > ? ORDER BY robot, sent_at`,
		robots, utc(now.Add(-window))); err != nil {
		return fmt.Errorf("robot slots: %w", err)
	}
	recent := map[string][]time.Time{}
	for _, r := range rows {
		recent[r.Robot] = append(recent[r.Robot], r.SentAt.UTC())
	}
	var values []string
	var args []any
	for i := range reqs {
		r := &reqs[i]
		sent := recent[r.Robot]
		if free := limit - len(sent); free < r.N {
			// The (N-free)-th oldest send must leave the window first.
			r.OK, r.Next = false, sent[r.N-free-1].Add(window)
			continue
		}
		r.OK = true
		for range r.N {
			values, args = append(values, "(?, ?)"), append(args, r.Robot, utc(now))
			recent[r.Robot] = append(recent[r.Robot], now.UTC())
		}
	}
	if len(values) == 0 {
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO robot_sends (robot, sent_at) VALUES `+strings.Join(values, ", "), args...); err != nil {
		return fmt.Errorf("robot slots: %w", err)
	}
	return nil
}

// PruneRobotSends forgets the sends before before, and says how many.
func (tx *Tx) PruneRobotSends(ctx context.Context, before time.Time) (int64, error) {
	n, err := tx.exec(ctx, `DELETE FROM robot_sends WHERE sent_at <= ?`, utc(before))
	if err != nil {
		return 0, fmt.Errorf("prune robot sends: %w", err)
	}
	return n, nil
}
