package metrics

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"runtime"
	"strconv"
	"time"
)

// RegisterProcess adds the usual process gauges, read at scrape time:
// go_goroutines, process_start_time_seconds and, where /proc/self/status
// exists (Linux), process_resident_memory_bytes. The names follow the
// Prometheus client libraries, so stock dashboards and alerts apply.
func RegisterProcess(r *Registry, start time.Time) {
	goroutines := r.Gauge("go_goroutines", "Number of goroutines that currently exist.")
	started := r.Gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.")
	started.Set(float64(start.UnixNano()) / 1e9)
	var rss *Gauge
	if _, ok := residentBytes(); ok {
		rss = r.Gauge("process_resident_memory_bytes", "Resident memory size, in bytes.")
	}
	r.OnScrape(func(context.Context) {
		goroutines.Set(float64(runtime.NumGoroutine()))
		if rss != nil {
			if n, ok := residentBytes(); ok {
				rss.Set(float64(n))
			}
		}
	})
}

// residentBytes reads VmRSS from /proc/self/status.
func residentBytes() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	return parseVmRSS(b)
}

// parseVmRSS finds "VmRSS:   1234 kB" in the text of /proc/PID/status.
func parseVmRSS(status []byte) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:"))
		if !ok {
			continue
		}
		fields := bytes.Fields(rest)
		if len(fields) != 2 || string(fields[1]) != "kB" {
			return 0, false
		}
		kb, err := strconv.ParseInt(string(fields[0]), 10, 64)
		if err != nil || kb < 0 {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}
