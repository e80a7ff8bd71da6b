package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/bot/wecomtest"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// metricsClock is a settable clock.
type metricsClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *metricsClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *metricsClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// metricValue is the value of one series of /metrics (name{label="v",…}),
// or ok false when the series is absent.
func metricValue(t *testing.T, text, series string) (float64, bool) {
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

// The metrics as serve wires them, on a real database and through the real
// WeCom client to the fake WeCom, which rate-limits every send (45009): one
// tick on Monday 09:00:05 claims 周报提醒 with 5 s of lag, the send is
// deferred and counted by errcode, and the outbox gauges, read at scrape
// time, show the waiting message growing older without another tick.
func TestSchedulerAndOutboxMetrics(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, dbName := range []string{"sqlite", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			url := storagetest.SQLiteURL(t)
			if dbName == "postgres" {
				url = storagetest.PostgresURL(t)
			}
			fake := wecomtest.NewServer(t)
			clock := &metricsClock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)} // a Friday
			a, err := openApp(context.Background(), env(
				"TEAMBOT_DATABASE_URL", url,
				"WECOM_API_BASE", fake.URL,
				"WECOM_WEBHOOK_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=DEFAULT-KEY",
			), slog.New(slog.DiscardHandler), clock.Now, false)
			if err != nil {
				t.Fatal(err)
			}
			defer a.db.Close()
			reply, err := a.engine.Handle(context.Background(), teambot.Message{ID: "m1", ChatID: "group-1", UserID: "zhangsan", Text: "/加入 张三 文案", At: clock.Now()})
			if err != nil || !strings.Contains(reply.Text, "已登记") {
				t.Fatalf("join: %q, %v", reply.Text, err)
			}
			sched := a.newScheduler(clock.Now, a.wecomPusher(clock.Now))
			sched.Tick(context.Background()) // the team's jobs start now

			fake.FailNext(wecomtest.WebhookPath, 45009, 100)
			monday := time.Date(2026, 11, 30, 9, 0, 0, 0, shanghai)
			clock.Set(monday.Add(5 * time.Second))
			sched.Tick(context.Background())

			scrape := func() string {
				t.Helper()
				w := httptest.NewRecorder()
				a.metricsHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
				if w.Code != http.StatusOK {
					t.Fatalf("/metrics: %d", w.Code)
				}
				return w.Body.String()
			}
			var pending int
			if err := a.db.View(context.Background(), func(tx *storage.Tx) error {
				counts, err := tx.OutboxCounts(context.Background())
				pending = counts["pending"]
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if pending == 0 {
				t.Fatal("nothing waits in the outbox after the Monday tick")
			}
			want := map[string]float64{
				`teambot_scheduler_ticks_total`:                                     2,
				`teambot_scheduler_last_tick_timestamp_seconds`:                     float64(monday.Add(5 * time.Second).Unix()),
				`teambot_scheduler_firings_total{job="report_open",outcome="sent"}`: 1,
				`teambot_scheduler_lag_seconds_count{job="report_open"}`:            1,
				`teambot_scheduler_lag_seconds_sum{job="report_open"}`:              5,
				`teambot_outbox_deliveries_total{outcome="deferred"}`:               float64(pending),
				`teambot_wecom_sends_total{op="webhook/send",errcode="45009"}`:      float64(pending),
				`teambot_outbox_depth`:                                              float64(pending),
				`teambot_outbox_messages{status="pending"}`:                         float64(pending),
				`teambot_outbox_messages{status="failed"}`:                          0,
				`teambot_outbox_oldest_pending_age_seconds`:                         0, // enqueued at this very tick
			}
			text := scrape()
			for series, w := range want {
				if got, ok := metricValue(t, text, series); !ok || got != w {
					t.Errorf("%s = %v (present %v), want %v", series, got, ok, w)
				}
			}
			// The types dashboards and alerts rely on (docs/operations.md).
			for name, typ := range map[string]string{
				"teambot_scheduler_ticks_total": "counter", "teambot_scheduler_last_tick_timestamp_seconds": "gauge",
				"teambot_scheduler_job_duration_seconds": "histogram", "teambot_scheduler_firings_total": "counter",
				"teambot_scheduler_lag_seconds": "histogram", "teambot_outbox_deliveries_total": "counter",
				"teambot_outbox_depth": "gauge", "teambot_outbox_messages": "gauge",
				"teambot_outbox_oldest_pending_age_seconds": "gauge", "teambot_outbox_stats_errors_total": "counter",
				"teambot_wecom_sends_total": "counter", "teambot_commands_total": "counter", "teambot_build_info": "gauge",
				"go_goroutines": "gauge", "process_start_time_seconds": "gauge", "process_resident_memory_bytes": "gauge",
			} {
				if line := "# TYPE " + name + " " + typ + "\n"; !strings.Contains(text, line) {
					t.Errorf("exposition lacks %q", line)
				}
			}
			for _, series := range []string{"go_goroutines", "process_start_time_seconds", `teambot_build_info{`} {
				if !strings.Contains(text, "\n"+series) {
					t.Errorf("%s missing", series)
				}
			}

			clock.Set(monday.Add(95 * time.Second)) // no tick: the scrape reads the database
			if got, _ := metricValue(t, scrape(), `teambot_outbox_oldest_pending_age_seconds`); got != 90 {
				t.Errorf("oldest pending age %v a minute and a half later, want 90", got)
			}
			if t.Failed() {
				t.Logf("/metrics:\n%s", text)
			}
		})
	}
}

// The outbox gauges read the database at most once every 10 s, however
// many scrapers ask: 32 scrapes at once and any within 10 s show what the
// first read; the age of the oldest waiting message still grows with the
// clock; from 10 s on, a scrape reads again.
func TestOutboxGaugesReadAtMostEveryTenSeconds(t *testing.T) {
	for _, dbName := range []string{"sqlite", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			url := storagetest.SQLiteURL(t)
			if dbName == "postgres" {
				url = storagetest.PostgresURL(t)
			}
			start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
			clock := &metricsClock{now: start}
			a, err := openApp(context.Background(), env("TEAMBOT_DATABASE_URL", url), slog.New(slog.DiscardHandler), clock.Now, false)
			if err != nil {
				t.Fatal(err)
			}
			defer a.db.Close()
			scrape := func() string {
				w := httptest.NewRecorder()
				a.metricsHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
				return w.Body.String()
			}
			enqueue := func(text string) {
				t.Helper()
				err := a.db.Update(context.Background(), func(tx *storage.Tx) error {
					return tx.Enqueue(context.Background(), []teambot.Outgoing{{Channel: teambot.ToUsers, Users: []string{"boss"}, Text: text, Origin: "test"}}, start)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			gauge := func(text, series string) float64 {
				t.Helper()
				v, _ := metricValue(t, text, series)
				return v
			}

			enqueue("第一条")
			if got := gauge(scrape(), "teambot_outbox_depth"); got != 1 {
				t.Fatalf("first scrape: depth %v, want 1", got)
			}
			enqueue("第二条")
			var wg sync.WaitGroup
			depths := make([]float64, 32)
			for i := range depths {
				wg.Go(func() { depths[i] = gauge(scrape(), "teambot_outbox_depth") })
			}
			wg.Wait()
			for i, d := range depths {
				if d != 1 {
					t.Errorf("scraper %d at once: depth %v, want 1 (the first read, not the database again)", i, d)
				}
			}
			clock.Set(start.Add(9 * time.Second))
			text := scrape()
			if got := gauge(text, "teambot_outbox_depth"); got != 1 {
				t.Errorf("9 s later: depth %v, want still 1", got)
			}
			if got := gauge(text, "teambot_outbox_oldest_pending_age_seconds"); got != 9 {
				t.Errorf("9 s later: oldest age %v, want 9 (the age follows the clock)", got)
			}
			clock.Set(start.Add(10 * time.Second))
			if got := gauge(scrape(), "teambot_outbox_depth"); got != 2 {
				t.Errorf("10 s later: depth %v, want 2 (read again)", got)
			}
		})
	}
}

// /metrics on the admin port: the text format for a plain GET, the Go
// runtime's and the process's collectors besides teambot's own, HEAD
// allowed and other methods refused. Two apps in one process each have a
// registry of their own, so the second registers the same names without a
// clash.
func TestMetricsEndpoint(t *testing.T) {
	open := func() *app {
		t.Helper()
		a, err := openApp(context.Background(), env("TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), slog.New(slog.DiscardHandler), time.Now, false)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.db.Close() })
		return a
	}
	first, second := open(), open()
	first.observeSend("webhook/send", "0")
	for _, a := range []*app{first, second} {
		w := httptest.NewRecorder()
		a.metricsHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if ct := w.Header().Get("Content-Type"); w.Code != http.StatusOK || !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
			t.Fatalf("GET /metrics: %d %q", w.Code, ct)
		}
		text := w.Body.String()
		for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_gc_duration_seconds",
			"process_start_time_seconds", "process_resident_memory_bytes", "process_cpu_seconds_total",
			"teambot_build_info", "teambot_outbox_depth", "teambot_scheduler_ticks_total"} {
			if !strings.Contains(text, "\n# TYPE "+name+" ") {
				t.Errorf("/metrics lacks %s", name)
			}
		}
		sent, _ := metricValue(t, text, `teambot_wecom_sends_total{op="webhook/send",errcode="0"}`)
		if want := map[*app]float64{first: 1, second: 0}[a]; sent != want {
			t.Errorf("sends counted %v, want %v: each app counts its own", sent, want)
		}
	}

	head := httptest.NewRecorder()
	first.metricsHandler().ServeHTTP(head, httptest.NewRequest(http.MethodHead, "/metrics", nil))
	if head.Code != http.StatusOK {
		t.Errorf("HEAD /metrics: %d, want 200", head.Code)
	}
	post := httptest.NewRecorder()
	first.metricsHandler().ServeHTTP(post, httptest.NewRequest(http.MethodPost, "/metrics", nil))
	if post.Code != http.StatusMethodNotAllowed || post.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /metrics: %d, Allow %q; want 405 and GET, HEAD", post.Code, post.Header().Get("Allow"))
	}
}
