package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// escalations is every escalation of the chat's team, oldest first.
func (c *chat) escalations() []teambot.Escalation {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Escalation, error) {
		return tx.Escalations(ctx, teambot.EscalationFilter{TeamID: team.ID})
	})
}

// escalation is the escalation with the given id.
func (c *chat) escalation(id int64) teambot.Escalation {
	c.t.Helper()
	return withID(c, c.escalations(), id, "escalation", func(e teambot.Escalation) int64 { return e.ID })
}

// noAuditHolds fails when an audit row of the chat's team contains any of
// texts.
func (c *chat) noAuditHolds(texts ...string) {
	c.t.Helper()
	for _, e := range c.audit() {
		for _, s := range texts {
			if strings.Contains(e.Detail, s) || strings.Contains(e.Target, s) {
				c.t.Errorf("the audit holds %q: %+v", s, e)
			}
		}
	}
}

const (
	problem1 = "公众号评论区有人连续发广告，已截图备份并删除，需要决定是否拉黑"
	problem2 = "抖音后台有客户投诉退款，我这边处理不了"
)

// R16 without app messages: a problem is raised in a single chat (typed in
// the group it is refused, and the group never sees it); the sender sees
// what was recorded, and the supervisor is @mentioned in the group through
// the outbox with the number only, the text staying private.
func TestEscalateWithoutApp(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		r := c.send(msgFrom(c, "zhangsan", "/上报 "+problem1))
		if !strings.Contains(r.Text, "请在和我的单聊里发送 /上报 问题描述") || strings.Contains(r.Text, "广告") || len(r.Mentions) != 0 {
			t.Errorf("an escalation in the group: %+v", r)
		}
		if es := c.escalations(); len(es) != 0 {
			t.Errorf("an escalation in the group was stored: %+v", es)
		}
		if out := c.outbox(now.Add(time.Minute)); len(out) != 0 {
			t.Errorf("an escalation in the group enqueued %+v", out)
		}

		r = single(c, "zhangsan", "/上报 "+problem1)
		if !r.Private || len(r.Mentions) != 0 || r.Text != "已上报给主管，编号 #1。已在群里提醒主管 王芳 私聊我查看，群里不显示内容。\n上报的内容：\n"+problem1 {
			t.Errorf("single-chat reply %+v", r)
		}
		got := c.escalation(1)
		if got.Text != problem1 || got.Status != teambot.EscalationOpen || got.UserID != "zhangsan" || got.Name != "张三" ||
			!got.CreatedAt.Equal(now) || got.MsgID == "" {
			t.Errorf("stored %+v", got)
		}
		// The group gets the notice, without the text.
		out := c.outbox(now.Add(time.Minute))
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[wangfang]" ||
			out[0].Text != "张三 上报了一个问题（#1），请主管私聊我发送 /上报 列表 查看。" || out[0].Origin != "escalation #1" {
			t.Errorf("outbox %+v, want the group notice to the supervisor", out)
		}

		r = single(c, "zhangsan", "/escalate："+problem2)
		if !r.Private || r.Text != "已上报给主管，编号 #2。已在群里提醒主管 王芳 私聊我查看，群里不显示内容。\n上报的内容：\n"+problem2 {
			t.Errorf("single-chat reply %+v", r)
		}
		out = c.outbox(now.Add(time.Minute))
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[wangfang]" ||
			out[0].Text != "张三 上报了一个问题（#2），请主管私聊我发送 /上报 列表 查看。" || out[0].Origin != "escalation #2" {
			t.Errorf("outbox %+v, want the group notice to the supervisor", out)
		}

		// Lists: texts only in a single chat; in the group numbers and names.
		r = c.send(msgFrom(c, "wangfang", "/上报 列表"))
		if !r.Private || r.Text != "未处理的上报 2 条：未处理 2 条（#1 张三、#2 张三）。内容和处理说明只在私聊里显示：请私聊我发送 /上报 列表 查看。" {
			t.Errorf("supervisor's list in the group: %+v", r)
		}
		r = single(c, "wangfang", "/上报 列表")
		for _, want := range []string{"未处理的上报（2 条）：", "#1 张三 · 11月25日（周三）10:00 · 未处理\n" + problem1, "#2 张三 · 11月25日（周三）10:00 · 未处理\n" + problem2,
			"处理：/上报 处理 编号 处理说明；已处理的：/上报 列表 全部。"} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("supervisor's list in a single chat lacks %q:\n%s", want, r.Text)
			}
		}
		r = c.send(msgFrom(c, "zhangsan", "/上报 列表"))
		if !r.Private || r.Text != "你上报的问题 2 条：未处理 2 条（#1、#2）。内容和处理说明只在私聊里显示：请私聊我发送 /上报 列表 查看。" {
			t.Errorf("member's list in the group: %+v", r)
		}
		if r := single(c, "zhangsan", "/上报 list"); !strings.Contains(r.Text, "你上报的问题（2 条）：\n\n#1 · 11月25日（周三）10:00 · 未处理\n"+problem1) {
			t.Errorf("member's list in a single chat: %+v", r)
		}
		c.expect("lisi", "/上报 列表", "你还没有上报过问题。发送 /上报 问题描述 上报给主管。")
		if r := single(c, "lisi", "/上报 列表"); strings.Contains(r.Text, "广告") {
			t.Errorf("another member sees a problem: %s", r.Text)
		}

		if got := strings.Join(c.auditActions("escalation."), "|"); got != "escalation.create #1，31 字|escalation.create #2，19 字" {
			t.Errorf("audit: %s", got)
		}
		c.noAuditHolds("广告", "退款")
	})
}

// With the app configured the supervisor gets the text by app message and
// the reporter the resolution the same way; the group sees neither.
func TestEscalateWithDirectMessages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		_, dm, clock := leaveTeam(t, db)
		r := single(dm, "zhangsan", "/上报 "+problem1)
		if r.Text != "已上报给主管，编号 #1。已私信通知主管 王芳，内容只有主管和你能看到。\n上报的内容：\n"+problem1 || len(r.Mentions) != 0 {
			t.Errorf("reply %+v", r)
		}
		out := dm.outbox(now.Add(time.Minute))
		want := "【上报 #1】张三 上报了一个问题（11月25日（周三）10:00）：\n" + problem1 + "\n处理后发送 /上报 处理 1 处理说明，张三 会收到通知。"
		if len(out) != 1 || out[0].Channel != teambot.ToUsers || fmt.Sprint(out[0].Users) != "[wangfang]" || out[0].Text != want {
			t.Errorf("outbox %+v\nwant an app message to the supervisor:\n%s", out, want)
		}
		if r := single(dm, "lisi", "/上报 "+problem2); r.Text != "已上报给主管，编号 #2。已私信通知主管 王芳，内容只有主管和你能看到。\n上报的内容：\n"+problem2 {
			t.Errorf("single-chat reply with the app: %+v", r)
		}
		if out := dm.outbox(now.Add(time.Minute)); len(out) != 1 || out[0].Channel != teambot.ToUsers || !strings.Contains(out[0].Text, problem2) {
			t.Errorf("outbox %+v", out)
		}

		*clock = now.Add(2 * time.Hour)
		r = single(dm, "wangfang", "/上报 处理 #1 已在后台拉黑该账号")
		if r.Text != "已处理 张三 上报的问题 #1。处理说明：已在后台拉黑该账号。已私信通知 张三。" || len(r.Mentions) != 0 {
			t.Errorf("resolve in a single chat with the app: %+v", r)
		}
		out = dm.outbox(now.Add(3 * time.Hour))
		if len(out) != 1 || fmt.Sprint(out[0].Users) != "[zhangsan]" || out[0].Channel != teambot.ToUsers ||
			out[0].Text != "你上报的问题 #1（公众号评论区有人连续发广告，已截图备份并删除，需要决定是否拉黑）已由主管处理。\n处理说明：已在后台拉黑该账号" {
			t.Errorf("outbox %+v, want the note to the reporter", out)
		}
		e := dm.escalation(1)
		if e.Status != teambot.EscalationResolved || e.ResolvedBy != "wangfang" || e.Resolution != "已在后台拉黑该账号" || !e.ResolvedAt.Equal(*clock) {
			t.Errorf("resolved %+v", e)
		}
		if got := strings.Join(dm.auditActions("escalation.resolve"), "|"); got != "escalation.resolve #1" {
			t.Errorf("audit: %s", got)
		}
		dm.noAuditHolds("拉黑")
	})
}

// Resolving without the app: typed in the group a resolution is refused and
// its note never shown there; in a single chat the supervisor sees the note
// and the reporter is @mentioned in the group without it. Listing 全部 then
// shows the notes.
func TestResolveEscalation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		c.expectSingle("zhangsan", "/上报 "+problem1, "#1")
		c.expectSingle("lisi", "/上报 "+problem2, "#2")
		c.expectSingle("lisi", "/上报 第三个问题", "#3")
		c.outbox(now) // the supervisor's notices of the three

		*clock = now.Add(time.Hour)
		r := c.send(msgFrom(c, "wangfang", "/上报 处理 1 已拉黑，以后直接删"))
		if !strings.Contains(r.Text, "请在和我的单聊里发送 /上报 处理 编号 说明") || strings.Contains(r.Text, "拉黑") || len(r.Mentions) != 0 {
			t.Errorf("resolve in the group: %+v", r)
		}
		if e := c.escalation(1); !e.Open() || e.Resolution != "" {
			t.Errorf("a resolution in the group was stored: %+v", e)
		}
		r = single(c, "wangfang", "/上报 处理 1 已拉黑，以后直接删")
		if !r.Private || len(r.Mentions) != 0 || r.Text != "已处理 张三 上报的问题 #1。处理说明：已拉黑，以后直接删。已在群里提醒 张三，群里不显示处理说明。" {
			t.Errorf("resolve in a single chat: %+v", r)
		}
		r = single(c, "wangfang", "/上报 解决 2：已退款，客户满意")
		if !r.Private || r.Text != "已处理 李四 上报的问题 #2。处理说明：已退款，客户满意。已在群里提醒 李四，群里不显示处理说明。" {
			t.Errorf("resolve in a single chat: %+v", r)
		}
		out := c.outbox(now.Add(2 * time.Hour))
		if len(out) != 2 ||
			out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[zhangsan]" ||
			out[0].Text != "张三：你上报的问题 #1 已由主管处理，请私聊我发送 /上报 列表 查看处理说明。" ||
			out[1].Channel != teambot.ToGroup || fmt.Sprint(out[1].Mentions) != "[lisi]" ||
			out[1].Text != "李四：你上报的问题 #2 已由主管处理，请私聊我发送 /上报 列表 查看处理说明。" {
			t.Errorf("outbox %+v, want the group notices to the reporters", out)
		}
		for _, m := range out {
			if strings.Contains(m.Text, "拉黑") || strings.Contains(m.Text, "退款") {
				t.Errorf("the group sees a note: %+v", m)
			}
		}
		if e := c.escalation(2); e.Resolution != "已退款，客户满意" {
			t.Errorf("note stored as %q", e.Resolution)
		}

		c.expectSingle("wangfang", "/上报 处理 1 再处理一次", "上报 #1 已经在 11月25日（周三）11:00 处理过了，不能再处理。")
		if e := c.escalation(1); e.Resolution != "已拉黑，以后直接删" {
			t.Errorf("a second resolution changed #1: %+v", e)
		}

		r = c.send(msgFrom(c, "wangfang", "/上报 列表"))
		if r.Text != "未处理的上报 1 条：未处理 1 条（#3 李四）。内容和处理说明只在私聊里显示：请私聊我发送 /上报 列表 查看。" {
			t.Errorf("open list: %s", r.Text)
		}
		r = c.send(msgFrom(c, "wangfang", "/上报 列表 全部"))
		if r.Text != "最近的上报 3 条：未处理 1 条（#3 李四），已处理 2 条（#1 张三、#2 李四）。内容和处理说明只在私聊里显示：请私聊我发送 /上报 列表 全部 查看。" {
			t.Errorf("full list in the group: %s", r.Text)
		}
		r = single(c, "wangfang", "/上报 列表 all")
		for _, want := range []string{"最近的上报（3 条）：", "#1 张三 · 11月25日（周三）10:00 · 已处理\n" + problem1 + "\n处理说明（11月25日（周三）11:00）：已拉黑，以后直接删",
			"#3 李四 · 11月25日（周三）10:00 · 未处理\n第三个问题"} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("full list in a single chat lacks %q:\n%s", want, r.Text)
			}
		}
		if r := single(c, "lisi", "/上报 列表"); !strings.Contains(r.Text, "处理说明（11月25日（周三）11:00）：已退款，客户满意") || strings.Contains(r.Text, "拉黑") {
			t.Errorf("the reporter's own list: %s", r.Text)
		}
		if got := strings.Join(c.auditActions("escalation.resolve"), "|"); got != "escalation.resolve #1|escalation.resolve #2" {
			t.Errorf("audit: %s", got)
		}
		c.noAuditHolds("拉黑", "退款")
	})
}

// Every refusal, and nothing stored or audited for any of them.
func TestEscalateRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expectSingle("zhangsan", "/上报 "+problem1, "#1")
		before := len(c.audit())
		// In the group: who may not, and a resolution typed there.
		for _, tc := range []struct{ user, text, want string }{
			{"stranger", "/上报 有问题", "/上报 只有团队成员可以使用"},
			{"zhangsan", "/上报 有问题", "请在和我的单聊里发送 /上报 问题描述"},
			{"lisi", "/上报 处理 1 好了", "处理上报只有主管可以操作（现任主管：王芳）。"},
			{"wangfang", "/上报 处理 1 好了", "请在和我的单聊里发送 /上报 处理 编号 说明"},
		} {
			c.expect(tc.user, tc.text, tc.want)
		}
		// In a single chat, where escalations are raised and resolved.
		for _, tc := range []struct{ user, text, want string }{
			{"zhangsan", "/上报", "请写上要上报的问题。用法：/上报 问题描述 | 列表 [全部] | 处理 编号 处理说明"},
			{"zhangsan", "/上报：\u3000", "请写上要上报的问题。"},
			{"zhangsan", "/上报 " + strings.Repeat("问", 1001), "上报的内容最多 1000 字，这条有 1001 字"},
			{"zhangsan", "/上报 列表 什么", "/上报 列表 后面只能写「全部」"},
			{"lisi", "/上报 处理 1 好了", "处理上报只有主管可以操作（现任主管：王芳）。"},
			{"lisi", "/上报 处理 客户投诉", "要上报的问题如果以「处理」开头，请换个说法"},
			{"wangfang", "/上报 处理", "请写上上报的编号和处理说明，例如 /上报 处理 3 已联系平台封禁该账号"},
			{"wangfang", "/上报 处理 一 好了", "「一」不是上报的编号"},
			{"wangfang", "/上报 处理 0 好了", "「0」不是上报的编号"},
			{"wangfang", "/上报 处理 99 好了", "没有编号 #99 的上报。发送 /上报 列表 查看编号。"},
			{"wangfang", "/上报 处理 1", "请写上处理说明，例如 /上报 处理 1 "},
			{"wangfang", "/上报 处理 1 " + strings.Repeat("好", 501), "处理说明最多 500 字，这条有 501 字"},
		} {
			c.expectSingle(tc.user, tc.text, tc.want)
		}
		c.noAuditHolds("广告")
		if es := c.escalations(); len(es) != 1 || !es[0].Open() {
			t.Errorf("escalations after the refusals: %+v", es)
		}
		if n := len(c.audit()); n != before {
			t.Errorf("refusals wrote %d audit rows", n-before)
		}
		c.expectSingle("zhangsan", "/上报 "+strings.Repeat("问", 1000), "编号 #2")

		// Another team cannot see or resolve the first team's problems.
		c.chatID = "group-2"
		c.expect("boss", "/加入 老板", "已登记")
		c.expect("boss", "/主管 @老板", "老板 现在是主管")
		c.expectSingle("boss", "/上报 处理 1 好了", "没有编号 #1 的上报")
		c.expect("boss", "/上报 列表 全部", "最近的上报：没有。")
	})
}

// The supervisor's own escalation is only recorded; a team without a
// Supervisor records it and says who will read it; a removed reporter is
// not told of the resolution.
func TestEscalateEdges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		c.expect("zhangsan", "/加入 张三 文案", "已登记")
		r := single(c, "zhangsan", "/上报 没人管的问题")
		if r.Text != "已记下上报，编号 #1。团队还没有主管：指定主管后，主管发送 /上报 列表 可以查看。\n上报的内容：\n没人管的问题" || len(r.Mentions) != 0 {
			t.Errorf("without a supervisor: %+v", r)
		}
		c.expect("wangfang", "/join 王芳", "已登记")
		c.expect("boss", "/主管 @王芳", "王芳 现在是主管")
		r = single(c, "wangfang", "/上报 自己记一笔")
		if r.Text != "你是主管，已记下上报，编号 #2。处理后发送 /上报 处理 2 处理说明。\n上报的内容：\n自己记一笔" || len(r.Mentions) != 0 {
			t.Errorf("the supervisor's own: %+v", r)
		}
		if r := single(c, "wangfang", "/上报 处理 2 记下了"); r.Text != "已处理你自己上报的问题 #2。处理说明：记下了。" || len(r.Mentions) != 0 {
			t.Errorf("resolving one's own: %+v", r)
		}
		c.expect("wangfang", "/移除 @张三", "张三")
		r = single(c, "wangfang", "/上报 处理 1 已解决")
		if r.Text != "已处理 张三 上报的问题 #1。处理说明：已解决。张三 已不在团队里，没有通知。" || len(r.Mentions) != 0 {
			t.Errorf("a removed reporter: %+v", r)
		}
		if out := c.outbox(now.Add(time.Hour)); len(out) != 0 {
			t.Errorf("outbox %+v", out)
		}
	})
}

// /上报 列表 全部 shows the newest 30.
func TestEscalationListLimit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		for i := 1; i <= 31; i++ {
			c.expectSingle("zhangsan", fmt.Sprintf("/上报 第 %d 个问题", i), fmt.Sprintf("#%d", i))
		}
		r := single(c, "wangfang", "/上报 列表 全部")
		if !strings.Contains(r.Text, "最近的上报（30 条）：\n\n#2 张三") || !strings.Contains(r.Text, "#31 张三") || strings.Contains(r.Text, "第 1 个问题") {
			t.Errorf("list:\n%s", r.Text)
		}
		if r := single(c, "wangfang", "/上报 列表"); !strings.Contains(r.Text, "未处理的上报（31 条）") {
			t.Errorf("every open one is listed: %s", r.Text[:min(len(r.Text), 200)])
		}
	})
}

// The weekly digest ends with the open escalations: numbers only in the
// group, reporters and first lines in the supervisor's private digest;
// resolved ones are left out, and with none open the line is absent.
func TestEscalationsInWeeklyDigest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		monday := at(2026, 11, 30, 9, 30)
		for _, j := range []job{digestGroup, digestApp} {
			if out := c.fire(j, monday); len(out) != 1 || strings.Contains(out[0].Text, "上报") {
				t.Errorf("%s with nothing escalated: %+v", j.name, out)
			}
		}
		c.expectSingle("zhangsan", "/上报 "+problem1+"\n第二行细节", "#1")
		c.expectSingle("lisi", "/上报 "+problem2, "#2")
		*clock = at(2026, 11, 27, 9, 0)
		c.expectSingle("lisi", "/上报 第三个", "#3")
		c.expectSingle("wangfang", "/上报 处理 2 已退款", "已处理")

		group := c.fire(digestGroup, monday)
		if len(group) != 1 || !strings.HasSuffix(group[0].Text, "\n未处理的上报 2 条：#1、#3。主管请私聊我发送 /上报 列表 查看。") ||
			strings.Contains(group[0].Text, "广告") || strings.Contains(group[0].Text, "张三（") {
			t.Errorf("group digest: %+v", group)
		}
		private := c.fire(digestApp, monday)
		want := "\n未处理的上报 2 条：\n· #1 张三（11月25日（周三）10:00）：公众号评论区有人连续发广告，已截图备份并删除，需要决定是否拉黑\n" +
			"· #3 李四（11月27日（周五）09:00）：第三个\n全文：/上报 列表；处理：/上报 处理 编号 处理说明"
		if len(private) != 1 || private[0].Channel != teambot.ToUsers || !strings.HasSuffix(private[0].Text, want) || strings.Contains(private[0].Text, "第二行") {
			t.Errorf("private digest: %+v\nwant it to end with %q", private, want)
		}
	})
}
