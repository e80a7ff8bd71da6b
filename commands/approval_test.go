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

// approvalTeam is cardTeam (王芳 supervising 张三, 李四, 王五; cards and
// direct messages) with accounts on 公众号 and 微博 (张三) and 抖音 (王五).
func approvalTeam(t *testing.T, db *storage.DB) (*chat, *time.Time) {
	t.Helper()
	c, clock := cardTeam(t, db)
	c.expectSingle("zhangsan", "/账号 登记 公众号 服务号", "#1")
	c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#2")
	c.expectSingle("wangwu", "/账号 登记 抖音 dy001", "#3")
	c.outbox(*clock)
	return c, clock
}

// approval is the team's request id.
func (c *chat) approval(id int64) teambot.Approval {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) (teambot.Approval, error) {
		return tx.ApprovalByID(ctx, team.ID, id)
	})
}

// sentTo is the texts of out that go to user privately.
func sentTo(out []teambot.Outgoing, user string) string {
	var s []string
	for _, m := range out {
		if m.Channel == teambot.ToUsers && fmt.Sprint(m.Users) == "["+user+"]" {
			s = append(s, m.Text)
		}
	}
	return strings.Join(s, "\n")
}

// R15: a campaign post is asked for, reaches the supervisor privately as a
// card, is returned with remarks (the requester hears them privately),
// revised (both versions kept), and approved by a click; a second click on
// the stale card is 已处理, and 查看 shows the whole history to the
// requester and the supervisor only.
func TestPostApprovalFlow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		c.expect("zhangsan", "/发布 申请 公众号 活动 双十二预告 https://mp.weixin.qq.com/s/abc 计划 明天 20:00",
			"已提交发布申请 #1：公众号《双十二预告》（活动） https://mp.weixin.qq.com/s/abc，计划 11月26日（周四）20:00 发布", "已私下送主管 王芳 审核")
		out := c.outbox(*clock)
		card := cardIn(t, out, teambot.CardApproval)
		if len(card.Buttons) != 3 || !strings.Contains(sentTo(out, "wangfang"), "/发布 退回 1 意见") || !strings.Contains(card.Desc, "双十二预告") {
			t.Fatalf("supervisor's card %+v, out %+v", card, out)
		}
		// Only the supervisor decides: a member, the requester included, is refused.
		c.expect("zhangsan", "/发布 批准 1", "只有主管可以操作")
		c.expect("lisi", "/发布 批准 1", "只有主管可以操作")
		c.expect("wangfang", "/发布 退回 1", "退回要写修改意见")
		c.expect("wangfang", "/合作 批准 1", "#1 是发布申请，不是合作申请：请用 /发布 批准 1")
		c.expect("wangfang", "/发布 退回 1 标题太短，加上日期", "已退回 张三 的发布申请 #1", "已私信通知 张三")
		if got := sentTo(c.outbox(*clock), "zhangsan"); !strings.Contains(got, "修改意见：标题太短，加上日期") || !strings.Contains(got, "/发布 修改 1") {
			t.Errorf("张三 is told %q", got)
		}
		c.expect("wangfang", "/发布 批准 1", "已退回修改，等 张三 用 /发布 修改 1 改好后再审核")
		stale := c.click("wangfang", "", card, "approve")
		if !strings.Contains(stale.Text, "已处理") {
			t.Errorf("a click on the returned request's card: %+v", stale)
		}
		c.expect("lisi", "/发布 修改 1 别人的", "只有申请人本人可以修改")
		c.expect("zhangsan", "/发布 修改 1 活动 12月12日双十二预告 https://mp.weixin.qq.com/s/abc 计划 明天 20:00",
			"已修改发布申请 #1（第 2 版）：公众号《12月12日双十二预告》（活动）")
		card2 := cardIn(t, c.outbox(*clock), teambot.CardApproval)
		ok := c.click("wangfang", "", card2, "approve")
		if ok.Card == nil || ok.Card.Done != "已批准 · 王芳 11月25日 10:00" {
			t.Errorf("after the click: %+v", ok)
		}
		if got := sentTo(c.outbox(*clock), "zhangsan"); !strings.Contains(got, "你的发布申请 #1") || !strings.Contains(got, "已被主管批准") {
			t.Errorf("张三 is told %q", got)
		}
		if again := c.click("wangfang", "", card2, "reject"); !strings.Contains(again.Text, "已处理") {
			t.Errorf("a second click: %+v", again)
		}
		c.expect("wangfang", "/发布 驳回 1 算了", "已经处理过了（已批准 · 王芳 11月25日 10:00）")
		a := c.approval(1)
		if a.Status != teambot.ApprovalApproved || a.Version != 2 || a.Title != "12月12日双十二预告" || !a.Campaign {
			t.Errorf("approved request: %+v", a)
		}
		view := c.expectSingle("zhangsan", "/发布 查看 1", "发布申请 #1（张三，已批准）", "张三 提交第 1 版：公众号《双十二预告》",
			"王芳 退回修改：标题太短，加上日期", "张三 修改为第 2 版：公众号《12月12日双十二预告》", "王芳 批准")
		if strings.Index(view, "张三 提交") > strings.Index(view, "王芳 批准") {
			t.Errorf("history out of order: %s", view)
		}
		c.expectSingle("wangfang", "/发布 查看 1", "第 2 版")
		c.expectSingle("lisi", "/发布 查看 1", "只有申请人 张三 和主管可以查看")
	})
}

// R7 and the partner rule: a placement and a partner request go the same
// way; 驳回 by card asks for the reason and the requester hears it
// privately.
func TestPartnerAndPlacementApproval(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		c.expect("lisi", "/合作 申请 某某科技公众号 互推一期，对方粉丝 5 万", "已提交合作申请 #1：某某科技公众号：互推一期，对方粉丝 5 万")
		card := cardIn(t, c.outbox(*clock), teambot.CardApproval)
		ask := c.click("wangfang", "", card, "reject")
		if !strings.Contains(ask.Card.Note, "驳回的理由") {
			t.Errorf("驳回 does not ask why: %+v", ask.Card)
		}
		c.expectSingle("wangfang", "对方账号有违规记录", "已驳回 李四 的合作申请 #1")
		if got := sentTo(c.outbox(*clock), "lisi"); !strings.Contains(got, "理由：对方账号有违规记录") {
			t.Errorf("李四 is told %q", got)
		}
		c.expect("lisi", "/合作 修改 1 某某 再试", "已经处理过了（已驳回 · 王芳")

		c.expect("wangwu", "/投放 申请 抖音 ¥3,000 双十二直播预热 截止 12月12日", "已提交投放申请 #2：抖音 预算 ¥3,000：双十二直播预热，截止 12月12日")
		c.outbox(*clock)
		c.expect("wangfang", "/投放 退回 2 预算减半", "已退回")
		c.expect("wangwu", "/投放 修改 2 1.5千 双十二直播预热 截止 12月12日", "第 2 版", "预算 ¥1,500")
		c.expect("wangfang", "/投放 批准 2", "已批准 王五 的投放申请 #2")
		if got := sentTo(c.outbox(*clock), "wangwu"); !strings.Contains(got, "/投放 结果 2") {
			t.Errorf("王五 is told %q", got)
		}
	})
}

// Bad input is refused with a specific error and stores nothing.
func TestApprovalBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		for _, x := range []struct{ text, want string }{
			{"/发布 申请 公众 标题", "团队没有「公众」这个平台。你是不是指「公众号」？"},
			{"/发布 申请 微搏 标题", "你是不是指「微博」？"},
			{"/发布 申请 小红书 标题", "团队没有「小红书」这个平台。团队的平台：公众号、微博、抖音"},
			{"/发布 申请 公众号 活动", "请写上要发布的标题或链接"},
			{"/发布 申请 公众号 标题 计划 昨天 20:00", "已经过去了"},
			{"/发布 申请 公众号 标题 计划 09:00", "已经过去了"},
			{"/发布 申请 公众号 标题 计划 明天", "请写上计划发布的时间"},
			{"/投放 申请 抖音 很多钱 说明", "预算「很多钱」不是金额"},
			{"/投放 申请 抖音 -5 说明", "不是金额"},
			{"/投放 申请 抖音 0元 说明", "预算要大于 0"},
			{"/投放 申请 抖音 3000", "请写上投放的说明"},
			{"/投放 申请 抖音 3000 说明 截止 11月1日", "截止日期 11月1日（周日）已经过去了"},
			{"/合作 申请 某某", "请写上合作的说明"},
			{"/发布 批准 99", "没有编号 #99 的申请"},
			{"/发布 批准 abc", "不是申请的编号"},
		} {
			user := "zhangsan"
			if strings.Contains(x.text, "批准") {
				user = "wangfang"
			}
			c.expect(user, x.text, x.want)
		}
		if n := len(teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Approval, error) {
			return tx.Approvals(ctx, teambot.ApprovalFilter{TeamID: team.ID})
		})); n != 0 {
			t.Errorf("bad input stored %d requests", n)
		}
		// Another team's request is not found.
		c.expect("zhangsan", "/发布 申请 公众号 活动 标题", "#1")
		other := newChat(t, db)
		other.chatID = "group-2"
		other.expect("zhaoliu", "/join 赵六", "已登记")
		other.expect("boss", "/主管 @赵六", "主管")
		other.expect("zhaoliu", "/发布 批准 1", "没有编号 #1 的申请")
		c.outbox(*clock)
	})
}

// Without direct messages the supervisor is @mentioned in the group reply
// and the requester learns a rejection there without its reason (R14),
// which 查看 shows them privately. The supervisor's own request she may
// approve herself, and the record says so. A routine post on a platform
// without review is approved at once; /平台 审核 turns review on.
func TestApprovalInTheGroup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := clockChat(t, db)
		reportTeam(c)
		c.expectSingle("zhangsan", "/账号 登记 公众号 服务号", "#1")
		reply := c.send(teambot.Message{ChatID: c.chatID, UserID: "zhangsan", Text: "/合作 申请 某某号 互推"})
		if !strings.Contains(reply.Text, "等待主管 王芳 审核：/合作 批准 1") || fmt.Sprint(reply.Mentions) != "[wangfang]" {
			t.Errorf("request in the group: %+v", reply)
		}
		reply = c.send(teambot.Message{ChatID: c.chatID, UserID: "wangfang", Text: "/合作 驳回 1 对方有违规记录"})
		if strings.Contains(reply.Text, "违规") || fmt.Sprint(reply.Mentions) != "[zhangsan]" || !strings.Contains(reply.Text, "/合作 查看 1") {
			t.Errorf("rejection in the group: %+v", reply)
		}
		c.expectSingle("zhangsan", "/合作 查看 1", "王芳 驳回：对方有违规记录")

		c.expect("wangfang", "/合作 申请 某某平台 入驻", "你是主管，发送 /合作 批准 2 记下批准")
		c.expect("wangfang", "/合作 批准 2", "这是你自己的申请，已记录为你本人批准")

		c.expect("zhangsan", "/发布 申请 公众号 日常推文", "公众号 的日常发布不需要审核，已自动通过", "/发布 已发 3")
		if a := c.approval(3); a.Status != teambot.ApprovalApproved || a.DecidedBy != "system" {
			t.Errorf("routine post: %+v", a)
		}
		c.expect("wangfang", "/发布 批准 3", "已自动通过")
		c.expect("zhangsan", "/平台 审核 公众号 开", "只有主管可以操作")
		c.expect("wangfang", "/平台 审核 公众号 开", "公众号 的发布审核已开")
		c.expect("wangfang", "/平台 审核 公众号 也许", "只能写 开 或 关")
		c.expect("zhangsan", "/平台 审核", "公众号：开（每条都要审核）")
		c.expect("zhangsan", "/发布 申请 公众号 日常推文二", "等待主管 王芳 审核")
		// Full-width and odd spaces, a link first, a full-width id.
		c.expect("zhangsan", "/发布\u3000申请\u00a0公众号\u2005https://mp.weixin.qq.com/s/x\u3000日常推文三", "#5：公众号《日常推文三》 https://mp.weixin.qq.com/s/x")
		c.expect("wangfang", "/发布 批准 ＃５", "已批准 张三 的发布申请 #5")
		c.expect("zhangsan", "/发布 申请 公众号 "+strings.Repeat("字", 201), "标题最多 200 字，这条有 201 字")
		c.expect("wangfang", "/平台 审核 公众号 关", "已关")
		c.expect("zhangsan", "/发布 申请 公众号 活动 双十二", "自动通过")
	})
}

// A request whose requester has left the team is not decided: /审批 no
// longer lists it, and a decision (typed or by its card) says why and
// changes nothing, so no notice goes to someone outside the team.
func TestApprovalOfARemovedRequester(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		c.expect("wangwu", "/投放 申请 抖音 3000 直播预热", "#1")
		card := cardIn(t, c.outbox(*clock), teambot.CardApproval)
		c.expect("wangfang", "/移除 @王五", "已将 王五 移出团队名单")
		c.outbox(*clock)
		c.expect("wangfang", "/投放 批准 1", "王五 已不在团队")
		if got := c.click("wangfang", "", card, "approve"); !strings.Contains(got.Text+fmt.Sprint(got.Card), "王五 已不在团队") {
			t.Errorf("a click on the card: %+v", got)
		}
		if a := c.approval(1); a.Status != teambot.ApprovalPending {
			t.Errorf("status %q after the refused decisions, want pending", a.Status)
		}
		if got := sentTo(c.outbox(*clock), "wangwu"); got != "" {
			t.Errorf("王五, no longer in the team, was told %q", got)
		}
	})
}

// The supervisor's private notice of a new request reads as a sentence:
// "张三 提交了发布申请 #1", not "申请发布申请".
func TestApprovalNoticeWording(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		c.expect("zhangsan", "/发布 申请 公众号 活动 双十二预告", "#1")
		if got := sentTo(c.outbox(*clock), "wangfang"); !strings.Contains(got, "张三 提交了发布申请 #1") {
			t.Errorf("王芳 is told %q", got)
		}
	})
}
