package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// R1: 任期提醒 tells the supervisor and the admins privately 30 days before
// the term ends and on the day it ends — a Sunday here, a day off, and still
// told — exactly once each; /提醒 lists it with its next day.
func TestTermReminder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, clock := leaveTeam(t, db) // Wednesday 2026-11-25, 王芳 supervisor
		c.expect("wangfang", "/任期 2025-12-28 2026-12-27", "至 12月27日（周日）")
		c.expect("zhangsan", "/提醒", "任期提醒：任期结束前 30 天和结束当天 09:00 · 开启，下次 11月27日（周五）09:00")
		dm.tick(*clock)
		if got := withText(dm.tick(at(2026, 11, 26, 9, 0)), "【任期提醒】"); len(got) != 0 {
			t.Errorf("31 days before: %+v, want nothing", got)
		}
		msg := only(t, dm.tick(at(2026, 11, 27, 9, 0)), "【任期提醒】")
		if msg.Channel != teambot.ToUsers || fmt.Sprint(msg.Users) != "[wangfang boss]" {
			t.Errorf("30 days before: %s to %v, want privately to 王芳 and the admin", msg.Channel, msg.Users)
		}
		for _, want := range []string{"王芳", "2025年12月28日（周日）至 12月27日（周日）", "还有 30 天"} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("notice %q, want %q in it", msg.Text, want)
			}
		}
		none(t, dm.tick(at(2026, 11, 27, 18, 0)), "【任期提醒】", "the same day again")
		none(t, dm.tick(at(2026, 11, 28, 9, 0)), "【任期提醒】", "the day after")
		last := only(t, dm.tick(at(2026, 12, 27, 9, 0)), "【任期提醒】")
		if !strings.Contains(last.Text, "（2025年12月28日（周日）至 12月27日（周日））今天结束") {
			t.Errorf("on the last day: %q", last.Text)
		}
		none(t, dm.tick(at(2026, 12, 27, 12, 0)), "【任期提醒】", "the last day again")

		// Without app messages: the group, @mentioning them (the term is
		// on the roster, nothing private).
		out := c.fire(builtJob("term_end"), at(2026, 11, 27, 9, 0))
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[wangfang boss]" {
			t.Errorf("without app messages: %+v, want one group message @王芳 and the admin", out)
		}
	})
}
