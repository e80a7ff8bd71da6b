package bot

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Metrics counts callbacks by endpoint and outcome and times their handling.
// A nil *Metrics records nothing.
type Metrics struct {
	callbacks *prometheus.CounterVec
	duration  *prometheus.HistogramVec
}

// callbackBuckets are the buckets of teambot_callback_duration_seconds, in
// seconds: Prometheus's default ones with 1 ms and 2.5 ms added, as they
// have always been, so dashboards and alerts on them keep their meaning.
var callbackBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// NewMetrics registers the callback metrics in r. It panics if they are
// registered there already.
func NewMetrics(r prometheus.Registerer) *Metrics {
	f := promauto.With(r)
	return &Metrics{
		callbacks: f.NewCounterVec(prometheus.CounterOpts{Name: "teambot_callbacks_total",
			Help: "WeCom callbacks by endpoint and outcome (handled, late, duplicate, bad_signature, …)."}, []string{"endpoint", "outcome"}),
		duration: f.NewHistogramVec(prometheus.HistogramOpts{Name: "teambot_callback_duration_seconds",
			Help: "Time to answer a WeCom callback, by endpoint.", Buckets: callbackBuckets}, []string{"endpoint"}),
	}
}

func (m *Metrics) callback(mode Mode, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.callbacks.WithLabelValues(string(mode), outcome).Inc()
	m.duration.WithLabelValues(string(mode)).Observe(d.Seconds())
}
