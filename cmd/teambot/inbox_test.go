package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecomtest"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// stuckEngine stands for a replica that dies while its command runs: its
// commands never finish until release is closed, then run for real.
type stuckEngine struct {
	bot.Engine
	release chan struct{}
}

func (e stuckEngine) Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error) {
	<-e.release
	return e.Engine.Handle(ctx, msg)
}

// A replica records a slow callback in the inbox, answers an empty 200 and
// dies before its command ends. Once the lease has run out another
// replica's inbox job runs the message — the member joins once — and the
// answer leaves through the outbox to the webhook the callback carried,
// once. The dead owner's run, should it still finish, finds the message
// handled and the record taken: nothing is enqueued twice.
func TestInboxJobFinishesWhatADeadReplicaLeft(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, url string) {
		fake := wecomtest.NewServer(t)
		clock := &metricsClock{now: time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)}
		getenv := env("TEAMBOT_DATABASE_URL", url, "WECOM_API_BASE", fake.URL, "TEAMBOT_INBOX_LEASE", "30s",
			"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey)
		var apps []*app
		for range 2 {
			a, err := openApp(context.Background(), getenv, slog.New(slog.DiscardHandler), clock.Now, false)
			if err != nil {
				t.Fatal(err)
			}
			defer a.db.Close()
			apps = append(apps, a)
		}
		dead, alive := apps[0], apps[1]
		stuck := stuckEngine{Engine: dead.engine, release: make(chan struct{})}
		cb, err := bot.NewCallback(bot.Config{Mode: bot.ModeRobot, Token: "robot-token", AESKey: testAESKey, Engine: stuck,
			Now: clock.Now, Inbox: dbInbox{db: dead.db, now: clock.Now}, Sealer: dead.botSealer(), Lease: dead.cfg.InboxLease,
			AnswerWithin: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(cb)
		defer srv.Close()
		robot := &chatter{t: t, url: srv.URL, chatID: "group-inbox", fakeURL: fake.URL,
			cb: &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "robot-token", AESKey: testAESKey, Now: clock.Now}}
		if got := robot.send(robot.message("late-1", "zhangsan", "张三", "/加入 张三 文案")); got != "" {
			t.Fatalf("slow command answered %q, want an empty 200", got)
		}

		sched := alive.newScheduler(clock.Now, alive.wecomPusher(clock.Now))
		tick := func() {
			t.Helper()
			for _, j := range sched.Jobs {
				if j.Name() == "inbox" || j.Name() == "outbox" {
					if err := j.Run(context.Background(), clock.Now()); err != nil {
						t.Fatalf("%s: %v", j.Name(), err)
					}
				}
			}
		}
		tick() // the owner's lease holds: nothing is taken
		if n := len(fake.Calls()); n != 0 {
			t.Fatalf("%d calls to WeCom while the owner's lease holds", n)
		}
		clock.Set(clock.Now().Add(31 * time.Second))
		tick()
		tick()
		calls := fake.Delivered(wecomtest.WebhookPath)
		if len(calls) != 1 || calls[0].Query.Get("key") != "KEY-group-inbox" {
			t.Fatalf("webhook deliveries %+v, want one to the callback's webhook", calls)
		}
		var sent struct{ Text struct{ Content string } }
		json.Unmarshal(calls[0].Body, &sent)
		if !strings.Contains(sent.Text.Content, "已登记：张三") {
			t.Errorf("late answer %q", sent.Text.Content)
		}

		close(stuck.release) // the owner's command, were it still running
		cb.Wait()
		tick()
		var members int
		alive.db.View(context.Background(), func(tx *storage.Tx) error {
			team, err := tx.TeamByChat(context.Background(), "group-inbox")
			if err != nil {
				return err
			}
			ms, err := tx.ActiveMembers(context.Background(), team.ID)
			members = len(ms)
			return err
		})
		if members != 1 {
			t.Errorf("%d members, want 张三 once", members)
		}
		if n := len(fake.Delivered(wecomtest.WebhookPath)); n != 1 {
			t.Errorf("%d late answers delivered in all, want 1", n)
		}
		if got := robot.send(robot.message("late-1", "zhangsan", "张三", "/加入 张三 文案")); !strings.Contains(got, "已登记：张三") {
			t.Errorf("WeCom's retry answered %q, want the kept answer", got)
		}
	})
}

// eachDatabaseURL runs fn on a fresh SQLite database and, when
// TEAMBOT_TEST_POSTGRES_URL is set, a fresh PostgreSQL one, by URL.
func eachDatabaseURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storagetest.SQLiteURL(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, storagetest.PostgresURL(t)) })
}
