package main

import (
	"context"
	"runtime/debug"
	"time"

	"teambot/metrics"
	"teambot/scheduler"
	"teambot/storage"
)

// outboxScrapeTimeout bounds the database read behind the outbox gauges: a
// slow database must not hang the scrape (the gauges then keep their last
// values and teambot_outbox_stats_errors_total counts it).
const outboxScrapeTimeout = 2 * time.Second

// registerMetrics adds to the callback and command metrics openApp made:
// the scheduler's and the outbox's (depth and oldest age read from the
// database at every scrape, so they stay true when the scheduler itself is
// stuck), the process's, and the build.
func (a *app) registerMetrics(now func() time.Time) {
	a.schedMetrics = scheduler.NewMetrics(a.metrics)
	metrics.RegisterProcess(a.metrics, time.Now())
	version, commit := buildInfo()
	a.metrics.Gauge("teambot_build_info", "The running build: module version, commit and Go version; always 1.",
		"version", "commit", "goversion").Set(1, version, commit, goVersion())
	a.metrics.OnScrape(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, outboxScrapeTimeout)
		defer cancel()
		var s storage.OutboxStats
		err := a.db.View(ctx, func(tx *storage.Tx) (err error) {
			s, err = tx.OutboxStats(ctx)
			return err
		})
		if err != nil {
			a.schedMetrics.OutboxUnreadable()
			a.log.Warn("metrics: cannot read the outbox", "err", err)
			return
		}
		a.schedMetrics.SetOutbox(s.Pending, s.Sending, s.Failed, s.OldestWaiting, now())
	})
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
