package scheduler

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"teambot"
)

// Metrics counts what the scheduler does: ticks, each job's time and
// failures, the firings claimed and how late, and how outbox sends were
// settled; the outbox's depth is read at scrape time (SetOutbox). A nil
// *Metrics records nothing, so tests and the console need none.
//
// Label values come from fixed sets: job names are the code's, outcomes
// are listed below.
type Metrics struct {
	ticks       prometheus.Counter
	lastTick    prometheus.Gauge
	jobSeconds  *prometheus.HistogramVec
	jobErrors   *prometheus.CounterVec
	firings     *prometheus.CounterVec
	lag         *prometheus.HistogramVec
	claimsLost  *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
	depth       prometheus.Gauge
	messages    *prometheus.GaugeVec
	oldest      prometheus.Gauge
	statsErrors prometheus.Counter
}

// Firing outcomes, the label of teambot_scheduler_firings_total. The first
// four are also what the firings table records; skipped is a weekly
// firing whose ISO week has no workday (recorded as no_workday, with a note
// to the supervisor).
const (
	FiringSent      = string(teambot.FiringSent)
	FiringNothing   = string(teambot.FiringNothing)
	FiringMissed    = string(teambot.FiringMissed)
	FiringNoWorkday = string(teambot.FiringNoWorkday)
	FiringSkipped   = "skipped" // a label only: recorded as no_workday
)

// lagBuckets reach from a tick's own delay (up to 15 s) to a day's catch-up
// after an outage.
var lagBuckets = []float64{1, 5, 15, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600}

// NewMetrics registers the scheduler's metrics in r. It panics if they are
// registered there already.
func NewMetrics(r prometheus.Registerer) *Metrics {
	f := promauto.With(r)
	return &Metrics{
		ticks: f.NewCounter(prometheus.CounterOpts{Name: "teambot_scheduler_ticks_total", Help: "Scheduler ticks run."}),
		lastTick: f.NewGauge(prometheus.GaugeOpts{Name: "teambot_scheduler_last_tick_timestamp_seconds",
			Help: "When the last scheduler tick started, in seconds since the Unix epoch."}),
		jobSeconds: f.NewHistogramVec(prometheus.HistogramOpts{Name: "teambot_scheduler_job_duration_seconds",
			Help:    "Time one scheduled job took in one tick, by job.",
			Buckets: []float64{.005, .025, .1, .5, 1, 5, 15, 30, 60}}, []string{"job"}),
		jobErrors: f.NewCounterVec(prometheus.CounterOpts{Name: "teambot_scheduler_job_errors_total",
			Help: "Scheduled job runs that failed or panicked, by job."}, []string{"job"}),
		firings: f.NewCounterVec(prometheus.CounterOpts{Name: "teambot_scheduler_firings_total",
			Help: "Firings claimed by this process, by job and outcome (sent, nothing, missed, no_workday, skipped)."}, []string{"job", "outcome"}),
		lag: f.NewHistogramVec(prometheus.HistogramOpts{Name: "teambot_scheduler_lag_seconds",
			Help:    "How long after its due time a firing that was sent (or had nothing to say) was claimed, by job.",
			Buckets: lagBuckets}, []string{"job"}),
		claimsLost: f.NewCounterVec(prometheus.CounterOpts{Name: "teambot_scheduler_claims_lost_total",
			Help: "Firings another replica claimed first, by job."}, []string{"job"}),
		deliveries: f.NewCounterVec(prometheus.CounterOpts{Name: "teambot_outbox_deliveries_total",
			Help: "Outbox send attempts by how they were settled (sent, retry, deferred, failed, error)."}, []string{"outcome"}),
		depth: f.NewGauge(prometheus.GaugeOpts{Name: "teambot_outbox_depth",
			Help: "Outbox messages not yet sent or given up: pending plus sending, read at scrape time."}),
		messages: f.NewGaugeVec(prometheus.GaugeOpts{Name: "teambot_outbox_messages",
			Help: "Outbox messages by status (pending, sending, failed), read at scrape time."}, []string{"status"}),
		oldest: f.NewGauge(prometheus.GaugeOpts{Name: "teambot_outbox_oldest_pending_age_seconds",
			Help: "Age of the oldest pending or sending outbox message, 0 when none waits; read at scrape time."}),
		statsErrors: f.NewCounter(prometheus.CounterOpts{Name: "teambot_outbox_stats_errors_total",
			Help: "Scrapes that could not read the outbox; its gauges then keep their last values."}),
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
	m.jobSeconds.WithLabelValues(name).Observe(took.Seconds())
	if failed {
		m.jobErrors.WithLabelValues(name).Inc()
	}
}

// firing counts one claimed firing; due is when it was to fire (after
// moving off days off), zero when it never was to.
func (m *Metrics) firing(job, outcome string, due, now time.Time) {
	if m == nil {
		return
	}
	m.firings.WithLabelValues(job, outcome).Inc()
	if (outcome == FiringSent || outcome == FiringNothing) && !due.IsZero() {
		m.lag.WithLabelValues(job).Observe(max(now.Sub(due), 0).Seconds())
	}
}

func (m *Metrics) lost(job string) {
	if m == nil {
		return
	}
	m.claimsLost.WithLabelValues(job).Inc()
}

func (m *Metrics) delivery(outcome string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(outcome).Inc()
}

// SetOutbox sets the outbox gauges from one reading of the database at now.
func (m *Metrics) SetOutbox(pending, sending, failed int, oldestWaiting, now time.Time) {
	if m == nil {
		return
	}
	m.depth.Set(float64(pending + sending))
	m.messages.WithLabelValues("pending").Set(float64(pending))
	m.messages.WithLabelValues("sending").Set(float64(sending))
	m.messages.WithLabelValues("failed").Set(float64(failed))
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
