package scheduler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// outboxHarness is the outbox on a real database delivering through the
// real WeCom client to the fake WeCom; the client's long waits are deferred
// to the outbox, as in serve.
type outboxHarness struct {
	t      *testing.T
	db     *storage.DB
	fake   *wecomtest.Server
	broken []string
	now    time.Time
}

func newOutbox(t *testing.T, db *storage.DB) *outboxHarness {
	return &outboxHarness{t: t, db: db, fake: wecomtest.NewServer(t), now: at(shanghai, 2026, 11, 30, 9, 0)}
}

// process is one teambot process's outbox (a restart makes a new one).
func (h *outboxHarness) process() *scheduler.Outbox {
	client := wecom.New(wecom.Config{
		APIBase: h.fake.URL, CorpID: "wxcorp", AppSecret: "secret", AgentID: 1,
		Now: func() time.Time { return h.now },
		Sleep: func(_ context.Context, d time.Duration) error {
			return &teambot.RetryAfterError{Wait: d, Err: context.DeadlineExceeded}
		},
	})
	return &scheduler.Outbox{
		Store:     scheduler.StoreOf(h.db.Update),
		Deliverer: &bot.Pusher{Client: client, DefaultKey: "DEFAULT-KEY"},
		Broken:    func(_ context.Context, chatID string) { h.broken = append(h.broken, chatID) },
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func (h *outboxHarness) enqueue(team teambot.Team, texts ...string) {
	h.t.Helper()
	var msgs []teambot.Outgoing
	for _, s := range texts {
		msgs = append(msgs, teambot.Outgoing{TeamID: team.ID, Channel: teambot.ToGroup, Text: s, Mentions: []string{"zhangsan"}})
	}
	if err := h.db.Update(ctx, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msgs, h.now) }); err != nil {
		h.t.Fatal(err)
	}
}

func (h *outboxHarness) run(o *scheduler.Outbox) {
	h.t.Helper()
	if err := o.Run(ctx, h.now); err != nil {
		h.t.Fatal(err)
	}
}

// delivered counts the texts WeCom accepted.
func (h *outboxHarness) delivered() map[string]int {
	got := map[string]int{}
	for _, c := range h.fake.Delivered(wecomtest.WebhookPath) {
		var m struct{ Text struct{ Content string } }
		json.Unmarshal(c.Body, &m)
		got[m.Text.Content]++
	}
	return got
}

func (h *outboxHarness) team(chatID string) teambot.Team {
	team := teambot.Team{ChatID: chatID, TimeZone: "Asia/Shanghai", CreatedAt: h.now}
	if err := h.db.Update(ctx, func(tx *storage.Tx) error { return tx.CreateTeam(ctx, &team) }); err != nil {
		h.t.Fatal(err)
	}
	return team
}

// WeCom fails with 500s half-way, then the process restarts: each message
// arrives exactly once in the end.
func TestOutboxSurvivesFailuresAndARestart(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		// Four teams: one team's messages would wait for each other (their
		// order is kept), four teams' go out side by side.
		for i, text := range []string{"一", "二", "三", "四"} {
			h.enqueue(h.team(fmt.Sprint("g", i)), text)
		}
		h.fake.StatusNext(wecomtest.WebhookPath, http.StatusInternalServerError, 2)
		h.run(h.process()) // two of them hit the 500s; the other two go out
		if got := h.delivered(); len(got) != 2 {
			t.Fatalf("after the first run: %v, want two delivered", got)
		}
		// "Restart": a new process, before and after the retry time.
		p := h.process()
		h.run(p)
		h.now = h.now.Add(time.Minute)
		h.run(p)
		h.run(p)
		want := map[string]int{"一": 1, "二": 1, "三": 1, "四": 1}
		if got := h.delivered(); len(got) != 4 || got["一"] != 1 || got["二"] != 1 || got["三"] != 1 || got["四"] != 1 {
			t.Errorf("delivered %v, want %v", got, want)
		}
	})
}

// A sender that dies after leasing leaves its messages to be sent by the
// next one when the lease runs out, once.
func TestOutboxLeaseRecovery(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		h.enqueue(h.team("g1"), "a", "b")
		err := db.Update(ctx, func(tx *storage.Tx) error { // a sender leases them and dies
			_, _, err := tx.LeaseOutbox(ctx, h.now, 2*time.Minute, 20, "dead-sender")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		p := h.process()
		h.run(p)
		if n := len(h.fake.Calls()); n != 0 {
			t.Fatalf("leased messages sent before the lease ran out: %d calls", n)
		}
		h.now = h.now.Add(3 * time.Minute)
		h.run(p)
		h.run(p)
		if got := h.delivered(); got["a"] != 1 || got["b"] != 1 || len(got) != 2 {
			t.Errorf("delivered %v", got)
		}
	})
}

// 45009: the message waits a minute and goes out once; 93000 gives it up
// and reports the team's webhook broken; no webhook at all gives up too.
func TestOutboxErrcodes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		team := h.team("g1")
		sealer, err := bot.NewKeySealer("secret-for-tests")
		if err != nil {
			t.Fatal(err)
		}
		sealed, _ := sealer.Seal("TEAM-KEY")
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.SetPushKey(ctx, team.ID, sealed) }); err != nil {
			t.Fatal(err)
		}
		p := h.process()
		p.Deliverer.(*bot.Pusher).Open = sealer.Open

		h.enqueue(team, "限流")
		h.fake.FailNext(wecomtest.WebhookPath, 45009, 1)
		h.run(p)
		h.now = h.now.Add(30 * time.Second)
		h.run(p) // still waiting
		h.now = h.now.Add(31 * time.Second)
		h.run(p)
		if got := h.delivered(); got["限流"] != 1 {
			t.Errorf("after 45009: %v", got)
		}
		if calls := h.fake.CallsTo(wecomtest.WebhookPath); len(calls) != 2 || calls[1].Query.Get("key") != "TEAM-KEY" {
			t.Errorf("calls %+v, want two to the team's own key", calls)
		}

		h.enqueue(team, "机器人被移除")
		h.fake.FailNext(wecomtest.WebhookPath, 93000, 1)
		h.run(p)
		h.now = h.now.Add(time.Hour)
		h.run(p)
		if got := h.delivered(); got["机器人被移除"] != 0 || len(h.broken) != 1 || h.broken[0] != "g1" {
			t.Errorf("after 93000: delivered %v, broken %v", got, h.broken)
		}
		var counts map[teambot.OutboxStatus]int
		db.Update(ctx, func(tx *storage.Tx) (err error) { counts, err = tx.OutboxCounts(ctx); return err })
		if counts["failed"] != 1 || counts["sent"] != 1 || counts["pending"] != 0 {
			t.Errorf("outbox %v", counts)
		}
	})
}

// slowDeliverer stands for a send that takes longer than the lease: while it
// "runs", the clock passes the lease and another replica takes the rows.
type slowDeliverer struct {
	inner   scheduler.Deliverer
	onFirst func()
	done    bool
}

func (s *slowDeliverer) Deliver(ctx context.Context, team teambot.Team, m teambot.Outgoing) error {
	if !s.done {
		s.done = true
		s.onFirst()
	}
	return s.inner.Deliver(ctx, team, m)
}

// A replica whose lease ran out mid-batch neither sends the rows another
// replica took over nor overwrites their outcome.
func TestOutboxLeaseIsOwned(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		h.enqueue(h.team("g1"), "x", "y")
		a, b := h.process(), h.process()
		leaseStart := h.now
		a.Deliverer = &slowDeliverer{inner: a.Deliverer, onFirst: func() {
			// A is stuck on x past its lease; B runs then and sends y (and
			// x, whose lease also ran out).
			h.now = leaseStart.Add(3 * time.Minute)
			h.run(b)
		}}
		h.now = leaseStart
		h.run(a)
		h.now = leaseStart.Add(10 * time.Minute)
		h.run(a)
		h.run(b)
		if got := h.delivered(); got["x"] > 2 || got["y"] != 1 {
			t.Errorf("delivered %v: y must go once; x at most twice (A was already sending it when its lease ran out)", got)
		}
	})
}

// A long message is one outbox row per part, so a failure on the second
// part never sends the first again.
func TestLongMessagesArePartsInTheOutbox(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		h.team("g1")
		r := &scheduler.Reminders{
			Store: scheduler.StoreOf(db.Update), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Split: func(text string) []string { return wecom.Split(text, wecom.MaxTextBytes) },
			Jobs: []scheduler.JobDef{{Name: "digest", Spec: "0 9 * * MON", Workdays: true,
				Compose: func(_ context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
					long := strings.Repeat("这是很长的一行汇总内容。\n", 120) // about 4.4 KB
					return []teambot.Outgoing{{TeamID: f.TeamID, Channel: teambot.ToGroup, Text: long, Mentions: []string{"wangfang"}}}, nil
				}}},
		}
		if err := r.Run(ctx, h.now.Add(-time.Hour)); err != nil { // the job exists before 09:00
			t.Fatal(err)
		}
		if err := r.Run(ctx, h.now); err != nil {
			t.Fatal(err)
		}
		h.fake.StatusNext(wecomtest.WebhookPath, http.StatusInternalServerError, 1)
		p := h.process()
		for range 4 {
			h.run(p)
			h.now = h.now.Add(time.Minute)
		}
		calls := h.fake.Delivered(wecomtest.WebhookPath)
		if len(calls) != 3 || len(h.fake.CallsTo(wecomtest.WebhookPath)) != 4 {
			t.Fatalf("%d parts delivered in %d calls, want 3 parts in 4 calls (one failed once)", len(calls), len(h.fake.CallsTo(wecomtest.WebhookPath)))
		}
		mentions := 0
		for _, c := range calls {
			var m struct {
				Text struct {
					Content   string
					Mentioned []string `json:"mentioned_list"`
				}
			}
			json.Unmarshal(c.Body, &m)
			mentions += len(m.Text.Mentioned)
			if len(m.Text.Content) > wecom.MaxTextBytes {
				t.Errorf("a part of %d bytes", len(m.Text.Content))
			}
		}
		if mentions != 1 {
			t.Errorf("%d mentions across the parts, want 1 (the first part only)", mentions)
		}
	})
}

// A markdown message (the monthly digest) goes out as markdown, to the
// group robot and as an app message alike; text stays text.
func TestOutboxSendsMarkdownAsMarkdown(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		team := h.team("g1")
		msgs := []teambot.Outgoing{
			{TeamID: team.ID, Channel: teambot.ToGroup, Text: "# 2026-11 月报", Markdown: true},
			{TeamID: team.ID, Channel: teambot.ToUsers, Users: []string{"wangfang"}, Text: "## 成员", Markdown: true},
			{TeamID: team.ID, Channel: teambot.ToGroup, Text: "普通消息"},
		}
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msgs, h.now) }); err != nil {
			t.Fatal(err)
		}
		h.run(h.process())
		var got []string
		for _, c := range h.fake.Calls() {
			var m struct {
				MsgType  string
				Text     struct{ Content string }
				Markdown struct{ Content string }
			}
			if json.Unmarshal(c.Body, &m) == nil && m.MsgType != "" {
				got = append(got, m.MsgType+":"+m.Text.Content+m.Markdown.Content)
			}
		}
		want := "markdown:# 2026-11 月报,markdown:## 成员,text:普通消息"
		if strings.Join(got, ",") != want {
			t.Errorf("sent %v, want %s", got, want)
		}
	})
}

// A team's group messages reach the group in the order they were queued,
// also when one of them has to wait (WeCom failed, or the robot is at its
// 20 a minute): the ones after it wait too.
func TestOutboxKeepsATeamsOrder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		team := h.team("g1")
		h.enqueue(team, "一", "二", "三")
		h.fake.StatusNext(wecomtest.WebhookPath, http.StatusInternalServerError, 1) // 一 fails and waits
		h.run(h.process())
		if got := h.delivered(); len(got) != 0 {
			t.Fatalf("二 or 三 overtook 一: %v", got)
		}
		h.now = h.now.Add(10 * time.Minute)
		p := h.process()
		h.run(p)
		var order []string
		for _, c := range h.fake.Delivered(wecomtest.WebhookPath) {
			var m struct{ Text struct{ Content string } }
			json.Unmarshal(c.Body, &m)
			order = append(order, m.Text.Content)
		}
		if strings.Join(order, "") != "一二三" {
			t.Errorf("delivered in the order %v, want 一 二 三", order)
		}
	})
}

// stuckDeliverer never answers: it waits until its context ends.
type stuckDeliverer struct{ calls int }

func (s *stuckDeliverer) Deliver(ctx context.Context, _ teambot.Team, _ teambot.Outgoing) error {
	s.calls++
	<-ctx.Done()
	return ctx.Err()
}

// A send that hangs is cut off within half the lease and its message put
// back for a retry, still under the lease that was taken: the row is
// never left "sending" for another replica to send again meanwhile.
func TestOutboxCutsOffAHangingSendWithinItsLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		h.enqueue(h.team("g1"), "x")
		o := h.process()
		stuck := &stuckDeliverer{}
		o.Deliverer, o.Lease = stuck, 2*time.Second
		began := time.Now()
		h.run(o)
		if took := time.Since(began); took > 1500*time.Millisecond {
			t.Errorf("the hanging send held the tick %v; want it cut off within half the 2 s lease", took)
		}
		var counts map[teambot.OutboxStatus]int
		if err := db.Update(ctx, func(tx *storage.Tx) (err error) { counts, err = tx.OutboxCounts(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		if stuck.calls != 1 || counts[teambot.OutboxPending] != 1 {
			t.Errorf("%d sends, outbox %v; want one send and the message pending again", stuck.calls, counts)
		}
	})
}

// countingStore counts the transactions run through it.
type countingStore struct {
	scheduler.Store
	n int
}

func (s *countingStore) Update(ctx context.Context, fn func(scheduler.Tx) error) error {
	s.n++
	return s.Store.Update(ctx, fn)
}

// With Slots, a leased batch takes its robots' sends in the lease's
// transaction and records what went out as sends finish together: 27
// messages to one robot (WeCom takes 20 a minute) take no transaction of
// their own for the robot's limit; 20 go now, the rest — a team's second message behind
// its first — once the window has room, each exactly once and in order.
func TestOutboxTakesABatchsRobotSendsWithItsLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newOutbox(t, db)
		var texts []string
		for i := range 25 {
			text := fmt.Sprintf("第%02d条", i+1)
			h.enqueue(h.team(fmt.Sprint("r", i)), text)
			texts = append(texts, text)
		}
		two := h.team("two")
		h.enqueue(two, "先", "后")
		o := h.process()
		pusher := o.Deliverer.(*bot.Pusher)
		slotCalls := 0
		pusher.Now = func() time.Time { return h.now }
		pusher.Slots = func(ctx context.Context, robot string, n int) (ok bool, next time.Time, err error) {
			slotCalls++
			err = db.Update(ctx, func(tx *storage.Tx) (err error) {
				ok, next, err = tx.TakeRobotSlots(ctx, robot, n, h.now, wecom.WebhookLimit, wecom.WebhookWindow)
				return err
			})
			return ok, next, err
		}
		o.Slots = &scheduler.Slots{Robot: pusher.Robot, Limit: wecom.WebhookLimit, Window: wecom.WebhookWindow}
		store := &countingStore{Store: o.Store}
		o.Store = store

		h.run(o)
		if got := len(h.fake.Delivered(wecomtest.WebhookPath)); got != wecom.WebhookLimit {
			t.Fatalf("first minute: %d delivered, want the robot's %d", got, wecom.WebhookLimit)
		}
		if slotCalls != 0 {
			t.Errorf("%d sends took their robot's slot one by one; want every one taken with the lease", slotCalls)
		}
		// At most: the lease, one record per send (sends finishing
		// together share one), the empty lease past the last and the
		// empty one from the first again that end the tick. Taking each
		// send's slot and recording it alone was two per send.
		if max := 1 + wecom.WebhookLimit + 2; store.n > max {
			t.Errorf("26 messages leased and 20 sent in %d transactions; want at most %d", store.n, max)
		}
		t.Logf("26 messages leased, 20 sent, in %d transactions", store.n)
		h.run(o) // nothing has room yet
		if got := len(h.fake.Delivered(wecomtest.WebhookPath)); got != wecom.WebhookLimit {
			t.Fatalf("again within the minute: %d delivered, want still %d", got, wecom.WebhookLimit)
		}
		// A send is counted from its lease, with a few seconds' margin for
		// the time until it starts: past the minute and the margin.
		h.now = h.now.Add(wecom.WebhookWindow + 10*time.Second)
		h.run(o)
		h.run(o) // the second message of "two" once its first is settled
		got := h.delivered()
		for _, text := range append(texts, "先", "后") {
			if got[text] != 1 {
				t.Errorf("%s delivered %d times, want once; all: %v", text, got[text], got)
			}
		}
		var order []string
		for _, c := range h.fake.Delivered(wecomtest.WebhookPath) {
			var m struct{ Text struct{ Content string } }
			if err := json.Unmarshal(c.Body, &m); err == nil && (m.Text.Content == "先" || m.Text.Content == "后") {
				order = append(order, m.Text.Content)
			}
		}
		if strings.Join(order, "") != "先后" {
			t.Errorf("team two's messages went out as %v, want 先 then 后", order)
		}
	})
}
