package commands_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// tick runs the reminder scheduler once at now, with the engine's reminders
// as the server wires them, and returns what it put in the outbox.
func (c *chat) tick(now time.Time) []teambot.Outgoing {
	c.t.Helper()
	r := &scheduler.Reminders{Store: scheduler.StoreOf(c.db.Update), Jobs: c.engine.JobDefs(),
		Skipped: c.engine.SkippedNote, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := r.Run(context.Background(), now); err != nil {
		c.t.Fatalf("tick at %v: %v", now, err)
	}
	return c.outbox(now)
}

// withText keeps the messages whose text contains s.
func withText(msgs []teambot.Outgoing, s string) []teambot.Outgoing {
	var out []teambot.Outgoing
	for _, m := range msgs {
		if strings.Contains(m.Text, s) {
			out = append(out, m)
		}
	}
	return out
}

// A reminder changed (or switched back on) after it fired this period does
// not fire again in the same period: 周报提醒 went out Monday 09:00, moved at
// 10:00 to Monday 11:00, it next goes out the Monday after (R4: one
// reminder a week).
func TestEditedReminderDoesNotFireTwiceInAPeriod(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c) // on Wednesday 2026-11-25
		c.tick(*clock)
		if got := withText(c.tick(at(2026, 11, 30, 9, 0)), "【周报提醒】"); len(got) != 1 {
			t.Fatalf("Monday 09:00 sent %d 周报提醒, want 1", len(got))
		}
		*clock = at(2026, 11, 30, 10, 0)
		c.expect("wangfang", "/提醒 设置 周报提醒 周一 11:00", "「周报提醒」改为 每周一 11:00", "下次 12月7日（周一）11:00")
		if got := withText(c.tick(at(2026, 11, 30, 11, 0)), "【周报提醒】"); len(got) != 0 {
			t.Errorf("Monday 11:00 after the change sent %d 周报提醒 again, want none this week", len(got))
		}
		c.expect("wangfang", "/提醒 关闭 周报提醒", "已关闭")
		c.expect("wangfang", "/提醒 开启 周报提醒", "已开启「周报提醒」", "下次 12月7日（周一）11:00")
		c.expect("wangfang", "/提醒 设置 周报提醒 周二 10:00", "下次 12月8日（周二）10:00")
		if got := withText(c.tick(at(2026, 12, 1, 10, 0)), "【周报提醒】"); len(got) != 0 {
			t.Errorf("Tuesday 10:00 sent %d 周报提醒 again, want none this week", len(got))
		}
		if got := withText(c.tick(at(2026, 12, 8, 10, 0)), "【周报提醒】"); len(got) != 1 {
			t.Errorf("next Tuesday 10:00 sent %d 周报提醒, want 1", len(got))
		}
		// A daily reminder's period is its day: 待审批 changed after it
		// fired today waits for tomorrow.
		*clock = at(2026, 12, 8, 10, 30)
		c.expect("lisi", "/请假 明天 回老家办事", "已提交请假申请")
		c.tick(*clock)
		// nothing was pending at 10:00 today, so the change may fire today
		c.expect("wangfang", "/提醒 设置 待审批 工作日 11:00", "下次 12月8日（周二）11:00")
		if got := withText(c.tick(at(2026, 12, 8, 11, 0)), "【待审批】"); len(got) != 1 {
			t.Fatalf("11:00 sent %d 待审批, want 1", len(got))
		}
		*clock = at(2026, 12, 8, 11, 30)
		c.expect("wangfang", "/提醒 设置 待审批 工作日 12:00", "下次 12月9日（周三）12:00")
		if got := withText(c.tick(at(2026, 12, 8, 12, 0)), "【待审批】"); len(got) != 0 {
			t.Errorf("12:00 sent %d 待审批 again the same day, want none", len(got))
		}
	})
}
