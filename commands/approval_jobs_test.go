package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands/approval"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// approvalReplica is one replica's approval reminders over db.
func approvalReplica(c *chat, rec *enqueued) *scheduler.Oneoffs {
	return &scheduler.Oneoffs{Store: storeRecording{scheduler.StoreOf(c.db.Update), rec},
		Due: approval.Jobs{Engine: c.engine}.Firings, Compose: approval.Jobs{Engine: c.engine}.Remind}
}

// runReplicas runs two replicas at t and returns what they enqueued.
func runReplicas(t *testing.T, c *chat, rec *enqueued, at time.Time) []teambot.Outgoing {
	t.Helper()
	for _, o := range []*scheduler.Oneoffs{approvalReplica(c, rec), approvalReplica(c, rec)} {
		if err := o.Run(t.Context(), at); err != nil {
			t.Fatal(err)
		}
	}
	return rec.take()
}

// R15 and R6: an approved post planned for tomorrow 20:00 reminds its
// requester at 19:30 (once, with two replicas), asks the day after at
// 10:00 while it is not marked 已发, and once marked it is that week's
// update of its platform (campaign included); a post not approved cannot
// be marked, and nothing more is asked after it is.
func TestPostPublishedAndReminded(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		var rec enqueued
		c.expect("zhangsan", "/发布 申请 公众号 活动 双十二预告 计划 明天 20:00", "#1")
		c.expect("zhangsan", "/发布 已发 1", "还没有批准（等待审核），不能标记已发")
		c.expect("wangfang", "/发布 批准 1", "已批准")
		c.expect("zhangsan", "/发布 申请 微博 日常 计划 明天 20:00", "自动通过") // #2, never marked
		c.outbox(*clock)

		if out := runReplicas(t, c, &rec, at(2026, 11, 26, 19, 29)); len(out) != 0 {
			t.Errorf("before 19:30: %+v", out)
		}
		out := runReplicas(t, c, &rec, at(2026, 11, 26, 19, 31))
		if len(out) != 2 || !strings.Contains(sentTo(out, "zhangsan"), "【发布提醒】你的发布申请 #1") || !strings.Contains(sentTo(out, "zhangsan"), "#2") {
			t.Fatalf("19:31: %+v", out)
		}
		if out := runReplicas(t, c, &rec, at(2026, 11, 26, 19, 45)); len(out) != 0 {
			t.Errorf("reminded twice: %+v", out)
		}

		*clock = at(2026, 11, 26, 20, 5)
		c.expect("lisi", "/发布 已发 1", "只有申请人和主管可以标记已发")
		c.expect("zhangsan", "/发布 已发 1 不是链接", "「已发」后面只写发出后的链接")
		c.expect("zhangsan", "/发布 已发 1 https://mp.weixin.qq.com/s/xyz", "已标记发布申请 #1 已发", "不用再发 /更新")
		c.expect("zhangsan", "/发布 已发 1", "已经发布了")
		ups := c.updates()
		if len(ups) != 1 || ups[0].Platform != "公众号" || !ups[0].Campaign || ups[0].Week.String() != "2026-W48" ||
			ups[0].Title != "双十二预告 https://mp.weixin.qq.com/s/xyz" || ups[0].UserID != "zhangsan" {
			t.Errorf("updates after 已发: %+v", ups)
		}
		c.expect("zhangsan", "/更新 状态", "双十二预告")

		out = runReplicas(t, c, &rec, at(2026, 11, 27, 10, 1))
		if got := sentTo(out, "zhangsan"); strings.Count(got, "计划 ") != 1 {
			t.Errorf("the planned time is said %d times: %q", strings.Count(got, "计划 "), got)
		}
		if len(out) != 1 || !strings.Contains(sentTo(out, "zhangsan"), "【发布确认】你的发布申请 #2") {
			t.Errorf("the day after, only #2 is asked about: %+v", out)
		}
	})
}

// R7 and R5: an approved placement with an end day asks its owner for
// results the next workday (once: its end day is a Saturday, so on
// Monday); /投放 结果 records the figures in any order, refuses what is
// not a number, and the monthly report lists the placement with its
// budget, spend and results.
func TestPlacementResultsInMonthlyReport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		var rec enqueued
		c.expect("wangwu", "/投放 申请 抖音 3000元 双十二直播预热 截止 11月28日", "#1")
		c.expect("wangwu", "/投放 结果 1 曝光 100", "等待审核，只有批准的投放才能报告结果")
		c.expect("wangfang", "/投放 批准 1", "已批准")
		c.outbox(*clock)
		if out := runReplicas(t, c, &rec, at(2026, 11, 28, 23, 0)); len(out) != 0 {
			t.Errorf("on the end day: %+v", out)
		}
		if out := runReplicas(t, c, &rec, at(2026, 11, 29, 10, 0)); len(out) != 0 {
			t.Errorf("on the Sunday after the end: %+v", out)
		}
		out := runReplicas(t, c, &rec, at(2026, 11, 30, 10, 0))
		if len(out) != 1 || !strings.Contains(sentTo(out, "wangwu"), "【投放结果】你的投放申请 #1") {
			t.Fatalf("the workday after the end: %+v", out)
		}
		if out := runReplicas(t, c, &rec, at(2026, 11, 30, 11, 0)); len(out) != 0 {
			t.Errorf("asked twice: %+v", out)
		}
		*clock = at(2026, 11, 30, 12, 0)
		c.expect("zhangsan", "/投放 结果 1 曝光 1", "只有申请人和主管可以报告结果")
		c.expect("wangwu", "/投放 结果 1 曝光 很多", "曝光「很多」不是数字")
		c.expect("wangwu", "/投放 结果 1 花费 $100", "花费也请写同一种货币")
		c.expect("wangwu", "/投放 结果 1", "请写上结果")
		c.expect("wangwu", "/投放 结果 1 评论区反馈好 点击340 曝光：1.2万 花费 2,800",
			"已记下投放申请 #1（抖音 预算 ¥3,000）的结果：曝光 12,000 · 点击 340 · 花费 ¥2,800 · 评论区反馈好")
		c.expectSingle("wangwu", "/投放 查看 1", "结果：曝光 12,000 · 点击 340 · 花费 ¥2,800", "王五 报告结果")
		c.outbox(*clock)
		c.expect("wangfang", "/月报", "已分开私信发给你")
		report := sentTo(c.outbox(*clock), "wangfang")
		for _, want := range []string{"付费投放", "#1 抖音（王五）：双十二直播预热；预算 ¥3,000，花费 ¥2,800；结果：曝光 12,000 · 点击 340 · 评论区反馈好；截止 2026-11-28"} {
			if !strings.Contains(report, want) {
				t.Errorf("monthly report lacks %q:\n%s", want, report)
			}
		}
		if out := runReplicas(t, c, &rec, at(2026, 12, 1, 10, 0)); len(out) != 0 {
			t.Errorf("asked after the results: %+v", out)
		}
	})
}

// A holiday and a deadline: the question about a post not marked 已发 goes
// out on the team's first workday after its planned day — not on the
// weekend, not on a day the team rests (/假期) — and its results question
// likewise; a team that works on a Saturday (调休 of its own) is asked then.
func TestFollowUpsWaitForTheNextWorkday(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		var rec enqueued
		c.expect("wangfang", "/假期 添加 2026-12-14 休息 团建", "12月14日")
		c.expect("wangfang", "/假期 添加 2026-12-19 上班 补班", "12月19日")
		c.expect("zhangsan", "/发布 申请 微博 日常 计划 12月11日 20:00", "自动通过") // #1, a Friday
		c.expect("zhangsan", "/发布 申请 微博 日常 计划 12月18日 20:00", "自动通过") // #2, the Friday after
		c.outbox(*clock)
		for _, quiet := range []time.Time{at(2026, 12, 12, 10, 1), at(2026, 12, 13, 10, 1), at(2026, 12, 14, 10, 1)} {
			if out := runReplicas(t, c, &rec, quiet); len(out) != 0 {
				t.Errorf("%s, a day off: %+v", quiet.Format("Mon 01-02"), out)
			}
		}
		out := runReplicas(t, c, &rec, at(2026, 12, 15, 10, 1))
		if len(out) != 1 || !strings.Contains(sentTo(out, "zhangsan"), "【发布确认】你的发布申请 #1") {
			t.Errorf("Tuesday 10:01, the first workday after: %+v", out)
		}
		*clock = at(2026, 12, 18, 20, 30)
		c.expect("zhangsan", "/发布 已发 1", "已标记")
		c.outbox(*clock)
		out = runReplicas(t, c, &rec, at(2026, 12, 19, 10, 1))
		if len(out) != 1 || !strings.Contains(sentTo(out, "zhangsan"), "【发布确认】你的发布申请 #2") {
			t.Errorf("Saturday 10:01, a workday of the team's: %+v", out)
		}
	})
}

// Pending work is visible: /审批 lists leave, joins and the three kinds
// of request oldest first, for the supervisor only; 待审批 names every
// kind once (a returned request waits for its requester, not for her);
// the Monday digest flags what has waited three workdays or more.
func TestPendingApprovals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := approvalTeam(t, db)
		pending := builtJob("leave_pending")
		c.expect("wangwu", "/请假 12月3日 家里有事", "#1")
		*clock = clock.Add(time.Minute)
		c.expect("zhaoliu", "/加入 赵六", "已提交加入申请")
		*clock = clock.Add(time.Minute)
		c.expect("zhangsan", "/发布 申请 公众号 活动 双十二预告", "#1")
		*clock = clock.Add(time.Minute)
		c.expect("lisi", "/合作 申请 某某号 互推", "#2")
		*clock = clock.Add(time.Minute)
		c.expect("wangwu", "/投放 申请 抖音 3000 直播预热", "#3")
		*clock = clock.Add(time.Minute)
		c.expect("zhangsan", "/发布 申请 微博 活动 抽奖", "#4")
		c.expect("wangfang", "/发布 退回 4 换个标题", "已退回")
		c.outbox(*clock)

		c.expect("lisi", "/审批", "只有主管可以操作")
		// The reminder's former name still switches it.
		c.expect("wangfang", "/提醒 关闭 待批请假", "已关闭「待审批」")
		c.expect("wangfang", "/提醒 开启 待审批", "已开启「待审批」")
		list := c.expectSingle("wangfang", "/审批", "等待你审批的有 5 件", "理由：家里有事")
		order := []string{"请假 #1 王五", "加入 赵六", "发布申请 #1 张三", "合作申请 #2 李四", "投放申请 #3 王五"}
		for i := 1; i < len(order); i++ {
			if a, b := strings.Index(list, order[i-1]), strings.Index(list, order[i]); a < 0 || b < a {
				t.Errorf("/审批 lists %q before %q (or lacks one):\n%s", order[i], order[i-1], list)
			}
		}
		if strings.Contains(list, "#4") {
			t.Errorf("a returned request is listed as waiting:\n%s", list)
		}

		*clock = at(2026, 11, 26, 9, 0)
		out := c.fire(pending, at(2026, 11, 26, 10, 0))
		if len(out) != 1 || fmt.Sprint(out[0].Users) != "[wangfang]" {
			t.Fatalf("待审批: %+v", out)
		}
		for _, kind := range []string{"\n请假 1 件：", "\n加入 1 件：", "\n发布申请 1 件：", "\n合作申请 1 件：", "\n投放申请 1 件："} {
			if n := strings.Count(out[0].Text, kind); n != 1 {
				t.Errorf("待审批 names %q %d times:\n%s", kind, n, out[0].Text)
			}
		}

		// Friday: two workdays; Monday: three, flagged in the digest.
		*clock = at(2026, 11, 27, 9, 30)
		if got := sentTo(c.fire(digestApp, *clock), "wangfang"); strings.Contains(got, "等待审批") {
			t.Errorf("flagged after two workdays:\n%s", got)
		}
		c.expect("wangfang", "/发布 批准 1", "已批准")
		*clock = at(2026, 11, 30, 9, 30)
		got := sentTo(c.fire(digestApp, *clock), "wangfang")
		if !strings.Contains(got, "等待审批 3 个工作日以上的有 4 件") || !strings.Contains(got, "投放申请 #3 王五") || strings.Contains(got, "发布申请 #1") {
			t.Errorf("Monday digest:\n%s", got)
		}
	})
}
