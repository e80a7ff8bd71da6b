package metrics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// OnScrape functions run before every exposition, in order, and what they
// Set is what that very scrape shows; ServeHTTP hands them the request's
// context.
func TestOnScrapeRunsBeforeEachExposition(t *testing.T) {
	r := NewRegistry()
	depth := r.Gauge("queue_depth", "Rows waiting.")
	var order []string
	n := 0
	r.OnScrape(func(context.Context) {
		n++
		depth.Set(float64(n * 10))
		order = append(order, "first")
	})
	type key struct{}
	var seen any
	r.OnScrape(func(ctx context.Context) {
		seen = ctx.Value(key{})
		order = append(order, "second")
	})

	if got := expose(t, r); !strings.Contains(got, "queue_depth 10\n") {
		t.Fatalf("first scrape:\n%s", got)
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req = req.WithContext(context.WithValue(req.Context(), key{}, "scrape-2"))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if !strings.Contains(w.Body.String(), "queue_depth 20\n") {
		t.Fatalf("second scrape:\n%s", w.Body.String())
	}
	if seen != "scrape-2" {
		t.Errorf("collector saw context value %v, want the request's", seen)
	}
	if strings.Join(order, ",") != "first,second,first,second" {
		t.Errorf("collectors ran in order %v", order)
	}
}

func TestProcessMetrics(t *testing.T) {
	r := NewRegistry()
	start := time.Unix(1764000000, 500_000_000)
	RegisterProcess(r, start)
	text := expose(t, r)

	m := regexp.MustCompile(`(?m)^process_start_time_seconds (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("process_start_time_seconds missing:\n%s", text)
	}
	if v, _ := strconv.ParseFloat(m[1], 64); v != 1764000000.5 {
		t.Errorf("process_start_time_seconds = %s, want 1764000000.5", m[1])
	}
	m = regexp.MustCompile(`(?m)^go_goroutines (\d+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("go_goroutines missing:\n%s", text)
	}
	if n, _ := strconv.Atoi(m[1]); n < 2 { // this test and the testing main goroutine at least
		t.Errorf("go_goroutines = %d", n)
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: resident memory is not exposed here")
	}
	m = regexp.MustCompile(`(?m)^process_resident_memory_bytes (\d+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("process_resident_memory_bytes missing:\n%s", text)
	}
	// A Go test binary holds more than 1 MiB and less than 4 GiB resident.
	if n, _ := strconv.ParseInt(m[1], 10, 64); n < 1<<20 || n > 4<<30 {
		t.Errorf("process_resident_memory_bytes = %d", n)
	}
}

func TestParseVmRSS(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"Name:\tteambot\nVmPeak:\t  9000 kB\nVmRSS:\t    1234 kB\nThreads:\t7\n", 1234 << 10, true},
		{"Name:\tteambot\n", 0, false},
		{"VmRSS:\t12 MB\n", 0, false},
		{"VmRSS:\tlots kB\n", 0, false},
	} {
		got, ok := parseVmRSS([]byte(c.in))
		if got != c.want || ok != c.ok {
			t.Errorf("parseVmRSS(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
