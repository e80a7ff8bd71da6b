package commands_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A retry of a message (same source and id) never runs its command twice,
// and the mark is kept in the database, so it holds across restarts.
func TestRetriedMessageRunsOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		msg := teambot.Message{Source: "robot", ID: "msg-42", ChatID: c.chatID, UserID: "zhangsan", Text: "/加入 张三 文案"}
		if r := c.send(msg); !strings.Contains(r.Text, "已登记：张三") {
			t.Fatalf("first delivery: %q", r.Text)
		}
		again := newChat(t, db) // a new engine, as after a restart
		r, err := again.engine.Handle(context.Background(), msg)
		if !errors.Is(err, teambot.ErrAlreadyHandled) {
			t.Errorf("retry: err = %v, want ErrAlreadyHandled", err)
		}
		// The first answer may be the one WeCom never got: it is given again.
		if !strings.Contains(r.Text, "已登记：张三") {
			t.Errorf("retry answered %q, want the first answer again", r.Text)
		}
		joins := 0
		for _, e := range c.audit() {
			if e.Action == "member.join" {
				joins++
			}
		}
		if joins != 1 {
			t.Errorf("%d joins recorded, want 1", joins)
		}
		// The same id from another endpoint is another message.
		other := msg
		other.Source = "app"
		if r := c.send(other); !strings.Contains(r.Text, "你已经登记为 张三") {
			t.Errorf("same id, other source: %q", r.Text)
		}
	})
}

// sealer is a reversible stand-in for the AES sealer of the transport: what
// it stores is visibly not the key.
type sealer struct{}

func (sealer) Seal(plain string) (string, error) { return "sealed:" + reverse(plain), nil }
func (sealer) Open(s string) (string, error) {
	if !strings.HasPrefix(s, "sealed:") {
		return "", errors.New("not sealed")
	}
	return reverse(strings.TrimPrefix(s, "sealed:")), nil
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func sealingChat(t *testing.T, db *storage.DB) *chat {
	c := newChat(t, db)
	e, err := rulebook.New(commands.Config{
		Store: commands.StoreOf(db.Update), Now: func() time.Time { return now }, Admins: []string{"boss"},
		TimeZone: "Asia/Shanghai", Sealer: sealer{},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.engine = e
	return c
}

func (c *chat) team() teambot.Team {
	c.t.Helper()
	var out teambot.Team
	c.inTeam(func(_ context.Context, _ *storage.Tx, team teambot.Team) error {
		out = team
		return nil
	})
	return out
}

// The group robot's callback carries the group's webhook: it becomes the
// team's push target, sealed, and is rewritten only when it changes.
func TestPushKeyFromCallbacks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := sealingChat(t, db)
		c.send(teambot.Message{ChatID: c.chatID, UserID: "zhangsan", Text: "/团队", WebhookKey: "KEY-1"})
		if got := c.team().PushKey; got != "sealed:1-YEK" {
			t.Errorf("stored push key %q, want the sealed KEY-1", got)
		}
		c.send(teambot.Message{ChatID: c.chatID, UserID: "zhangsan", Text: "/团队", WebhookKey: "KEY-1"})
		c.send(teambot.Message{ChatID: c.chatID, UserID: "zhangsan", Text: "/团队", WebhookKey: "KEY-2"})
		if got := c.team().PushKey; got != "sealed:2-YEK" {
			t.Errorf("stored push key %q, want the sealed KEY-2", got)
		}
		pushes := 0
		for _, e := range c.audit() {
			if e.Action == "team.push" {
				pushes++
				if strings.Contains(e.Detail, "KEY") {
					t.Errorf("audit row holds the key: %+v", e)
				}
			}
		}
		if pushes != 2 {
			t.Errorf("%d push changes audited, want 2 (KEY-1, KEY-2)", pushes)
		}
		r, err := c.engine.HandleEvent(context.Background(), teambot.Event{Kind: teambot.EventDeleteFromChat,
			Message: teambot.Message{Source: "robot", ID: "ev-1", ChatID: c.chatID}})
		if err != nil || r.Text != "" {
			t.Errorf("delete_from_chat: %q, %v", r.Text, err)
		}
		if got := c.team().PushKey; got != "" {
			t.Errorf("push key %q kept after the robot was removed", got)
		}
	})
}

// /团队 推送 URL: supervisor only, single chat only, never echoed back.
func TestSetPushURL(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := sealingChat(t, db)
		setup(c)
		const url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef-secret-1234"
		c.expect("wangfang", "/团队 推送 "+url, "请在和我的单聊里发送", "重新生成 webhook 地址")
		single := func(user, text string) teambot.Reply {
			return c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: user, Text: text})
		}
		if r := single("zhangsan", "/团队 推送 "+url); !strings.Contains(r.Text, "只有主管可以设置推送地址") {
			t.Errorf("member: %q", r.Text)
		}
		if r := single("wangfang", "/团队 推送 https://example.com/hook"); !strings.Contains(r.Text, "不是群机器人的 webhook 地址") {
			t.Errorf("bad URL: %q", r.Text)
		}
		r := single("wangfang", "/团队 推送 "+url)
		if !strings.Contains(r.Text, "已设置本团队的推送地址（key …1234）") || strings.Contains(r.Text, "abcdef") || !r.Private {
			t.Errorf("set: %+v", r)
		}
		if got := c.team().PushKey; got != "sealed:"+reverse("abcdef-secret-1234") {
			t.Errorf("stored %q", got)
		}
	})
}

// In a single chat the bot acts for the sender's team; /join needs the
// group, which names the team.
func TestSingleChat(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		single := func(user, text string) teambot.Reply {
			return c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: user, Text: text})
		}
		if r := single("zhangsan", "/团队"); !strings.Contains(r.Text, "你还没有加入任何团队") {
			t.Errorf("no team: %q", r.Text)
		}
		if r := single("zhangsan", "/加入 张三"); !strings.Contains(r.Text, "请在团队的群聊里") {
			t.Errorf("join in single chat: %q", r.Text)
		}
		setup(c)
		if r := single("zhangsan", "/团队"); !strings.Contains(r.Text, "文案：张三") || !r.Private {
			t.Errorf("roster in single chat: %+v", r)
		}
		c.chatID = "group-2"
		c.expect("zhangsan", "/加入 张三 技术", "已登记：张三")
		if r := single("zhangsan", "/团队"); !strings.Contains(r.Text, "你在 2 个团队里") {
			t.Errorf("two teams: %q", r.Text)
		}
		r, err := c.engine.HandleEvent(context.Background(), teambot.Event{Kind: teambot.EventEnterChat,
			Message: teambot.Message{ChatType: teambot.ChatSingle, UserID: "newbie"}})
		if err != nil || !strings.Contains(r.Text, "请在团队的群聊里 @我 发送 /加入") {
			t.Errorf("enter_chat greeting: %q, %v", r.Text, err)
		}
	})
}

// The group robot sends the sender's display name: members' names follow it,
// /加入 may leave the name out, and a taken name is not forced on anyone.
func TestNamesFollowWeCom(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		from := func(user, name, text string) string {
			return c.send(teambot.Message{ChatID: c.chatID, UserID: user, UserName: name, Text: text}).Text
		}
		if got := from("zhangsan", "张三", "/加入 文案"); !strings.Contains(got, "已登记：张三，角色：文案") {
			t.Errorf("join with the platform's name: %q", got)
		}
		from("lisi", "李四", "/加入")
		from("zhangsan", "张三丰", "/团队")
		from("lisi", "张三丰", "/团队") // taken: 李四 stays 李四
		got := c.say("wangfang", "/团队")
		if !strings.Contains(got, "文案：张三丰") || !strings.Contains(got, "未分配角色：李四") {
			t.Errorf("roster:\n%s", got)
		}
		r, err := c.engine.HandleEvent(context.Background(), teambot.Event{Kind: teambot.EventAddToChat,
			Message: teambot.Message{Source: "robot", ID: "ev-9", ChatID: "new-group", UserID: "admin"}})
		if err != nil || !strings.Contains(r.Text, "/加入 你的名字") || !strings.Contains(r.Text, "/主管 @名字") {
			t.Errorf("welcome: %q, %v", r.Text, err)
		}
		if _, err := c.engine.HandleEvent(context.Background(), teambot.Event{Kind: teambot.EventAddToChat,
			Message: teambot.Message{Source: "robot", ID: "ev-9", ChatID: "new-group", UserID: "admin"}}); !errors.Is(err, teambot.ErrAlreadyHandled) {
			t.Errorf("a retried event ran twice: %v", err)
		}
	})
}

// A retry of a command that wrote gets the answer of the first run, kept
// with the message id in the command's transaction; one that wrote nothing
// (a read, a refusal) runs again. A private answer is kept only sealed,
// and with nothing to seal it under it is not kept: the retry says so
// instead of showing it.
func TestRetryGetsTheKeptAnswer(t *testing.T) {
	eachRaw(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		c := newChat(t, db)
		setup(c)
		// A refusal and a read write nothing, so nothing is recorded:
		// the retry runs again, to the same answer.
		for _, text := range []string{"/移除 @李四", "/团队"} {
			msg := teambot.Message{Source: "robot", ID: "msg " + text, ChatID: c.chatID, UserID: "zhangsan", Text: text}
			first := c.send(msg)
			again, err := c.engine.Handle(context.Background(), msg)
			if err != nil || again.Text != first.Text {
				t.Errorf("retry of %s: %q, %v; want %q again", text, again.Text, err, first.Text)
			}
			var n int
			if err := raw.QueryRow(`SELECT count(*) FROM processed_messages WHERE msg_id = 'msg ' || '` + text + `'`).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s wrote nothing, yet its id is recorded (%d, %v)", text, n, err)
			}
		}
		// One that wrote is recorded with its answer, and not run again.
		joined := teambot.Message{Source: "robot", ID: "msg-join", ChatID: c.chatID, UserID: "lisi", Text: "/加入 李四 美工"}
		first := c.send(joined)
		again, err := c.engine.Handle(context.Background(), joined)
		if !errors.Is(err, teambot.ErrAlreadyHandled) || again.Text != first.Text || !strings.Contains(again.Text, "李四") {
			t.Errorf("retry of /加入: %q, %v; want %q again, already handled", again.Text, err, first.Text)
		}

		sealed := newChat(t, db)
		sealed.engine = newEngine(t, db, sealer{})
		private := teambot.Message{Source: "app", ID: "msg-private", ChatType: teambot.ChatSingle, UserID: "zhangsan", Text: "/上报 仓库的钥匙丢了"}
		first = sealed.send(private)
		again, err = sealed.engine.Handle(context.Background(), private)
		if !errors.Is(err, teambot.ErrAlreadyHandled) || again.Text != first.Text || !again.Private {
			t.Errorf("retry of a private answer: %+v, %v; want %q, private", again, err, first.Text)
		}
		var stored string
		if err := raw.QueryRow(`SELECT reply FROM processed_messages WHERE msg_id = 'msg-private'`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == first.Text || !strings.HasPrefix(stored, "sealed:") {
			t.Errorf("the private answer is stored as %q, want it sealed", stored)
		}

		unsealed := newChat(t, db) // no sealer
		private.ID = "msg-private-2"
		unsealed.send(private)
		again, err = unsealed.engine.Handle(context.Background(), private)
		if !errors.Is(err, teambot.ErrAlreadyHandled) || strings.Contains(again.Text, "上报 #") || !strings.Contains(again.Text, "已经执行过") {
			t.Errorf("retry of a private answer with no sealer: %q, %v; want a note that it ran, without the answer", again.Text, err)
		}
	})
}

// newEngine is the chat tests' engine with a sealer for private answers.
func newEngine(t *testing.T, db *storage.DB, s commands.Sealer) *commands.Engine {
	t.Helper()
	return engineOn(t, commands.StoreOf(db.Update), s)
}
