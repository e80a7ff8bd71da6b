package scheduler_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"teambot"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// scrape is the registry's exposition in the text format, as a scraper
// reads it.
func scrape(t *testing.T, r *prometheus.Registry) string {
	t.Helper()
	families, err := r.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range families {
		if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// value is the value of one series, written as in the exposition
// (name{label="value",…}); ok is false when the series is absent.
func value(t *testing.T, text, series string) (float64, bool) {
	t.Helper()
	series = canonicalSeries(series)
	for line := range strings.Lines(text) {
		name, rest, _ := strings.Cut(line, " ")
		if canonicalSeries(name) == series {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				t.Fatalf("%s: %v", series, err)
			}
			return v, true
		}
	}
	return 0, false
}

// canonicalSeries writes a series (name{label="value",…}) with its labels
// sorted, so that a series is found whatever order the exposition writes
// its labels in (Prometheus gives label order no meaning). Label values
// must not contain `",`.
func canonicalSeries(series string) string {
	name, labels, ok := strings.Cut(series, "{")
	if !ok {
		return series
	}
	pairs := strings.Split(strings.TrimSuffix(labels, "}"), `",`)
	for i, p := range pairs {
		pairs[i] = strings.TrimSuffix(p, `"`)
	}
	slices.Sort(pairs)
	return name + "{" + strings.Join(pairs, `",`) + `"}`
}

// expectValues checks series against their wanted values; a negative
// value means the series must be absent.
func expectValues(t *testing.T, text string, want map[string]float64) {
	t.Helper()
	for series, w := range want {
		got, ok := value(t, text, series)
		switch {
		case w < 0 && ok:
			t.Errorf("%s = %v, want it absent", series, got)
		case w >= 0 && !ok:
			t.Errorf("%s missing", series)
		case w >= 0 && got != w:
			t.Errorf("%s = %v, want %v", series, got, w)
		}
	}
	if t.Failed() {
		t.Logf("exposition:\n%s", text)
	}
}

// A reminder sent 7 s after its time counts as sent with 7 s of lag; one
// whose day passed while the bot was down counts as missed and adds no lag.
func TestFiringMetrics(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		reg := prometheus.NewRegistry()
		h.r.Metrics = scheduler.NewMetrics(reg)

		h.tick(at(shanghai, 2026, 11, 30, 9, 0).Add(7 * time.Second))
		h.tick(at(shanghai, 2026, 11, 30, 9, 0).Add(22 * time.Second)) // claimed already: not counted again
		expectValues(t, scrape(t, reg), map[string]float64{
			`teambot_scheduler_firings_total{job="report_open",outcome="sent"}`:   1,
			`teambot_scheduler_lag_seconds_bucket{job="report_open",le="5"}`:      0,
			`teambot_scheduler_lag_seconds_bucket{job="report_open",le="15"}`:     1,
			`teambot_scheduler_lag_seconds_sum{job="report_open"}`:                7,
			`teambot_scheduler_lag_seconds_count{job="report_open"}`:              1,
			`teambot_scheduler_firings_total{job="report_open",outcome="missed"}`: -1,
		})

		h.tick(at(shanghai, 2026, 12, 8, 10, 0)) // down over Monday 12-07
		expectValues(t, scrape(t, reg), map[string]float64{
			`teambot_scheduler_firings_total{job="report_open",outcome="sent"}`:   1,
			`teambot_scheduler_firings_total{job="report_open",outcome="missed"}`: 1,
			`teambot_scheduler_lag_seconds_count{job="report_open"}`:              1,
		})
	})
}

// Spring Festival 2026: the weekly reminder's week has no workday, so it is
// skipped (with a note); a daily one then counts each day off as no_workday.
func TestSkippedFiringMetrics(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 2, 10, 12, 0))
		reg := prometheus.NewRegistry()
		h.r.Metrics = scheduler.NewMetrics(reg)
		h.tick(at(shanghai, 2026, 2, 16, 9, 0))
		expectValues(t, scrape(t, reg), map[string]float64{
			`teambot_scheduler_firings_total{job="report_open",outcome="skipped"}`:    1,
			`teambot_scheduler_firings_total{job="report_open",outcome="no_workday"}`: -1,
			`teambot_scheduler_lag_seconds_count{job="report_open"}`:                  -1,
		})

		h.r.Jobs[0].Spec = "0 9 * * *"
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetJob(ctx, teambot.Job{TeamID: h.team.ID, Name: "report_open", Spec: "0 9 * * *", Enabled: true}, at(shanghai, 2026, 2, 18, 12, 0))
		}); err != nil {
			t.Fatal(err)
		}
		h.tick(at(shanghai, 2026, 2, 21, 9, 0)) // 02-19, 02-20 and 02-21 are days off
		expectValues(t, scrape(t, reg), map[string]float64{
			`teambot_scheduler_firings_total{job="report_open",outcome="skipped"}`:    1,
			`teambot_scheduler_firings_total{job="report_open",outcome="no_workday"}`: 3,
		})
	})
}

// Two replicas race for a one-off firing: the one that read the claims
// first but composed last finds it taken, counts a lost claim and no
// firing, so the firings summed over replicas are the firings.
func TestLostClaimMetrics(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := teambot.Team{ChatID: "chat-race", TimeZone: "Asia/Shanghai", CreatedAt: at(shanghai, 2026, 11, 1, 0, 0)}
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CreateTeam(ctx, &team) }); err != nil {
			t.Fatal(err)
		}
		meeting := at(shanghai, 2026, 11, 30, 10, 0)
		now := meeting.Add(-30*time.Minute + 4*time.Second)
		due := func(context.Context, time.Time) ([]teambot.Firing, error) {
			return []teambot.Firing{{TeamID: team.ID, ChatID: team.ChatID, Job: "meeting_soon", At: meeting.Add(-30 * time.Minute), Subject: meeting}}, nil
		}
		say := func(_ context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
			return []teambot.Outgoing{{TeamID: f.TeamID, Channel: teambot.ToGroup, Text: "会前提醒"}}, nil
		}
		regA, regB := prometheus.NewRegistry(), prometheus.NewRegistry()
		a := &scheduler.Oneoffs{Store: scheduler.StoreOf(db.Update), Due: due, Compose: say, Log: slog.New(slog.DiscardHandler),
			Metrics: scheduler.NewMetrics(regA)}
		b := &scheduler.Oneoffs{Store: scheduler.StoreOf(db.Update), Due: due, Log: slog.New(slog.DiscardHandler),
			Metrics: scheduler.NewMetrics(regB),
			Compose: func(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
				if err := a.Run(ctx, now); err != nil { // a claims while b composes
					return nil, err
				}
				return say(ctx, f)
			}}
		if err := b.Run(ctx, now); err != nil {
			t.Fatal(err)
		}
		expectValues(t, scrape(t, regA), map[string]float64{
			`teambot_scheduler_firings_total{job="meeting_soon",outcome="sent"}`: 1,
			`teambot_scheduler_lag_seconds_sum{job="meeting_soon"}`:              4,
			`teambot_scheduler_claims_lost_total{job="meeting_soon"}`:            -1,
		})
		expectValues(t, scrape(t, regB), map[string]float64{
			`teambot_scheduler_firings_total{job="meeting_soon",outcome="sent"}`: -1,
			`teambot_scheduler_claims_lost_total{job="meeting_soon"}`:            1,
		})
		var queued int
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			counts, err := tx.OutboxCounts(ctx)
			queued = counts["pending"]
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if queued != 1 {
			t.Errorf("%d messages queued, want 1", queued)
		}
	})
}

// scripted delivers by the message's text: "ok" goes out, "gone" is
// refused for good, "wait" is deferred by WeCom, anything else fails.
type scripted struct{}

func (scripted) Deliver(_ context.Context, _ teambot.Team, m teambot.Outgoing) error {
	switch m.Text {
	case "ok":
		return nil
	case "gone":
		return &teambot.PermanentError{Err: errors.New("93000")}
	case "wait":
		return &teambot.RetryAfterError{Wait: time.Minute, Err: errors.New("45009")}
	}
	return errors.New("connection reset")
}

// Each send attempt is counted by how it was settled.
func TestOutboxDeliveryMetrics(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		now := at(shanghai, 2026, 11, 30, 9, 0)
		var msgs []teambot.Outgoing
		for _, text := range []string{"ok", "ok", "gone", "wait", "flaky"} {
			msgs = append(msgs, teambot.Outgoing{Channel: teambot.ToUsers, Users: []string{"boss"}, Text: text})
		}
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msgs, now) }); err != nil {
			t.Fatal(err)
		}
		reg := prometheus.NewRegistry()
		o := &scheduler.Outbox{Store: scheduler.StoreOf(db.Update), Deliverer: scripted{}, Log: slog.New(slog.DiscardHandler),
			Metrics: scheduler.NewMetrics(reg)}
		if err := o.Run(ctx, now); err != nil {
			t.Fatal(err)
		}
		expectValues(t, scrape(t, reg), map[string]float64{
			`teambot_outbox_deliveries_total{outcome="sent"}`:     2,
			`teambot_outbox_deliveries_total{outcome="failed"}`:   1,
			`teambot_outbox_deliveries_total{outcome="deferred"}`: 1,
			`teambot_outbox_deliveries_total{outcome="retry"}`:    1,
		})
	})
}

// The scheduler counts its ticks, stamps the last one with the injected
// clock, and times and counts the failures of each job, panics included.
func TestTickMetrics(t *testing.T) {
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	reg := prometheus.NewRegistry()
	s := &scheduler.Scheduler{
		Now:     func() time.Time { return now },
		Log:     slog.New(slog.DiscardHandler),
		Metrics: scheduler.NewMetrics(reg),
		Jobs: []scheduler.Job{
			scheduler.Func("panics", func(context.Context, time.Time) error { panic("bug") }),
			scheduler.Func("fails", func(context.Context, time.Time) error { return errors.New("db down") }),
			scheduler.Func("works", func(context.Context, time.Time) error { return nil }),
		},
	}
	s.Tick(ctx)
	now = now.Add(15 * time.Second)
	s.Tick(ctx)
	expectValues(t, scrape(t, reg), map[string]float64{
		`teambot_scheduler_ticks_total`:                                        2,
		`teambot_scheduler_last_tick_timestamp_seconds`:                        float64(now.Unix()),
		`teambot_scheduler_job_errors_total{job="panics"}`:                     2,
		`teambot_scheduler_job_errors_total{job="fails"}`:                      2,
		`teambot_scheduler_job_errors_total{job="works"}`:                      -1,
		`teambot_scheduler_job_duration_seconds_count{job="works"}`:            2,
		`teambot_scheduler_job_duration_seconds_count{job="panics"}`:           2,
		`teambot_scheduler_job_duration_seconds_bucket{job="works",le="+Inf"}`: 2,
	})
}

// SetOutbox turns one reading of the outbox into its gauges; a nil
// *Metrics records nothing and does not panic.
func TestSetOutbox(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := scheduler.NewMetrics(reg)
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	m.SetOutbox(3, 2, 1, now.Add(-90*time.Second), now)
	expectValues(t, scrape(t, reg), map[string]float64{
		`teambot_outbox_depth`:                      5,
		`teambot_outbox_messages{status="pending"}`: 3,
		`teambot_outbox_messages{status="sending"}`: 2,
		`teambot_outbox_messages{status="failed"}`:  1,
		`teambot_outbox_oldest_pending_age_seconds`: 90,
	})
	m.SetOutbox(0, 0, 1, time.Time{}, now)
	expectValues(t, scrape(t, reg), map[string]float64{
		`teambot_outbox_depth`:                      0,
		`teambot_outbox_oldest_pending_age_seconds`: 0,
	})
	var none *scheduler.Metrics
	none.SetOutbox(1, 1, 1, now, now)
	none.OutboxUnreadable()
}
