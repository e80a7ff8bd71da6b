package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func expose(t testing.TB, r *Registry) string {
	t.Helper()
	var buf bytes.Buffer
	n, err := r.WriteTo(&buf)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTo returned %d, wrote %d bytes", n, buf.Len())
	}
	return buf.String()
}

func TestExpositionGolden(t *testing.T) {
	r := NewRegistry()

	msgs := r.Counter("teambot_messages_total", "Messages received.")
	msgs.Inc()
	msgs.Inc()
	msgs.Add(3.5)

	cmds := r.Counter("teambot_commands_total", "Commands handled, by command and outcome.", "command", "status")
	cmds.Inc("team", "ok")
	cmds.Inc("add", "ok")
	cmds.Add(2, "add", "ok")
	cmds.Inc("add", "error")

	r.Counter("teambot_unused_total", "Never recorded, so never exposed.", "x")

	teams := r.Gauge("teambot_teams", "Number of teams.\nCounted at start-up; path C:\\teams.")
	teams.Set(12)

	ratio := r.Gauge("teambot_ratio", "A fractional gauge.", "kind")
	ratio.Set(math.NaN(), "d")
	ratio.Set(math.Inf(-1), "c")
	ratio.Set(1e6, "b")
	ratio.Set(0.25, "a")

	dur := r.Histogram("teambot_command_duration_seconds", "Command latency.", []float64{0.125, 0.5, 1}, "command")
	dur.Observe(0.0625, "team")
	dur.Observe(0.125, "team") // on a bound: counted in that bucket
	dur.Observe(0.75, "team")
	dur.Observe(3, "team")
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	dur.ObserveDuration(start, start.Add(250*time.Millisecond), "add")

	r.Histogram("teambot_store_seconds", "Store latency.", nil)

	const want = `# HELP teambot_command_duration_seconds Command latency.
# TYPE teambot_command_duration_seconds histogram
teambot_command_duration_seconds_bucket{command="add",le="0.125"} 0
teambot_command_duration_seconds_bucket{command="add",le="0.5"} 1
teambot_command_duration_seconds_bucket{command="add",le="1"} 1
teambot_command_duration_seconds_bucket{command="add",le="+Inf"} 1
teambot_command_duration_seconds_sum{command="add"} 0.25
teambot_command_duration_seconds_count{command="add"} 1
teambot_command_duration_seconds_bucket{command="team",le="0.125"} 2
teambot_command_duration_seconds_bucket{command="team",le="0.5"} 2
teambot_command_duration_seconds_bucket{command="team",le="1"} 3
teambot_command_duration_seconds_bucket{command="team",le="+Inf"} 4
teambot_command_duration_seconds_sum{command="team"} 3.9375
teambot_command_duration_seconds_count{command="team"} 4
# HELP teambot_commands_total Commands handled, by command and outcome.
# TYPE teambot_commands_total counter
teambot_commands_total{command="add",status="error"} 1
teambot_commands_total{command="add",status="ok"} 3
teambot_commands_total{command="team",status="ok"} 1
# HELP teambot_messages_total Messages received.
# TYPE teambot_messages_total counter
teambot_messages_total 5.5
# HELP teambot_ratio A fractional gauge.
# TYPE teambot_ratio gauge
teambot_ratio{kind="a"} 0.25
teambot_ratio{kind="b"} 1000000
teambot_ratio{kind="c"} -Inf
teambot_ratio{kind="d"} NaN
# HELP teambot_store_seconds Store latency.
# TYPE teambot_store_seconds histogram
teambot_store_seconds_bucket{le="0.001"} 0
teambot_store_seconds_bucket{le="0.0025"} 0
teambot_store_seconds_bucket{le="0.005"} 0
teambot_store_seconds_bucket{le="0.01"} 0
teambot_store_seconds_bucket{le="0.025"} 0
teambot_store_seconds_bucket{le="0.05"} 0
teambot_store_seconds_bucket{le="0.1"} 0
teambot_store_seconds_bucket{le="0.25"} 0
teambot_store_seconds_bucket{le="0.5"} 0
teambot_store_seconds_bucket{le="1"} 0
teambot_store_seconds_bucket{le="2.5"} 0
teambot_store_seconds_bucket{le="5"} 0
teambot_store_seconds_bucket{le="10"} 0
teambot_store_seconds_bucket{le="+Inf"} 0
teambot_store_seconds_sum 0
teambot_store_seconds_count 0
# HELP teambot_teams Number of teams.\nCounted at start-up; path C:\\teams.
# TYPE teambot_teams gauge
teambot_teams 12
`
	if got := expose(t, r); got != want {
		t.Errorf("exposition mismatch\n--- got:\n%s\n--- want:\n%s", got, want)
	}
}

func TestEmptyRegistry(t *testing.T) {
	if got := expose(t, NewRegistry()); got != "" {
		t.Errorf("empty registry wrote %q", got)
	}
}

func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1, "1"},
		{-3, "-3"},
		{1e6, "1000000"},
		{1 << 53, "9007199254740992"},
		{1e20, "1e+20"},
		{0.1, "0.1"},
		{2.5, "2.5"},
		{-0.25, "-0.25"},
		{1e-5, "1e-05"},
		{1.0 / 3, "0.3333333333333333"},
		{math.Inf(+1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{math.NaN(), "NaN"},
	} {
		if got := string(appendFloat(nil, tc.v)); got != tc.want {
			t.Errorf("appendFloat(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestHostileLabelValues(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("hostile_total", "Help with \\ backslash,\nnewline and \"quotes\" \xff.", "a", "b")
	c.Inc(`say "hi"`, `C:\path\`)
	c.Inc("line1\nline2", "} 1\nfake_metric 42")
	c.Inc("bad\xffutf8", "")
	c.Inc("bad\xfeutf8", "")    // sanitises to the same series as above
	c.Inc("bad\uFFFDutf8", "")  // and so does the replacement character itself
	c.Add(2, "bad\xffutf8", "") // the raw alias keeps pointing at it

	const want = `# HELP hostile_total Help with \\ backslash,\nnewline and "quotes" ` + "\uFFFD" + `.
# TYPE hostile_total counter
hostile_total{a="bad` + "\uFFFD" + `utf8",b=""} 5
hostile_total{a="line1\nline2",b="} 1\nfake_metric 42"} 1
hostile_total{a="say \"hi\"",b="C:\\path\\"} 1
`
	got := expose(t, r)
	if got != want {
		t.Errorf("exposition mismatch\n--- got:\n%s\n--- want:\n%s", got, want)
	}
	if !utf8.ValidString(got) {
		t.Error("exposition is not valid UTF-8")
	}
	samples := parseExposition(t, got)
	if len(samples) != 3 {
		t.Errorf("parsed %d samples, want 3", len(samples))
	}
	for _, s := range samples {
		if s.name != "hostile_total" {
			t.Errorf("unexpected sample name %q", s.name)
		}
	}
}

// TestRandomLabelValuesRoundTrip writes random byte strings as label values
// and checks that every one of them parses back to its sanitised form.
func TestRandomLabelValuesRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab\\\"\n\r\t{}=, \x00\x7f\xc3\xa9\xff\xfe\xe2\x82")
	r := NewRegistry()
	c := r.Counter("rt_total", "", "v", "w")
	want := map[[2]string]float64{}
	for range 2000 {
		vals := make([]string, 2)
		for j := range vals {
			b := make([]byte, rng.IntN(8))
			for k := range b {
				b[k] = alphabet[rng.IntN(len(alphabet))]
			}
			vals[j] = string(b)
		}
		c.Inc(vals...)
		key := [2]string{strings.ToValidUTF8(vals[0], "\uFFFD"), strings.ToValidUTF8(vals[1], "\uFFFD")}
		want[key]++
	}
	out := expose(t, r)
	samples := parseExposition(t, out)
	if len(samples) != len(want) {
		t.Fatalf("parsed %d samples, want %d", len(samples), len(want))
	}
	for _, s := range samples {
		key := [2]string{s.labels["v"], s.labels["w"]}
		if w, ok := want[key]; !ok || s.value != w {
			t.Errorf("sample %q = %v, want %v (present %v)", key, s.value, w, ok)
		}
		delete(want, key)
	}
}

func TestHistogramBuckets(t *testing.T) {
	r := NewRegistry()
	h := r.Histogram("h", "", []float64{1, 2, math.Inf(+1)}) // explicit +Inf is not doubled
	for _, v := range []float64{math.Inf(-1), 0, 1, 1.5, 2, 2.5, math.Inf(+1)} {
		h.Observe(v)
	}
	const want = `# HELP h 
# TYPE h histogram
h_bucket{le="1"} 3
h_bucket{le="2"} 5
h_bucket{le="+Inf"} 7
h_sum NaN
h_count 7
`
	if got := expose(t, r); got != want {
		t.Errorf("exposition mismatch\n--- got:\n%s\n--- want:\n%s", got, want)
	}

	only := r.Histogram("only_inf", "", []float64{math.Inf(+1)})
	only.Observe(42)
	if got := expose(t, r); !strings.Contains(got, "only_inf_bucket{le=\"+Inf\"} 1\nonly_inf_sum 42\nonly_inf_count 1\n") {
		t.Errorf("single +Inf bucket histogram:\n%s", got)
	}

	// DefBuckets must not be affected by the registry.
	saved := append([]float64(nil), DefBuckets...)
	r.Histogram("d", "", nil).Observe(0.3)
	for i := range saved {
		if DefBuckets[i] != saved[i] {
			t.Fatal("DefBuckets modified")
		}
	}
}

func TestCounterAndGaugeAdd(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("c_total", "")
	c.Add(0.1)
	c.Add(0.2)
	c.Add(1)
	c.Add(0)
	g := r.Gauge("g", "")
	g.Add(5)
	g.Add(-7.5)
	got := parseExposition(t, expose(t, r))
	if v := got[0].value; math.Abs(v-1.3) > 1e-12 {
		t.Errorf("counter = %v, want 1.3", v)
	}
	if v := got[1].value; v != -2.5 {
		t.Errorf("gauge = %v, want -2.5", v)
	}
}

func TestConcurrentUpdates(t *testing.T) {
	r := NewRegistry()
	labeled := r.Counter("labeled_total", "", "route")
	plain := r.Counter("plain_total", "")
	halves := r.Counter("halves_total", "")
	gauge := r.Gauge("level", "")
	hist := r.Histogram("latency_seconds", "", []float64{1, 2}, "route")
	routes := []string{"a", "b", "c", "d"}

	const goroutines, iterations = 64, 2000
	stop := make(chan struct{})
	scraped := make(chan int)
	go func() { // scrape concurrently with the updates
		n := 0
		for {
			select {
			case <-stop:
				scraped <- n
				return
			default:
				r.WriteTo(ioDiscard{})
				n++
			}
		}
	}()

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range iterations {
				route := routes[(g+i)%len(routes)]
				labeled.Inc(route)
				plain.Inc()
				halves.Add(0.5)
				gauge.Add(1)
				hist.Observe(float64(i%3), route)
			}
		})
	}
	wg.Wait()
	close(stop)
	t.Logf("%d concurrent scrapes", <-scraped)

	const total = goroutines * iterations
	got := map[string]float64{}
	for _, s := range parseExposition(t, expose(t, r)) {
		got[s.id()] = s.value
	}
	want := map[string]float64{
		"plain_total":  total,
		"halves_total": total / 2,
		"level":        total,
	}
	for _, route := range routes {
		want[`labeled_total{route="`+route+`"}`] = total / 4
		want[`latency_seconds_count{route="`+route+`"}`] = total / 4
		want[`latency_seconds_bucket{route="`+route+`",le="+Inf"}`] = total / 4
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s = %v, want %v", id, got[id], w)
		}
	}
	var obs, sum float64
	for _, route := range routes {
		obs += got[`latency_seconds_count{route="`+route+`"}`]
		sum += got[`latency_seconds_sum{route="`+route+`"}`]
	}
	// Each goroutine observes 0, 1, 2, 0, 1, 2, ...
	var wantSum float64
	for i := range iterations {
		wantSum += float64(i % 3)
	}
	wantSum *= goroutines
	if obs != total || sum != wantSum {
		t.Errorf("histogram: %v observations summing to %v, want %v summing to %v", obs, sum, float64(total), wantSum)
	}
}

type ioDiscard struct{}

func (ioDiscard) Write(p []byte) (int, error) { return len(p), nil }

func TestPanics(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("c_total", "", "a", "b")
	plain := r.Counter("plain_total", "")
	g := r.Gauge("g", "", "a")
	h := r.Histogram("h_seconds", "", DefBuckets, "a")

	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"Inc too few", func() { c.Inc("x") }, "got 1 label values, want 2"},
		{"Inc too many", func() { c.Inc("x", "y", "z") }, "got 3 label values, want 2"},
		{"Inc values on plain", func() { plain.Inc("x") }, "got 1 label values, want 0"},
		{"Add too few", func() { c.Add(1) }, "want 2"},
		{"Add negative", func() { c.Add(-1, "x", "y") }, "only increase"},
		{"Add NaN", func() { plain.Add(math.NaN()) }, "only increase"},
		{"Set too few", func() { g.Set(1) }, "got 0 label values, want 1"},
		{"Observe too many", func() { h.Observe(1, "x", "y") }, "got 2 label values, want 1"},
		{"ObserveDuration too few", func() { h.ObserveDuration(time.Time{}, time.Time{}) }, "want 1"},

		{"duplicate counter", func() { r.Counter("c_total", "") }, "conflicts"},
		{"duplicate across kinds", func() { r.Gauge("c_total", "") }, "conflicts"},
		{"histogram suffix taken", func() { r.Counter("h_seconds_count", "") }, "conflicts"},
		{"histogram over existing", func() { r.Counter("x_sum", ""); r.Histogram("x", "", nil) }, "conflicts"},
		{"empty name", func() { r.Counter("", "") }, "invalid metric name"},
		{"bad name", func() { r.Counter("my-metric", "") }, "invalid metric name"},
		{"leading digit", func() { r.Gauge("1abc", "") }, "invalid metric name"},
		{"bad label", func() { r.Counter("ok_total", "", "bad-label") }, "invalid label name"},
		{"colon label", func() { r.Counter("ok_total", "", "a:b") }, "invalid label name"},
		{"reserved label", func() { r.Counter("ok_total", "", "__name__") }, "reserved"},
		{"duplicate label", func() { r.Counter("ok_total", "", "a", "a") }, "duplicate label"},
		{"le label", func() { r.Histogram("ok_seconds", "", nil, "le") }, `"le" is reserved`},
		{"unsorted buckets", func() { r.Histogram("ok_seconds", "", []float64{1, 0.5}) }, "strictly ascending"},
		{"repeated bucket", func() { r.Histogram("ok_seconds", "", []float64{1, 1}) }, "strictly ascending"},
		{"NaN bucket", func() { r.Histogram("ok_seconds", "", []float64{math.NaN()}) }, "NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				p := recover()
				if p == nil {
					t.Fatal("no panic")
				}
				if msg := fmt.Sprint(p); !strings.Contains(msg, tc.want) {
					t.Errorf("panic %q, want it to contain %q", msg, tc.want)
				}
			}()
			tc.f()
		})
	}

	// Failed registrations must not have left anything behind.
	r.Counter("ok_total", "")
	r.Histogram("ok_seconds", "", nil)
}

func TestServeHTTP(t *testing.T) {
	r := NewRegistry()
	r.Counter("requests_total", "Requests.", "code").Inc("200")

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if body := rec.Body.String(); body != expose(t, r) {
		t.Errorf("body %q differs from WriteTo", body)
	}

	rec = httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/metrics", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != ContentType {
		t.Errorf("HEAD: status %d, %d body bytes, Content-Type %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Type"))
	}

	rec = httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/metrics", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}

	// Through a real server, as mounted by the application.
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", r)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != ContentType {
		t.Errorf("server Content-Type %q", ct)
	}
}

func TestWriteToError(t *testing.T) {
	r := NewRegistry()
	r.Counter("x_total", "")
	wantErr := errors.New("boom")
	if _, err := r.WriteTo(failWriter{wantErr}); !errors.Is(err, wantErr) {
		t.Errorf("WriteTo error = %v, want %v", err, wantErr)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestHotPathDoesNotAllocate(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("c_total", "", "command", "status")
	p := r.Counter("p_total", "")
	g := r.Gauge("g", "", "team")
	h := r.Histogram("h_seconds", "", DefBuckets, "command", "status")
	command, status := "team", "ok"
	c.Inc(command, status) // create the series first
	g.Set(1, command)
	h.Observe(1, command, status)
	start := time.Now()
	for name, f := range map[string]func(){
		"Counter.Inc":               func() { c.Inc(command, status) },
		"Counter.Add":               func() { c.Add(0.5, command, status) },
		"Counter.Inc (no labels)":   func() { p.Inc() },
		"Gauge.Set":                 func() { g.Set(2, command) },
		"Histogram.Observe":         func() { h.Observe(0.042, command, status) },
		"Histogram.ObserveDuration": func() { h.ObserveDuration(start, start.Add(time.Millisecond), command, status) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}

// sample is one parsed exposition line.
type sample struct {
	name   string
	labels map[string]string
	order  []string
	value  float64
}

func (s sample) id() string {
	if len(s.order) == 0 {
		return s.name
	}
	parts := make([]string, len(s.order))
	for i, l := range s.order {
		parts[i] = l + `="` + s.labels[l] + `"`
	}
	return s.name + "{" + strings.Join(parts, ",") + "}"
}

// parseExposition is a strict parser for the subset of the text format
// this package writes. It fails the test on anything malformed.
func parseExposition(t testing.TB, text string) []sample {
	t.Helper()
	if text != "" && !strings.HasSuffix(text, "\n") {
		t.Fatalf("exposition does not end in a newline")
	}
	var out []sample
	for n, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if text == "" {
			break
		}
		if !utf8.ValidString(line) {
			t.Fatalf("line %d: invalid UTF-8: %q", n+1, line)
		}
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			t.Fatalf("line %d: %v: %q", n+1, err, line)
		}
		out = append(out, s)
	}
	return out
}

func parseSample(line string) (sample, error) {
	s := sample{labels: map[string]string{}}
	i := 0
	for i < len(line) && line[i] != '{' && line[i] != ' ' {
		i++
	}
	s.name = line[:i]
	if !validMetricName(s.name) {
		return s, fmt.Errorf("bad metric name %q", s.name)
	}
	if i < len(line) && line[i] == '{' {
		i++
		for {
			j := i
			for j < len(line) && line[j] != '=' {
				j++
			}
			name := line[i:j]
			if !validLabelName(name) || j+1 >= len(line) || line[j+1] != '"' {
				return s, fmt.Errorf("bad label at %d", i)
			}
			i = j + 2
			var v strings.Builder
			for {
				if i >= len(line) {
					return s, errors.New("unterminated label value")
				}
				c := line[i]
				if c == '"' {
					i++
					break
				}
				if c == '\\' {
					if i+1 >= len(line) {
						return s, errors.New("dangling backslash")
					}
					switch line[i+1] {
					case '\\':
						v.WriteByte('\\')
					case '"':
						v.WriteByte('"')
					case 'n':
						v.WriteByte('\n')
					default:
						return s, fmt.Errorf("bad escape \\%c", line[i+1])
					}
					i += 2
					continue
				}
				v.WriteByte(c)
				i++
			}
			if _, dup := s.labels[name]; dup {
				return s, fmt.Errorf("duplicate label %q", name)
			}
			s.labels[name] = v.String()
			s.order = append(s.order, name)
			if i < len(line) && line[i] == ',' {
				i++
				continue
			}
			if i < len(line) && line[i] == '}' {
				i++
				break
			}
			return s, fmt.Errorf("expected , or } at %d", i)
		}
	}
	if i >= len(line) || line[i] != ' ' {
		return s, errors.New("missing value")
	}
	val := line[i+1:]
	switch val {
	case "+Inf":
		s.value = math.Inf(+1)
	case "-Inf":
		s.value = math.Inf(-1)
	case "NaN":
		s.value = math.NaN()
	default:
		if _, err := fmt.Sscanf(val, "%g", &s.value); err != nil || strings.ContainsAny(val, " \t") {
			return s, fmt.Errorf("bad value %q", val)
		}
	}
	return s, nil
}

func BenchmarkCounterInc(b *testing.B) {
	r := NewRegistry()
	c := r.Counter("commands_total", "", "command", "status")
	b.ReportAllocs()
	for b.Loop() {
		c.Inc("team", "ok")
	}
}

func BenchmarkCounterIncNoLabels(b *testing.B) {
	r := NewRegistry()
	c := r.Counter("messages_total", "")
	b.ReportAllocs()
	for b.Loop() {
		c.Inc()
	}
}

func BenchmarkCounterIncParallel(b *testing.B) {
	r := NewRegistry()
	c := r.Counter("commands_total", "", "command", "status")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc("team", "ok")
		}
	})
}

func BenchmarkHistogramObserve(b *testing.B) {
	r := NewRegistry()
	h := r.Histogram("command_duration_seconds", "", DefBuckets, "command", "status")
	b.ReportAllocs()
	v := 0.0
	for b.Loop() {
		h.Observe(v, "team", "ok")
		v += 0.001
	}
}

func BenchmarkHistogramObserveParallel(b *testing.B) {
	r := NewRegistry()
	h := r.Histogram("command_duration_seconds", "", DefBuckets, "command", "status")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Observe(0.042, "team", "ok")
		}
	})
}

func BenchmarkWriteTo(b *testing.B) {
	r := NewRegistry()
	c := r.Counter("commands_total", "", "command", "status")
	h := r.Histogram("command_duration_seconds", "", DefBuckets, "command")
	for i := range 50 {
		cmd := fmt.Sprintf("cmd%02d", i)
		c.Inc(cmd, "ok")
		c.Inc(cmd, "error")
		h.Observe(0.01, cmd)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.WriteTo(ioDiscard{})
	}
}

func Example() {
	reg := NewRegistry()
	handled := reg.Counter("teambot_commands_total", "Commands handled, by command and outcome.", "command", "status")
	latency := reg.Histogram("teambot_command_duration_seconds", "Command latency.", []float64{0.1, 1})

	start := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	handled.Inc("team", "ok")
	latency.ObserveDuration(start, start.Add(40*time.Millisecond))

	// In the application: mux.Handle("GET /metrics", reg)
	reg.WriteTo(os.Stdout)
	// Output:
	// # HELP teambot_command_duration_seconds Command latency.
	// # TYPE teambot_command_duration_seconds histogram
	// teambot_command_duration_seconds_bucket{le="0.1"} 1
	// teambot_command_duration_seconds_bucket{le="1"} 1
	// teambot_command_duration_seconds_bucket{le="+Inf"} 1
	// teambot_command_duration_seconds_sum 0.04
	// teambot_command_duration_seconds_count 1
	// # HELP teambot_commands_total Commands handled, by command and outcome.
	// # TYPE teambot_commands_total counter
	// teambot_commands_total{command="team",status="ok"} 1
}
