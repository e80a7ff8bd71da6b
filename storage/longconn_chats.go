package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"teambot"
)

// Conversation kinds of the AI bot's long connection.
const (
	LongConnGroup  = "group"
	LongConnSingle = "single"
)

// NoteLongConnChat remembers that the conversation chatID (a group's
// chatid, or a member's userid for their single chat) wrote to the bot over
// the long connection at at: from then on the bot may push into it
// (docs/wecom-longconn.md §7).
func (tx *Tx) NoteLongConnChat(ctx context.Context, chatID, kind string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO longconn_chats (chat_id, kind, first_at, last_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (chat_id) DO UPDATE SET last_at = excluded.last_at`, chatID, kind, utc(at), utc(at))
	if err != nil {
		return fmt.Errorf("note long-connection chat: %w", err)
	}
	return nil
}

// LongConnChat says whether chatID of that kind has written to the bot over
// the long connection.
func (tx *Tx) LongConnChat(ctx context.Context, chatID, kind string) (bool, error) {
	var k string
	err := tx.get(ctx, &k, `SELECT kind FROM longconn_chats WHERE chat_id = ?`, chatID)
	if errors.Is(err, teambot.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("long-connection chat: %w", err)
	}
	return k == kind, nil
}

// Per conversation the long connection takes 30 messages a minute and 1000
// an hour, replies and pushes together (docs/wecom-longconn.md §7).
const (
	ConversationPerMinute = 30
	ConversationPerHour   = 1000
)

// TakeConversationSlots reserves n sends into the long-connection
// conversation chatID at now, counted across every replica in robot_sends
// (keyed "conv <chatID>"): ok false and the moment room frees when either
// limit is reached.
func (tx *Tx) TakeConversationSlots(ctx context.Context, chatID string, n int, now time.Time) (ok bool, next time.Time, err error) {
	if n < 1 || n > ConversationPerMinute {
		return false, time.Time{}, fmt.Errorf("conversation slots: %d sends", n)
	}
	key := "conv " + chatID
	if tx.dialect == Postgres {
		if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, "robot "+key); err != nil {
			return false, time.Time{}, fmt.Errorf("lock conversation slots: %w", err)
		}
	}
	var recent []time.Time
	if err := tx.selectRows(ctx, &recent, `SELECT sent_at FROM robot_sends WHERE robot = ? AND sent_at > ? ORDER BY sent_at`,
		key, utc(now.Add(-time.Hour))); err != nil {
		return false, time.Time{}, fmt.Errorf("conversation slots: %w", err)
	}
	if free := ConversationPerHour - len(recent); free < n {
		return false, recent[n-free-1].UTC().Add(time.Hour), nil
	}
	var lastMinute []time.Time
	for _, t := range recent {
		if t.After(now.Add(-time.Minute)) {
			lastMinute = append(lastMinute, t)
		}
	}
	if free := ConversationPerMinute - len(lastMinute); free < n {
		return false, lastMinute[n-free-1].UTC().Add(time.Minute), nil
	}
	for range n {
		if _, err := tx.exec(ctx, `INSERT INTO robot_sends (robot, sent_at) VALUES (?, ?)`, key, utc(now)); err != nil {
			return false, time.Time{}, fmt.Errorf("conversation slots: %w", err)
		}
	}
	return true, time.Time{}, nil
}
