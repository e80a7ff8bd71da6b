package scheduler

import (
	"time"

	"teambot/metrics"
)

// Metrics counts what the scheduler does: ticks, each job's time and
// failures, the firings claimed and how late, and how outbox sends were
// settled; the outbox's depth is read at scrape time (SetOutbox). A nil
// *Metrics records nothing, so tests and the console need none.
//
// Label values come from fixed sets: job names are the code's, outcomes
// are listed below.
type Metrics struct {
	ticks       *metrics.Counter
	lastTick    *metrics.Gauge
	jobSeconds  *metrics.Histogram
	jobErrors   *metrics.Counter
	firings     *metrics.Counter
	lag         *metrics.Histogram
	claimsLost  *metrics.Counter
	deliveries  *metrics.Counter
	depth       *metrics.Gauge
	messages    *metrics.Gauge
	oldest      *metrics.Gauge
	statsErrors *metrics.Counter
}

// Firing outcomes, the label of teambot_scheduler_firings_total. The first
// four are also what the firings table records; skipped is a weekly
// firing whose ISO week has no workday (recorded as no_workday, with a note
// to the supervisor).
const (
	FiringSent      = "sent"
	FiringNothing   = "nothing"
	FiringMissed    = "missed"
	FiringNoWorkday = "no_workday"
	FiringSkipped   = "skipped"
)

// lagBuckets reach from a tick's own delay (up to 15 s) to a day's catch-up
// after an outage.
var lagBuckets = []float64{1, 5, 15, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600}

// NewMetrics registers the scheduler's metrics in r.
func NewMetrics(r *metrics.Registry) *Metrics {
	return &Metrics{
		ticks: r.Counter("teambot_scheduler_ticks_total", "Scheduler ticks run."),
		lastTick: r.Gauge("teambot_scheduler_last_tick_timestamp_seconds",
			"When the last scheduler tick started, in seconds since the Unix epoch."),
		jobSeconds: r.Histogram("teambot_scheduler_job_duration_seconds",
			"Time one scheduled job took in one tick, by job.",
			[]float64{.005, .025, .1, .5, 1, 5, 15, 30, 60}, "job"),
		jobErrors: r.Counter("teambot_scheduler_job_errors_total",
			"Scheduled job runs that failed or panicked, by job.", "job"),
		firings: r.Counter("teambot_scheduler_firings_total",
			"Firings claimed by this process, by job and outcome (sent, nothing, missed, no_workday, skipped).", "job", "outcome"),
		lag: r.Histogram("teambot_scheduler_lag_seconds",
			"How long after its due time a firing that was sent (or had nothing to say) was claimed, by job.", lagBuckets, "job"),
		claimsLost: r.Counter("teambot_scheduler_claims_lost_total",
			"Firings another replica claimed first, by job.", "job"),
		deliveries: r.Counter("teambot_outbox_deliveries_total",
			"Outbox send attempts by how they were settled (sent, retry, deferred, failed, lease_lost, error).", "outcome"),
		depth: r.Gauge("teambot_outbox_depth",
			"Outbox messages not yet sent or given up: pending plus sending, read at scrape time."),
		messages: r.Gauge("teambot_outbox_messages",
			"Outbox messages by status (pending, sending, failed), read at scrape time.", "status"),
		oldest: r.Gauge("teambot_outbox_oldest_pending_age_seconds",
			"Age of the oldest pending or sending outbox message, 0 when none waits; read at scrape time."),
		statsErrors: r.Counter("teambot_outbox_stats_errors_total",
			"Scrapes that could not read the outbox; its gauges then keep their last values."),
	}
}

func (m *Metrics) tick(now time.Time) {
	if m == nil {
		return
	}
	m.ticks.Inc()
	m.lastTick.Set(float64(now.UnixNano()) / 1e9)
}

func (m *Metrics) job(name string, took time.Duration, failed bool) {
	if m == nil {
		return
	}
	m.jobSeconds.Observe(took.Seconds(), name)
	if failed {
		m.jobErrors.Inc(name)
	}
}

// firing counts one claimed firing; due is when it was to fire (after
// moving off days off), zero when it never was to.
func (m *Metrics) firing(job, outcome string, due, now time.Time) {
	if m == nil {
		return
	}
	m.firings.Inc(job, outcome)
	if (outcome == FiringSent || outcome == FiringNothing) && !due.IsZero() {
		m.lag.Observe(max(now.Sub(due), 0).Seconds(), job)
	}
}

func (m *Metrics) lost(job string) {
	if m == nil {
		return
	}
	m.claimsLost.Inc(job)
}

func (m *Metrics) delivery(outcome string) {
	if m == nil {
		return
	}
	m.deliveries.Inc(outcome)
}

// SetOutbox sets the outbox gauges from one reading of the database at now.
func (m *Metrics) SetOutbox(pending, sending, failed int, oldestWaiting, now time.Time) {
	if m == nil {
		return
	}
	m.depth.Set(float64(pending + sending))
	m.messages.Set(float64(pending), "pending")
	m.messages.Set(float64(sending), "sending")
	m.messages.Set(float64(failed), "failed")
	age := 0.0
	if !oldestWaiting.IsZero() {
		age = max(now.Sub(oldestWaiting), 0).Seconds()
	}
	m.oldest.Set(age)
}

// OutboxUnreadable counts a scrape that could not read the outbox.
func (m *Metrics) OutboxUnreadable() {
	if m == nil {
		return
	}
	m.statsErrors.Inc()
}
