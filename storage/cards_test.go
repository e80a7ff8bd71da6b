package storage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A card's task id resolves to what the card stands for, in UTC; an
// unknown one is not found, and a task id is never stored twice.
func TestCardTasks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "g-cards")
		task := teambot.CardTask{TaskID: "vote-42_a@b", TeamID: team.ID, Kind: teambot.CardVote, Subject: 42, CreatedAt: t0}
		update(t, db, func(tx *storage.Tx) error { return tx.NewCardTask(ctx, task) })

		var got teambot.CardTask
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.CardTask(ctx, "vote-42_a@b"); return err })
		want := teambot.CardTask{TaskID: "vote-42_a@b", TeamID: team.ID, Kind: teambot.CardVote, Subject: 42,
			CreatedAt: t0.UTC().Truncate(time.Microsecond)}
		if got != want {
			t.Errorf("CardTask = %+v, want %+v", got, want)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt location = %v, want UTC", got.CreatedAt.Location())
		}

		err := db.View(ctx, func(tx *storage.Tx) error { _, err := tx.CardTask(ctx, "nope"); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("CardTask(unknown): err = %v, want ErrNotFound", err)
		}

		err = db.Update(ctx, func(tx *storage.Tx) error {
			return tx.NewCardTask(ctx, teambot.CardTask{TaskID: "vote-42_a@b", TeamID: team.ID, Kind: teambot.CardLeave, Subject: 7, CreatedAt: t0})
		})
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("second task with the same id: err = %v, want ErrDuplicate", err)
		}
		// The refused one changed nothing.
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.CardTask(ctx, "vote-42_a@b"); return err })
		if got != want {
			t.Errorf("after the refused duplicate CardTask = %+v, want %+v", got, want)
		}

		// A task id longer than WeCom's 128 bytes is refused.
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.NewCardTask(ctx, teambot.CardTask{TaskID: strings.Repeat("x", 129), TeamID: team.ID, Kind: teambot.CardVote, Subject: 1, CreatedAt: t0})
		}); err == nil {
			t.Error("a 129-byte task id was stored")
		}
	})
}

// A supervisor waits for one reason at a time: a second click replaces the
// first; the reason is taken once, and one that ran out is dropped unused.
func TestCardReasons(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "g-reasons")
		update(t, db, func(tx *storage.Tx) error {
			for _, id := range []string{"leave-1", "join-2", "leave-3"} {
				if err := tx.NewCardTask(ctx, teambot.CardTask{TaskID: id, TeamID: team.ID, Kind: teambot.CardLeave, Subject: 1, CreatedAt: t0}); err != nil {
					return err
				}
			}
			return nil
		})
		take := func(userID string, now time.Time) (teambot.CardReason, bool) {
			t.Helper()
			var r teambot.CardReason
			var ok bool
			update(t, db, func(tx *storage.Tx) (err error) { r, ok, err = tx.TakeCardReason(ctx, userID, now); return err })
			return r, ok
		}

		until := t0.Add(10 * time.Minute)
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "leave-1", Key: "reject", Until: until}); err != nil {
				return err
			}
			return tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "join-2", Key: "reject_join", Until: until.Add(time.Minute)})
		})
		got, ok := take("boss", t0)
		want := teambot.CardReason{UserID: "boss", TaskID: "join-2", Key: "reject_join", Until: until.Add(time.Minute).UTC().Truncate(time.Microsecond)}
		if !ok || got != want {
			t.Errorf("TakeCardReason = %+v, %v; want %+v, true", got, ok, want)
		}
		if got.Until.Location() != time.UTC {
			t.Errorf("Until location = %v, want UTC", got.Until.Location())
		}
		if got, ok := take("boss", t0); ok || got != (teambot.CardReason{}) {
			t.Errorf("second TakeCardReason = %+v, %v; want nothing", got, ok)
		}
		if got, ok := take("nobody", t0); ok || got != (teambot.CardReason{}) {
			t.Errorf("TakeCardReason(no reason awaited) = %+v, %v; want nothing", got, ok)
		}

		// Until is exclusive: at Until the reason has run out, and it is
		// gone even for an earlier now afterwards.
		update(t, db, func(tx *storage.Tx) error {
			return tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "leave-3", Key: "reject", Until: until})
		})
		if got, ok := take("boss", until); ok || got != (teambot.CardReason{}) {
			t.Errorf("TakeCardReason at Until = %+v, %v; want nothing", got, ok)
		}
		if got, ok := take("boss", t0); ok {
			t.Errorf("expired reason was kept: TakeCardReason = %+v", got)
		}

		// Dropped, it is not taken; dropping none is no error. Another
		// user's reason stays.
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "leave-3", Key: "reject", Until: until}); err != nil {
				return err
			}
			if err := tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "deputy", TaskID: "leave-1", Key: "reject", Until: until}); err != nil {
				return err
			}
			if err := tx.DropCardReason(ctx, "boss"); err != nil {
				return err
			}
			return tx.DropCardReason(ctx, "boss")
		})
		if got, ok := take("boss", t0); ok {
			t.Errorf("dropped reason was taken: %+v", got)
		}
		if got, ok := take("deputy", t0); !ok || got.TaskID != "leave-1" {
			t.Errorf("deputy's reason = %+v, %v; want leave-1", got, ok)
		}

		// A reason is for a stored card only.
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "no-such-card", Key: "reject", Until: until})
		}); err == nil {
			t.Error("a reason for an unknown card was stored")
		}
	})
}
