package main

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot/wecomtest"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// TEAMBOT_OUTBOX_RETENTION is a duration of at least an hour, 7 days
// unless set.
func TestOutboxRetentionConfig(t *testing.T) {
	c, err := loadConfig(env())
	if err != nil || c.OutboxRetention != 7*24*time.Hour {
		t.Errorf("default retention %v, %v; want 168h", c.OutboxRetention, err)
	}
	if c, err := loadConfig(env("TEAMBOT_OUTBOX_RETENTION", "72h")); err != nil || c.OutboxRetention != 72*time.Hour {
		t.Errorf("72h: retention %v, %v", c.OutboxRetention, err)
	}
	for _, bad := range []string{"soon", "-1h", "0", "30m"} {
		_, err := loadConfig(env("TEAMBOT_OUTBOX_RETENTION", bad))
		if err == nil || !strings.Contains(err.Error(), "TEAMBOT_OUTBOX_RETENTION") || !strings.Contains(err.Error(), "168h") {
			t.Errorf("%q: err = %v, want it to name the variable and an example", bad, err)
		}
	}
}

// R14: the hourly maintenance blanks the body of a message sent longer ago
// than TEAMBOT_OUTBOX_RETENTION; the row, its status and its times stay for
// the metrics.
func TestOutboxRetention(t *testing.T) {
	for _, dbName := range []string{"sqlite", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			url := storagetest.SQLiteURL(t)
			if dbName == "postgres" {
				url = storagetest.PostgresURL(t)
			}
			ctx := context.Background()
			fake := wecomtest.NewServer(t)
			clock := &metricsClock{now: time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)}
			a, err := openApp(ctx, env("TEAMBOT_DATABASE_URL", url, "WECOM_API_BASE", fake.URL, "TEAMBOT_OUTBOX_RETENTION", "48h",
				"WECOM_WEBHOOK_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=DEFAULT-KEY"),
				slog.New(slog.DiscardHandler), clock.Now, false)
			if err != nil {
				t.Fatal(err)
			}
			defer a.db.Close()
			raw := storagetest.Raw(t, url)

			team := teambot.Team{ChatID: "group-1", TimeZone: "Asia/Shanghai", CreatedAt: clock.Now()}
			if err := a.db.Update(ctx, func(tx *storage.Tx) error {
				if err := tx.CreateTeam(ctx, &team); err != nil {
					return err
				}
				return tx.Enqueue(ctx, []teambot.Outgoing{{TeamID: team.ID, Channel: teambot.ToGroup, Text: "本周周报已汇总"}}, clock.Now())
			}); err != nil {
				t.Fatal(err)
			}
			outbox := &scheduler.Outbox{Store: scheduler.StoreOf(a.db.Update), Deliverer: a.wecomPusher(clock.Now), Log: slog.New(slog.DiscardHandler)}
			if err := outbox.Run(ctx, clock.Now()); err != nil {
				t.Fatal(err)
			}
			row := func() (status, body string, sent bool) {
				t.Helper()
				var sentAt sql.NullTime
				if err := raw.QueryRowContext(ctx, `SELECT status, body, sent_at FROM outbox`).Scan(&status, &body, &sentAt); err != nil {
					t.Fatal(err)
				}
				return status, body, sentAt.Valid
			}
			if status, body, _ := row(); status != "sent" || body != "本周周报已汇总" {
				t.Fatalf("after sending: %s %q", status, body)
			}

			prune := &pruneJob{app: a}
			for _, step := range []struct {
				after time.Duration
				body  string
			}{{47 * time.Hour, "本周周报已汇总"}, {49 * time.Hour, ""}} {
				clock.Set(time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC).Add(step.after))
				if err := prune.Run(ctx, clock.Now()); err != nil {
					t.Fatal(err)
				}
				if status, body, sent := row(); status != "sent" || !sent || body != step.body {
					t.Errorf("%v after sending: %s %q (sent_at kept %v), want sent %q", step.after, status, body, sent, step.body)
				}
			}
		})
	}
}
