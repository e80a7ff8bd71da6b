package storage_test

import (
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// R14: a message sent (or given up on) longer ago than the retention keeps
// no body; what the metrics read — status, times, counts — stays, and a
// message still waiting, or sent more recently, keeps its body.
func TestForgetOutboxBodies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		const week = 7 * 24 * time.Hour
		msg := func(text string) []teambot.Outgoing {
			return []teambot.Outgoing{{TeamID: 0, Channel: teambot.ToUsers, Users: []string{"boss"}, Text: text, Origin: "test"}}
		}
		for _, text := range []string{"old sent", "old failed", "recent sent", "waiting"} {
			update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msg(text), t0) })
		}
		var leased []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			leased, _, err = tx.LeaseOutbox(ctx, t0, time.Minute, 3, "tok")
			return err
		})
		if len(leased) != 3 {
			t.Fatalf("leased %d rows, want 3", len(leased))
		}
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.MarkSent(ctx, leased[0].ID, "tok", t0.Add(time.Minute)); err != nil {
				return err
			}
			if err := tx.MarkFailed(ctx, leased[1].ID, "tok", "gone"); err != nil {
				return err
			}
			return tx.MarkSent(ctx, leased[2].ID, "tok", t0.Add(2*24*time.Hour))
		})
		counts := func() map[teambot.OutboxStatus]int {
			var c map[teambot.OutboxStatus]int
			if err := db.View(ctx, func(tx *storage.Tx) (err error) { c, err = tx.OutboxCounts(ctx); return err }); err != nil {
				t.Fatal(err)
			}
			return c
		}
		before := counts()

		// A day short of the retention nothing goes; a week after, the
		// two old ones do.
		for _, tc := range []struct {
			now  time.Time
			want int64
		}{{t0.Add(week - time.Hour), 0}, {t0.Add(week + time.Hour), 2}, {t0.Add(week + 2*time.Hour), 0}} {
			var n int64
			update(t, db, func(tx *storage.Tx) (err error) { n, err = tx.ForgetOutboxBodies(ctx, tc.now.Add(-week)); return err })
			if n != tc.want {
				t.Errorf("at %s: forgot %d bodies, want %d", tc.now, n, tc.want)
			}
		}
		want := map[int64]string{leased[0].ID: "", leased[1].ID: "", leased[2].ID: "recent sent"}
		update(t, db, func(tx *storage.Tx) error {
			for id, w := range want {
				if body, err := tx.OutboxBody(ctx, id); err != nil || body != w {
					t.Errorf("row %d: body %q, %v; want %q", id, body, err, w)
				}
			}
			return nil
		})
		after := counts()
		if len(after) != len(before) || after["sent"] != before["sent"] || after["failed"] != before["failed"] || after["pending"] != 1 {
			t.Errorf("counts %v after forgetting, were %v", after, before)
		}
		// The waiting message is still sent whole.
		update(t, db, func(tx *storage.Tx) error {
			got, _, err := tx.LeaseOutbox(ctx, t0.Add(week+3*time.Hour), time.Minute, 5, "tok2")
			if err == nil && (len(got) != 1 || got[0].Text != "waiting") {
				t.Errorf("leased %+v, want the waiting message", got)
			}
			return err
		})
	})
}

// A late answer keeps its way, sealed target and expiry through the
// outbox, and does not wait behind its team's group messages: it goes
// another way, so the team's order does not hold it.
func TestOutboxKeepsLateAnswersWay(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := teambot.Team{ChatID: "g-late", TimeZone: "Asia/Shanghai", CreatedAt: t0}
		late := teambot.Outgoing{Channel: teambot.ToGroup, Text: "迟到的回答", Markdown: true, Origin: "late",
			Via: teambot.ViaResponseURL, Target: "v1:sealed-url", NotAfter: t0.Add(time.Hour)}
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.CreateTeam(ctx, &team); err != nil {
				return err
			}
			late.TeamID = team.ID
			return tx.Enqueue(ctx, []teambot.Outgoing{{TeamID: team.ID, Channel: teambot.ToGroup, Text: "提醒", Origin: "reminder"}, late}, t0)
		})
		var leased []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			leased, _, err = tx.LeaseOutbox(ctx, t0, time.Minute, 1, "tok")
			return err
		})
		if len(leased) != 1 || leased[0].Origin != "reminder" {
			t.Fatalf("first lease %+v, want the reminder", leased)
		}
		// The reminder is being sent; the late answer goes meanwhile.
		update(t, db, func(tx *storage.Tx) (err error) {
			leased, _, err = tx.LeaseOutbox(ctx, t0, time.Minute, 5, "tok2")
			return err
		})
		if len(leased) != 1 {
			t.Fatalf("second lease %+v, want the late answer", leased)
		}
		got := leased[0]
		if got.Via != late.Via || got.Target != late.Target || !got.NotAfter.Equal(late.NotAfter.Truncate(time.Microsecond)) || !got.Markdown || got.TeamID != team.ID {
			t.Errorf("leased %+v, want %+v", got, late)
		}
	})
}
