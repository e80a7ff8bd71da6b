package commands_test

import (
	"strings"
	"testing"
	"time"

	"teambot"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// /提醒: members see the reminders; the supervisor changes, switches and
// tests them, each change audited.
func TestRemindCommand(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/提醒", "周报提醒：每周一 09:00 · 开启，下次 11月30日（周一）09:00",
			"周报催交：每周五 15:00 · 开启，下次 11月27日（周五）15:00", "周报汇总：每周一 09:30")
		c.expect("zhangsan", "/提醒 关闭 周报催交", "修改或测试提醒只有主管可以（现任主管：王芳）")
		c.expect("wangfang", "/提醒 设置 周报提醒 周二 10:30", "「周报提醒」改为 每周二 10:30（30 10 * * TUE），下次 12月1日（周二）10:30")
		c.expect("wangfang", "/提醒 设置 report_nag 0 16 * * THU", "「周报催交」改为 每周四 16:00")
		c.expect("wangfang", "/提醒 设置 周报提醒 下周 10:00", "看不懂提醒时间「下周 10:00」")
		c.expect("wangfang", "/提醒 设置 周报提醒 周一 25:00", "看不懂提醒时间")
		c.expect("wangfang", "/提醒 设置 周报提醒 @every 1s x y z", "看不懂提醒时间")
		c.expect("wangfang", "/提醒 关闭 周报催交", "已关闭「周报催交」")
		c.expect("zhangsan", "/提醒", "周报催交：每周四 16:00 · 关闭")
		c.expect("wangfang", "/提醒 开启 周报催交", "已开启「周报催交」：每周四 16:00，下次 11月26日（周四）16:00")
		c.expect("wangfang", "/提醒 关闭 月报", "没有「月报」这个提醒。可选：周报提醒、周报催交、周报汇总")
		r := c.send(msgFrom(c, "wangfang", "/提醒 测试 周报催交"))
		if !r.Private || !strings.Contains(r.Text, "（测试）「周报催交」现在发送的话是") || !strings.Contains(r.Text, "还有 1 人没交周报：张三") {
			t.Errorf("test reply: %+v", r)
		}
		var actions []string
		for _, e := range c.audit() {
			if strings.HasPrefix(e.Action, "remind.") {
				actions = append(actions, e.Action)
			}
		}
		if strings.Join(actions, " ") != "remind.set remind.set remind.off remind.on" {
			t.Errorf("audited %v", actions)
		}
	})
}

// /假期: the team's own days off and workdays, next to the statutory ones.
func TestHolidayCommand(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/假期", "2027年1月1日（周五）休息：元旦节")
		c.expect("zhangsan", "/假期 添加 2026-12-30 休息", "设置团队假期只有主管可以")
		c.expect("wangfang", "/假期 添加 2026-12-30 2026-12-31 休息 年终团建", "已记下：12月30日（周三）至 12月31日（周四）团队休息（年终团建）")
		c.expect("wangfang", "/假期 添加 2027-01-09 上班", "已记下：2027年1月9日（周六）团队上班")
		c.expect("zhangsan", "/假期", "12月30日（周三）休息：团队休息：年终团建", "2027年1月9日（周六）上班：团队上班")
		c.expect("wangfang", "/假期 添加 2026-12-30 放假", "请写明这天「休息」还是「上班」")
		c.expect("wangfang", "/假期 添加 2026-12-01 2027-03-01 休息", "一次最多 31 天")
		c.expect("wangfang", "/假期 添加 后年 休息", "看不懂日期「后年」", "周三到周五")
		c.expect("wangfang", "/假期 删除 2026-12-31", "已删除 12月31日（周四）的团队安排")
		c.expect("wangfang", "/假期 删除 2027-01-01", "没有团队自己设置的假期或上班安排（法定假日不能删除）")
	})
}

// msgFrom is a group message from user, for tests that need the whole reply.
func msgFrom(c *chat, user, text string) teambot.Message {
	return teambot.Message{ChatID: c.chatID, UserID: user, Text: text}
}

// /提醒 says when a day-of-month reminder really fires next: on Saturday
// 2026-05-30, past May's last workday, 月报提醒 comes on June's last
// workday, not on a Monday of June as if it were weekly.
func TestRemindListNextFiringOfAMonthEndReminder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		setup(c)
		*clock = time.Date(2026, 5, 30, 4, 0, 0, 0, time.UTC) // 12:00 in Shanghai
		c.expect("zhangsan", "/提醒", "月报提醒：每月最后一个工作日 10:00 · 开启，下次 6月30日（周二）10:00")
	})
}
