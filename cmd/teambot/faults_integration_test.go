//go:build integration && unix

package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// pgProxy is a TCP proxy between serve and PostgreSQL that can "restart"
// the database for serve alone: Down closes every proxied connection and
// refuses new ones, Up accepts again. Other tests on the same server never
// notice.
type pgProxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	down    bool
	stalled bool       // accept, then never answer
	held    []net.Conn // connections accepted while stalled
	conns   map[net.Conn]bool
}

func startPGProxy(t *testing.T, target string) *pgProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.Down()
	})
	return p
}

func (p *pgProxy) Addr() string { return p.ln.Addr().String() }

func (p *pgProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down, stalled := p.down, p.stalled
		if stalled {
			p.held = append(p.held, c)
		}
		p.mu.Unlock()
		if stalled {
			continue
		}
		if down { // refused: reset at once
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			c.Close()
			continue
		}
		go p.pipe(c)
	}
}

func (p *pgProxy) pipe(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		client.Close()
		server.Close()
		return
	}
	p.conns[client], p.conns[server] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(server, client); done <- struct{}{} }()
	go func() { io.Copy(client, server); done <- struct{}{} }()
	<-done
	client.Close()
	server.Close()
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}

// Down drops every connection and refuses new ones, as a restarting
// PostgreSQL does.
func (p *pgProxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		c.Close()
		delete(p.conns, c)
	}
}

// Stall drops every connection and leaves new ones hanging without an
// answer, as a database host that stopped responding does.
func (p *pgProxy) Stall() {
	p.Down()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = true
}

// Up accepts connections again; those left hanging are closed.
func (p *pgProxy) Up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down, p.stalled = false, false
	for _, c := range p.held {
		c.Close()
	}
	p.held = nil
}

// serveBehindProxy runs serve in this process on a fresh PostgreSQL schema
// reached through a pgProxy, with the AI bot and group robot endpoints and
// WeCom faked. It returns the schema's direct URL, the proxy, the fake, and
// serve's address and log.
func serveBehindProxy(t *testing.T) (string, *pgProxy, *wecomtest.Server, string, *syncBuffer) {
	t.Helper()
	pgURL := storagetest.PostgresURL(t)
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startPGProxy(t, u.Host)
	u.Host = proxy.Addr()
	fake := wecomtest.NewServer(t)
	addr, logs := serveInProcess(t, env(
		"TEAMBOT_DATABASE_URL", u.String(),
		"TEAMBOT_LISTEN", "127.0.0.1:0",
		"TEAMBOT_ADMINS", "boss",
		"WECOM_API_BASE", fake.URL,
		"WECOM_BOT_TOKEN", "bot-token", "WECOM_BOT_AES_KEY", testAESKey,
		"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey,
	))
	return pgURL, proxy, fake, addr, logs
}

// serveInProcess runs serve in this process until the test ends and returns its
// address and its log.
func serveInProcess(t *testing.T, getenv func(string) string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, stderr) }()
	addr := waitForAddr(t, stderr, done)
	adminAddrs.Store(addr, waitForAdminAddr(t, stderr, done))
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		adminAddrs.Delete(addr)
	})
	return addr, stderr
}

// adminAddrs maps the callback address of each serve serveInProcess runs
// to its admin address, where /readyz is.
var adminAddrs sync.Map

// readyz is /readyz's status code, on the admin port of the serve whose
// callback address is addr.
func readyz(t *testing.T, addr string) int {
	t.Helper()
	admin, ok := adminAddrs.Load(addr)
	if !ok {
		t.Fatalf("no admin address known for the serve at %s", addr)
	}
	resp, err := http.Get("http://" + admin.(string) + "/readyz")
	if err != nil {
		t.Fatalf("/readyz: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitReady polls /readyz until it answers want.
func waitReady(t *testing.T, addr string, want int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		got := readyz(t, addr)
		if got == want {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("/readyz = %d after %v, want %d", got, within, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// postCallback sends one callback and returns the status and decrypted reply
// text; safe to call from several goroutines.
func postCallback(c *chatter, inner []byte) (int, string, error) {
	resp, err := http.DefaultClient.Do(c.cb.Post(c.url, inner))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		return resp.StatusCode, "", nil
	}
	plain, err := c.cb.OpenReply(body)
	if err != nil {
		return resp.StatusCode, "", err
	}
	var r struct {
		Content string `xml:"Text>Content"`
	}
	if c.cb.Mode == wecomtest.ModeBot {
		var j struct{ Stream struct{ Content string } }
		err = json.Unmarshal(plain, &j)
		return resp.StatusCode, j.Stream.Content, err
	}
	err = xml.Unmarshal(plain, &r)
	return resp.StatusCode, r.Content, err
}

// PostgreSQL restarts while serve runs (through a proxy that drops every
// connection and refuses new ones for three seconds): /readyz turns 503 and
// back to 200; callbacks during the outage, and a burst in flight when it
// begins, are either run and answered 200 or not run and answered 503 with
// no body — never a 200 for a command that did not run, since WeCom retries
// only what it did not see answered 200; WeCom's retries of them after the
// database is back run each command exactly once; and messages in the
// outbox before the outage are delivered exactly once after it.
func TestPostgresRestartDuringServe(t *testing.T) {
	pgURL, proxy, fake, addr, logs := serveBehindProxy(t)
	direct, err := sql.Open("postgres", pgURL) // checks the records behind serve's back
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := direct.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}

	robot := &chatter{t: t, url: "http://" + addr + "/wecom/robot", chatID: "group-pg", fakeURL: fake.URL,
		cb: &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "robot-token", AESKey: testAESKey}}
	aibot := &chatter{t: t, url: "http://" + addr + "/wecom/bot", chatID: "group-pg-bot", fakeURL: fake.URL,
		cb: &wecomtest.Callbacks{Mode: wecomtest.ModeBot, Token: "bot-token", AESKey: testAESKey}}
	// Escalations are private input, sent in each endpoint's single chat.
	robotSingle := &chatter{t: t, url: robot.url, fakeURL: fake.URL, cb: robot.cb}
	aibotSingle := &chatter{t: t, url: aibot.url, fakeURL: fake.URL, cb: aibot.cb}
	robot.expect("wangfang", "王芳", "/加入 王芳", "已登记：王芳")
	robot.expect("boss", "老板", "/主管 @王芳", "现在是主管")
	robot.expect("wangfang", "王芳", "/团队 加入方式 自由", "加入方式已改为「自由」") // the burst joins at once
	const burst = 12
	for i := range burst {
		robot.expect(fmt.Sprintf("m%d", i), fmt.Sprintf("成员%d", i), fmt.Sprintf("/加入 成员%d", i), "已登记")
	}
	aibot.expect("zhaoliu", "", "/加入 赵六", "已登记：赵六")
	if got := readyz(t, addr); got != http.StatusOK {
		t.Fatalf("/readyz before the outage = %d", got)
	}

	// Messages waiting in the outbox when the database goes away.
	var team teambot.Team
	var queued []string
	{
		db, err := storage.Open(context.Background(), pgURL)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(context.Background(), func(tx *storage.Tx) (err error) {
			if team, err = tx.TeamByChat(context.Background(), "group-pg"); err != nil {
				return err
			}
			var msgs []teambot.Outgoing
			for i := range 5 {
				queued = append(queued, fmt.Sprintf("停机前排队的消息 %d", i))
				msgs = append(msgs, teambot.Outgoing{TeamID: team.ID, Channel: teambot.ToGroup, Text: queued[i], Origin: "test"})
			}
			return tx.Enqueue(context.Background(), msgs, time.Now())
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}

	// A burst of callbacks; the database goes away while they run.
	type answer struct {
		status int
		text   string
		err    error
	}
	burstMsgs := make([][]byte, burst)
	answers := make([]answer, burst)
	for i := range burst {
		burstMsgs[i] = robotSingle.message(fmt.Sprintf("burst-%d", i), fmt.Sprintf("m%d", i), fmt.Sprintf("成员%d", i), fmt.Sprintf("/上报 第 %d 个问题：数据库重启时提交", i))
	}
	var wg sync.WaitGroup
	answered := make(chan struct{}, burst)
	for i := range burst {
		wg.Go(func() {
			s, text, err := postCallback(robotSingle, burstMsgs[i])
			answers[i] = answer{s, text, err}
			answered <- struct{}{}
		})
	}
	for range burst / 3 {
		<-answered
	}
	proxy.Down() // the rest are in flight or not yet begun
	wg.Wait()
	outageStart := time.Now()
	outcomes := map[string]int{}
	for i, a := range answers {
		ran := count(`SELECT count(*) FROM escalations WHERE msg_id = $1`, fmt.Sprintf("burst-%d", i))
		switch {
		case a.err == nil && a.status == http.StatusServiceUnavailable && a.text == "" && ran == 0:
			outcomes["503, not run"]++
		case a.err == nil && a.status == http.StatusServiceUnavailable && a.text == "" && ran == 1:
			// The COMMIT reached PostgreSQL but its answer was cut with the
			// connection: serve cannot know it ran. WeCom's retry finds it
			// handled; it still runs once.
			outcomes["503, commit answer lost"]++
		case a.err == nil && a.status == http.StatusOK && ran == 1 && !strings.Contains(a.text, "抱歉"):
			outcomes["200, run"]++
		default:
			t.Errorf("burst %d as the database went away: HTTP %d %q %v, run %d times; want 200 and run, or 503 and not run",
				i, a.status, a.text, a.err, ran)
		}
	}
	t.Logf("the burst as the database went away: %v", outcomes)
	if d := waitReady(t, addr, http.StatusServiceUnavailable, 5*time.Second); d > 3*time.Second {
		t.Errorf("/readyz took %v to turn red", d)
	} else {
		t.Logf("/readyz red %v after the database went away", d)
	}

	// Callbacks while the database is down: 503 and no body, before WeCom
	// gives up on the try.
	down := map[*chatter][]byte{
		robotSingle: robotSingle.message("down-robot", "m0", "成员0", "/上报 停机期间的问题"),
		aibotSingle: aibotSingle.message("down-bot", "zhaoliu", "赵六", "/上报 停机期间的问题"),
	}
	for c, inner := range down {
		start := time.Now()
		status, text, err := postCallback(c, inner)
		if err != nil || status != http.StatusServiceUnavailable || text != "" {
			t.Errorf("%s during the outage: HTTP %d %q, %v; want 503 and no body", c.cb.Mode, status, text, err)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%s during the outage took %v: WeCom gives up after 5 s", c.cb.Mode, d)
		}
	}

	time.Sleep(3*time.Second - time.Since(outageStart)) // the restart's length
	proxy.Up()
	back := waitReady(t, addr, http.StatusOK, 15*time.Second)
	t.Logf("/readyz green again %v after the database came back", back)

	// WeCom retries every callback it did not see answered; each command
	// runs once in all, and a second retry gets the first one's answer.
	firstAnswers := map[string]string{}
	for round := range 2 {
		for i := range burst {
			status, text, err := postCallback(robotSingle, burstMsgs[i])
			if err != nil || status != http.StatusOK {
				t.Errorf("retry %d of burst %d: HTTP %d, %v", round, i, status, err)
			}
			if key := fmt.Sprint("burst", i); round == 0 {
				firstAnswers[key] = text
			} else if text != firstAnswers[key] {
				t.Errorf("second retry of burst %d answered %q, want the kept answer %q", i, text, firstAnswers[key])
			}
			if strings.Contains(text, "抱歉") {
				t.Errorf("retry of burst %d after the database is back: %q", i, text)
			}
		}
		for c, inner := range down {
			status, text, _ := postCallback(c, inner)
			if status != http.StatusOK || (round == 0 && !strings.Contains(text, "上报")) {
				t.Errorf("%s retry %d after the outage: HTTP %d %q, want the report recorded", c.cb.Mode, round, status, text)
			}
			if key := string(c.cb.Mode); round == 0 {
				firstAnswers[key] = text
			} else if text != firstAnswers[key] {
				t.Errorf("%s second retry answered %q, want the kept answer %q", c.cb.Mode, text, firstAnswers[key])
			}
		}
	}
	for i := range burst {
		id := fmt.Sprintf("burst-%d", i)
		if n := count(`SELECT count(*) FROM escalations WHERE msg_id = $1`, id); n != 1 {
			t.Errorf("%s: %d escalations, want exactly 1", id, n)
		}
		if n := count(`SELECT count(*) FROM processed_messages WHERE msg_id = $1`, id); n != 1 {
			t.Errorf("%s: recorded %d times as processed, want 1", id, n)
		}
	}
	for _, id := range []string{"down-robot", "down-bot"} {
		if n := count(`SELECT count(*) FROM escalations WHERE msg_id = $1`, id); n != 1 {
			t.Errorf("%s: %d escalations, want exactly 1", id, n)
		}
	}

	// The outbox drains once the database is back (the scheduler ticks
	// every 15 s): each queued message exactly once.
	deadline := time.Now().Add(2*tickEvery + 10*time.Second)
	for {
		if count(`SELECT count(*) FROM outbox WHERE origin = 'test' AND status <> 'sent'`) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := map[string]int{}
	for _, c := range fake.Delivered(wecomtest.WebhookPath) {
		var m struct{ Text struct{ Content string } }
		json.Unmarshal(c.Body, &m)
		got[m.Text.Content]++
	}
	for _, q := range queued {
		if got[q] != 1 {
			t.Errorf("%q delivered %d times, want exactly once (all: %v)", q, got[q], got)
		}
	}
	if n := count(`SELECT count(*) FROM outbox WHERE origin = 'test' AND status = 'sent'`); n != len(queued) {
		t.Errorf("%d of %d queued messages marked sent", n, len(queued))
	}

	// A restart between requests, with serve's pool full of connections
	// that the restart closed: the next callbacks find them dead and must
	// still be answered from a fresh connection, not with an apology.
	var fill sync.WaitGroup
	for i := range 8 {
		fill.Go(func() {
			postCallback(robot, robot.message(fmt.Sprintf("fill-%d", i), fmt.Sprintf("m%d", i), "", "/团队"))
		})
	}
	fill.Wait()
	proxy.Down()
	proxy.Up()
	for i := range 8 {
		status, text, err := postCallback(robot, robot.message(fmt.Sprintf("after-restart-%d", i), fmt.Sprintf("m%d", i), "", "/团队"))
		if err != nil || status != http.StatusOK || !strings.Contains(text, "团队名单") {
			t.Errorf("callback %d right after a quick restart: HTTP %d %q %v, want the roster", i, status, text, err)
		}
	}

	// The database stops answering instead of refusing: /readyz still turns
	// red within its two seconds, and a callback gets its answer within
	// WeCom's five — 503, as the message can be neither run nor recorded,
	// so WeCom retries; once the database answers again the command has
	// run exactly once.
	proxy.Stall()
	if d := waitReady(t, addr, http.StatusServiceUnavailable, 5*time.Second); d > 3*time.Second {
		t.Errorf("/readyz took %v to turn red on a stalled database", d)
	}
	stalled := robotSingle.message("stalled", "m1", "成员1", "/上报 数据库不响应时的问题")
	start := time.Now()
	if status, text, err := postCallback(robotSingle, stalled); err != nil || status != http.StatusServiceUnavailable || text != "" {
		t.Errorf("callback on a stalled database: HTTP %d %q %v, want 503 and no body", status, text, err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("callback on a stalled database took %v: WeCom gives up after 5 s", d)
	} else {
		t.Logf("callback on a stalled database answered in %v", d)
	}
	time.Sleep(time.Second)
	proxy.Up()
	waitReady(t, addr, http.StatusOK, 15*time.Second)
	for range 2 { // WeCom's retries
		if status, _, err := postCallback(robotSingle, stalled); err != nil || status != http.StatusOK {
			t.Errorf("retry after the stall: HTTP %d %v", status, err)
		}
	}
	deadline = time.Now().Add(70 * time.Second) // the stalled attempt gives up after WorkTimeout
	for count(`SELECT count(*) FROM escalations WHERE msg_id = 'stalled'`) == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if n := count(`SELECT count(*) FROM escalations WHERE msg_id = 'stalled'`); n != 1 {
		t.Errorf("the command sent while the database stalled ran %d times, want once", n)
	}

	if strings.Contains(logs.String(), "panic") {
		t.Errorf("serve logged a panic:\n%s", logs.String())
	}
}

// wecomFront stands for WeCom's API host in front of the fake: it can
// refuse connections (its port closed), answer HTTP 500, answer errcode
// 45009, or pass calls on to the fake. It records the injected clock's time
// of every call that reached it.
type wecomFront struct {
	t    *testing.T
	addr string
	fake *wecomtest.Server
	now  func() time.Time

	mu    sync.Mutex
	mode  string // "refuse", "500", "45009", "up"
	ln    net.Listener
	srv   *http.Server
	calls []frontCall
}

type frontCall struct {
	at        time.Time // injected clock
	key, mode string
}

func newWeComFront(t *testing.T, fake *wecomtest.Server, now func() time.Time) *wecomFront {
	f := &wecomFront{t: t, fake: fake, now: now, mode: "up"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	f.serve(ln)
	t.Cleanup(func() { f.setMode("refuse") })
	return f
}

func (f *wecomFront) serve(ln net.Listener) {
	f.ln = ln
	f.srv = &http.Server{Handler: http.HandlerFunc(f.handle)}
	go f.srv.Serve(ln)
}

// setMode changes what WeCom does; "refuse" closes the port, anything else
// opens it again on the same address.
func (f *wecomFront) setMode(mode string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case mode == "refuse" && f.srv != nil:
		f.srv.Close()
		f.srv = nil
	case mode != "refuse" && f.srv == nil:
		ln, err := net.Listen("tcp", f.addr)
		if err != nil {
			f.t.Fatalf("reopen %s: %v", f.addr, err)
		}
		f.serve(ln)
	}
	f.mode = mode
}

func (f *wecomFront) handle(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	mode := f.mode
	f.calls = append(f.calls, frontCall{at: f.now(), key: r.URL.Query().Get("key"), mode: mode})
	f.mu.Unlock()
	switch mode {
	case "500":
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case "45009":
		io.WriteString(w, `{"errcode":45009,"errmsg":"api freq out of limit"}`)
		return
	}
	req, _ := http.NewRequest(r.Method, f.fake.URL+r.URL.RequestURI(), r.Body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// WeCom is down — connection refused for two minutes, HTTP 500 for two,
// errcode 45009 for five — while two teams' robots have 30 messages each in
// the outbox: the outbox keeps every message, and once WeCom is back
// delivers each exactly once, never more than 20 calls a minute to one
// robot (checked on the injected clock of every call that reached WeCom).
func TestOutboxOutlivesWeComOutage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		var mu sync.Mutex
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		fake := wecomtest.NewServer(t)
		front := newWeComFront(t, fake, clock)
		sealer, err := bot.NewKeySealer("secret-for-tests")
		if err != nil {
			t.Fatal(err)
		}
		client := wecom.New(wecom.Config{APIBase: "http://" + front.addr, Now: clock, Timeout: 2 * time.Second,
			// As in serve, long waits go back to the outbox; here every
			// wait does, so the injected clock alone measures them.
			Sleep: func(_ context.Context, d time.Duration) error {
				return &teambot.RetryAfterError{Wait: d, Err: errors.New("WeCom asked to wait")}
			}})
		outbox := &scheduler.Outbox{Store: scheduler.StoreOf(db.Update), Deliverer: &bot.Pusher{Client: client, Open: sealer.Open},
			Log: slog.New(slog.DiscardHandler)}

		want := map[string]int{}
		for _, robotKey := range []string{"ROBOT-A", "ROBOT-B"} {
			team := teambot.Team{ChatID: "group-" + robotKey, TimeZone: "Asia/Shanghai", CreatedAt: clock()}
			sealed, _ := sealer.Seal(robotKey)
			var msgs []teambot.Outgoing
			for i := range 30 {
				text := fmt.Sprintf("%s 第 %d 条", robotKey, i)
				want[text] = 1
				msgs = append(msgs, teambot.Outgoing{Channel: teambot.ToGroup, Text: text, Origin: "outage"})
			}
			err := db.Update(context.Background(), func(tx *storage.Tx) error {
				if err := tx.CreateTeam(context.Background(), &team); err != nil {
					return err
				}
				if err := tx.SetPushKey(context.Background(), team.ID, sealed); err != nil {
					return err
				}
				for i := range msgs {
					msgs[i].TeamID = team.ID
				}
				return tx.Enqueue(context.Background(), msgs, clock())
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		tick := func() {
			t.Helper()
			if err := outbox.Run(context.Background(), clock()); err != nil {
				t.Fatalf("outbox at %v: %v", clock(), err)
			}
			advance(tickEvery)
		}
		phase := func(mode string, d time.Duration) {
			front.setMode(mode)
			for end := clock().Add(d); clock().Before(end); {
				tick()
			}
		}
		phase("refuse", 2*time.Minute)
		phase("500", 2*time.Minute)
		phase("45009", 5*time.Minute)
		if n := len(fake.Delivered(wecomtest.WebhookPath)); n != 0 {
			t.Fatalf("%d messages delivered while WeCom was down", n)
		}
		var counts map[teambot.OutboxStatus]int
		db.Update(context.Background(), func(tx *storage.Tx) (err error) { counts, err = tx.OutboxCounts(context.Background()); return err })
		if counts["failed"] != 0 || counts["sent"] != 0 {
			t.Fatalf("after the outage the outbox holds %v, want every message still pending", counts)
		}
		back := clock()
		front.setMode("up")
		for range 4 * 60 { // at most an hour of ticks
			if len(fake.Delivered(wecomtest.WebhookPath)) >= len(want) {
				break
			}
			tick()
		}
		drained := clock().Sub(back)
		got := map[string]int{}
		for _, c := range fake.Delivered(wecomtest.WebhookPath) {
			var m struct{ Text struct{ Content string } }
			json.Unmarshal(c.Body, &m)
			got[m.Text.Content]++
		}
		for text := range want {
			if got[text] != 1 {
				t.Errorf("%q delivered %d times, want once", text, got[text])
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d distinct messages delivered, want %d", len(got), len(want))
		}
		// Never more than 20 calls to one robot in any minute.
		front.mu.Lock()
		calls := append([]frontCall(nil), front.calls...)
		front.mu.Unlock()
		perKey := map[string][]time.Time{}
		for _, c := range calls {
			if c.key != "" {
				perKey[c.key] = append(perKey[c.key], c.at)
			}
		}
		for key, times := range perKey {
			for i := range times {
				j := i
				for j < len(times) && times[j].Sub(times[i]) < time.Minute {
					j++
				}
				if j-i > 20 {
					t.Errorf("robot %s: %d calls in the minute from %v", key, j-i, times[i])
					break
				}
			}
		}
		t.Logf("60 messages drained in %v of injected time after WeCom came back; %d calls reached WeCom in all", drained, len(calls))
		if drained < time.Minute {
			t.Errorf("30 messages per robot drained in %v: faster than 20 a minute", drained)
		}
	})
}

// withWritesRefused makes every write to a regular file by this process
// fail, as on a full disk or a file that turned read-only: RLIMIT_FSIZE 0
// makes the kernel answer EFBIG (SQLite: "database or disk is full") to
// every write(2) and ftruncate(2), for root too, where chmod would not stop
// anyone. Go ignores the accompanying SIGXFSZ. It returns the undo.
func withWritesRefused(t *testing.T) func() {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 0, Max: old.Max}); err != nil {
		t.Fatal(err)
	}
	undone := false
	undo := func() {
		if !undone {
			undone = true
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(undo)
	return undo
}

// The SQLite file cannot be written (disk full or turned read-only): serve
// and console refuse to start with an error naming the file and the cause;
// while it happens under a running serve, /readyz is red and no command is
// answered 200 without running — WeCom's tries get 503, and its retry once
// the disk has room runs the command once; the file then passes PRAGMA
// integrity_check, the earlier records are intact and commands work again.
func TestSQLiteThatCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "teambot.db")
	fake := wecomtest.NewServer(t)
	getenv := env(
		"TEAMBOT_DATABASE_URL", "sqlite://"+path,
		"TEAMBOT_LISTEN", "127.0.0.1:0",
		"TEAMBOT_ADMINS", "boss",
		"WECOM_API_BASE", fake.URL,
		"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey,
	)

	// A new file on a full disk: neither serve nor console starts. (Test
	// output is written only once writes are allowed again: the test's own
	// standard output may be a file.)
	undo := withWritesRefused(t)
	startErrs := map[string]error{}
	for _, cmd := range []string{"serve", "console"} {
		startErrs[cmd] = run(context.Background(), []string{cmd}, getenv, strings.NewReader("/团队\n"), io.Discard, io.Discard)
	}
	undo()
	for cmd, err := range startErrs {
		checkStartError(t, cmd+" on a full disk", err, path)
	}

	// A working serve; the file turns unwritable under it.
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, stderr) }()
	addr := waitForAddr(t, stderr, done)
	adminAddrs.Store(addr, waitForAdminAddr(t, stderr, done))
	defer adminAddrs.Delete(addr)
	robot := &chatter{t: t, url: "http://" + addr + "/wecom/robot", chatID: "group-full", fakeURL: fake.URL,
		cb: &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "robot-token", AESKey: testAESKey}}
	robot.expect("wangfang", "王芳", "/加入 王芳 文案", "已登记：王芳")
	robot.expect("zhangsan", "张三", "/加入 张三 美工", "已登记：张三")
	robot.expect("zhangsan", "张三", "/周报 写完了三篇推文", "周报")

	big := "/周报 " + strings.Repeat("磁盘写满时提交的周报。", 300) // more than fits in the WAL's free pages
	texts := []string{"/加入 李四 技术", big, "/上报 写不进去"}
	wants := []string{"已登记：李四", "周报", "上报"}
	// The escalation is private input, sent in the single chat.
	robotSingle := &chatter{t: t, url: robot.url, fakeURL: fake.URL, cb: robot.cb}
	chatters := []*chatter{robot, robot, robotSingle}
	refused := make([][]byte, len(texts))
	for i, text := range texts {
		user := []string{"lisi", "zhangsan", "wangfang"}[i]
		refused[i] = chatters[i].message(fmt.Sprintf("full-%d", i), user, []string{"李四", "张三", "王芳"}[i], text)
	}

	// The file cannot be written: /readyz is red, and WeCom's first tries
	// are answered 503, not run. The disk gets room again before the
	// second tries, which run each command once and answer it.
	undo = withWritesRefused(t)
	if got := readyz(t, addr); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the file cannot be written = %d, want 503", got)
	}
	sent := make([]delivery, len(texts))
	var wg sync.WaitGroup
	for i := range texts {
		wg.Go(func() {
			status, reply, tries := newWeComSender(t, chatters[i]).Send(refused[i])
			sent[i] = delivery{status: status, tries: tries, reply: reply}
		})
	}
	for deadline := time.Now().Add(10 * time.Second); callbacksUnavailable(t, addr) < len(texts); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("serve did not answer the first tries 503 within 10 s")
		}
	}
	undo()
	wg.Wait()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var runs [3]int
	raw.QueryRow(`SELECT count(*) FROM members WHERE user_id = 'lisi'`).Scan(&runs[0])
	raw.QueryRow(`SELECT count(*) FROM reports WHERE text LIKE '%磁盘写满时提交的周报%'`).Scan(&runs[1])
	raw.QueryRow(`SELECT count(*) FROM escalations WHERE msg_id = 'full-2'`).Scan(&runs[2])
	var retried, ran, lost, twice int
	for i, d := range sent {
		if d.tries > 1 {
			retried++
		}
		switch runs[i] {
		case 0:
			lost++
		case 1:
			ran++
		default:
			twice++
		}
		if d.status != http.StatusOK || d.tries != 2 || !strings.Contains(d.reply, wants[i]) || runs[i] != 1 {
			t.Errorf("%.20s sent while the disk was full: HTTP %d %q after %d tries, run %d times; want it run once and answered on the second try",
				texts[i], d.status, d.reply, d.tries, runs[i])
		}
	}
	t.Logf("SQLite disk full: sent %d, retried %d, run %d, lost %d, duplicated %d", len(sent), retried, ran, lost, twice)
	// A further retry gets the answer of the run again (kept with the
	// message id): the first may be the one that was lost on the way.
	if status, reply, err := postCallback(robot, refused[0]); status != http.StatusOK || !strings.Contains(reply, wants[0]) || err != nil {
		t.Errorf("a further retry of /加入 李四: HTTP %d %q %v, want the kept answer %q", status, reply, err, wants[0])
	}
	robot.expect("zhangsan", "张三", "/团队", "王芳", "张三", "李四")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Errorf("serve logged a panic:\n%s", stderr.String())
	}

	// An existing file that cannot be written: no start either.
	undo = withWritesRefused(t)
	for _, cmd := range []string{"serve", "console"} {
		startErrs[cmd] = run(context.Background(), []string{cmd}, getenv, strings.NewReader("/团队\n"), io.Discard, io.Discard)
	}
	undo()
	for cmd, err := range startErrs {
		checkStartError(t, cmd+" on an existing file that cannot be written", err, path)
	}

	// The file is whole and the earlier records are there.
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	var members, reports int
	raw.QueryRow(`SELECT count(*) FROM members`).Scan(&members)
	raw.QueryRow(`SELECT count(*) FROM reports`).Scan(&reports)
	if members != 3 || reports < 1 {
		t.Errorf("after the disk filled: %d members, %d reports; want 3 and the report written before", members, reports)
	}
}

// callbacksUnavailable is how many callbacks serve has answered 503
// because the database could not take them, from /metrics.
func callbacksUnavailable(t *testing.T, addr string) int {
	t.Helper()
	admin, ok := adminAddrs.Load(addr)
	if !ok {
		t.Fatalf("no admin address known for the serve at %s", addr)
	}
	n := 0
	for _, line := range strings.Split(httpGet(t, "http://"+admin.(string)+"/metrics"), "\n") {
		if strings.HasPrefix(line, "teambot_callbacks_total{") && strings.Contains(line, `outcome="unavailable"}`) {
			var v int
			fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &v)
			n += v
		}
	}
	return n
}

// checkStartError wants a start refused with an error that names the file
// and says what is wrong with it.
func checkStartError(t *testing.T, what string, err error, path string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("%s: %v, want an error naming %s", what, err, path)
		return
	}
	causes := []string{"disk is full", "disk full", "read-only", "permission denied", "may this user write"}
	if !slices.ContainsFunc(causes, func(c string) bool { return strings.Contains(err.Error(), c) }) {
		t.Errorf("%s: %v, want it to say why (one of %q)", what, err, causes)
		return
	}
	t.Logf("%s: %v", what, err)
}

// readOnlyDir makes dir read-only for this process and returns the path
// through which it is read-only. An ordinary user gets chmod 0555 on the
// directory and 0444 on its files; chmod does not stop root, so root gets a
// read-only bind mount of the directory instead (which needs CAP_SYS_ADMIN).
func readOnlyDir(t *testing.T, dir string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if err := os.Chmod(filepath.Join(dir, e.Name()), 0o444); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		return dir
	}
	ro := t.TempDir()
	if out, err := exec.Command("mount", "--bind", dir, ro).CombinedOutput(); err != nil {
		t.Skipf("root without the right to mount (%v: %s): a read-only file cannot be made for root here; "+
			"TestSQLiteThatCannotBeWritten covers refused writes for root too", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", ro).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", ro, err, out)
		}
	})
	if out, err := exec.Command("mount", "-o", "remount,bind,ro", ro).CombinedOutput(); err != nil {
		t.Fatalf("remount %s read-only: %v: %s", ro, err, out)
	}
	// The read-only mount really refuses root.
	if err := os.WriteFile(filepath.Join(ro, "probe"), nil, 0o644); err == nil {
		t.Fatalf("%s is still writable", ro)
	}
	return ro
}

// A database file (and its directory) that is read-only: serve and console
// refuse to start with an error that names the file and the cause, and the
// file is left as it was.
func TestSQLiteReadOnlyFile(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite://" + filepath.Join(dir, "teambot.db")
	consoleRun(t, env("TEAMBOT_DATABASE_URL", url), "/加入 张三 文案\n", "--as", "zhangsan")
	before, err := os.ReadFile(filepath.Join(dir, "teambot.db"))
	if err != nil {
		t.Fatal(err)
	}
	roPath := filepath.Join(readOnlyDir(t, dir), "teambot.db")
	getenv := env("TEAMBOT_DATABASE_URL", "sqlite://"+roPath, "TEAMBOT_LISTEN", "127.0.0.1:0")
	for _, cmd := range []string{"serve", "console"} {
		err := run(context.Background(), []string{cmd}, getenv, strings.NewReader("/团队\n"), io.Discard, io.Discard)
		checkStartError(t, cmd+" on a read-only file", err, roPath)
	}
	after, err := os.ReadFile(filepath.Join(dir, "teambot.db"))
	if err != nil || string(after) != string(before) {
		t.Errorf("the read-only file changed (%v)", err)
	}
}

// A database file that is read-only in a directory that is not: SQLite
// opens it read-only and answers every read, so it used to start and then
// fail every command. serve and console refuse to start, naming the file.
func TestSQLiteReadOnlyFileInAWritableDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "teambot.db")
	consoleRun(t, env("TEAMBOT_DATABASE_URL", "sqlite://"+path), "/加入 张三 文案\n", "--as", "zhangsan")
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
	} else { // chmod does not stop root: a read-only bind mount of the file over itself does
		for _, args := range [][]string{{"--bind", path, path}, {"-o", "remount,bind,ro", path}} {
			if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
				t.Skipf("root without the right to mount (%v: %s)", err, out)
			}
		}
		t.Cleanup(func() { exec.Command("umount", path).Run() })
	}
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		f.Close()
		t.Fatalf("%s is still writable", path)
	}
	getenv := env("TEAMBOT_DATABASE_URL", "sqlite://"+path, "TEAMBOT_LISTEN", "127.0.0.1:0")
	for _, cmd := range []string{"serve", "console"} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second) // a serve that starts stops here
		err := run(ctx, []string{cmd}, getenv, strings.NewReader("/团队\n"), io.Discard, io.Discard)
		cancel()
		checkStartError(t, cmd+" on a read-only file in a writable directory", err, path)
	}
}
