package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// updates is the team's update log of 2020 to 2030.
func (c *chat) updates() []teambot.PlatformUpdate {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.PlatformUpdate, error) {
		return tx.PlatformUpdates(ctx, team.ID, at(2020, 1, 1, 0, 0), at(2030, 1, 1, 0, 0))
	})
}

// platformTeam is the report team with three accounts: 微博 and 公众号 of
// 张三, Douyin of 李四.
func platformTeam(t *testing.T, db *storage.DB) (*chat, *chat) {
	t.Helper()
	c, dm, _ := leaveTeam(t, db)
	c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
	c.expectSingle("lisi", "/账号 登记 Douyin dy001", "#2")
	c.expectSingle("zhangsan", "/账号 登记 公众号 服务号", "#3")
	return c, dm
}

// R6: an update or a campaign is logged with its week, in the register's
// spelling of the platform, and audited; bad input is refused.
func TestLogPlatformUpdate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := platformTeam(t, db)
		c.expect("lisi", "/更新 douyin 双十二预告 https://v.douyin.com/abc?x=1",
			"已记下 Douyin 在 11月25日（周三）的更新 #1（2026-W48）：双十二预告 https://v.douyin.com/abc?x=1。本周 Douyin 已更新 1 次。")
		c.expect("zhangsan", "/更新 微博 活动 双十二抽奖", "已记下 微博 在 11月25日（周三）的11月专题活动 #2：双十二抽奖。这也算本周的更新，本周 微博 已更新 1 次。")
		c.expect("zhangsan", "/平台更新 DOUYIN：第二条", "的更新 #3（2026-W48）", "本周 Douyin 已更新 2 次")
		c.expect("zhangsan", "/更新 小红书 第一篇笔记", "的更新 #4（2026-W48）", "「小红书」还没有登记账号，平台更新检查不会提醒它")
		if strings.Contains(c.say("zhangsan", "/更新 微博 再一条"), "还没有登记账号") {
			t.Errorf("a registered platform is called unregistered")
		}

		c.expect("zhangsan", "/更新 微博", "请在平台后面写上这次更新的标题或链接，例如 /更新 微博 双十二预告推文")
		c.expect("zhangsan", "/更新 微博 活动", "请写上活动的标题，例如 /更新 微博 活动 双十二抽奖")
		c.expect("zhangsan", "/更新 微博 "+strings.Repeat("字", 201), "标题最多 200 字，这条有 201 字")
		c.expect("zhangsan", "/更新 @微博 标题", "平台名前不用加 @")
		c.expect("zhangsan", "/更新 "+strings.Repeat("平", 21)+" 标题", "平台名最多 20 字")
		c.expect("outsider", "/更新 微博 标题", "/更新 只有团队成员可以使用")

		var log []string
		for _, u := range c.updates() {
			log = append(log, fmt.Sprintf("#%d %s %s %v %s %s %s", u.ID, u.Platform, u.Title, u.Campaign, u.Name, u.Week, u.MsgID))
		}
		want := []string{"#1 Douyin 双十二预告 https://v.douyin.com/abc?x=1 false 李四 2026-W48 m9",
			"#2 微博 双十二抽奖 true 张三 2026-W48 m10", "#3 Douyin 第二条 false 张三 2026-W48 m11",
			"#4 小红书 第一篇笔记 false 张三 2026-W48 m12", "#5 微博 再一条 false 张三 2026-W48 m13"}
		if strings.Join(log, "|") != strings.Join(want, "|") {
			t.Errorf("update log:\n got %q\nwant %q", log, want)
		}
		if got := c.auditActions("platform."); fmt.Sprint(got) != "[platform.update #1 Douyin 2026-W48 platform.update #2 微博 2026-W48 活动 "+
			"platform.update #3 Douyin 2026-W48 platform.update #4 小红书 2026-W48 platform.update #5 微博 2026-W48]" {
			t.Errorf("audit: %q", got)
		}
	})
}

// /更新 状态: every platform of the register and every platform updated,
// with the week's updates, and this month's missing campaigns.
func TestPlatformStatus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c)
		c.expect("zhangsan", "/更新", "2026-W48（11月23日–11月29日）的平台更新：还没有平台")
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
		c.expectSingle("lisi", "/账号 登记 Douyin dy001", "#2")
		c.expectSingle("wangfang", "/账号 登记 Douyin dy002 @张三", "#3")
		*clock = at(2026, 11, 20, 10, 0) // last week
		c.expect("zhangsan", "/更新 微博 上周的推文", "2026-W47")
		*clock = at(2026, 11, 25, 10, 0)
		c.expect("zhangsan", "/更新 微博 活动 双十二抽奖", "#2")
		c.expect("lisi", "/更新 小红书 第一篇笔记", "#3")
		*clock = at(2026, 11, 26, 9, 30)
		c.expect("zhangsan", "/更新 微博 https://weibo.com/1/2", "#4")

		got := c.expect("wangfang", "/更新 状态")
		want := "2026-W48（11月23日–11月29日）的平台更新（3 个平台）：\n" +
			"· 微博（张三）：2 次 — 【活动】双十二抽奖 #2（张三）11月25日（周三）；https://weibo.com/1/2 #4（张三）11月26日（周四）\n" +
			"· Douyin（李四、张三）：还没有更新\n" +
			"· 小红书（没有登记账号）：1 次 — 第一篇笔记 #3（李四）11月25日（周三）\n" +
			"本月（11月）还没有专题活动的平台：Douyin。\n" +
			"记下更新：/更新 平台 标题或链接；记下本月活动：/更新 平台 活动 标题。"
		if got != want {
			t.Errorf("status:\n got %s\nwant %s", got, want)
		}
		c.expect("zhangsan", "/更新 状态 上周", "2026-W47（11月16日–11月22日）的平台更新（2 个平台）：\n· 微博（张三）：1 次 — 上周的推文 #1（张三）11月20日（周五）\n· Douyin（李四、张三）：还没有更新\n记下更新")
		c.expect("zhangsan", "/更新 状态 下下周", "看不懂周「下下周」")
		c.expect("zhangsan", "/更新 状态 上周 本周", "/更新 状态 后面最多写一个周")
	})
}

// 平台更新检查 (R6), Friday 16:00: the platforms of the register without an
// update this week, @mentioning their owners; nothing when all were
// updated or the team has no accounts.
func TestPlatformCheckReminder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c)
		check := reminderJob(t, "platform_check")
		friday := at(2026, 11, 27, 16, 0)
		if out := c.fire(check, friday); len(out) != 0 {
			t.Errorf("平台更新检查 without accounts: %+v", out)
		}
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
		c.expectSingle("lisi", "/账号 登记 Douyin dy001", "#2")
		c.expectSingle("zhangsan", "/账号 登记 公众号 服务号", "#3")
		c.expectSingle("wangfang", "/账号 登记 公众号 订阅号 @李四", "#4")
		c.expect("zhangsan", "/提醒", "平台更新检查：每周五 16:00 · 开启，下次 11月27日（周五）16:00")
		*clock = at(2026, 11, 20, 10, 0)
		c.expect("lisi", "/更新 douyin 上周的视频", "2026-W47") // last week's does not count
		*clock = at(2026, 11, 25, 10, 0)
		c.expect("zhangsan", "/更新 微博 本周推文", "#2")
		c.expect("zhangsan", "/更新 小红书 不在登记里的平台", "#3")

		out := c.fire(check, friday)
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[lisi zhangsan]" ||
			out[0].Text != "【平台更新检查】本周 2026-W48（11月23日–11月29日）还有 2 个平台没有更新：Douyin（李四）、公众号（张三、李四）。\n"+
				"每个平台每周至少更新一次（R6）。更新后请发送 /更新 平台 标题或链接 记下，例如 /更新 Douyin 本周推文标题。" {
			t.Errorf("平台更新检查: %+v", out)
		}
		noAccountName(t, "平台更新检查", out[0].Text, "TeamOfficial", "dy001", "服务号")

		c.expect("lisi", "/更新 DOUYIN 本周视频", "已记下 Douyin")
		c.expect("lisi", "/更新 公众号 推文", "已记下 公众号")
		if out := c.fire(check, friday); len(out) != 0 {
			t.Errorf("平台更新检查 with every platform updated: %+v", out)
		}
	})
}

// 活动检查 (R6): on the first workday from the 20th, the platforms without a
// campaign this month, @mentioning their owners; not on other days, and
// nothing once every platform had one.
func TestCampaignCheckReminder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c)
		check := reminderJob(t, "campaign_check")
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
		c.expectSingle("lisi", "/账号 登记 抖音 dy001", "#2")
		*clock = at(2026, 11, 30, 10, 0)
		c.expect("zhangsan", "/更新 微博 活动 十一月的活动", "专题活动") // November's does not count for December
		*clock = at(2026, 12, 3, 10, 0)
		c.expect("zhangsan", "/更新 微博 活动 双十二抽奖", "12月专题活动")
		c.expect("lisi", "/更新 抖音 普通视频", "已记下 抖音 在") // an update is not a campaign

		// 2026-12-20 is a Sunday: the check goes out on Monday the 21st.
		for _, day := range []int{20, 22, 23} {
			if out := c.fire(check, at(2026, 12, day, 16, 0)); len(out) != 0 {
				t.Errorf("活动检查 on December %d: %+v", day, out)
			}
		}
		out := c.fire(check, at(2026, 12, 21, 16, 0))
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[lisi]" ||
			out[0].Text != "【活动检查】12月还有 1 个平台没有专题活动：抖音（李四）。\n"+
				"每个平台每月要有一次专题活动或推广（R6），本月还剩 11 天。办了活动请发送 /更新 平台 活动 标题 记下，例如 /更新 抖音 活动 月末促销。" {
			t.Errorf("活动检查 on December 21: %+v", out)
		}
		*clock = at(2026, 12, 21, 17, 0)
		c.expect("lisi", "/更新 抖音 活动 年货节", "12月专题活动")
		if out := c.fire(check, at(2026, 12, 21, 16, 0)); len(out) != 0 {
			t.Errorf("活动检查 with every campaign logged: %+v", out)
		}
		// November 20th, a Friday, was its own first workday from the 20th.
		if out := c.fire(check, at(2026, 11, 20, 16, 0)); len(out) != 1 || !strings.Contains(out[0].Text, "11月还有 1 个平台没有专题活动：抖音（李四）") {
			t.Errorf("活动检查 on November 20: %+v", out)
		}
	})
}
