package storage

import (
	"context"
	"fmt"
	"time"
)

// TakeRobotSlots reserves n sends for robot at now, if the robot has sent
// fewer than limit-n+1 messages in the window before now: the sends of
// every replica count, because the rows are shared and taken under a lock
// per robot (an advisory lock on PostgreSQL; SQLite has one writer). When
// there is no room, ok is false and next is when the oldest send in the
// window leaves it.
func (tx *Tx) TakeRobotSlots(ctx context.Context, robot string, n int, now time.Time, limit int, window time.Duration) (ok bool, next time.Time, err error) {
	if n < 1 || n > limit {
		return false, time.Time{}, fmt.Errorf("robot slots: %d sends, limit %d", n, limit)
	}
	if tx.dialect == Postgres {
		if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, "robot "+robot); err != nil {
			return false, time.Time{}, fmt.Errorf("lock robot slots: %w", err)
		}
	}
	var recent []time.Time
	if err := tx.selectRows(ctx, &recent, `SELECT sent_at FROM robot_sends WHERE robot = ? AND sent_at > ? ORDER BY sent_at`,
		robot, utc(now.Add(-window))); err != nil {
		return false, time.Time{}, fmt.Errorf("robot slots: %w", err)
	}
	if free := limit - len(recent); free < n {
		// The (n-free)-th oldest send must leave the window first.
		return false, recent[n-free-1].UTC().Add(window), nil
	}
	for range n {
		if _, err := tx.exec(ctx, `INSERT INTO robot_sends (robot, sent_at) VALUES (?, ?)`, robot, utc(now)); err != nil {
			return false, time.Time{}, fmt.Errorf("robot slots: %w", err)
		}
	}
	return true, time.Time{}, nil
}

// PruneRobotSends forgets the sends before before, and says how many.
func (tx *Tx) PruneRobotSends(ctx context.Context, before time.Time) (int64, error) {
	n, err := tx.exec(ctx, `DELETE FROM robot_sends WHERE sent_at <= ?`, utc(before))
	if err != nil {
		return 0, fmt.Errorf("prune robot sends: %w", err)
	}
	return n, nil
}
