package commands_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
)

// leaked is what members wrote by mistake in the texts of these tests: it
// passes the password guard, and the supervisor redacts it afterwards.
const leaked = "tigerlily2026"

// holding lists "table: row" for every row of the database, in any table,
// that holds text.
func holding(t *testing.T, dialect storage.Dialect, raw *sql.DB, text string) []string {
	t.Helper()
	var out []string
	for table := range rowCounts(t, dialect, raw) {
		// table comes from the catalog, never from input.
		rows, err := raw.QueryContext(context.Background(), `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("read %s: %v", table, err)
			}
			for i, v := range vals {
				if s := fmt.Sprintf("%s", v); strings.Contains(s, text) {
					out = append(out, fmt.Sprintf("%s.%s: %s", table, cols[i], s))
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

// R13, R14: the supervisor redacts a report (every version of that week),
// an update, an escalation, a leave reason and a vote title that turned out
// to hold a secret: each becomes [已删除], in the records, in the messages
// not yet sent and in the audit row that quoted the vote's title; the
// redaction is audited with who and when, never the text. Afterwards no
// row of any table holds the secret. Others' texts stay as they were.
func TestRedact(t *testing.T) {
	eachRaw(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		c, dm := platformTeam(t, db)
		dm.expect("zhangsan", "/周报 完成推文 3 篇，后台登录用 "+leaked, "第 1 版")
		dm.expect("zhangsan", "/周报 完成推文 3 篇（补充），后台登录用 "+leaked, "第 2 版")
		dm.expect("lisi", "/周报 做了 5 张海报", "第 1 版")
		dm.expect("zhangsan", "/更新 公众号 预热推文 "+leaked, "#1")
		dm.expect("zhangsan", "/更新 公众号 双十二预告", "#2")
		dm.expectSingle("zhangsan", "/上报 后台登录用 "+leaked+" 进不去", "#1")
		dm.expect("zhangsan", "/请假 明天 去银行改 "+leaked, "#1")
		dm.expect("zhangsan", "/投票 发起 "+leaked+" 要不要换", "#1")
		if got := holding(t, db.Dialect(), raw, leaked); len(got) < 8 {
			t.Fatalf("the secret is in only %d places before redaction: %v", len(got), got)
		}

		// The supervisor finds the ids in the views she uses.
		var reportID int64
		for _, rep := range c.history("zhangsan") {
			if rep.Version == 2 {
				reportID = rep.ID
			}
		}
		if r := single(c, "wangfang", "/周报 查看 @张三"); !strings.Contains(r.Text, fmt.Sprintf("#%d", reportID)) {
			t.Errorf("the supervisor's view of 张三's report lacks its id #%d:\n%s", reportID, r.Text)
		}
		if r := c.say("wangfang", "/更新 状态"); !strings.Contains(r, "#1") || !strings.Contains(r, "#2") {
			t.Errorf("/更新 状态 lacks the updates' ids:\n%s", r)
		}

		c.expect("lisi", "/删除内容 周报 1", "只有主管可以使用")
		for _, tc := range []struct{ text, want string }{
			{"/删除内容", "用法：/删除内容 类型 编号"},
			{"/删除内容 周报", "用法：/删除内容 类型 编号"},
			{"/删除内容 日记 1", "不认识内容的类型「日记」"},
			{"/删除内容 周报 abc", "编号要写数字"},
			{"/删除内容 上报 99", "没有编号 #99 的上报"},
			{"/删除内容 周报 99", "/周报 查看 @名字"},
		} {
			if r := single(c, "wangfang", tc.text); !strings.Contains(r.Text, tc.want) {
				t.Errorf("%s:\nreply %s\nwant it to contain %q", tc.text, r.Text, tc.want)
			}
		}
		auditBefore := len(c.audit())
		for _, tc := range []struct{ text, want string }{
			{fmt.Sprintf("/删除内容 周报 %d", reportID), "已删除周报 #"},
			{"/删除内容 更新 1", "已删除更新 #1"},
			{"/删除内容 上报 #1", "已删除上报 #1"},
			{"/删除内容 请假 1", "已删除请假 #1"},
			{"/redact vote 1", "已删除投票 #1"},
		} {
			// In the group the answer reaches the supervisor alone: the
			// others need not learn which text held a secret.
			r := c.send(teambot.Message{ChatID: c.chatID, UserID: "wangfang", Text: tc.text})
			if !r.Private {
				t.Errorf("%s: the answer is shown to the whole group", tc.text)
			}
			if !strings.Contains(r.Text, tc.want) || !strings.Contains(r.Text, teambot.Redacted) {
				t.Errorf("%s:\nreply %s\nwant it to contain %q and %s", tc.text, r.Text, tc.want, teambot.Redacted)
			}
		}
		if r := single(c, "wangfang", "/删除内容 上报 1"); !strings.Contains(r.Text, "已经删除过了") {
			t.Errorf("a second redaction: %s", r.Text)
		}

		if got := holding(t, db.Dialect(), raw, leaked); len(got) > 0 {
			t.Errorf("the secret is still stored after redaction:\n%s", strings.Join(got, "\n"))
		}
		for _, rep := range c.history("zhangsan") {
			if rep.Text != teambot.Redacted {
				t.Errorf("张三's report version %d reads %q", rep.Version, rep.Text)
			}
		}
		if h := c.history("lisi"); len(h) != 1 || h[0].Text != "做了 5 张海报" {
			t.Errorf("李四's report changed: %+v", h)
		}
		if u := c.updates(); len(u) != 2 || u[0].Title != teambot.Redacted || u[1].Title != "双十二预告" {
			t.Errorf("updates %+v", u)
		}
		if e := c.escalation(1); e.Text != teambot.Redacted {
			t.Errorf("escalation %+v", e)
		}
		if l := c.leave(1); l.Reason != teambot.Redacted {
			t.Errorf("leave %+v", l)
		}
		if v := c.votes(); len(v) != 1 || v[0].Title != teambot.Redacted {
			t.Errorf("votes %+v", v)
		}
		// The messages not yet sent that quoted the texts still go out,
		// with the texts redacted.
		var redactedNotices int
		for _, m := range c.outbox(now) {
			if strings.Contains(m.Text, teambot.Redacted) {
				redactedNotices++
			}
		}
		if redactedNotices != 1 {
			t.Errorf("%d waiting messages were redacted, want the escalation's notice", redactedNotices)
		}

		audit := c.audit()[auditBefore:]
		var kinds []string
		for _, e := range audit {
			if e.Action != "content.redact" || e.Actor != "wangfang" || !e.At.Equal(now) {
				t.Errorf("audit row %+v, want content.redact by wangfang at %s", e, now)
			}
			kinds = append(kinds, e.Target)
		}
		want := fmt.Sprintf("report#%d update#1 escalation#1 leave#1 vote#1", reportID)
		if got := strings.Join(kinds, " "); got != want {
			t.Errorf("redactions audited for %s, want %s", got, want)
		}
	})
}

// The answer kept for WeCom's retries quotes what it answered: a
// redaction reaches it too, so no kept answer holds the secret afterwards.
func TestRedactReachesKeptAnswers(t *testing.T) {
	eachRaw(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		c := newChat(t, db)
		setup(c)
		r := c.send(teambot.Message{Source: "robot", ChatID: c.chatID, UserID: "zhangsan", Text: "/投票 发起 " + leaked + " 要不要换"})
		if !strings.Contains(r.Text, leaked) {
			t.Skipf("the answer does not quote the title: %q", r.Text)
		}
		if got := holding(t, db.Dialect(), raw, leaked); !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "processed_messages") }) {
			t.Fatalf("the kept answer does not hold the title: %v", got)
		}
		c.expect("wangfang", "/删除内容 投票 1", "已删除投票 #1")
		if got := holding(t, db.Dialect(), raw, leaked); len(got) > 0 {
			t.Errorf("the secret is still stored after redaction:\n%s", strings.Join(got, "\n"))
		}
	})
}
