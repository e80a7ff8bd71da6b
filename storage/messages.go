package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"teambot"
)

// RecordHandled records that a message id from a source (an endpoint) has
// been handled, with the answer given to it, so that a retried callback
// runs once even across restarts and is answered the same (for as long as
// the id is kept; PruneProcessed forgets both). It reports false, and
// changes nothing, when the id was recorded before — by a concurrent run of
// the same message that committed first, once this statement has waited
// for it.
func (tx *Tx) RecordHandled(ctx context.Context, source, msgID string, at time.Time, r teambot.KeptReply) (first bool, err error) {
	var text any
	if r.Kept {
		text = r.Text
	}
	n, err := tx.exec(ctx, `INSERT INTO processed_messages (source, msg_id, received_at, reply, reply_sealed, reply_private, reply_mentions)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, msg_id) DO NOTHING`,
		source, msgID, utc(at), text, r.Sealed, r.Private, strings.Join(r.Mentions, ","))
	if err != nil {
		return false, fmt.Errorf("record message %s/%s handled: %w", source, msgID, err)
	}
	return n == 1, nil
}

// ArriveInGroup reads what a message to a group chat needs first — the
// chat's team and the sender's membership, roles included (a zero Member
// when the sender was never in the team) — and whether the message's id
// was recorded as handled before: first is false for a repeat. It records
// nothing (RecordHandled does, with the answer). A message without a
// source or id (the console's) is always first. On PostgreSQL it is one
// statement, so one round trip for what is otherwise three. A chat with no
// team yet is teambot.ErrNotFound.
func (tx *Tx) ArriveInGroup(ctx context.Context, msg teambot.Message) (team teambot.Team, sender teambot.Member, first bool, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("message %s/%s to chat %q from %q: %w", msg.Source, msg.ID, msg.ChatID, msg.UserID, err)
		}
	}()
	record := msg.Source != "" && msg.ID != ""
	if tx.dialect != Postgres {
		// SQLite's statements cost no round trip: the plain ones, one
		// after another.
		if team, err = tx.TeamByChat(ctx, msg.ChatID); err != nil {
			return team, sender, false, err
		}
		first = true
		if record {
			var seen bool
			if _, seen, err = tx.HandledBefore(ctx, msg.Source, msg.ID); err != nil {
				return team, sender, false, err
			}
			first = !seen
		}
		sender, err = tx.MemberByUser(ctx, team.ID, msg.UserID)
		if errors.Is(err, teambot.ErrNotFound) {
			return team, teambot.Member{}, first, nil
		}
		return team, sender, first, err
	}
	var row arrivalRow
	if record {
		err = tx.get(ctx, &row, `SELECT NOT EXISTS (SELECT 1 FROM processed_messages WHERE source = ? AND msg_id = ?) AS first, `+arrivalColumns,
			msg.Source, msg.ID, msg.UserID, msg.ChatID)
	} else {
		err = tx.get(ctx, &row, `SELECT true AS first, `+arrivalColumns, msg.UserID, msg.ChatID)
	}
	if err != nil {
		return team, sender, false, err
	}
	if row.MemberID.Valid {
		sender = memberRolesRow{memberRow: memberRow{
			ID: row.MemberID.Int64, TeamID: row.teamRow.ID, UserID: msg.UserID,
			Name: row.MemberName.String, Status: row.MemberStatus.String, JoinedAt: row.MemberJoinedAt.Time,
		}, Roles: row.MemberRoles}.member()
	}
	return row.team(), sender, row.First, nil
}

// arrivalColumns are the columns and FROM of ArriveInGroup's query after
// its first column, with two parameters: the sender's userid and the chat.
const arrivalColumns = `t.id, t.chat_id, t.name, t.time_zone, t.term_start, t.term_end, t.join_mode, t.created_at, t.push_key, t.push_broken_at,
		m.id AS member_id, m.name AS member_name, m.status AS member_status, m.joined_at AS member_joined_at,
		` + memberRoles + ` AS member_roles
	FROM teams t LEFT JOIN members m ON m.team_id = t.id AND m.user_id = ?
	WHERE t.chat_id = ?`

// arrivalRow is a row of ArriveInGroup's query: the member's columns are
// NULL when the sender was never in the team.
type arrivalRow struct {
	First bool `db:"first"`
	teamRow
	MemberID       sql.NullInt64  `db:"member_id"`
	MemberName     sql.NullString `db:"member_name"`
	MemberStatus   sql.NullString `db:"member_status"`
	MemberJoinedAt sql.NullTime   `db:"member_joined_at"`
	MemberRoles    sql.NullString `db:"member_roles"`
}

// PruneProcessed forgets message ids received before cutoff and reports how
// many it removed.
func (tx *Tx) PruneProcessed(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := tx.exec(ctx, `DELETE FROM processed_messages WHERE received_at < ?`, utc(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune processed messages: %w", err)
	}
	return n, nil
}

// HandledBefore reports whether a message id was recorded as handled, and
// the answer kept with it (Kept is false when there is none).
func (tx *Tx) HandledBefore(ctx context.Context, source, msgID string) (kept teambot.KeptReply, seen bool, err error) {
	var row struct {
		Reply    sql.NullString `db:"reply"`
		Sealed   bool           `db:"reply_sealed"`
		Private  bool           `db:"reply_private"`
		Mentions string         `db:"reply_mentions"`
	}
	err = tx.get(ctx, &row, `SELECT reply, reply_sealed, reply_private, reply_mentions FROM processed_messages
		WHERE source = ? AND msg_id = ?`, source, msgID)
	if errors.Is(err, teambot.ErrNotFound) {
		return teambot.KeptReply{}, false, nil
	}
	if err != nil {
		return teambot.KeptReply{}, false, fmt.Errorf("the answer kept for message %s/%s: %w", source, msgID, err)
	}
	return teambot.KeptReply{Kept: row.Reply.Valid, Sealed: row.Sealed,
		Reply: teambot.Reply{Text: row.Reply.String, Private: row.Private, Mentions: splitList(row.Mentions)}}, true, nil
}
