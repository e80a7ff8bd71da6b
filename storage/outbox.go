package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"teambot"
)

// Enqueue stores outgoing messages, due now. Nothing is sent before its
// row is committed.
func (tx *Tx) Enqueue(ctx context.Context, msgs []teambot.Outgoing, now time.Time) error {
	for _, m := range msgs {
		_, err := tx.insert(ctx, `INSERT INTO outbox (team_id, channel, users, mentions, body, origin, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			sql.NullInt64{Int64: m.TeamID, Valid: m.TeamID != 0}, m.Channel, strings.Join(m.Users, ","),
			strings.Join(m.Mentions, ","), m.Text, m.Origin, utc(now), utc(now))
		if err != nil {
			return fmt.Errorf("enqueue %s: %w", m.Origin, err)
		}
	}
	return nil
}

type outboxRow struct {
	ID       int64         `db:"id"`
	TeamID   sql.NullInt64 `db:"team_id"`
	Channel  string        `db:"channel"`
	Users    string        `db:"users"`
	Mentions string        `db:"mentions"`
	Body     string        `db:"body"`
	Origin   string        `db:"origin"`
	Attempts int           `db:"attempts"`
}

func (r outboxRow) outgoing() teambot.Outgoing {
	return teambot.Outgoing{ID: r.ID, TeamID: r.TeamID.Int64, Channel: r.Channel, Users: splitList(r.Users),
		Mentions: splitList(r.Mentions), Text: r.Body, Origin: r.Origin}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// LeaseOutbox takes up to limit due messages for delivery: pending ones
// whose time has come, and ones whose earlier lease ran out (a sender that
// died). Each is leased until now+lease, so no other sender takes it
// meanwhile; on PostgreSQL, concurrent senders skip each other's rows.
// It returns the messages with the number of attempts before this one.
func (tx *Tx) LeaseOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]teambot.Outgoing, []int, error) {
	lock := ""
	if tx.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var rows []outboxRow
	err := tx.selectRows(ctx, &rows, `SELECT id, team_id, channel, users, mentions, body, origin, attempts FROM outbox
		WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until <= ?)
		ORDER BY id LIMIT ?`+lock, utc(now), utc(now), limit)
	if err != nil {
		return nil, nil, fmt.Errorf("lease outbox: %w", err)
	}
	msgs := make([]teambot.Outgoing, len(rows))
	attempts := make([]int, len(rows))
	for i, r := range rows {
		if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1 WHERE id = ?`,
			utc(now.Add(lease)), r.ID); err != nil {
			return nil, nil, fmt.Errorf("lease outbox message %d: %w", r.ID, err)
		}
		msgs[i], attempts[i] = r.outgoing(), r.Attempts
	}
	return msgs, attempts, nil
}

// MarkSent records a delivered message.
func (tx *Tx) MarkSent(ctx context.Context, id int64, now time.Time) error {
	return tx.setOutbox(ctx, id, `status = 'sent', sent_at = ?, lease_until = NULL, last_error = ''`, utc(now))
}

// RetryLater puts a message back for another attempt at a later time.
func (tx *Tx) RetryLater(ctx context.Context, id int64, at time.Time, why string) error {
	return tx.setOutbox(ctx, id, `status = 'pending', next_attempt_at = ?, lease_until = NULL, last_error = ?`, utc(at), why)
}

// MarkFailed gives up on a message for good.
func (tx *Tx) MarkFailed(ctx context.Context, id int64, why string) error {
	return tx.setOutbox(ctx, id, `status = 'failed', lease_until = NULL, last_error = ?`, why)
}

func (tx *Tx) setOutbox(ctx context.Context, id int64, set string, args ...any) error {
	if _, err := tx.exec(ctx, `UPDATE outbox SET `+set+` WHERE id = ?`, append(args, id)...); err != nil {
		return fmt.Errorf("update outbox message %d: %w", id, err)
	}
	return nil
}

// TeamByID finds a team by its id.
func (tx *Tx) TeamByID(ctx context.Context, id int64) (teambot.Team, error) {
	var r teamRow
	if err := tx.get(ctx, &r, `SELECT `+teamColumns+` FROM teams WHERE id = ?`, id); err != nil {
		return teambot.Team{}, fmt.Errorf("team %d: %w", id, err)
	}
	return r.team(), nil
}

// OutboxCounts tells how many messages are in each status, for tests and
// /metrics.
func (tx *Tx) OutboxCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := tx.selectRows(ctx, &rows, `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`); err != nil {
		return nil, fmt.Errorf("outbox counts: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
