package bot

import (
	"time"

	"teambot/metrics"
)

// Metrics counts callbacks by endpoint and outcome and times their handling.
// A nil *Metrics records nothing.
type Metrics struct {
	callbacks *metrics.Counter
	duration  *metrics.Histogram
}

// NewMetrics registers the callback metrics in r.
func NewMetrics(r *metrics.Registry) *Metrics {
	return &Metrics{
		callbacks: r.Counter("teambot_callbacks_total",
			"WeCom callbacks by endpoint and outcome (handled, late, duplicate, bad_signature, …).", "endpoint", "outcome"),
		duration: r.Histogram("teambot_callback_duration_seconds",
			"Time to answer a WeCom callback, by endpoint.", metrics.DefBuckets, "endpoint"),
	}
}

func (m *Metrics) callback(mode Mode, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.callbacks.Inc(string(mode), outcome)
	m.duration.Observe(d.Seconds(), string(mode))
}
