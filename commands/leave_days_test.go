package commands_test

import (
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// Leave is counted in workdays of the team's calendar (weekends, statutory
// holidays and 调休, the team's own days from /假期): a request made only of
// Days off is refused with the reason, and a range across days off counts
// and says that only its workdays are leave.
func TestLeaveCountsWorkdays(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		c.expect("wangfang", "/假期 添加 2026-12-25 休息 年终团建", "已记下")
		c.expect("wangfang", "/假期 添加 2026-12-19 上班 赶工", "已记下")

		c.expect("zhangsan", "/请假 12月26日 有事", "12月26日（周六）是休息日，不用请假")
		c.expect("zhangsan", "/请假 12月26日 上午 有事", "12月26日（周六）是休息日，不用请假")
		c.expect("zhangsan", "/请假 12月26日到12月27日 有事", "12月26日（周六）至 12月27日（周日）都是休息日，不用请假")
		c.expect("zhangsan", "/请假 12月25日 有事", "12月25日（周五）是休息日（团队休息：年终团建），不用请假")
		if n := len(c.leaves()); n != 0 {
			t.Fatalf("%d requests stored for days off, want none", n)
		}

		// Thursday to Saturday is two workdays; Monday to Friday five.
		c.expect("zhangsan", "/请假 12月3日到12月5日 回老家", "#1：12月3日（周四）至 12月5日（周六），共 2 天（只算工作日，不含休息日 1 天）")
		c.expect("lisi", "/请假 12月7日到12月11日 出差", "#2：12月7日（周一）至 12月11日（周五），共 5 天，理由")
		// The team's holiday and its extra workday count as the team says.
		c.expect("lisi", "/请假 12月24日到12月27日 回老家", "共 1 天（只算工作日，不含休息日 3 天）")
		c.expect("zhangsan", "/请假 12月19日 有事", "#4：12月19日（周六），理由")
		c.expect("zhangsan", "/请假 12月18日到12月20日 有事", "冲突")

		c.expect("wangfang", "/请假 批准 1", "已批准 张三 的请假 #1：12月3日（周四）至 12月5日（周六），共 2 天（只算工作日，不含休息日 1 天）。")
		c.expect("wangfang", "/请假 列表", "#3 李四 12月24日（周四）至 12月27日（周日），共 1 天（只算工作日，不含休息日 3 天） · 待批")

		// A half day is 0.5 in the month's count: 2 + 0.5 for 张三.
		c.expect("zhangsan", "/请假 12月14日 下午 看牙医", "#5")
		c.expect("wangfang", "/请假 批准 5", "已批准")
		*clock = at(2026, 12, 31, 10, 0)
		c.expect("wangfang", "/月报 本月", "- 张三（文案）：周报", "；请假 2.5 天\n- 李四")
	})
}
