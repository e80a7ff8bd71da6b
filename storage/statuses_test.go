package storage_test

import (
	"maps"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// The typed outbox statuses are the values the outbox table holds: a message
// in each status is counted under its constant, on both databases.
func TestOutboxStatusesAreStored(t *testing.T) {
	stored := map[teambot.OutboxStatus]string{
		teambot.OutboxPending: "pending", teambot.OutboxSending: "sending",
		teambot.OutboxSent: "sent", teambot.OutboxFailed: "failed",
	}
	for status, want := range stored {
		if string(status) != want {
			t.Errorf("status %q is stored as %q in existing databases", status, want)
		}
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		var msgs []teambot.Outgoing
		for _, text := range []string{"sent", "failed", "retried", "leased", "waiting"} {
			msgs = append(msgs, teambot.Outgoing{Channel: teambot.ToUsers, Users: []string{"boss"}, Text: text, Origin: "test"})
		}
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msgs, t0) })
		update(t, db, func(tx *storage.Tx) error {
			leased, _, err := tx.LeaseOutbox(ctx, t0, time.Minute, 4, "tok")
			if err != nil || len(leased) != 4 {
				t.Fatalf("leased %d messages, %v; want 4", len(leased), err)
			}
			if err := tx.MarkSent(ctx, leased[0].ID, "tok", t0); err != nil {
				return err
			}
			if err := tx.MarkFailed(ctx, leased[1].ID, "tok", "given up"); err != nil {
				return err
			}
			return tx.RetryLater(ctx, leased[2].ID, "tok", t0.Add(time.Hour), "busy", false)
		})
		var counts map[teambot.OutboxStatus]int
		update(t, db, func(tx *storage.Tx) (err error) { counts, err = tx.OutboxCounts(ctx); return err })
		want := map[teambot.OutboxStatus]int{teambot.OutboxSent: 1, teambot.OutboxFailed: 1, teambot.OutboxPending: 2, teambot.OutboxSending: 1}
		if !maps.Equal(counts, want) {
			t.Errorf("outbox counts %v, want %v", counts, want)
		}
	})
}

// The typed firing outcomes are the values the firings table accepts (its
// CHECK lists them), and nothing else is.
func TestFiringOutcomesAreStored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "g1")
		claim := func(i int, outcome teambot.FiringOutcome) error {
			key := teambot.FiringKey{TeamID: team.ID, Job: "report_open", Nominal: t0.Add(time.Duration(i) * time.Hour).UTC()}
			return db.Update(ctx, func(tx *storage.Tx) error {
				claimed, err := tx.ClaimFiring(ctx, key, t0, outcome, t0)
				if err == nil && !claimed {
					t.Errorf("firing %d (%s) was not claimed", i, outcome)
				}
				return err
			})
		}
		for i, outcome := range []teambot.FiringOutcome{teambot.FiringSent, teambot.FiringNothing, teambot.FiringMissed, teambot.FiringNoWorkday} {
			if err := claim(i, outcome); err != nil {
				t.Errorf("outcome %q refused: %v", outcome, err)
			}
		}
		if err := claim(9, "skipped"); err == nil {
			t.Error("an outcome the table does not list was stored")
		}
	})
}
