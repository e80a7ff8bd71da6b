package main

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"teambot"
	"teambot/bot/wecomtest"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// Two replicas on one database share a group robot's 20 messages a minute:
// of 25 queued messages the first replica sends 20, the second finds no
// room and defers its 5 (WeCom is not even asked) until the minute has
// passed, when they go out.
func TestReplicasShareTheRobotLimit(t *testing.T) {
	for _, dbName := range []string{"sqlite", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			url := storagetest.SQLiteURL(t)
			if dbName == "postgres" {
				url = storagetest.PostgresURL(t)
			}
			fake := wecomtest.NewServer(t)
			clock := &metricsClock{now: time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)}
			getenv := env("TEAMBOT_DATABASE_URL", url, "WECOM_API_BASE", fake.URL,
				"WECOM_WEBHOOK_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=DEFAULT-KEY")
			var outboxes []*scheduler.Outbox
			var first *app
			for range 2 {
				a, err := openApp(context.Background(), getenv, slog.New(slog.DiscardHandler), clock.Now, false)
				if err != nil {
					t.Fatal(err)
				}
				defer a.db.Close()
				if first == nil {
					first = a
				}
				outboxes = append(outboxes, &scheduler.Outbox{Store: scheduler.StoreOf(a.db.Update), Deliverer: a.wecomPusher(clock.Now),
					Log: slog.New(slog.DiscardHandler), Batch: 25})
			}
			team := teambot.Team{ChatID: "group-1", TimeZone: "Asia/Shanghai", CreatedAt: clock.Now()}
			var msgs []teambot.Outgoing
			for i := range 25 {
				msgs = append(msgs, teambot.Outgoing{Channel: teambot.ToGroup, Text: fmt.Sprintf("通知 %d", i+1)})
			}
			if err := first.db.Update(context.Background(), func(tx *storage.Tx) error {
				if err := tx.CreateTeam(context.Background(), &team); err != nil {
					return err
				}
				for i := range msgs {
					msgs[i].TeamID = team.ID
				}
				return tx.Enqueue(context.Background(), msgs, clock.Now())
			}); err != nil {
				t.Fatal(err)
			}

			// The first replica leases 20 of them (its batch is cut to 20 by
			// the robot's room), the second the other 5.
			outboxes[0].Batch = 20
			for _, o := range outboxes {
				if err := o.Run(context.Background(), clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
			if got := len(fake.CallsTo(wecomtest.WebhookPath)); got != 20 {
				t.Fatalf("WeCom was asked to send %d messages within one minute, want 20", got)
			}

			// The deferred ones are due a minute after they were put off;
			// that moment counts the wall time the first run took (the
			// outbox adds it to the tick's clock), seconds on a busy host.
			clock.Set(clock.Now().Add(90 * time.Second))
			for _, o := range outboxes {
				if err := o.Run(context.Background(), clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
			if got := len(fake.Delivered(wecomtest.WebhookPath)); got != 25 {
				t.Errorf("%d messages delivered a minute and a half later, want all 25", got)
			}
		})
	}
}

// The scheduler expires leave still pending after its last day on its own
// tick, with no reminder involved.
func TestSchedulerExpiresPendingLeave(t *testing.T) {
	clock := &metricsClock{now: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
	getenv := env("TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t))
	a, err := openApp(context.Background(), getenv, slog.New(slog.DiscardHandler), clock.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.db.Close()
	for i, m := range []struct{ user, text string }{{"zhangsan", "/加入 张三 文案"}, {"zhangsan", "/请假 明天 看病"}} {
		r, err := a.engine.Handle(context.Background(), teambot.Message{ID: fmt.Sprint("m", i), ChatID: "group-1", UserID: m.user, Text: "@TeamBot " + m.text, At: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s", m.text, r.Text)
	}
	clock.now = time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	var ran bool
	for _, j := range a.newScheduler(clock.Now, a.wecomPusher(clock.Now)).Jobs {
		if j.Name() == "leave-expiry" {
			ran = true
			if err := j.Run(context.Background(), clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !ran {
		t.Fatal("the scheduler has no leave-expiry job")
	}
	var status string
	if err := a.db.Update(context.Background(), func(tx *storage.Tx) error {
		team, err := tx.TeamByChat(context.Background(), "group-1")
		if err != nil {
			return err
		}
		l, err := tx.LeaveByID(context.Background(), team.ID, 1)
		status = l.Status
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if status != teambot.LeaveExpired {
		t.Errorf("leave #1 is %s after the tick, want expired", status)
	}
}
