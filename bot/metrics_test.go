package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The callback metrics keep the names, labels, help, type and buckets
// (1 ms to 10 s) that dashboards and the alerts in docs/operations.md
// query; a nil *Metrics records nothing.
func TestCallbackMetricsExposition(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	m.callback(ModeRobot, "handled", 2*time.Millisecond)
	m.callback(ModeRobot, "handled", 3*time.Second)
	m.callback(ModeApp, "bad_signature", 500*time.Microsecond)
	var none *Metrics
	none.callback(ModeRobot, "handled", time.Second)

	const want = `# HELP teambot_callbacks_total WeCom callbacks by endpoint and outcome (handled, late, duplicate, bad_signature, …).
# TYPE teambot_callbacks_total counter
teambot_callbacks_total{endpoint="app",outcome="bad_signature"} 1
teambot_callbacks_total{endpoint="robot",outcome="handled"} 2
# HELP teambot_callback_duration_seconds Time to answer a WeCom callback, by endpoint.
# TYPE teambot_callback_duration_seconds histogram
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.001"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.0025"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.005"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.01"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.025"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.05"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.1"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.25"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="0.5"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="1"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="2.5"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="5"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="10"} 1
teambot_callback_duration_seconds_bucket{endpoint="app",le="+Inf"} 1
teambot_callback_duration_seconds_sum{endpoint="app"} 0.0005
teambot_callback_duration_seconds_count{endpoint="app"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.001"} 0
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.0025"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.005"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.01"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.025"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.05"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.1"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.25"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="0.5"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="1"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="2.5"} 1
teambot_callback_duration_seconds_bucket{endpoint="robot",le="5"} 2
teambot_callback_duration_seconds_bucket{endpoint="robot",le="10"} 2
teambot_callback_duration_seconds_bucket{endpoint="robot",le="+Inf"} 2
teambot_callback_duration_seconds_sum{endpoint="robot"} 3.002
teambot_callback_duration_seconds_count{endpoint="robot"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}
