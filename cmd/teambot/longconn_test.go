package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot/wecomtest"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// lcReplica is one process on the long connection: its app, the
// connection and a scheduler delivering over it, on an injected clock.
type lcReplica struct {
	a     *app
	lc    *longConn
	clock *metricsClock
	stop  context.CancelFunc
	done  chan struct{}
}

func startReplica(t *testing.T, databaseURL string, fake *wecomtest.LongConn, secret string, clock *metricsClock) *lcReplica {
	t.Helper()
	longConnBackoff = 10 * time.Millisecond
	getenv := env("TEAMBOT_DATABASE_URL", databaseURL, "TEAMBOT_ADMINS", "boss",
		"WECOM_BOT_ID", "bot-1", "WECOM_BOT_SECRET", secret, "WECOM_BOT_WS_URL", fake.URL())
	a, err := openApp(context.Background(), getenv, slog.New(slog.NewTextHandler(testLog{t}, nil)), clock.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	r := &lcReplica{a: a, lc: a.newLongConn(clock.Now), clock: clock, done: make(chan struct{})}
	r.lc.standby = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { defer close(r.done); r.lc.run(ctx) }()
	t.Cleanup(func() { r.kill(); a.db.Close() })
	return r
}

// kill stops the replica as its death would: the socket and the lock go.
func (r *lcReplica) kill() {
	r.stop()
	<-r.done
}

// waitStopped waits up to 10 s for the connection to stop for good, and
// returns why (nil when it did not).
func (r *lcReplica) waitStopped() error {
	deadline := time.Now().Add(10 * time.Second)
	for r.lc.ready() == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // a socket event, not a timer of the bot's
	}
	return r.lc.ready()
}

// tick runs the scheduler's jobs once at the clock's time, the outbox
// delivering over the long connection.
func (r *lcReplica) tick() {
	s := r.a.newScheduler(r.clock.Now, r.lc.socket(r.a.wecomPusher(r.clock.Now)))
	replayInOrder(s)
	s.Tick(context.Background())
}

// pushBody is aibot_send_msg's body; replyBody aibot_respond_msg's.
type pushBody struct {
	ChatID   string `json:"chatid"`
	ChatType int    `json:"chat_type"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

type replyBody struct {
	Stream struct {
		Finish  bool   `json:"finish"`
		Content string `json:"content"`
	} `json:"stream"`
}

// say sends a text callback and returns the reply on its req_id.
func say(t *testing.T, fake *wecomtest.LongConn, msgID, chatID, user, text string, wants ...string) string {
	t.Helper()
	chatType := "group"
	if chatID == "" {
		chatType = "single"
	}
	before := len(fake.Frames("aibot_respond_msg"))
	reqID := fake.Message(msgID, chatID, chatType, user, text)
	frames, ok := fake.WaitFrames("aibot_respond_msg", before+1, 10*time.Second)
	if !ok {
		t.Fatalf("%s: no reply (req %q; %d replies before, %d now: %+v)", text, reqID, before, len(frames), frames)
	}
	f := frames[len(frames)-1]
	var body replyBody
	if err := json.Unmarshal(f.Body, &body); err != nil {
		t.Fatal(err)
	}
	if f.ReqID != reqID || !body.Stream.Finish {
		t.Errorf("%s: reply on %q (finish %v), want the message's %q, finished", text, f.ReqID, body.Stream.Finish, reqID)
	}
	for _, w := range wants {
		if !strings.Contains(body.Stream.Content, w) {
			t.Errorf("%s: reply %q, want it to contain %q", text, body.Stream.Content, w)
		}
	}
	return body.Stream.Content
}

// pushes are the aibot_send_msg bodies so far.
func pushes(t *testing.T, fake *wecomtest.LongConn) []pushBody {
	t.Helper()
	var out []pushBody
	for _, f := range fake.Frames("aibot_send_msg") {
		var b pushBody
		if err := json.Unmarshal(f.Body, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func waitPush(t *testing.T, fake *wecomtest.LongConn, n int) []pushBody {
	t.Helper()
	if _, ok := fake.WaitFrames("aibot_send_msg", n, 10*time.Second); !ok {
		t.Fatalf("want %d pushes, have %+v", n, pushes(t, fake))
	}
	return pushes(t, fake)
}

// A deployment with only WECOM_BOT_ID and WECOM_BOT_SECRET: commands in a
// group and a single chat are answered on the socket, a replayed message
// runs once, a warning reaches the member's single chat and 周报提醒 the
// group, a dropped socket loses nothing queued, and a kick stops the
// connection for good (docs/wecom-longconn.md).
func TestLongConnectionIsACompleteDeployment(t *testing.T) {
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	clock := &metricsClock{now: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)} // Friday 10:00 in Shanghai
	r := startReplica(t, storagetest.SQLiteURL(t), fake, "secret-1", clock)
	if !fake.WaitSubscribed(1, 10*time.Second) {
		t.Fatal("never subscribed")
	}
	say(t, fake, "m1", "wrgroup", "wangfang", "@TeamBot /加入 王芳", "已登记：王芳")
	// A replay after a reconnect: answered again, run once.
	say(t, fake, "m1", "wrgroup", "wangfang", "@TeamBot /加入 王芳", "已登记：王芳")
	say(t, fake, "m2", "wrgroup", "zhangsan", "@TeamBot /加入 张三 文案", "已登记：张三")
	say(t, fake, "m3", "wrgroup", "boss", "@TeamBot /主管 @王芳", "王芳 现在是主管")
	var joins int
	if err := r.a.db.Update(context.Background(), func(tx *storage.Tx) error {
		team, err := tx.TeamByChat(context.Background(), "wrgroup")
		if err != nil {
			return err
		}
		log, err := tx.AuditLog(context.Background(), team.ID, 100)
		for _, e := range log {
			if e.Action == "member.join" {
				joins++
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if joins != 2 {
		t.Errorf("%d joins recorded, want 2 (the replay ran once)", joins)
	}

	// 张三 has written to the bot in a single chat; the warning goes there.
	say(t, fake, "m4", "", "zhangsan", "/帮助", "你可以使用的命令")
	say(t, fake, "m5", "", "wangfang", "/惩处 @张三 警告 依据2 连续两次缺席", "已记录")
	r.tick()
	got := waitPush(t, fake, 1)
	warn := got[0]
	if warn.ChatID != "zhangsan" || warn.ChatType != 1 || !strings.Contains(warn.Markdown.Content, "连续两次缺席") {
		t.Errorf("warning pushed as %+v, want 张三's single chat", warn)
	}
	for _, p := range got {
		if p.ChatID == "wrgroup" && strings.Contains(p.Markdown.Content, "连续两次缺席") {
			t.Errorf("the warning's reason reached the group: %+v", p)
		}
	}

	// Monday 10:00: 周报提醒 into the group.
	n := len(pushes(t, fake))
	clock.Set(time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC))
	r.tick()
	r.tick()
	got = waitPush(t, fake, n+1)
	var reminded bool
	for _, p := range got[n:] {
		if p.ChatID == "wrgroup" && p.ChatType == 2 && strings.Contains(p.Markdown.Content, "周报") {
			reminded = true
		}
	}
	if !reminded {
		t.Errorf("no 周报提醒 in the group: %+v", got[n:])
	}

	// The socket drops with a message queued: it goes out once, after the
	// reconnect.
	n = len(pushes(t, fake))
	fake.Drop()
	if err := r.a.db.Update(context.Background(), func(tx *storage.Tx) error {
		team, err := tx.TeamByChat(context.Background(), "wrgroup")
		if err != nil {
			return err
		}
		return tx.Enqueue(context.Background(), []teambot.Outgoing{{TeamID: team.ID, Channel: teambot.ToGroup, Text: "排队中的通知"}}, clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if !fake.WaitSubscribed(2, 10*time.Second) {
		t.Fatal("no reconnect after the drop")
	}
	for i := 0; i < 20 && len(pushes(t, fake)) == n; i++ {
		clock.Set(clock.Now().Add(time.Minute))
		r.tick()
		fake.WaitFrames("aibot_send_msg", n+1, 200*time.Millisecond)
	}
	queued := 0
	for _, p := range pushes(t, fake) {
		if p.Markdown.Content == "排队中的通知" {
			queued++
		}
	}
	if queued != 1 {
		t.Errorf("the queued message went out %d times, want once", queued)
	}

	// A message recorded by a replica that died before running it: another
	// finishes it and pushes the answer into its group.
	n = len(pushes(t, fake))
	crashed := teambot.Message{Source: "bot", ID: "m9", ChatID: "wrgroup", ChatType: teambot.ChatGroup,
		UserID: "zhangsan", Text: "@TeamBot /谁请假", At: clock.Now()}
	if err := r.lc.late().KeepLongConn(context.Background(), dbInbox{db: r.a.db, now: clock.Now}, crashed, "dead-replica", clock.Now()); err != nil {
		t.Fatal(err)
	}
	clock.Set(clock.Now().Add(time.Minute))
	r.tick() // the inbox finishes it and queues the answer
	r.tick() // the outbox pushes it
	got = waitPush(t, fake, n+1)
	if p := got[n]; p.ChatID != "wrgroup" || p.ChatType != 2 || !strings.Contains(p.Markdown.Content, "请假") {
		t.Errorf("the crashed message's answer went out as %+v", p)
	}

	// Another connection of the bot takes over: this one stops for good.
	fake.Kick()
	if err := r.waitStopped(); err == nil || !strings.Contains(err.Error(), "another connection") {
		t.Errorf("after the kick ready() = %v, want the reason", err)
	}
	if fake.WaitSubscribed(3, 300*time.Millisecond) {
		t.Error("subscribed again after the kick")
	}
}

// Refused credentials stop the connection after a few tries and say so.
func TestLongConnectionStopsOnBadCredentials(t *testing.T) {
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	clock := &metricsClock{now: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)}
	r := startReplica(t, storagetest.SQLiteURL(t), fake, "wrong", clock)
	if err := r.waitStopped(); err == nil || !strings.Contains(err.Error(), "WECOM_BOT_SECRET") {
		t.Errorf("ready() = %v, want what to check", err)
	}
	if fake.Subscribes() != 0 {
		t.Errorf("%d subscribes with a wrong secret", fake.Subscribes())
	}
}

// Two replicas on one PostgreSQL: one subscribes, the other stands by and
// takes over when the first dies.
func TestLongConnectionOneReplicaHoldsIt(t *testing.T) {
	url := storagetest.PostgresURL(t)
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	clock := &metricsClock{now: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)}
	a := startReplica(t, url, fake, "secret-1", clock)
	if !fake.WaitSubscribed(1, 10*time.Second) {
		t.Fatal("never subscribed")
	}
	b := startReplica(t, url, fake, "secret-1", clock)
	if fake.WaitSubscribed(2, 300*time.Millisecond) {
		t.Fatal("the second replica subscribed too")
	}
	if !a.lc.client.Connected() || b.lc.client.Connected() {
		t.Fatalf("connected: first %v, second %v", a.lc.client.Connected(), b.lc.client.Connected())
	}
	a.kill()
	if !fake.WaitSubscribed(2, 10*time.Second) {
		t.Fatal("the standby did not take over")
	}
	say(t, fake, "m1", "wrgroup", "wangfang", "@TeamBot /加入 王芳", "已登记：王芳")
	if err := b.lc.ready(); err != nil {
		t.Errorf("the standby is not ready: %v", err)
	}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// teambot serve with only WECOM_BOT_ID and WECOM_BOT_SECRET and a database
// is a whole deployment: no callback port, the socket subscribed, a group
// command answered, a member entering the single chat welcomed, and the
// connection's state in /metrics.
func TestServeWithOnlyTheLongConnection(t *testing.T) {
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	getenv := env("TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t),
		"WECOM_BOT_ID", "bot-1", "WECOM_BOT_SECRET", "secret-1", "WECOM_BOT_WS_URL", fake.URL())
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	admin := waitForAdminAddr(t, &stderr, done)
	if !fake.WaitSubscribed(1, 10*time.Second) {
		t.Fatalf("never subscribed:\n%s", stderr.String())
	}
	say(t, fake, "m1", "wrgroup", "wangfang", "@TeamBot /帮助", "你可以使用的命令")
	// A picture gets how to write a command, as over HTTP.
	before := len(fake.Frames("aibot_respond_msg"))
	picture := fake.Push("aibot_msg_callback", map[string]any{"msgid": "p1", "aibotid": "bot-1", "chattype": "single",
		"from": map[string]string{"userid": "wangfang"}, "msgtype": "image",
		"image": map[string]string{"url": "https://example.invalid/x", "aeskey": "k"}})
	if frames, ok := fake.WaitFrames("aibot_respond_msg", before+1, 10*time.Second); !ok ||
		frames[before].ReqID != picture || !strings.Contains(string(frames[before].Body), "只看得懂文字") {
		t.Errorf("a picture was answered %+v, want how to write a command", frames)
	}
	reqID := fake.EnterChat("e1", "wangfang")
	frames, ok := fake.WaitFrames("aibot_respond_welcome_msg", 1, 10*time.Second)
	if !ok || frames[0].ReqID != reqID || !strings.Contains(string(frames[0].Body), "/帮助") || !strings.Contains(string(frames[0].Body), "/加入") {
		t.Errorf("welcome %+v, want one on %q naming /帮助 and, to a newcomer, /加入", frames, reqID)
	}
	log := stderr.String()
	if !strings.Contains(log, "no callback port") || listeningRE.MatchString(log) {
		t.Errorf("a callback port opened:\n%s", log)
	}
	if strings.Contains(log, "secret-1") {
		t.Error("the secret is in the log")
	}
	metrics := httpGet(t, "http://"+admin+"/metrics")
	if v, ok := metricValue(t, metrics, "teambot_longconn_state"); !ok || v != 1 {
		t.Errorf("teambot_longconn_state = %v (%v), want 1 (subscribed)", v, ok)
	}
}
