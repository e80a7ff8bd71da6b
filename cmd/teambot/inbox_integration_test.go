//go:build integration && linux

package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"teambot/bot/wecomtest"
	"teambot/storage/storagetest"
)

// serveProcessEnv, when set, makes this test binary a teambot serve
// process (TestServeProcess), so a test can SIGKILL a replica.
const serveProcessEnv = "TEAMBOT_TEST_SERVE_PROCESS"

// TestServeProcess is not a test: it is serve, run by startServeProcess in
// a process of its own.
func TestServeProcess(t *testing.T) {
	if os.Getenv(serveProcessEnv) == "" {
		t.Skip("run by startServeProcess only")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	err := run(ctx, []string{"serve"}, os.Getenv, nil, io.Discard, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serveProcess is a replica: serve in a process of its own.
type serveProcess struct {
	cmd    *exec.Cmd
	addr   string
	log    *syncBuffer
	exited chan struct{}
}

// startServeProcess starts serve in a new process with the given variables
// and waits for its address; it is stopped when the test ends.
func startServeProcess(t *testing.T, vars ...string) *serveProcess {
	t.Helper()
	p := &serveProcess{log: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestServeProcess$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEAMBOT_") && !strings.HasPrefix(kv, "WECOM_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	// Replicas side by side each take a free admin port.
	p.cmd.Env = append(p.cmd.Env, serveProcessEnv+"=1", "TEAMBOT_ADMIN_LISTEN=127.0.0.1:0")
	p.cmd.Env = append(p.cmd.Env, vars...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(p.log, sc.Text())
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(15 * time.Second):
			p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("replica log:\n%s", p.log.String())
		}
	})
	select {
	case p.addr = <-addr:
	case <-p.exited:
		t.Fatalf("serve exited before listening:\n%s", p.log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not listen within 30 s:\n%s", p.log.String())
	}
	return p
}

// kill ends the replica with SIGKILL: nothing of its memory survives.
func (p *serveProcess) kill() {
	p.cmd.Process.Kill()
	<-p.exited
}

var joinedRE = regexp.MustCompile(`已登记：(成员\d+)`)

// A table stalls (locked by another session) while commands arrive at one
// replica: each misses the passive budget, is recorded in the inbox and
// answered with an empty 200; then that replica is SIGKILLed with the
// commands still waiting. Once the table is free the other replica finds
// the records whose owner died, runs each command once and delivers each
// answer once through the outbox; a retry of any of them afterwards gets
// the kept answer. 0 lost, 0 duplicated — counted in the database and at
// the fake WeCom.
func TestStalledTableAndAKilledReplicaLoseNothing(t *testing.T) {
	pgURL := storagetest.PostgresURL(t)
	fake := wecomtest.NewServer(t)
	vars := []string{
		"TEAMBOT_DATABASE_URL=" + pgURL, "TEAMBOT_LISTEN=127.0.0.1:0", "TEAMBOT_INBOX_LEASE=10s",
		"WECOM_API_BASE=" + fake.URL, "WECOM_ROBOT_TOKEN=robot-token", "WECOM_ROBOT_AES_KEY=" + testAESKey,
	}
	holder := startServeProcess(t, vars...)
	other := startServeProcess(t, vars...)
	at := func(p *serveProcess) *chatter {
		return &chatter{t: t, url: "http://" + p.addr + "/wecom/robot", chatID: "group-stall", fakeURL: fake.URL,
			cb: &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "robot-token", AESKey: testAESKey}}
	}
	toHolder, toOther := at(holder), at(other)
	toHolder.expect("wangfang", "王芳", "/加入 王芳", "已登记：王芳") // the team exists before the stall

	db, err := sql.Open("postgres", pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}

	// The stall: another session holds the members table.
	lock, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(`LOCK TABLE members IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	const n = 15 // within the robot's 20 messages a minute
	msgs := make([][]byte, n)
	for i := range n {
		msgs[i] = toHolder.message(fmt.Sprintf("stall-%d", i), fmt.Sprintf("u%d", i), fmt.Sprintf("成员%d", i), fmt.Sprintf("/加入 成员%d", i))
	}
	sender := newWeComSender(t, toHolder)
	var wg sync.WaitGroup
	var mu sync.Mutex
	late, retried := 0, 0
	for i := range n {
		wg.Go(func() {
			status, reply, tries := sender.Send(msgs[i])
			mu.Lock()
			defer mu.Unlock()
			retried += tries - 1
			if status == http.StatusOK && reply == "" {
				late++
			} else {
				t.Errorf("stall-%d during the stall: HTTP %d %q after %d tries, want an empty 200", i, status, reply, tries)
			}
		})
		time.Sleep(100 * time.Millisecond) // 10 callbacks a second
	}
	wg.Wait()
	if got := count(`SELECT count(*) FROM inbox WHERE msg_id LIKE 'stall-%' AND status = 'pending'`); got != n {
		t.Errorf("%d of %d late commands recorded in the inbox before the kill", got, n)
	}
	holder.kill() // with its commands waiting on the table
	if err := lock.Commit(); err != nil {
		t.Fatal(err)
	}

	// The other replica takes the records once their lease (10 s) is out.
	deadline := time.Now().Add(40 * time.Second)
	for count(`SELECT count(*) FROM inbox WHERE msg_id LIKE 'stall-%' AND status = 'done'`) < n && time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
	}
	for count(`SELECT count(*) FROM outbox WHERE origin LIKE 'late robot/stall-%' AND status <> 'sent'`) > 0 && time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
	}
	recovered := count(`SELECT count(*) FROM inbox WHERE msg_id LIKE 'stall-%' AND status = 'done' AND attempts > 0`)

	// WeCom would not retry (each got its 200); a retry anyway gets the
	// kept answer from the other replica and runs nothing again.
	again := newWeComSender(t, toOther)
	for i := range n {
		if status, reply, _ := again.Send(msgs[i]); status != http.StatusOK || !strings.Contains(reply, fmt.Sprintf("已登记：成员%d", i)) {
			t.Errorf("a retry of stall-%d: HTTP %d %q, want the kept answer", i, status, reply)
		}
	}

	ran := count(`SELECT count(DISTINCT user_id) FROM members WHERE user_id LIKE 'u%'`)
	rows := count(`SELECT count(*) FROM members WHERE user_id LIKE 'u%'`)
	delivered := map[string]int{}
	for _, c := range fake.Delivered(wecomtest.WebhookPath) {
		var m struct{ Text struct{ Content string } }
		json.Unmarshal(c.Body, &m)
		if who := joinedRE.FindStringSubmatch(m.Text.Content); who != nil {
			delivered[who[1]]++
		}
	}
	lost, duplicated := n-ran, rows-ran
	for i := range n {
		switch got := delivered[fmt.Sprintf("成员%d", i)]; {
		case got == 0:
			lost++
			t.Errorf("the answer to stall-%d never reached WeCom", i)
		case got > 1:
			duplicated += got - 1
			t.Errorf("the answer to stall-%d reached WeCom %d times", i, got)
		}
	}
	t.Logf("sent %d, retried %d, late (empty 200) %d, recovered by the other replica %d, run %d, lost %d, duplicated %d",
		n, retried, late, recovered, ran, lost, duplicated)
	if lost != 0 || duplicated != 0 || ran != n || recovered != n {
		t.Errorf("want every command run and answered exactly once, by the other replica")
	}
}
