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

// holidayChat is a team set up at start: 王芳 supervisor, 张三 and 李四 who
// report, with the reminders stored by a first tick.
func holidayChat(t *testing.T, db *storage.DB, start time.Time) (*chat, *time.Time) {
	t.Helper()
	c, clock := clockChat(t, db)
	*clock = start
	c.expect("wangfang", "/join 王芳", "已登记：王芳")
	c.expect("zhangsan", "/加入 张三 文案", "已登记：张三")
	c.expect("boss", "/主管 @王芳", "王芳 现在是主管")
	admit(c, "lisi", "李四 美工")
	c.tick(start)
	return c, clock
}

// only is the one message of outbox whose text contains s.
func only(t *testing.T, outbox []teambot.Outgoing, s string) teambot.Outgoing {
	t.Helper()
	got := withText(outbox, s)
	if len(got) != 1 {
		t.Fatalf("%d messages with %q, want 1: %+v", len(got), s, outbox)
	}
	return got[0]
}

// none checks that outbox has no message containing s.
func none(t *testing.T, outbox []teambot.Outgoing, s, when string) {
	t.Helper()
	if got := withText(outbox, s); len(got) != 0 {
		t.Errorf("%s: %d messages with %q, want none: %+v", when, len(got), s, got)
	}
}

// R4, National Day 2026: 10月1日–7日 are off, so 2026-W40's Friday deadline
// moves back to the last workday up to it, Wednesday 9月30日 18:00, and the
// nag with it (Wednesday 15:00, before the deadline, not after the holiday).
// Lateness, the Monday reminder and the digest use the moved deadline.
func TestNationalDayMovesTheReportDeadlineBack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := holidayChat(t, db, at(2026, 9, 28, 8, 0))
		const moved = "截止 9月30日（周三）18:00（原定 10月2日（周五）18:00 放假，提前）"
		c.expect("wangfang", "/周报 状态", "2026-W40", moved, "未交（2）：张三、李四")
		c.expect("zhangsan", "/提醒", "周报催交：每周五 15:00 · 开启，下次 9月30日（周三）15:00")
		open := only(t, c.tick(at(2026, 9, 28, 9, 0)), "【周报提醒】")
		if !strings.Contains(open.Text, moved) {
			t.Errorf("周报提醒 = %q, want the moved deadline %q", open.Text, moved)
		}
		none(t, c.tick(at(2026, 9, 29, 15, 0)), "【周报催交】", "Tuesday 15:00")
		*clock = at(2026, 9, 30, 14, 0)
		c.expect("zhangsan", "/周报 国庆活动预热", "按时（截止 9月30日（周三）18:00")
		nag := only(t, c.tick(at(2026, 9, 30, 15, 0)), "【周报催交】")
		if fmt.Sprint(nag.Mentions) != "[lisi]" || !strings.Contains(nag.Text, moved) {
			t.Errorf("Wednesday 15:00 nag = %q mentioning %v, want 李四 only and %q", nag.Text, nag.Mentions, moved)
		}
		*clock = at(2026, 9, 30, 18, 1)
		c.expect("lisi", "/周报 做了海报", "迟交（截止时间 9月30日（周三）18:00")
		none(t, c.tick(at(2026, 10, 2, 15, 0)), "【周报催交】", "Friday 15:00 (a holiday)")
		// 10月5日 is a holiday too: the digest moves forward to Thursday.
		digest := only(t, c.tick(at(2026, 10, 8, 9, 30)), "【周报汇总】")
		for _, want := range []string{"2026-W40", moved, "按时 1 人（张三），迟交 1 人（李四）"} {
			if !strings.Contains(digest.Text, want) {
				t.Errorf("digest = %q, want %q in it", digest.Text, want)
			}
		}
	})
}

// R4, Mid-Autumn 2026: Friday 9月25日 is off, so 2026-W39's reports are due
// Thursday 9月24日 18:00 and the nag comes Thursday 15:00.
func TestMidAutumnMovesTheReportDeadlineBack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := holidayChat(t, db, at(2026, 9, 21, 8, 0))
		c.expect("zhangsan", "/周报", "截止 9月24日（周四）18:00（原定 9月25日（周五）18:00 放假，提前）")
		none(t, c.tick(at(2026, 9, 23, 15, 0)), "【周报催交】", "Wednesday 15:00")
		nag := only(t, c.tick(at(2026, 9, 24, 15, 0)), "【周报催交】")
		if fmt.Sprint(nag.Mentions) != "[zhangsan lisi]" {
			t.Errorf("Thursday nag mentions %v, want both", nag.Mentions)
		}
		none(t, c.tick(at(2026, 9, 25, 15, 0)), "【周报催交】", "Friday 15:00 (a holiday)")
	})
}

// R4, Spring Festival 2027: Friday 2月5日 is off, so 2027-W05 is due
// Thursday 2月4日 18:00; 2027-W06 (2月8日–12日 off, Sunday 2月14日 a
// 调休 workday after the deadline) has no workday up to its deadline and is
// exempt: nobody is late or missing, no nag, no reminder, and status and
// digest say so.
func TestSpringFestivalWeekIsExempt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := holidayChat(t, db, at(2027, 2, 1, 8, 0))
		c.expect("wangfang", "/周报 状态", "截止 2月4日（周四）18:00（原定 2月5日（周五）18:00 放假，提前）")
		nag := only(t, c.tick(at(2027, 2, 4, 15, 0)), "【周报催交】")
		if len(nag.Mentions) != 2 {
			t.Errorf("Thursday nag mentions %v, want both", nag.Mentions)
		}

		*clock = at(2027, 2, 9, 10, 0)
		c.expect("wangfang", "/周报 状态", "2027-W06", "节假日周，免交", "节假日周，免交，已交 0 人")
		c.expect("lisi", "/周报", "是节假日周，免交")
		*clock = at(2027, 2, 13, 10, 0)
		c.expect("zhangsan", "/周报 节前整理素材", "节假日周，免交")
		reps := teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Report, error) {
			return tx.CurrentReports(ctx, team.ID, teambot.Week{Year: 2027, Week: 6})
		})
		if h := reps; len(h) != 1 || h[0].Late {
			t.Errorf("a report in an exempt week: %+v, want one, not late", h)
		}
		for _, tick := range []time.Time{at(2027, 2, 12, 15, 0), at(2027, 2, 14, 9, 0), at(2027, 2, 14, 15, 0)} {
			out := c.tick(tick)
			none(t, out, "【周报催交】", tick.String())
			none(t, out, "【周报提醒】", tick.String())
			none(t, out, "不发送", tick.String())
		}
		c.expect("wangfang", "/周报 状态 2027-W06", "节假日周，免交，已交 1 人：张三")
		digest := only(t, c.tick(at(2027, 2, 15, 9, 30)), "【周报汇总】")
		if !strings.Contains(digest.Text, "节假日周，免交") || strings.Contains(digest.Text, "未交 ") {
			t.Errorf("digest of the exempt week = %q, want it exempt with nobody missing", digest.Text)
		}
	})
}
