package commands_test

import (
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
		if len(out) != 1 || !strings.Contains(sentTo(out, "zhangsan"), "【发布确认】你的发布申请 #2") {
			t.Errorf("the day after, only #2 is asked about: %+v", out)
		}
	})
}
