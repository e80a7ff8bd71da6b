//go:build integration && linux

package integration

import (
	"bytes"
	"database/sql"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"teambot"
	"teambot/bot/wecomtest"
	"teambot/calendar"
)

const (
	robotToken  = "robot-token"
	robotAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

	teams       = 10
	perTeam     = 4
	replicas    = 3
	wecomWait   = 5 * time.Second // WeCom gives up on a callback after 5 s and sends it again
	retryChance = 0.2             // and, as observed, repeats some callbacks anyway
	victim      = 0               // the replica killed halfway
)

// Three serve replicas share one PostgreSQL database behind the fake WeCom.
// Ten teams of four join, name a supervisor, hand in reports and leave
// requests and start votes, each callback sent to a random replica with
// WeCom's retry pattern: sent again to another replica when no answer came
// within 5 s, and for about a fifth of them anyway, at the same time or
// after the answer. Halfway through, one replica is killed with SIGKILL and
// the load goes on against the other two. Meanwhile the votes are made due
// for their 投票催促 and then to close, which any replica's scheduler may
// do.
//
// Afterwards: every command ran exactly once (each report and leave
// request is stored once, each message id is processed once and audited
// once), every answer to one callback is the same (a retry gets the kept
// answer), every answer that was not passive
// went out late exactly once, and every outbox message (each vote's nag and
// close, claimed once) was delivered to the fake WeCom exactly once.
func TestReplicasSurviveAKill(t *testing.T) {
	dbURL := freshPostgres(t)
	fake := wecomtest.NewServer(t)
	env := []string{
		"TEAMBOT_DATABASE_URL=" + dbURL,
		"TEAMBOT_LISTEN=127.0.0.1:0",
		"TEAMBOT_ADMINS=boss",
		"WECOM_API_BASE=" + fake.URL,
		"WECOM_ROBOT_TOKEN=" + robotToken,
		"WECOM_ROBOT_AES_KEY=" + robotAESKey,
		"TEAMBOT_INBOX_LEASE=10s", // the killed replica's late commands are finished by another within seconds
	}
	// All three start at once: migrations run once, under the lock.
	var nodes []*replica
	for i := range replicas {
		nodes = append(nodes, startServe(t, fmt.Sprintf("replica-%d", i), env...))
	}
	for _, n := range nodes {
		n.waitListening(t, 150*time.Second) // generous: a busy server can take long over DDL
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Each started, so none tripped over another's migration.
	var migrations int
	if err := db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&migrations); err != nil || migrations == 0 {
		t.Fatalf("schema_migrations: %d rows, %v", migrations, err)
	}

	w := &wecom{t: t, fake: fake, nodes: nodes, alive: make([]bool, replicas),
		cb: &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: robotToken, AESKey: robotAESKey}}
	for i := range w.alive {
		w.alive[i] = true
	}
	load := newLoad()
	w.total = load.count()
	// Halfway, the victim dies. For three more seconds callbacks still go
	// to it, as before a load balancer's health check notices; they find
	// nobody there and WeCom sends them again.
	killed := make(chan struct{})
	w.halfway = func() {
		nodes[victim].kill()
		t.Logf("killed %s after %d of %d callbacks", nodes[victim].name, w.sent.Load(), w.total)
		time.AfterFunc(3*time.Second, func() {
			w.mu.Lock()
			w.alive[victim] = false
			w.mu.Unlock()
			close(killed)
		})
	}

	// Votes become due for their 投票催促 once all ten exist, and close
	// once every nag has been enqueued.
	votesDone := make(chan error, 1)
	go func() { votesDone <- driveVotes(db) }()

	start := time.Now()
	load.run(w)
	if err := <-votesDone; err != nil {
		t.Fatal(err)
	}
	if err := waitInboxDrained(db, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := waitOutboxDrained(db, 150*time.Second); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d callbacks (%d requests to replicas, %d extra sends as WeCom retries) in %s",
		w.total, w.requests.Load(), w.retries.Load(), time.Since(start).Round(time.Millisecond))
	select {
	case <-killed:
	case <-time.After(10 * time.Second):
		t.Fatal("no replica was killed")
	}

	checkCommandsRanOnce(t, db, load)
	checkAnswers(t, w, load, db)
	checkOutbox(t, db, fake)
}

// freshPostgres creates a database on TEAMBOT_TEST_POSTGRES_URL's server
// for this test and drops it when the test ends.
func freshPostgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TEAMBOT_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("TEAMBOT_TEST_POSTGRES_URL is not set")
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("teambot_it_%d_%d", os.Getpid(), time.Now().UnixNano()%1_000_000_000)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// message is one callback: built and signed once, sent as often as WeCom
// decides, always the same bytes.
type message struct {
	id, user, chat, text string
	kind                 string // what it does: join, supervisor, report, leave, vote, read
	query                string // the signed query
	body                 []byte

	mu       sync.Mutex
	attempts []attempt
}

// attempt is one delivery of a callback to a replica.
type attempt struct {
	replica int
	err     error  // no HTTP answer (a timeout, or the replica died)
	status  int    // HTTP status
	reply   string // decrypted passive reply; "" for an empty 200
}

func (m *message) record(a attempt) {
	m.mu.Lock()
	m.attempts = append(m.attempts, a)
	m.mu.Unlock()
}

// wecom plays WeCom's side of the callbacks against the replicas.
type wecom struct {
	t     *testing.T
	fake  *wecomtest.Server
	cb    *wecomtest.Callbacks
	nodes []*replica

	mu    sync.Mutex
	alive []bool

	total    int
	sent     atomic.Int64 // callbacks handed to WeCom so far
	requests atomic.Int64 // HTTP requests made to replicas
	retries  atomic.Int64 // of which sent again by the retry pattern
	halfway  func()
	once     sync.Once
}

// sign builds the callback once, as WeCom does before its first try.
func (w *wecom) sign(m *message) {
	inner := w.cb.TextMessage(wecomtest.Text{
		MsgID: m.id, ChatID: m.chat, UserID: m.user, Content: "@teambot " + m.text,
		WebhookURL: w.fake.URL + wecomtest.WebhookPath + "?key=KEY-" + m.chat,
	})
	req := w.cb.Post("http://replica/wecom/robot", inner)
	m.query = req.URL.RawQuery
	m.body, _ = io.ReadAll(req.Body)
}

// pick chooses a live replica other than not (-1: any).
func (w *wecom) pick(not int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	var live []int
	for i, ok := range w.alive {
		if ok && i != not {
			live = append(live, i)
		}
	}
	if len(live) == 0 {
		return not
	}
	return live[rand.IntN(len(live))]
}

// deliver sends a callback the way WeCom does and returns the passive
// reply the chat saw ("" if none).
func (w *wecom) deliver(m *message) string {
	if n := w.sent.Add(1); int(n) == w.total/2 {
		go w.once.Do(w.halfway) // while this one and others are on their way
	}
	first := w.pick(-1)
	var dup sync.WaitGroup
	roll := rand.Float64()
	if roll < retryChance/2 { // a repeat arriving while the first is handled
		w.retries.Add(1)
		dup.Go(func() { w.send(m, w.pick(first)) })
	}
	var seen string
	to := first
	for try := 0; ; try++ {
		a := w.send(m, to)
		if a.err == nil && a.status == http.StatusOK {
			seen = a.reply
			break
		}
		if try == 5 {
			w.t.Errorf("callback %s: no answer after %d tries: %v", m.id, try+1, a.err)
			break
		}
		w.retries.Add(1)
		to = w.pick(to) // no answer within 5 s: WeCom tries again, often elsewhere
	}
	if roll >= retryChance/2 && roll < retryChance { // a repeat after the answer
		w.retries.Add(1)
		w.send(m, w.pick(to))
	}
	dup.Wait()
	return seen
}

var client = &http.Client{Timeout: wecomWait}

func (w *wecom) send(m *message, to int) attempt {
	w.requests.Add(1)
	a := attempt{replica: to}
	req, err := http.NewRequest(http.MethodPost, "http://"+w.nodes[to].addr+"/wecom/robot?"+m.query, bytes.NewReader(m.body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := client.Do(req)
	if err != nil {
		a.err = err
		m.record(a)
		return a
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	a.status = resp.StatusCode
	switch {
	case err != nil:
		a.err = err
	case resp.StatusCode == http.StatusOK && len(body) > 0:
		plain, err := w.cb.OpenReply(body)
		if err != nil {
			w.t.Errorf("callback %s: reply from %s does not open: %v", m.id, w.nodes[to].name, err)
			break
		}
		var r struct {
			Content string `xml:"Text>Content"`
		}
		if err := xml.Unmarshal(plain, &r); err != nil || r.Content == "" {
			w.t.Errorf("callback %s: reply %s: %v", m.id, plain, err)
		}
		a.reply = r.Content
	case resp.StatusCode != http.StatusOK:
		w.t.Errorf("callback %s: %s answered HTTP %d %s", m.id, w.nodes[to].name, resp.StatusCode, body)
	}
	m.record(a)
	return a
}

// load is the conversation of all teams.
type load struct {
	teams [][]*member
	all   []*message
}

type member struct {
	user, name, chat string
	supervisor       bool
	join             *message
	work             []*message
}

var (
	surnames = []rune("赵钱孙李周吴郑王冯陈")
	given    = []rune("一二三四")
)

// workdayFrom is d or the first workday after it: leave asked for a day
// off is refused.
func workdayFrom(d teambot.Date) teambot.Date {
	cal := calendar.New(nil)
	for !cal.Workday(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func newLoad() *load {
	l := &load{}
	leaveDay := workdayFrom(teambot.DateOf(time.Now().AddDate(0, 0, 30))).String()
	for ti := range teams {
		chat := fmt.Sprintf("it-chat-%02d", ti)
		var team []*member
		for mi := range perTeam {
			p := &member{user: fmt.Sprintf("t%02du%d", ti, mi), name: string(surnames[ti]) + string(given[mi]), chat: chat, supervisor: mi == 0}
			id := func(what string) string { return fmt.Sprintf("it-%s-%s", p.user, what) }
			p.join = l.add(id("join"), p.user, chat, "join", "/加入 "+p.name+" 文案")
			for r := range 3 {
				what := fmt.Sprintf("report%d", r+1)
				p.work = append(p.work, l.add(id(what), p.user, chat, "report", "/周报 本周进度 "+id(what)))
			}
			p.work = append(p.work,
				l.add(id("leave"), p.user, chat, "leave", "/请假 "+leaveDay+" 事由 "+id("leave")),
				l.add(id("team"), p.user, chat, "read", "/团队"),
				l.add(id("view"), p.user, chat, "read", "/周报 查看"),
			)
			rand.Shuffle(len(p.work), func(i, j int) { p.work[i], p.work[j] = p.work[j], p.work[i] })
			if p.supervisor {
				p.work = append([]*message{l.add(id("vote"), p.user, chat, "vote", "/投票 发起 团建去哪里 截止 11分钟")}, p.work...)
			}
			team = append(team, p)
		}
		// The admin names the first member supervisor once all have joined.
		team[0].work = append([]*message{l.add(fmt.Sprintf("it-boss-%02d", ti), "boss", chat, "supervisor", "/主管 @"+team[0].name)}, team[0].work...)
		l.teams = append(l.teams, team)
	}
	return l
}

func (l *load) add(id, user, chat, kind, text string) *message {
	m := &message{id: id, user: user, chat: chat, kind: kind, text: text}
	l.all = append(l.all, m)
	return m
}

func (l *load) count() int { return len(l.all) }

// run plays every member's part at once: join, then (once the team has a
// supervisor) their work, each with a second or two of thinking between
// messages, as people do.
func (l *load) run(w *wecom) {
	for _, m := range l.all {
		w.sign(m)
	}
	var wg sync.WaitGroup
	for _, team := range l.teams {
		wg.Go(func() {
			var joined sync.WaitGroup
			for _, p := range team {
				joined.Go(func() {
					think()
					w.deliver(p.join)
				})
			}
			joined.Wait()
			var work sync.WaitGroup
			for _, p := range team {
				work.Go(func() {
					for _, m := range p.work {
						think()
						w.deliver(m)
					}
				})
			}
			work.Wait()
		})
	}
	wg.Wait()
}

func think() { time.Sleep(time.Duration(500+rand.IntN(2500)) * time.Millisecond) }

// driveVotes makes every vote due for its 投票催促 (created sixteen hours
// ago, deadline just under two hours away) once all exist, then due to
// close once every nag is in the outbox. Whichever replicas tick claim and
// send them. The creation is far enough back that a nag moved out of the
// night to 20:59 the evening before still comes after it, whatever the
// hour the test runs at.
func driveVotes(db *sql.DB) error {
	if err := waitFor(db, 120*time.Second, `SELECT COUNT(*) FROM votes`, teams); err != nil {
		return fmt.Errorf("votes started: %w", err)
	}
	if _, err := db.Exec(`UPDATE votes SET created_at = now() - interval '16 hours', deadline = now() + interval '2 hours' - interval '1 second'`); err != nil {
		return err
	}
	if err := waitFor(db, 90*time.Second, `SELECT COUNT(*) FROM outbox WHERE origin LIKE 'vote_nag%'`, teams); err != nil {
		return fmt.Errorf("vote nags enqueued: %w", err)
	}
	// Created an hour ago, a vote due in a second gets no second nag: its
	// nag time (deadline - 2 h) is before creation + 30 min.
	if _, err := db.Exec(`UPDATE votes SET created_at = now() - interval '1 hour', deadline = now() + interval '1 second'`); err != nil {
		return err
	}
	if err := waitFor(db, 90*time.Second, `SELECT COUNT(*) FROM votes WHERE status <> 'open'`, teams); err != nil {
		return fmt.Errorf("votes closed: %w", err)
	}
	return nil
}

// waitFor polls query (one count) until it reaches want.
func waitFor(db *sql.DB, timeout time.Duration, query string, want int) error {
	deadline := time.Now().Add(timeout)
	var n int
	for {
		if err := db.QueryRow(query).Scan(&n); err != nil {
			return err
		}
		if n >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %d after %s, want %d", query, n, timeout, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// waitOutboxDrained waits until no outbox message is pending or being
// sent. A row leased by the killed replica comes back when its lease runs
// out (two minutes).
func waitOutboxDrained(db *sql.DB, timeout time.Duration) error {
	return waitNone(db, "outbox", `SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`, timeout)
}

// waitInboxDrained waits until every late command is finished (its answer
// enqueued), also those the killed replica held.
func waitInboxDrained(db *sql.DB, timeout time.Duration) error {
	return waitNone(db, "inbox", `SELECT COUNT(*) FROM inbox WHERE status = 'pending'`, timeout)
}

// waitNone waits until the count q reads is 0.
func waitNone(db *sql.DB, what, q string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var n int
	for {
		if err := db.QueryRow(q).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %d messages still waiting after %s", what, n, timeout)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// checkCommandsRanOnce looks in the database for each command's effect.
func checkCommandsRanOnce(t *testing.T, db *sql.DB, l *load) {
	t.Helper()
	counts := func(q string) map[string]int {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			out[k] = n
		}
		return out
	}
	processed := counts(`SELECT msg_id, COUNT(*) FROM processed_messages WHERE source = 'robot' GROUP BY msg_id`)
	audited := counts(`SELECT msg_id || ' ' || action, COUNT(*) FROM audit_log WHERE msg_id <> '' GROUP BY msg_id, action`)
	reports := counts(`SELECT text, COUNT(*) FROM reports GROUP BY text`)
	leaves := counts(`SELECT reason, COUNT(*) FROM leaves GROUP BY reason`)
	votes := counts(`SELECT t.chat_id, COUNT(*) FROM votes v JOIN teams t ON t.id = v.team_id GROUP BY t.chat_id`)
	members := counts(`SELECT user_id, COUNT(*) FROM members WHERE status = 'active' GROUP BY user_id`)

	for _, m := range l.all {
		// A read writes nothing, its id included: its retries run again
		// (checkAnswers looks at what they answered).
		if want := map[bool]int{true: 0, false: 1}[m.kind == "read"]; processed[m.id] != want {
			t.Errorf("message %s (%s) recorded %d times as handled, want %d", m.id, m.kind, processed[m.id], want)
		}
		switch m.kind {
		case "report":
			if n := countContaining(reports, m.id); n != 1 {
				t.Errorf("report of %s stored %d times, want once", m.id, n)
			}
		case "leave":
			if n := countContaining(leaves, m.id); n != 1 {
				t.Errorf("leave request %s stored %d times, want once", m.id, n)
			}
		}
	}
	for k, n := range audited {
		if n != 1 {
			t.Errorf("audit: %s written %d times, want once", k, n)
		}
	}
	for _, team := range l.teams {
		for _, p := range team {
			if members[p.user] != 1 {
				t.Errorf("member %s active %d times, want once", p.user, members[p.user])
			}
		}
		if chat := team[0].chat; votes[chat] != 1 {
			t.Errorf("team %s has %d votes, want 1", chat, votes[chat])
		}
	}
	var versions, gaps int
	if err := db.QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE version > 3) FROM reports`).Scan(&versions, &gaps); err != nil {
		t.Fatal(err)
	}
	if want := teams * perTeam * 3; versions != want || gaps != 0 {
		t.Errorf("reports: %d versions (%d past the third), want %d", versions, gaps, want)
	}
}

// countContaining sums the counts of keys that contain s.
func countContaining(m map[string]int, s string) int {
	n := 0
	for k, c := range m {
		if strings.Contains(k, s) {
			n += c
		}
	}
	return n
}

// wantReply is what the answer to each kind of command says when it worked.
var wantReply = map[string]string{
	"join": "已登记", "supervisor": "现在是主管", "report": "已提交", "leave": "已提交请假申请",
	"vote": "已发起", "read": "",
}

// checkAnswers: no callback was answered twice, and each got its answer
// once, passively or late through the group's webhook. The one exception
// WeCom's protocol leaves: a command the killed replica committed but did
// not get to answer; its retry finds it done and answers nothing.
func checkAnswers(t *testing.T, w *wecom, l *load, db *sql.DB) {
	t.Helper()
	late := map[string]int{} // late answers by the user they mention
	outboxBodies := outboxBodies(t, db)
	for _, c := range w.fake.CallsTo(wecomtest.WebhookPath) {
		var body struct {
			Text struct {
				Content       string   `json:"content"`
				MentionedList []string `json:"mentioned_list"`
			} `json:"text"`
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		if err := c.JSON(&body); err != nil {
			t.Fatalf("webhook call %s: %v", c.Body, err)
		}
		content := body.Text.Content + body.Markdown.Content
		if outboxBodies[c.Query.Get("key")+" "+content] {
			continue
		}
		if len(body.Text.MentionedList) > 0 {
			late[body.Text.MentionedList[0]]++
		} else {
			t.Errorf("webhook call neither an outbox message nor a late answer: %s", c.Body)
		}
	}
	var passive, lateWanted, lost, cut int
	unanswered := map[string]int{}
	forgivable := map[string]int{}
	for _, m := range l.all {
		answers := 0
		cutByKill := false
		first := ""
		for _, a := range m.attempts {
			if a.reply != "" {
				answers++
				if first == "" {
					first = a.reply
				}
			}
			if a.reply != "" && a.reply != first { // a retry gets the kept answer: the same
				t.Errorf("callback %s (%s) answered %q, then %q", m.id, m.text, first, a.reply)
			}
			if a.replica == victim && (a.err != nil || a.reply == "") {
				cutByKill = true
			}
		}
		for _, a := range m.attempts {
			if a.err != nil {
				cut++
			}
			if want := wantReply[m.kind]; a.reply != "" && !strings.Contains(a.reply, want) {
				t.Errorf("callback %s (%s): answered %q, want %q", m.id, m.text, a.reply, want)
			}
		}
		switch {
		case answers >= 1:
			passive++
		default:
			unanswered[m.user]++
			if cutByKill {
				forgivable[m.user]++
			}
		}
	}
	for user, n := range unanswered {
		got := late[user]
		lateWanted += n
		switch {
		case got > n:
			t.Errorf("%s: %d late answers for %d callbacks without a passive one", user, got, n)
		case got < n:
			// A late command of the killed replica is in the inbox: another finishes it.
			t.Errorf("%s: %d late answers for %d callbacks without a passive one (%d cut by the kill)", user, got, n, forgivable[user])
			lost += n - got
		}
	}
	for user, n := range late {
		if unanswered[user] == 0 {
			t.Errorf("%s: %d late answers but every callback was answered passively", user, n)
		}
	}
	t.Logf("answers: %d passive, %d without a passive answer (%d of them never answered); %d requests got no HTTP answer",
		passive, lateWanted, lost, cut)
}

// outboxBodies is every outbox message as "KEY content", as the webhook
// receives it.
func outboxBodies(t *testing.T, db *sql.DB) map[string]bool {
	t.Helper()
	rows, err := db.Query(`SELECT 'KEY-' || t.chat_id, o.body FROM outbox o JOIN teams t ON t.id = o.team_id WHERE o.channel = 'group' AND o.via = ''`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var key, body string
		if err := rows.Scan(&key, &body); err != nil {
			t.Fatal(err)
		}
		out[key+" "+body] = true
	}
	return out
}

// checkOutbox: each vote's nag and close was claimed once, and every
// outbox message was sent and reached the fake WeCom exactly once.
func checkOutbox(t *testing.T, db *sql.DB, fake *wecomtest.Server) {
	t.Helper()
	rows, err := db.Query(`SELECT o.id, 'KEY-' || t.chat_id, o.body, o.origin, o.status, o.via FROM outbox o JOIN teams t ON t.id = o.team_id ORDER BY o.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	delivered := map[string]int{}
	for _, c := range fake.Delivered(wecomtest.WebhookPath) {
		var body struct {
			Text     struct{ Content string } `json:"text"`
			Markdown struct{ Content string } `json:"markdown"`
		}
		_ = c.JSON(&body)
		delivered[c.Query.Get("key")+" "+body.Text.Content+body.Markdown.Content]++
	}
	origins := map[string]int{}
	kinds := map[string]int{}
	n := 0
	for rows.Next() {
		var id int64
		var key, body, origin, status, via string
		if err := rows.Scan(&id, &key, &body, &origin, &status, &via); err != nil {
			t.Fatal(err)
		}
		n++
		origins[origin]++
		kind, _, _ := strings.Cut(origin, ":")
		kinds[kind]++
		if status != "sent" {
			t.Errorf("outbox %d (%s): %s, want sent", id, origin, status)
		}
		if got := delivered[key+" "+body]; got != 1 && via == "" { // late answers are counted by checkAnswers
			t.Errorf("outbox %d (%s) reached WeCom %d times, want once", id, origin, got)
		}
	}
	for origin, c := range origins {
		if c != 1 {
			t.Errorf("outbox: %s enqueued %d times, want once", origin, c)
		}
	}
	if kinds["vote_nag"] != teams || kinds["vote_close"] != teams {
		t.Errorf("outbox: %d vote nags and %d vote closes, want %d each (all: %v)", kinds["vote_nag"], kinds["vote_close"], teams, kinds)
	}
	t.Logf("outbox: %d messages, %v", n, kinds)
}
