package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"teambot"
)

type cardTaskRow struct {
	TaskID    string    `db:"task_id"`
	TeamID    int64     `db:"team_id"`
	Kind      string    `db:"kind"`
	Subject   int64     `db:"subject"`
	CreatedAt time.Time `db:"created_at"`
}

// NewCardTask stores what a card's task id stands for, when the card is
// made: a click on it is later resolved from this row alone. A task id
// already stored is teambot.ErrDuplicate.
func (tx *Tx) NewCardTask(ctx context.Context, t teambot.CardTask) error {
	if _, err := tx.exec(ctx, `INSERT INTO card_tasks (task_id, team_id, kind, subject, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.TaskID, t.TeamID, t.Kind, t.Subject, utc(t.CreatedAt)); err != nil {
		return fmt.Errorf("card task %q: %w", t.TaskID, err)
	}
	return nil
}

// CardTask is what the card with taskID stands for; an unknown task id is
// teambot.ErrNotFound.
func (tx *Tx) CardTask(ctx context.Context, taskID string) (teambot.CardTask, error) {
	var r cardTaskRow
	if err := tx.get(ctx, &r, `SELECT task_id, team_id, kind, subject, created_at FROM card_tasks WHERE task_id = ?`, taskID); err != nil {
		return teambot.CardTask{}, fmt.Errorf("card task %q: %w", taskID, err)
	}
	return teambot.CardTask{TaskID: r.TaskID, TeamID: r.TeamID, Kind: r.Kind, Subject: r.Subject, CreatedAt: r.CreatedAt.UTC()}, nil
}

// AwaitCardReason records that the user's next message is the reason for
// the button w.Key they clicked on the card w.TaskID, until w.Until. A user
// waits for one reason at a time: a later click replaces the earlier one.
func (tx *Tx) AwaitCardReason(ctx context.Context, w teambot.CardReason) error {
	_, err := tx.exec(ctx, `INSERT INTO card_reasons (user_id, task_id, button_key, until_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET task_id = excluded.task_id, button_key = excluded.button_key, until_at = excluded.until_at`,
		w.UserID, w.TaskID, w.Key, utc(w.Until))
	if err != nil {
		return fmt.Errorf("await reason of %q for card %q: %w", w.UserID, w.TaskID, err)
	}
	return nil
}

// TakeCardReason removes the reason the user was asked for, if any, and
// returns it with ok true when it is still awaited at now (Until after
// now). One that ran out is removed all the same and ok is false: the
// message is then an ordinary one.
func (tx *Tx) TakeCardReason(ctx context.Context, userID string, now time.Time) (teambot.CardReason, bool, error) {
	var r struct {
		UserID string    `db:"user_id"`
		TaskID string    `db:"task_id"`
		Key    string    `db:"button_key"`
		Until  time.Time `db:"until_at"`
	}
	// Nearly every message finds none waiting: a read says so, and the
	// transaction writes nothing (a message that writes nothing costs no
	// commit). One found is removed, and taken by the message whose
	// removal returned it.
	err := tx.get(ctx, &r, `SELECT user_id FROM card_reasons WHERE user_id = ?`, userID)
	if err == nil {
		err = tx.get(ctx, &r, `DELETE FROM card_reasons WHERE user_id = ? RETURNING user_id, task_id, button_key, until_at`, userID)
	}
	if errors.Is(err, teambot.ErrNotFound) {
		return teambot.CardReason{}, false, nil
	}
	if err != nil {
		return teambot.CardReason{}, false, fmt.Errorf("take reason of %q: %w", userID, err)
	}
	if !r.Until.After(now) {
		return teambot.CardReason{}, false, nil
	}
	return teambot.CardReason{UserID: r.UserID, TaskID: r.TaskID, Key: r.Key, Until: r.Until.UTC()}, true, nil
}

// DropCardReason forgets the reason the user was asked for, if any (they
// cancelled, or the matter was settled another way).
func (tx *Tx) DropCardReason(ctx context.Context, userID string) error {
	if _, err := tx.exec(ctx, `DELETE FROM card_reasons WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("drop reason of %q: %w", userID, err)
	}
	return nil
}
