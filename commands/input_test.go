package commands_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// /提醒 设置 reads days and times the way /会议 通知 and /会议 设置 do: one
// language for every time of day people type (10点, 下午3点, 礼拜一,
// 周一10:00, 每周二, 每个工作日). A cron spec is still accepted.
func TestRemindSetReadsTheCommonTimeForms(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		for _, tc := range []struct{ in, want string }{
			{"礼拜一 10点", "改为 每周一 10:00（0 10 * * MON）"},
			{"周一10:00", "改为 每周一 10:00（0 10 * * MON）"},
			{"每周二 15:00", "改为 每周二 15:00（0 15 * * TUE）"},
			{"每周三 下午3点", "改为 每周三 15:00（0 15 * * WED）"},
			{"每个工作日 9:30", "改为 工作日 09:30（30 9 * * MON-FRI）"},
			{"工作日 18:00", "改为 工作日 18:00（0 18 * * MON-FRI）"},
			{"每天 晚上8点半", "改为 每天 20:30（30 20 * * *）"},
			{"周四 10点", "改为 每周四 10:00（0 10 * * THU）"},
			{"下午3点", "改为 每周四 15:00（0 15 * * THU）"}, // a time alone keeps the days
			{"0 16 * * FRI", "改为 每周五 16:00（0 16 * * FRI）"},
		} {
			c.expect("wangfang", "/提醒 设置 周报提醒 "+tc.in, tc.want)
		}
		for _, bad := range []string{"下周 10:00", "周一 25:00", "周八 10:00", "周一 10:00 周二"} {
			c.expect("wangfang", "/提醒 设置 周报提醒 "+bad, "看不懂提醒时间", "周一 10:00", "每个工作日 9:30", "0 10 * * MON")
		}
		// A reminder whose day the calendar picks changes only its time.
		c.expect("wangfang", "/提醒 设置 月报提醒 下午4点半", "改为 每月最后一个工作日 16:30")
	})
}

// /会议 设置 takes the same forms, and a meeting length (R8).
func TestMeetingSetReadsTheCommonTimeForms(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := meetingTeam(t, db)
		c.expect("wangfang", "/会议 设置 礼拜一 10点", "每周例会定在每周一 10:00，每次 1 小时")
		c.expect("wangfang", "/会议 设置 每周二 下午3点 90分钟", "每周例会定在每周二 15:00，每次 1 小时 30 分钟")
		c.expect("zhangsan", "/会议", "15:00–16:30（每周例会）")
		c.expect("wangfang", "/会议 设置 周四10:00 1.5小时", "每周例会定在每周四 10:00，每次 1 小时 30 分钟")
		c.expect("wangfang", "/会议 设置 周四 10:00 1小时30分", "每周例会定在每周四 10:00，每次 1 小时 30 分钟")
		c.expect("wangfang", "/会议 设置 周四 10:00 45分钟", "每次 45 分钟")
		if s := teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) (teambot.MeetingSchedule, error) {
			s, _, err := tx.MeetingSchedule(ctx, team.ID)
			return s, err
		}); s.Length != 45*time.Minute {
			t.Errorf("stored schedule %+v, want 45 minutes", s)
		}
		c.expect("wangfang", "/会议 设置 工作日 18:00", "例会每周一次", "周一 10:00")
		c.expect("wangfang", "/会议 设置 周一 10:00 10小时", "会议时长", "90分钟")
		c.expect("wangfang", "/会议 设置 周一 10:00 两个钟", "看不懂例会时间", "1.5小时")
		c.expect("wangfang", "/会议 通知 明天 10点半 分工", "11月26日（周四）10:30–11:30")
		c.expect("wangfang", "/会议 通知 后天 下午3点 复盘", "11月27日（周五）15:00–16:00")
	})
}

// /假期 and /任期 read dates as /请假 does, and re-adding a day says what
// it replaced.
func TestHolidayAndTermReadLeaveDates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("wangfang", "/假期 添加 12月24日 休息 平安夜", "已记下")
		c.expect("wangfang", "/假期 添加 12/24 上班 补班", "12月24日（周四）原为「休息 平安夜」，现改为「上班 补班」")
		c.expect("wangfang", "/假期 添加 明天 休息", "已记下")
		c.expect("wangfang", "/假期 添加 下周一到下周二 休息 团建", "已记下")
		c.expect("wangfang", "/假期 添加 2026-12-30 2026-12-31 休息", "已记下")
		c.expect("wangfang", "/假期 添加 明天上午 休息", "整天")
		c.expect("wangfang", "/假期 添加 下周八 休息", "没有「下周八」")
		c.expect("wangfang", "/假期 删除 周三", "没有团队自己设置的假期") // today, 2026-11-25
		c.expect("wangfang", "/假期 删除 2026-12-31", "已删除")
		days := teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.DayOverride, error) {
			return tx.TeamDays(ctx, team.ID)
		})
		var got []string
		for _, d := range days {
			got = append(got, d.Date.String())
		}
		if want := "[2026-11-26 2026-11-30 2026-12-01 2026-12-24 2026-12-30]"; fmt.Sprint(got) != want {
			t.Errorf("team days %s, want %s", fmt.Sprint(got), want)
		}

		term := func() string {
			team := teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) (teambot.Team, error) { return team, nil })
			return team.TermStart.String() + " " + team.TermEnd.String()
		}
		for _, tc := range []struct{ in, want string }{
			{"明天", "2026-11-26 2027-11-26"},
			{"12/1 11月30日", "2026-12-01 2027-11-30"}, // an end without a year follows its start
			{"下周一 2027年6月30日", "2026-11-30 2027-06-30"},
		} {
			c.expect("wangfang", "/任期 "+tc.in, "任期已设为")
			if got := term(); got != tc.want {
				t.Errorf("/任期 %s: term %s, want %s", tc.in, got, tc.want)
			}
		}
		c.expect("wangfang", "/任期 后年", "看不懂日期「后年」", "12月3日")
		c.expect("wangfang", "/任期 明天 昨天", "要晚于开始日期")
	})
}

// Replies write dates one way: 12月1日（周二）, 2027年1月4日（周一） outside
// this year, 12月1日（周二）10:00 with a time.
func TestRepliesWriteDatesOneWay(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/提醒", "周报提醒：每周一 09:00 · 开启，下次 11月30日（周一）09:00")
		c.expect("wangfang", "/提醒 设置 周报提醒 周二 10:30", "下次 12月1日（周二）10:30")
		c.expect("zhangsan", "/周报 截止", "截止 11月27日（周五）18:00")
		c.expect("zhangsan", "/假期", "2027年1月1日（周五）休息：元旦节")
		c.expect("wangfang", "/假期 添加 12月30日 12月31日 休息 年终团建", "已记下：12月30日（周三）至 12月31日（周四）团队休息（年终团建）")
		c.expect("wangfang", "/假期 删除 12月31日", "已删除 12月31日（周四）的团队安排")
		c.expect("zhangsan", "/任期", "任期 11月25日（周三）至 2027年11月25日（周四）")
		c.expect("wangfang", "/任期 12月1日", "任期已设为 12月1日（周二）至 2027年12月1日（周三）")
		c.expect("wangfang", "/任期 12月1日 11月1日", "任期已设为 12月1日（周二）至 2027年11月1日（周一）")
		c.expect("zhangsan", "/请假 明天 看病", "11月26日（周四）")
		c.expect("zhangsan", "/谁请假", "今天 11月25日（周三）")
	})
}
