//go:build integration && linux

package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"teambot/bot/wecomtest"
)

// A flood of unsigned callbacks over 256 connections against a real serve
// process — 64 KiB bodies, then 1 MiB ones — keeps its resident memory
// under 100 MB (its peak, VmHWM, read from /proc): bodies past the 64 KiB
// cap are refused unread (413), and callbacks past the in-flight cap are
// turned away with 503 before their bodies are read. A member's callbacks sent during and
// after the flood, by a sender that retries as WeCom does, each run once.
func TestFloodOfUnsignedBodies(t *testing.T) {
	const (
		conns     = 256
		perConn   = 20 // of each size: bounded, about 10 000 requests in all
		floodTime = 20 * time.Second
		maxRSS    = 100e6
	)
	dir := t.TempDir()
	bin := filepath.Join(dir, "teambot")
	if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build teambot: %v\n%s", err, out)
	}
	dbPath := filepath.Join(dir, "flood.db")
	fake := wecomtest.NewServer(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"TEAMBOT_DATABASE_URL=sqlite://"+dbPath,
		"TEAMBOT_LISTEN=127.0.0.1:0",
		"TEAMBOT_ADMIN_LISTEN=127.0.0.1:0",
		"WECOM_API_BASE="+fake.URL,
		"WECOM_ROBOT_TOKEN=robot-token", "WECOM_ROBOT_AES_KEY="+testAESKey,
	)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	addrs := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addrs <- m[1]
			}
		}
	}()
	var addr string
	select {
	case addr = <-addrs:
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not report its address")
	}
	status := func(field string) int64 { // kB from /proc/PID/status
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			if rest, ok := strings.CutPrefix(line, field+":"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				return kb << 10
			}
		}
		t.Fatalf("/proc status has no %s", field)
		return 0
	}

	robot := &chatter{t: t, url: "http://" + addr + "/wecom/robot", chatID: "group-flood", fakeURL: fake.URL,
		cb: &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "robot-token", AESKey: testAESKey}}
	sender := newWeComSender(t, robot)
	robot.expect("wangfang", "王芳", "/加入 王芳", "已登记：王芳")
	before := status("VmRSS")

	// The flood: each connection posts unsigned bodies, one after another,
	// as fast as it is answered: first 64 KiB (the cap: read, then refused
	// for the signature), then 1 MiB (past the cap: refused unread; before
	// the cap every one was read whole).
	const head, tail = "<xml><Encrypt><![CDATA[", "]]></Encrypt></xml>"
	unsigned := func(size int) []byte {
		return []byte(head + strings.Repeat("A", size-len(head)-len(tail)) + tail)
	}
	floodURL := robot.url + "?msg_signature=0000&timestamp=" + strconv.FormatInt(time.Now().Unix(), 10) + "&nonce=1"
	var codes sync.Map // status → *atomic.Int64
	count := func(code int) {
		n, _ := codes.LoadOrStore(code, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}
	stop := time.Now().Add(floodTime)
	var flood sync.WaitGroup
	for range conns {
		flood.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
				MaxIdleConnsPerHost: 1, DialContext: (&net.Dialer{}).DialContext}}
			defer client.CloseIdleConnections()
			for _, body := range [][]byte{unsigned(64 << 10), unsigned(1 << 20)} {
				for range perConn {
					if time.Now().After(stop) {
						return
					}
					resp, err := client.Post(floodURL, "text/xml", bytes.NewReader(body))
					if err != nil {
						count(0) // the server closed a connection whose body it would not read
						continue
					}
					resp.Body.Close()
					count(resp.StatusCode)
				}
			}
		})
	}
	// A member's commands while the flood runs; WeCom retries a 503.
	var sent, retried int
	for i := range 3 {
		inner := robot.message(fmt.Sprintf("during-%d", i), fmt.Sprintf("m%d", i), fmt.Sprintf("成员%d", i), fmt.Sprintf("/加入 成员%d", i))
		st, reply, tries := sender.Send(inner)
		sent, retried = sent+1, retried+tries-1
		t.Logf("during the flood: /加入 成员%d: HTTP %d after %d tries: %q", i, st, tries, reply)
	}
	flood.Wait()
	peak, after := status("VmHWM"), status("VmRSS")
	// And after it.
	inner := robot.message("after", "m9", "成员9", "/加入 成员9")
	st, reply, tries := sender.Send(inner)
	sent, retried = sent+1, retried+tries-1
	if st != http.StatusOK || !strings.Contains(reply, "已登记：成员9") {
		t.Errorf("after the flood: HTTP %d %q after %d tries, want the join answered", st, reply, tries)
	}

	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var run, duplicated, lost int
	for _, id := range []string{"during-0", "during-1", "during-2", "after"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM processed_messages WHERE msg_id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		run += min(n, 1)
		if n == 0 {
			lost++
			t.Errorf("%s never ran", id)
		}
		duplicated += max(n-1, 0)
	}
	var members int
	db.QueryRow(`SELECT count(*) FROM members WHERE name LIKE '成员%'`).Scan(&members)
	if members != run {
		t.Errorf("%d members joined, want %d (one per command run)", members, run)
	}
	var summary []string
	var flooded int64
	codes.Range(func(k, v any) bool {
		n := v.(*atomic.Int64).Load()
		flooded += n
		summary = append(summary, fmt.Sprintf("%v:%d", k, n))
		return true
	})
	t.Logf("flood: %d unsigned callbacks of 64 KiB and 1 MiB over %d connections, by status (0: connection closed) %v", flooded, conns, summary)
	t.Logf("sent %d, retried %d, run %d, lost %d, duplicated %d; RSS before %.1f MB, peak %.1f MB, after %.1f MB",
		sent, retried, run, lost, duplicated, float64(before)/1e6, float64(peak)/1e6, float64(after)/1e6)
	if peak >= maxRSS {
		t.Errorf("resident memory peaked at %.1f MB, want under %.0f MB", float64(peak)/1e6, float64(maxRSS)/1e6)
	}
	if lost != 0 || duplicated != 0 {
		t.Errorf("%d lost, %d duplicated; want none", lost, duplicated)
	}
}
