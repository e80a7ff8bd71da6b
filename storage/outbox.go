package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"teambot"
)

// Enqueue stores outgoing messages, due now. Nothing is sent before its
// row is committed. A message's card and attachment are kept as JSON
// beside its text.
func (tx *Tx) Enqueue(ctx context.Context, msgs []teambot.Outgoing, now time.Time) error {
	// A hundred rows a statement: one statement per message was a round
	// trip each, and a tick enqueues a chunk of reminders at once. The
	// rows of one statement take their ids in the order listed, which
	// keeps a team's messages in order.
	for part := range slices.Chunk(msgs, 100) {
		values := make([]string, len(part))
		args := make([]any, 0, 14*len(part))
		for i, m := range part {
			card, err := encodeJSON(m.Card)
			if err != nil {
				return fmt.Errorf("enqueue %s: card: %w", m.Origin, err)
			}
			attachment, err := encodeJSON(m.Attachment)
			if err != nil {
				return fmt.Errorf("enqueue %s: attachment: %w", m.Origin, err)
			}
			values[i] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			args = append(args, sql.NullInt64{Int64: m.TeamID, Valid: m.TeamID != 0}, m.Channel, strings.Join(m.Users, ","),
				strings.Join(m.Mentions, ","), m.Text, m.Markdown, card, attachment, m.Origin, m.Via, m.Target, nullTime(m.NotAfter), utc(now), utc(now))
		}
		_, err := tx.exec(ctx, `INSERT INTO outbox (team_id, channel, users, mentions, body, markdown, card, attachment, origin, via, target, not_after,
			next_attempt_at, created_at) VALUES `+strings.Join(values, ", "), args...)
		if err != nil {
			return fmt.Errorf("enqueue %d messages (%s …): %w", len(part), part[0].Origin, err)
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
	Markdown bool          `db:"markdown"`
	Card     string        `db:"card"`
	Attach   string        `db:"attachment"`
	Origin   string        `db:"origin"`
	Attempts int           `db:"attempts"`
	Via      string        `db:"via"`
	Target   string        `db:"target"`
	NotAfter sql.NullTime  `db:"not_after"`
}

// outboxColumns are what outboxRow reads.
const outboxColumns = `id, team_id, channel, users, mentions, body, markdown, card, attachment, origin, attempts, via, target, not_after`

// outgoing is the message the row holds. A card or attachment that does
// not decode (a row written by a later version) is left out: the message
// goes as its text, which says the same, rather than stop every message
// queued behind it.
func (r outboxRow) outgoing() teambot.Outgoing {
	card, _ := decodeJSON[teambot.Card](r.Card)
	attachment, _ := decodeJSON[teambot.Attachment](r.Attach)
	return teambot.Outgoing{ID: r.ID, TeamID: r.TeamID.Int64, Channel: r.Channel, Users: splitList(r.Users),
		Mentions: splitList(r.Mentions), Text: r.Body, Markdown: r.Markdown, Card: card, Attachment: attachment, Origin: r.Origin,
		Via: r.Via, Target: r.Target, NotAfter: r.NotAfter.Time}
}

// encodeJSON is how a message's card or attachment is stored: JSON, or
// empty for none.
func encodeJSON[T any](v *T) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// decodeJSON reads a stored card or attachment back; empty is none.
func decodeJSON[T any](s string) (*T, error) {
	if s == "" {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return nil, err
	}
	return v, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// LeaseOutbox takes up to limit due messages for delivery: pending ones
// whose time has come, and ones whose earlier lease ran out (a sender that
// died). A team's group messages are taken one at a time, in the order
// they were queued: one waits while an earlier one is waiting or being
// sent (a message deferred for the robot's limit, or retried, holds the
// ones after it — they would go to the same robot anyway). Each is leased until now+lease under token, so no other sender
// takes it meanwhile; on PostgreSQL, concurrent senders skip each other's
// rows. It returns the messages with the number of attempts before this one.
func (tx *Tx) LeaseOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int, token string) ([]teambot.Outgoing, []int, error) {
	return tx.LeaseOutboxAfter(ctx, now, lease, limit, token, 0)
}

// LeaseOutboxAfter is LeaseOutbox among the messages with an id above
// afterID: a tick's next batch starts after the last it leased, instead of
// walking again past the index entries the messages it settled left behind.
// A message below it that became due meanwhile is leased on the next tick.
func (tx *Tx) LeaseOutboxAfter(ctx context.Context, now time.Time, lease time.Duration, limit int, token string, afterID int64) ([]teambot.Outgoing, []int, error) {
	lock := ""
	var was struct {
		Bitmap string `db:"bitmap"`
		Sort   string `db:"sort"`
		Set1   string `db:"set1"` // the settings made, unused
		Set2   string `db:"set2"`
	}
	if tx.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
		// Walk the unsettled rows in id order and stop at the limit. The
		// statistics of a quiet outbox say few rows are pending, and the
		// planner then reads every pending row and sorts them: in a
		// Monday's flood that is every row enqueued, on every lease
		// (50 ms a lease with 10 000 pending). For this statement only:
		// the settings are put back after it.
		if err := tx.get(ctx, &was, `SELECT current_setting('enable_bitmapscan') AS bitmap, current_setting('enable_sort') AS sort,
			set_config('enable_bitmapscan', 'off', true) AS set1, set_config('enable_sort', 'off', true) AS set2`); err != nil {
			return nil, nil, fmt.Errorf("lease outbox: %w", err)
		}
	}
	var rows []outboxRow
	// The statuses (teambot.OutboxPending and OutboxSending) are also
	// named as literals, as the partial indexes outbox_unsettled and
	// outbox_team_waiting do: a planner matches an index's condition only
	// to literals.
	err := tx.selectRows(ctx, &rows, `SELECT `+outboxColumns+` FROM outbox
		WHERE status IN ('pending', 'sending') AND id > ?
		AND ((status = ? AND next_attempt_at <= ?) OR (status = ? AND lease_until <= ?))
		AND NOT (channel = 'group' AND via = '' AND EXISTS (SELECT 1 FROM outbox e WHERE e.team_id = outbox.team_id AND e.id < outbox.id
			AND e.channel = 'group' AND e.via = '' AND e.status IN ('pending', 'sending')))
		ORDER BY id LIMIT ?`+lock, afterID, teambot.OutboxPending, utc(now), teambot.OutboxSending, utc(now), limit)
	if err == nil && tx.dialect == Postgres {
		_, err = tx.exec(ctx, `SELECT set_config('enable_bitmapscan', ?, true), set_config('enable_sort', ?, true)`, was.Bitmap, was.Sort)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("lease outbox: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil, nil
	}
	msgs := make([]teambot.Outgoing, len(rows))
	attempts := make([]int, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		msgs[i], attempts[i], ids[i] = r.outgoing(), r.Attempts, r.ID
	}
	// One statement for the batch: a statement per row was a round trip
	// each.
	q, args, err := sqlx.In(`UPDATE outbox SET status = ?, lease_until = ?, lease_token = ?, attempts = attempts + 1 WHERE id IN (?)`,
		teambot.OutboxSending, utc(now.Add(lease)), token, ids)
	if err == nil {
		_, err = tx.exec(ctx, q, args...)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("lease %d outbox messages: %w", len(ids), err)
	}
	return msgs, attempts, nil
}

// MarkSent records a delivered message.
func (tx *Tx) MarkSent(ctx context.Context, id int64, token string, now time.Time) error {
	return tx.settle(ctx, id, token, `status = ?, sent_at = ?, lease_until = NULL, last_error = ''`, teambot.OutboxSent, utc(now))
}

// MarkSentMany records delivered messages of one lease in one statement.
func (tx *Tx) MarkSentMany(ctx context.Context, ids []int64, token string, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`UPDATE outbox SET status = ?, sent_at = ?, lease_until = NULL, last_error = '' WHERE lease_token = ? AND id IN (?)`,
		teambot.OutboxSent, utc(now), token, ids)
	if err == nil {
		_, err = tx.exec(ctx, q, args...)
	}
	if err != nil {
		return fmt.Errorf("mark %d outbox messages sent: %w", len(ids), err)
	}
	return nil
}

// RetryLater puts a message back for another attempt at a later time.
// deferred means WeCom asked for a pause (rate limit): that attempt does not
// count towards giving up.
func (tx *Tx) RetryLater(ctx context.Context, id int64, token string, at time.Time, why string, deferred bool) error {
	set := `status = ?, next_attempt_at = ?, lease_until = NULL, last_error = ?`
	if deferred {
		set += `, attempts = attempts - 1`
	}
	return tx.settle(ctx, id, token, set, teambot.OutboxPending, utc(at), why)
}

// MarkFailed gives up on a message for good.
func (tx *Tx) MarkFailed(ctx context.Context, id int64, token, why string) error {
	return tx.settle(ctx, id, token, `status = ?, lease_until = NULL, last_error = ?`, teambot.OutboxFailed, why)
}

// settle records the outcome of a send, only under the caller's lease: a
// sender whose lease was taken over never overwrites the new holder's work.
func (tx *Tx) settle(ctx context.Context, id int64, token, set string, args ...any) error {
	if _, err := tx.exec(ctx, `UPDATE outbox SET `+set+` WHERE id = ? AND lease_token = ?`, append(args, id, token)...); err != nil {
		return fmt.Errorf("update outbox message %d: %w", id, err)
	}
	return nil
}

// ForgetOutboxBodies blanks the body and the card of every message sent
// before cutoff, and of every message given up on whose last attempt was
// due before it (R14: what members wrote is not kept longer than needed to
// send it). It keeps what the metrics and the digests read — status,
// channel, origin, times, attempts — and reports how many messages it
// blanked. A message with a card always has its text as the fallback, so
// the rows to blank are found by their body, as the index
// outbox_kept_bodies has them.
func (tx *Tx) ForgetOutboxBodies(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := tx.exec(ctx, `UPDATE outbox SET body = '', card = '', target = '' WHERE body <> ''
		AND ((status = ? AND sent_at <= ?) OR (status = ? AND next_attempt_at <= ?))`,
		teambot.OutboxSent, utc(cutoff), teambot.OutboxFailed, utc(cutoff))
	if err != nil {
		return 0, fmt.Errorf("forget outbox bodies sent before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	return n, nil
}

// TeamByID finds a team by its id.
func (tx *Tx) TeamByID(ctx context.Context, id int64) (teambot.Team, error) {
	var r teamRow
	if err := tx.get(ctx, &r, `SELECT `+teamColumns+` FROM teams WHERE id = ?`, id); err != nil {
		return teambot.Team{}, fmt.Errorf("team %d: %w", id, err)
	}
	return r.team(), nil
}

// TeamsByIDs reads teams in one statement; an id without a team is left
// out.
func (tx *Tx) TeamsByIDs(ctx context.Context, ids []int64) (map[int64]teambot.Team, error) {
	out := map[int64]teambot.Team{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []teamRow
	if err := tx.selectIn(ctx, &rows, `SELECT `+teamColumns+` FROM teams WHERE id IN (?)`, ids); err != nil {
		return nil, fmt.Errorf("%d teams: %w", len(ids), err)
	}
	for _, r := range rows {
		t := r.team()
		out[t.ID] = t
	}
	return out, nil
}

// OutboxCounts tells how many messages are in each status, for tests and
// /metrics.
func (tx *Tx) OutboxCounts(ctx context.Context) (map[teambot.OutboxStatus]int, error) {
	var rows []struct {
		Status teambot.OutboxStatus `db:"status"`
		N      int                  `db:"n"`
	}
	if err := tx.selectRows(ctx, &rows, `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`); err != nil {
		return nil, fmt.Errorf("outbox counts: %w", err)
	}
	out := map[teambot.OutboxStatus]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
