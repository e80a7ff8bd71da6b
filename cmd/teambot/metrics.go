package main

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"teambot/scheduler"
	"teambot/storage"
)

// outboxScrapeTimeout bounds the database read behind the outbox gauges: a
// slow database must not hang the scrape (the gauges then keep their last
// values and teambot_outbox_stats_errors_total counts it).
const outboxScrapeTimeout = 2 * time.Second

// newRegistry is one app's registry: its own, not the process-wide
// default, so that several apps in one process (tests) do not clash. It
// starts with the Go runtime's and the process's collectors (go_goroutines,
// go_memstats_…, process_start_time_seconds, process_resident_memory_bytes,
// …), the names stock dashboards and alerts expect.
func newRegistry() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// registerMetrics adds to the callback and command metrics openApp made:
// the scheduler's and the outbox's (depth and oldest age read from the
// database at a scrape, at most every 10 s, so they stay true when the
// scheduler itself is stuck), and the build.
func (a *app) registerMetrics(now func() time.Time) {
	a.schedMetrics = scheduler.NewMetrics(a.metrics)
	version, commit := buildInfo()
	promauto.With(a.metrics).NewGaugeVec(prometheus.GaugeOpts{Name: "teambot_build_info",
		Help: "The running build: module version, commit and Go version; always 1."},
		[]string{"version", "commit", "goversion"}).WithLabelValues(version, commit, goVersion()).Set(1)
	a.outbox = &outboxGauges{a: a, now: now}
	if a.cfg.BotID != "" {
		a.longConnState = promauto.With(a.metrics).NewGauge(prometheus.GaugeOpts{Name: "teambot_longconn_state",
			Help: "The AI bot's long connection: 0 connecting, 1 subscribed, 2 reconnecting, 3 bad credentials, 4 replaced by another connection, 5 stopped."})
	}
}

// metricsHandler serves /metrics: the outbox gauges are brought up to date
// (with the request's context, so a scraper that gives up cancels the
// read), then the registry is written in the format the scraper asks for.
// Only GET and HEAD are allowed.
func (a *app) metricsHandler() http.Handler {
	expose := promhttp.HandlerFor(a.metrics, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		a.outbox.scrape(r.Context())
		expose.ServeHTTP(w, r)
	})
}

// outboxReadEvery is how often at most a scrape reads the outbox from the
// database: any number of scrapers cost one query per interval, so they
// cannot slow the callbacks down.
const outboxReadEvery = 10 * time.Second

// outboxGauges sets the outbox gauges at a scrape from the last read of the
// database, reading again once outboxReadEvery has passed on the clock.
type outboxGauges struct {
	a   *app
	now func() time.Time

	mu   sync.Mutex
	read time.Time // when the database was last asked; zero: never
	last storage.OutboxStats
	ok   bool // last holds a successful read
}

func (o *outboxGauges) scrape(ctx context.Context) {
	o.mu.Lock() // a scrape that arrives during a read waits for it, then uses it
	defer o.mu.Unlock()
	now := o.now()
	if o.read.IsZero() || now.Sub(o.read) >= outboxReadEvery {
		o.read = now // a failed read waits its turn too: a sick database is not asked harder
		ctx, cancel := context.WithTimeout(ctx, outboxScrapeTimeout)
		defer cancel()
		var s storage.OutboxStats
		err := o.a.db.View(ctx, func(tx *storage.Tx) (err error) {
			s, err = tx.OutboxStats(ctx)
			return err
		})
		if err != nil {
			o.a.schedMetrics.OutboxUnreadable()
			o.a.log.Warn("metrics: cannot read the outbox", "err", err)
			return // the gauges keep their last values
		}
		o.last, o.ok = s, true
	}
	if o.ok { // the oldest message's age follows the clock between reads
		o.a.schedMetrics.SetOutbox(o.last.Pending, o.last.Sending, o.last.Failed, o.last.OldestWaiting, now)
	}
}

// buildInfo is the module version and the commit (with "+dirty" for a
// modified tree), as `teambot version` prints them.
func buildInfo() (version, commit string) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown", "unknown"
	}
	version, commit = info.Main.Version, "unknown"
	if version == "" {
		version = "(devel)"
	}
	var dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	return version, commit + dirty
}

func goVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		return info.GoVersion
	}
	return "unknown"
}
