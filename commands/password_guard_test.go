package commands_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// eachRaw is storagetest.Each with a second, plain connection to the same
// database, for reading what the records hold table by table.
func eachRaw(t *testing.T, fn func(t *testing.T, db *storage.DB, raw *sql.DB)) {
	t.Helper()
	for _, d := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", storagetest.SQLiteURL}, {"postgres", storagetest.PostgresURL}} {
		t.Run(d.name, func(t *testing.T) {
			url := d.url(t)
			db, err := storage.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			fn(t, db, storagetest.Raw(t, url))
		})
	}
}

// rowCounts is the number of rows of every table of the database, by name.
func rowCounts(t *testing.T, dialect storage.Dialect, raw *sql.DB) map[string]int {
	t.Helper()
	ctx := context.Background()
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if dialect == storage.Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := raw.QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("found only the tables %v", tables)
	}
	counts := make(map[string]int, len(tables))
	for _, name := range tables {
		var n int
		// name comes from the catalog, never from input.
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+name+`"`).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		counts[name] = n
	}
	return counts
}

// countsDiffer lists the tables whose row counts differ, but for the mark
// of processed messages, which may grow by one.
func countsDiffer(before, after map[string]int) []string {
	var out []string
	for name, n := range after {
		switch {
		case name == "processed_messages" && (n == before[name] || n == before[name]+1):
		case n != before[name]:
			out = append(out, fmt.Sprintf("%s %d → %d", name, before[name], n))
		}
	}
	return out
}

// guardChat is the report team with a vote, an escalation and a held
// meeting on record, on an engine whose log and metrics the test reads.
func guardChat(t *testing.T, db *storage.DB, logs *bytes.Buffer, observed *[]string) *chat {
	t.Helper()
	c := newChat(t, db)
	e, err := rulebook.New(commands.Config{
		Store: commands.StoreOf(db.Update), Now: func() time.Time { return now },
		Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"},
		Log:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Observe: func(command, outcome string) { *observed = append(*observed, command+" "+outcome) },
	})
	if err != nil {
		t.Fatal(err)
	}
	c.engine = e
	reportTeam(c)
	c.expect("zhangsan", "/周报 完成推文 3 篇", "第 1 版")
	c.expect("zhangsan", "/投票 发起 是否参加双十二大促", "#1")
	c.expectSingle("zhangsan", "/上报 评论区有人刷屏", "#1")
	c.expect("zhangsan", "/请假 明天 看病", "#1")
	return c
}

// secret is the password of the guard's tests; lettersOnly one without a
// digit, which counts once a separator or a verb leads to it.
const (
	secret      = "Abc12345xyz"
	lettersOnly = "sunshinebright"
)

// R13: every free-text command, and every command word being written for
// the accounts, updates and ledger, refuses a message that seems to carry a
// password before any handler runs: the reply says it was not saved, that
// the password must be changed and how to send again; no table gains a row
// (the mark of the processed message aside), the audit log is unchanged,
// nothing is logged, in the group and in a single chat.
func TestPasswordGuard(t *testing.T) {
	cases := []struct{ word, text string }{
		// The holiday note has no check of its own: only the guard keeps
		// this one out of the records (the sender is the supervisor).
		{"假期", "/假期 添加 2026-12-31 休息 团建，WiFi 密码：" + secret},
		{"周报", "/周报 交接了抖音账号，密码：" + secret},
		{"周报", "/周报 上周 补交：后台 password=" + secret},
		{"report", "/report --week 2026-W47 pwd: " + secret},
		{"请假", "/请假 明天 密码：" + secret + " 忘了"},
		{"请假", "/请假 会议 去改密码，新密码是 " + secret},
		{"会议", "/会议 通知 明天 15:00 交接公众号，密码：" + secret},
		{"会议", "/会议 议程 交接后台 口令 " + secret},
		{"会议", "/会议 申诉 11月24日 那天在改密码 密码 " + secret},
		{"会议", "/会议 取消 账号 密码为 " + secret},
		{"投票", "/投票 发起 公众号 密码: " + secret + " 要不要改"},
		{"投票", "/投票 发起 改哪个 选项 旧密码 " + secret + " | 新的"},
		{"投票", "/投票 否决 1 密码：" + secret},
		{"请假", "/请假 驳回 1 你的密码是 " + secret},
		{"上报", "/上报 后台密码是 " + secret + " 被人改了"},
		{"上报", "/上报 处理 1 已重置，新密码：" + secret},
		{"escalate", "/escalate password: " + secret},
		{"账号", "/账号 登记 公众号 wx_team 备注 密码：" + secret},
		{"账号", "/账号 转交 公众号 @李四 密码 " + secret},
		{"更新", "/更新 公众号 双十二预热 后台 pwd=" + secret},
		{"嘉奖", "/嘉奖 @张三 通报表扬 依据1 找回了密码：" + secret},
		{"惩处", "/惩处 @李四 警告 依据2 把密码 " + secret + " 发在群里"},
		{"记录", "/记录 @张三 密码：" + secret},
		{"", "@TeamBot 密码：" + secret},
		{"", "/password: " + secret},
		{"", "TeamBot 的口令是 " + secret},
		// The other ways a password is written (R13): traditional 密碼, a
		// space inside the keyword, pass / pw / passcode / p@ssword, verbs,
		// arrows, emoji and brackets between keyword and value, and values
		// of letters only, in every free text.
		{"周报", "/周报 交接了抖音账号，密碼是 " + lettersOnly},
		{"周报", "/周报 后台 密 码 " + secret},
		{"周报", "/周报 后台 密\u3000码：" + lettersOnly},
		{"请假", "/请假 明天 去改密码，密码改成 " + lettersOnly},
		{"请假", "/请假 明天 pw: " + lettersOnly},
		{"投票", "/投票 发起 公众号密码换成 " + lettersOnly + " 好不好"},
		{"投票", "/投票 发起 用哪个 选项 passcode=" + lettersOnly + " | 旧的"},
		{"上报", "/上报 有人把 p@ssword -> " + lettersOnly + " 发在评论区"},
		{"上报", "/上报 处理 1 密码就是 " + lettersOnly + "，已改"},
		{"更新", "/更新 公众号 后台密码 👉 " + lettersOnly},
		{"更新", "/更新 公众号 活动 密码【" + lettersOnly + "】"},
		{"嘉奖", "/嘉奖 @张三 通报表扬 依据1 及时把 pass: " + lettersOnly + " 改掉"},
		{"惩处", "/惩处 @李四 警告 依据2 把密码 → " + lettersOnly + " 发在群里"},
		{"账号", "/账号 登记 公众号 wx_team 备注 密码为「" + lettersOnly + "」"},
		{"账号", "/账号 登记 微博 wb_team 备注 password changed to " + lettersOnly},
	}
	eachRaw(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		var logs bytes.Buffer
		var observed []string
		c := guardChat(t, db, &logs, &observed)
		auditBefore := len(c.audit())
		for _, chatType := range []string{teambot.ChatGroup, teambot.ChatSingle} {
			for i, tc := range cases {
				before := rowCounts(t, db.Dialect(), raw)
				observed = nil
				user := "zhangsan"
				if tc.word == "假期" {
					user = "wangfang"
				}
				msg := teambot.Message{Source: "bot", ID: fmt.Sprintf("guard-%s-%d", chatType, i), ChatType: chatType,
					UserID: user, Text: tc.text}
				if chatType == teambot.ChatGroup {
					msg.ChatID = c.chatID
				}
				r := c.send(msg)
				for _, want := range []string{"像是写了密码，没有保存", "已经留在聊天记录里", "请立即修改这个密码", "删掉密码后重新发送"} {
					if !strings.Contains(r.Text, want) {
						t.Errorf("%s %q:\nreply %s\nwant it to contain %q", chatType, tc.text, r.Text, want)
					}
				}
				name := "none"
				if cmd, ok := c.engine.Registry().Lookup(tc.word); ok {
					name = cmd.Name
					if want := "「/" + cmd.Chinese + "」"; !strings.Contains(r.Text, want) {
						t.Errorf("%q: reply %s\nwant it to name %s", tc.text, r.Text, want)
					}
				}
				if strings.Contains(r.Text, secret) || strings.Contains(r.Text, lettersOnly) {
					t.Errorf("%q: the reply repeats the password: %s", tc.text, r.Text)
				}
				if got := strings.Join(observed, "|"); got != name+" refused" {
					t.Errorf("%q: observed %q, want %q", tc.text, got, name+" refused")
				}
				after := rowCounts(t, db.Dialect(), raw)
				if diff := countsDiffer(before, after); len(diff) > 0 {
					t.Errorf("%s %q changed the records: %v", chatType, tc.text, diff)
				}
				// Not even its id: a retry is refused again.
				if after["processed_messages"] != before["processed_messages"] {
					t.Errorf("%q: the message's id was recorded", tc.text)
				}
			}
		}
		audit := c.audit()
		if len(audit) != auditBefore {
			t.Errorf("the audit log grew by %d rows: %+v", len(audit)-auditBefore, audit[auditBefore:])
		}
		for _, e := range audit {
			for _, pw := range []string{secret, lettersOnly} {
				if strings.Contains(e.Detail, pw) || strings.Contains(e.Target, pw) {
					t.Errorf("audit row holds the password: %+v", e)
				}
			}
		}
		if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), lettersOnly) {
			t.Errorf("the log holds the password:\n%s", logs.String())
		}
		if logs.Len() != 0 {
			t.Errorf("refusals were logged:\n%s", logs.String())
		}
	})
}

// What only talks about a password passes the guard and is recorded.
func TestPasswordGuardLetsTalkThrough(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		reportTeam(c)
		for _, tc := range []struct {
			text, want string
			single     bool // private input, sent in the single chat
		}{
			{"/上报 忘记密码了怎么办", "已上报给主管，编号 #1", true},
			{"/周报 密码已修改", "第 1 版", false},
			{"/周报 交接了抖音账号，密码：******", "第 2 版", false},
			{"/请假 明天 去银行重置U盾密码", "已提交请假申请 #1", false},
			{"/投票 发起 要不要统一改密码", "#1", false},
			// Ordinary words that hold a keyword, and talk with no value.
			{"/周报 pass the review，passport 已办好，bypass 了旧流程", "第 3 版", false},
			{"/周报 制定了密码管理制度，密碼管理辦法已發布", "第 4 版", false},
			{"/上报 密码改成功了但登录不上", "已上报给主管，编号 #2", true},
			{"/请假 后天 password reset done 后去银行", "已提交请假申请 #2", false},
			{"/投票 发起 密码 👉 找主管 还是自己保管", "#2", false},
		} {
			var r string
			if tc.single {
				r = single(c, "zhangsan", tc.text).Text
			} else {
				r = c.say("zhangsan", tc.text)
			}
			if !strings.Contains(r, tc.want) || strings.Contains(r, "没有保存") {
				t.Errorf("%q: reply %s\nwant it to contain %q", tc.text, r, tc.want)
			}
		}
		if r := c.say("zhangsan", "/账号 已改密 3"); strings.Contains(r, "像是写了密码") {
			t.Errorf("/账号 已改密 3 was taken for a password: %s", r)
		}
		if e := c.escalations(); len(e) != 2 || e[0].Text != "忘记密码了怎么办" || e[1].Text != "密码改成功了但登录不上" {
			t.Errorf("escalations %+v", e)
		}
	})
}
