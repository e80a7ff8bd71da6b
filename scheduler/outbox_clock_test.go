package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"teambot"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// clockedDeliverer takes a minute and a second of the outbox's clock per
// message, as a slow WeCom would.
type clockedDeliverer struct {
	now  *time.Time
	sent []string
}

func (d *clockedDeliverer) Deliver(_ context.Context, _ teambot.Team, m teambot.Outgoing) error {
	*d.now = d.now.Add(61 * time.Second)
	d.sent = append(d.sent, m.Text)
	return nil
}

// The outbox measures a tick on its injected clock, like every other part of
// the scheduler: once half the lease (2 min) has passed on that clock, the
// rest of the batch waits for a later tick, however little wall time went by.
func TestOutboxMeasuresTimeOnItsClock(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		now := at(shanghai, 2026, 11, 30, 9, 0)
		var msgs []teambot.Outgoing
		for _, text := range []string{"一", "二", "三"} {
			msgs = append(msgs, teambot.Outgoing{Channel: teambot.ToUsers, Users: []string{"boss"}, Text: text, Origin: "test"})
		}
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msgs, now) }); err != nil {
			t.Fatal(err)
		}
		d := &clockedDeliverer{now: &now}
		o := &scheduler.Outbox{Store: scheduler.StoreOf(db.Update), Deliverer: d, Now: func() time.Time { return now },
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if err := o.Run(ctx, now); err != nil {
			t.Fatal(err)
		}
		var counts map[teambot.OutboxStatus]int
		if err := db.View(ctx, func(tx *storage.Tx) (err error) { counts, err = tx.OutboxCounts(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		if len(d.sent) != 1 || counts[teambot.OutboxSent] != 1 || counts[teambot.OutboxSending] != 2 {
			t.Errorf("sent %v, outbox %v; want only the first sent, the rest left leased at half the lease", d.sent, counts)
		}
	})
}
