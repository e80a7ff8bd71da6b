package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot/wecomtest"
	"teambot/calendar"
	"teambot/storage/storagetest"
)

// R14 through a running serve and the AI bot, whose replies in a group are
// seen by the whole group: a warning recorded in a single chat, a leave
// reason and a report, then the views of them asked for in the group — the
// group sees a pointer to the single chat and none of the private texts,
// on SQLite and on PostgreSQL.
func TestAIBotGroupNeverShowsPrivateTexts(t *testing.T) {
	for _, d := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "privacy.db") }},
		{"postgres", func(t *testing.T) string { return storagetest.PostgresURL(t) }},
	} {
		t.Run(d.name, func(t *testing.T) { aiBotPrivacy(t, d.url(t)) })
	}
}

func aiBotPrivacy(t *testing.T, databaseURL string) {
	fake := wecomtest.NewServer(t)
	getenv := env(
		"TEAMBOT_DATABASE_URL", databaseURL,
		"TEAMBOT_LISTEN", "127.0.0.1:0",
		"TEAMBOT_ADMINS", "boss",
		"WECOM_API_BASE", fake.URL,
		"WECOM_BOT_TOKEN", "bot-token", "WECOM_BOT_AES_KEY", testAESKey,
	)
	addr := serveWith(t, getenv)
	cb := &wecomtest.Callbacks{Mode: wecomtest.ModeBot, Token: "bot-token", AESKey: testAESKey}
	group := &chatter{t: t, url: "http://" + addr + "/wecom/bot", chatID: "group-bot", fakeURL: fake.URL, cb: cb}
	single := &chatter{t: t, url: group.url, fakeURL: fake.URL, cb: cb, seq: 1000}

	group.expect("wangfang", "", "/加入 王芳", "已登记：王芳")
	group.expect("zhangsan", "", "/加入 张三 文案", "已登记：张三")
	group.expect("lisi", "", "/加入 李四 美工", "已登记：李四")
	group.expect("boss", "", "/主管 @王芳", "王芳 现在是主管")

	secrets := []string{"连续两周未交周报", "孩子生病要去医院", "客户名单整理完毕"}
	single.expect("wangfang", "", "/惩处 @李四 警告 依据2 连续两周未交周报", "已记录")
	single.expect("zhangsan", "", "/请假 "+nextWorkday(t)+" 孩子生病要去医院", "已提交请假申请")
	single.expect("zhangsan", "", "/周报 客户名单整理完毕", "第 1 版")
	// Typed in the group, the warning is refused before it is recorded.
	group.expect("wangfang", "", "/惩处 @李四 警告 依据2 上班时间打游戏", "请在和我的单聊里发送")

	for _, v := range []struct{ user, text, pointer string }{
		{"wangfang", "/记录 全部", "/记录 全部"},
		{"wangfang", "/月报", "/月报"},
		{"wangfang", "/请假 列表", "/请假 列表"},
		{"wangfang", "/周报 查看 @张三", "/周报 查看 @张三"},
		{"lisi", "/记录", "/记录"},
	} {
		got := group.say(v.user, "", v.text)
		for _, s := range append(secrets, "上班时间打游戏") {
			if strings.Contains(got, s) {
				t.Errorf("%s in the AI-bot group shows %q to everyone: %q", v.text, s, got)
			}
		}
		if !strings.Contains(got, "内容只在单聊中显示") || !strings.Contains(got, "请私聊我发送 "+v.pointer) {
			t.Errorf("%s in the AI-bot group: %q, want a pointer to the single chat", v.text, got)
		}
	}
	// In the single chat the same view shows the content.
	single.expect("wangfang", "", "/记录 全部", "连续两周未交周报")
	// Nothing private went out to WeCom on its own either.
	for _, c := range fake.Calls() {
		for _, s := range secrets {
			if strings.Contains(string(c.Body), s) {
				t.Errorf("a call to WeCom %s carries %q", c.Path, s)
			}
		}
	}
}

// nextWorkday is the first workday after today in Shanghai, the default
// time zone, as 2026-12-07: serve runs on the real clock, and leave asked
// for a day off is refused.
func nextWorkday(t *testing.T) string {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	cal := calendar.New(nil)
	d := teambot.DateOf(time.Now().In(loc)).AddDate(0, 0, 1)
	for !cal.Workday(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d.String()
}
