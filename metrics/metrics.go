// Package metrics is a small, dependency-free metrics registry that serves
// counters, gauges and histograms in the Prometheus text exposition format,
// version 0.0.4.
//
// Metrics are registered once, typically at start-up, and registration
// panics on programming errors: an invalid or duplicate metric name, an
// invalid, reserved or repeated label name, or badly ordered histogram
// buckets. Recording a value (Inc, Add, Set, Observe) is safe for concurrent
// use and, once a series exists, costs a map lookup under a read lock
// followed by atomic operations; it does not allocate. Recording panics if
// the number of label values differs from the number of label names the
// metric was registered with.
//
// # Label values and cardinality
//
// Label values may be arbitrary strings. Invalid UTF-8 is replaced with
// U+FFFD, and backslashes, double quotes and newlines are escaped on output,
// so no value can break the exposition. Label values that are identical
// after that replacement share one series.
//
// Every distinct combination of label values creates a series that lives as
// long as the registry; nothing is ever evicted. Keeping the number of
// combinations bounded is the caller's responsibility: use label values
// from small, fixed sets (command names, status classes), never user IDs,
// free text, message contents or error strings.
//
// # Exposition
//
// Families are written sorted by name, each with "# HELP" and "# TYPE"
// lines, and their series sorted by label values. A metric without labels
// is exposed (with value 0) from the moment it is registered; a metric with
// labels appears once its first series has been recorded. Histograms are
// written as cumulative _bucket series with an "le" label (including
// le="+Inf"), followed by _sum and _count.
package metrics

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// ContentType is the media type of the exposition written by
// Registry.ServeHTTP.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// DefBuckets are the default histogram buckets, in seconds, suited to
// request and query latencies. They are used when Registry.Histogram is
// given no buckets.
var DefBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

type kind uint8

const (
	kindCounter kind = iota
	kindGauge
	kindHistogram
)

func (k kind) String() string {
	switch k {
	case kindCounter:
		return "counter"
	case kindGauge:
		return "gauge"
	default:
		return "histogram"
	}
}

// Registry holds metrics and serves them at /metrics. The zero value is not
// usable; create one with NewRegistry. All methods are safe for concurrent
// use.
type Registry struct {
	mu       sync.RWMutex
	families []*family          // sorted by name
	names    map[string]*family // every sample name in use, including histogram suffixes
	collect  []func(context.Context)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{names: make(map[string]*family)}
}

// Counter is a monotonically increasing value, optionally partitioned by
// labels.
type Counter struct{ f *family }

// Gauge is a value that can go up and down, optionally partitioned by
// labels.
type Gauge struct{ f *family }

// Histogram counts observations in configurable buckets and tracks their
// sum, optionally partitioned by labels.
type Histogram struct{ f *family }

// Counter registers and returns a counter. By convention its name ends in
// "_total". It panics if the name or a label name is invalid or the name is
// already taken.
func (r *Registry) Counter(name, help string, labels ...string) *Counter {
	return &Counter{r.register(name, help, kindCounter, labels, nil)}
}

// Gauge registers and returns a gauge. It panics if the name or a label
// name is invalid or the name is already taken.
func (r *Registry) Gauge(name, help string, labels ...string) *Gauge {
	return &Gauge{r.register(name, help, kindGauge, labels, nil)}
}

// Histogram registers and returns a histogram with the given bucket upper
// bounds, which must be strictly ascending; a +Inf bucket is always added.
// Nil or empty buckets mean DefBuckets. It panics if the name or a label
// name is invalid, a label is named "le", the name or one of name_bucket,
// name_sum and name_count is already taken, or the buckets are not strictly
// ascending.
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *Histogram {
	if len(buckets) == 0 {
		buckets = DefBuckets
	}
	upper := slices.Clone(buckets)
	if math.IsInf(upper[len(upper)-1], +1) {
		upper = upper[:len(upper)-1] // +Inf is implicit
	}
	for i, b := range upper {
		if math.IsNaN(b) {
			panic(fmt.Sprintf("metrics: histogram %q: NaN bucket", name))
		}
		if i > 0 && b <= upper[i-1] {
			panic(fmt.Sprintf("metrics: histogram %q: buckets not strictly ascending (%v after %v)", name, b, upper[i-1]))
		}
	}
	for _, l := range labels {
		if l == "le" {
			panic(fmt.Sprintf("metrics: histogram %q: label name \"le\" is reserved", name))
		}
	}
	return &Histogram{r.register(name, help, kindHistogram, labels, upper)}
}

// Inc adds 1 to the series identified by labelValues.
func (c *Counter) Inc(labelValues ...string) {
	c.f.get(labelValues).n.Add(1)
}

// Add adds v to the series identified by labelValues. It panics if v is
// negative or NaN.
func (c *Counter) Add(v float64, labelValues ...string) {
	if !(v >= 0) {
		panic(fmt.Sprintf("metrics: counter %q: Add(%v): counters can only increase", c.f.name, v))
	}
	s := c.f.get(labelValues)
	if v < 1<<63 && v == math.Trunc(v) {
		s.n.Add(uint64(v)) // integral amounts stay exact
		return
	}
	addFloat(&s.bits, v)
}

// Set sets the series identified by labelValues to v.
func (g *Gauge) Set(v float64, labelValues ...string) {
	g.f.get(labelValues).bits.Store(math.Float64bits(v))
}

// Add adds v, which may be negative, to the series identified by
// labelValues.
func (g *Gauge) Add(v float64, labelValues ...string) {
	addFloat(&g.f.get(labelValues).bits, v)
}

// Observe records v in the series identified by labelValues. An
// observation equal to a bucket's upper bound is counted in that bucket.
func (h *Histogram) Observe(v float64, labelValues ...string) {
	s := h.f.get(labelValues)
	// First bucket whose upper bound is >= v; len(upper) is the +Inf bucket
	// (NaN lands there too).
	i := sort.SearchFloat64s(h.f.upper, v)
	s.buckets[i].Add(1)
	addFloat(&s.bits, v)
}

// ObserveDuration records now.Sub(start), in seconds, in the series
// identified by labelValues.
func (h *Histogram) ObserveDuration(start time.Time, now time.Time, labelValues ...string) {
	h.Observe(now.Sub(start).Seconds(), labelValues...)
}

// ServeHTTP writes the current exposition of all metrics. Only GET and
// HEAD are allowed.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.runCollectors(req.Context())
	b := r.appendText(nil)
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	if req.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b)
}

// WriteTo writes the current exposition of all metrics to w. It
// implements io.WriterTo.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.runCollectors(context.Background())
	n, err := w.Write(r.appendText(nil))
	return int64(n), err
}

// OnScrape registers fn to run at the start of every exposition (ServeHTTP
// with the request's context, WriteTo with context.Background()), before
// anything is written. It suits values that are cheaper or more truthful to
// read when asked than to track: fn reads them and Sets gauges. Functions
// run in registration order; concurrent scrapes may run them concurrently.
// A function that cannot read its source should leave its gauges alone and
// count the failure, not block: it delays the whole scrape.
func (r *Registry) OnScrape(fn func(ctx context.Context)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.collect = append(r.collect, fn)
}

func (r *Registry) runCollectors(ctx context.Context) {
	r.mu.RLock()
	fns := slices.Clone(r.collect)
	r.mu.RUnlock()
	for _, fn := range fns {
		fn(ctx)
	}
}

// family is one registered metric with all its series.
type family struct {
	name   string
	help   string // already escaped for the HELP line
	kind   kind
	labels []string
	upper  []float64 // histogram bucket upper bounds, without +Inf
	le     []string  // formatted upper bounds, with +Inf

	single *series // the only series of a metric without labels

	mu    sync.RWMutex
	byKey map[string]*series // encoded label values (raw and sanitised) -> series
	all   []*series          // distinct series, unordered
}

// series is one combination of label values. Counters use n (integral
// increments) plus bits (the float64 remainder); gauges use bits;
// histograms use buckets (non-cumulative counts) and bits (the sum).
type series struct {
	values  []string // sanitised label values
	n       atomic.Uint64
	bits    atomic.Uint64
	buckets []atomic.Uint64
}

func (r *Registry) register(name, help string, k kind, labels []string, upper []float64) *family {
	if !validMetricName(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name))
	}
	for i, l := range labels {
		if !validLabelName(l) {
			panic(fmt.Sprintf("metrics: %s: invalid label name %q", name, l))
		}
		if strings.HasPrefix(l, "__") {
			panic(fmt.Sprintf("metrics: %s: label name %q is reserved", name, l))
		}
		if slices.Contains(labels[:i], l) {
			panic(fmt.Sprintf("metrics: %s: duplicate label name %q", name, l))
		}
	}
	f := &family{
		name:   name,
		help:   escapeHelp(help),
		kind:   k,
		labels: slices.Clone(labels),
		upper:  upper,
	}
	for _, u := range upper {
		f.le = append(f.le, string(appendFloat(nil, u)))
	}
	if k == kindHistogram {
		f.le = append(f.le, "+Inf")
	}
	if len(labels) == 0 {
		f.single = f.newSeries(nil)
		f.all = []*series{f.single}
	} else {
		f.byKey = make(map[string]*series)
	}

	sampleNames := []string{name}
	if k == kindHistogram {
		sampleNames = append(sampleNames, name+"_bucket", name+"_sum", name+"_count")
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range sampleNames {
		if other, ok := r.names[n]; ok {
			panic(fmt.Sprintf("metrics: %s %q conflicts with already registered %s %q", k, name, other.kind, other.name))
		}
	}
	for _, n := range sampleNames {
		r.names[n] = f
	}
	i, _ := slices.BinarySearchFunc(r.families, name, func(f *family, name string) int {
		return strings.Compare(f.name, name)
	})
	r.families = slices.Insert(r.families, i, f)
	return f
}

func (f *family) newSeries(values []string) *series {
	s := &series{values: values}
	if f.kind == kindHistogram {
		s.buckets = make([]atomic.Uint64, len(f.upper)+1)
	}
	return s
}

// get returns the series for vals, creating it on first use.
func (f *family) get(vals []string) *series {
	if len(vals) != len(f.labels) {
		panic(fmt.Sprintf("metrics: %s: got %d label values, want %d", f.name, len(vals), len(f.labels)))
	}
	if f.single != nil {
		return f.single
	}
	var buf [256]byte
	key := appendKey(buf[:0], vals)
	f.mu.RLock()
	s := f.byKey[string(key)]
	f.mu.RUnlock()
	if s != nil {
		return s
	}
	return f.create(key, vals)
}

// create is the slow path of get.
func (f *family) create(key []byte, vals []string) *series {
	clean := make([]string, len(vals))
	for i, v := range vals {
		clean[i] = strings.ToValidUTF8(v, string(utf8.RuneError))
	}
	cleanKey := string(appendKey(nil, clean))

	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.byKey[string(key)]; s != nil {
		return s
	}
	s := f.byKey[cleanKey]
	if s == nil {
		s = f.newSeries(clean)
		f.byKey[cleanKey] = s
		f.all = append(f.all, s)
	}
	// Raw values that needed sanitising become an alias of the clean series.
	f.byKey[string(key)] = s
	return s
}

// appendKey encodes label values unambiguously: each value is preceded by
// its length.
func appendKey(b []byte, vals []string) []byte {
	for _, v := range vals {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}

func addFloat(bits *atomic.Uint64, v float64) {
	for {
		old := bits.Load()
		if bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// appendText appends the exposition of every family to b.
func (r *Registry) appendText(b []byte) []byte {
	r.mu.RLock()
	families := slices.Clone(r.families)
	r.mu.RUnlock()
	for _, f := range families {
		b = f.appendText(b)
	}
	return b
}

func (f *family) appendText(b []byte) []byte {
	f.mu.RLock()
	all := slices.Clone(f.all)
	f.mu.RUnlock()
	if len(all) == 0 {
		return b
	}
	slices.SortFunc(all, func(x, y *series) int { return slices.Compare(x.values, y.values) })

	b = append(b, "# HELP "...)
	b = append(b, f.name...)
	b = append(b, ' ')
	b = append(b, f.help...)
	b = append(b, "\n# TYPE "...)
	b = append(b, f.name...)
	b = append(b, ' ')
	b = append(b, f.kind.String()...)
	b = append(b, '\n')

	for _, s := range all {
		switch f.kind {
		case kindCounter:
			v := float64(s.n.Load()) + math.Float64frombits(s.bits.Load())
			b = f.appendSample(b, "", s.values, "", v)
		case kindGauge:
			b = f.appendSample(b, "", s.values, "", math.Float64frombits(s.bits.Load()))
		case kindHistogram:
			// _count is derived from the buckets so that it always equals
			// the +Inf bucket; _sum may lag a concurrent Observe.
			var cum uint64
			for i := range s.buckets {
				cum += s.buckets[i].Load()
				b = f.appendSample(b, "_bucket", s.values, f.le[i], float64(cum))
			}
			b = f.appendSample(b, "_sum", s.values, "", math.Float64frombits(s.bits.Load()))
			b = f.appendSample(b, "_count", s.values, "", float64(cum))
		}
	}
	return b
}

// appendSample appends one sample line. le, if not empty, is added as the
// last label.
func (f *family) appendSample(b []byte, suffix string, values []string, le string, v float64) []byte {
	b = append(b, f.name...)
	b = append(b, suffix...)
	if len(values) > 0 || le != "" {
		b = append(b, '{')
		for i, l := range f.labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, l...)
			b = append(b, `="`...)
			b = appendEscapedLabelValue(b, values[i])
			b = append(b, '"')
		}
		if le != "" {
			if len(values) > 0 {
				b = append(b, ',')
			}
			b = append(b, `le="`...)
			b = append(b, le...)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = appendFloat(b, v)
	return append(b, '\n')
}

// appendFloat formats v the way Prometheus expects: NaN, +Inf and -Inf
// spelled out, integral values (up to 2^53) without exponent or decimal
// point, everything else in the shortest representation that round-trips.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, +1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case v == math.Trunc(v) && math.Abs(v) <= 1<<53:
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendEscapedLabelValue escapes backslash, double quote and newline.
// The value is already valid UTF-8.
func appendEscapedLabelValue(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// escapeHelp makes help valid UTF-8 and escapes backslash and newline.
func escapeHelp(help string) string {
	help = strings.ToValidUTF8(help, string(utf8.RuneError))
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(help)
}

func validMetricName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func validLabelName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
