package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/meeting"
	"teambot/rulebook"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// enqueued records what a replica enqueues through its store.
type enqueued struct {
	mu   sync.Mutex
	msgs []teambot.Outgoing
}

type recordingTx struct {
	scheduler.Tx
	rec *enqueued
}

func (tx recordingTx) Enqueue(ctx context.Context, msgs []teambot.Outgoing, now time.Time) error {
	if err := tx.Tx.Enqueue(ctx, msgs, now); err != nil {
		return err
	}
	tx.rec.mu.Lock()
	defer tx.rec.mu.Unlock()
	tx.rec.msgs = append(tx.rec.msgs, msgs...)
	return nil
}

// take returns and forgets what was enqueued.
func (e *enqueued) take() []teambot.Outgoing {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.msgs
	e.msgs = nil
	return out
}

// meetingReplica is one replica's meeting reminders over db.
func meetingReplica(c *chat, rec *enqueued) *scheduler.Oneoffs {
	store := scheduler.StoreOf(c.db.Update)
	return &scheduler.Oneoffs{
		Store: storeRecording{store, rec},
		Due:   meeting.Jobs{Engine: c.engine}.ReminderFirings, Compose: meeting.Jobs{Engine: c.engine}.Remind,
	}
}

type storeRecording struct {
	scheduler.Store
	rec *enqueued
}

func (s storeRecording) Update(ctx context.Context, fn func(scheduler.Tx) error) error {
	return s.Store.Update(ctx, func(tx scheduler.Tx) error { return fn(recordingTx{tx, s.rec}) })
}

// The meeting reminders of two weeks, with two replicas ticking at the same
// instants: 会议通知 once at 17:00 of the workday before, 会前提醒 once 30
// minutes before, each with the agenda, who is on leave and who has not
// handed in the report week the meeting checks, @mentioning everyone
// expected; a cancelled meeting gets nothing; a meeting
// on a day off is announced as such; a weekly occurrence with no row yet is
// announced too.
func TestMeetingReminders(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		c.expect("wangfang", "/会议 议程 双十二活动分工", "双十二活动分工")
		c.expect("zhangsan", "/请假 11月30日 上午 看牙医", "#1")
		c.expect("wangfang", "/请假 批准 1", "已批准")
		c.expect("zhangsan", "/周报 完成公众号推文 3 篇", "")

		var rec enqueued
		replicas := []*scheduler.Oneoffs{meetingReplica(c, &rec), meetingReplica(c, &rec)}
		tick := func(at time.Time) []teambot.Outgoing {
			t.Helper()
			*clock = at
			var wg sync.WaitGroup
			for _, r := range replicas {
				wg.Go(func() {
					if err := r.Run(context.Background(), at); err != nil {
						t.Errorf("tick at %v: %v", at, err)
					}
				})
			}
			wg.Wait()
			return rec.take()
		}
		expectNone := func(at time.Time) {
			t.Helper()
			if out := tick(at); len(out) > 0 {
				t.Errorf("at %v: want nothing, got %+v", at, out)
			}
		}
		expectOne := func(at time.Time, mentions string, want ...string) {
			t.Helper()
			out := tick(at)
			if len(out) != 1 {
				t.Fatalf("at %v: want one message, got %d: %+v", at, len(out), out)
			}
			m := out[0]
			if m.Channel != teambot.ToGroup || strings.Join(m.Mentions, ",") != mentions {
				t.Errorf("at %v: channel %s mentions %v, want group and %s", at, m.Channel, m.Mentions, mentions)
			}
			for _, w := range want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("at %v: message lacks %q:\n%s", at, w, m.Text)
				}
			}
		}

		expectNone(at(2026, 11, 27, 16, 59))
		expectOne(at(2026, 11, 27, 17, 0), "wangfang,lisi,wangwu,zhaoliu",
			"【会议通知】11月30日（周一）10:00–11:00（每周例会）", "议程：双十二活动分工", "请假：张三（上午）",
			"还没交 2026-W48", "3 人：李四、王五、赵六")
		expectNone(at(2026, 11, 27, 17, 0).Add(15 * time.Second))
		expectNone(at(2026, 11, 28, 12, 0))

		*clock = at(2026, 11, 30, 9, 0)
		c.expect("lisi", "/周报 设计了活动海报", "")
		expectNone(at(2026, 11, 30, 9, 29))
		expectOne(at(2026, 11, 30, 9, 30), "wangfang,lisi,wangwu,zhaoliu",
			"【会前提醒】30 分钟后开会：11月30日（周一）10:00–11:00", "议程：双十二活动分工", "请假：张三（上午）",
			"还没交 2026-W48", "3 人：李四、王五、赵六", "签到：09:45 起")
		expectNone(at(2026, 11, 30, 9, 45))
		expectNone(at(2026, 11, 30, 10, 0))

		// A meeting called and then cancelled gets nothing.
		*clock = at(2026, 11, 30, 11, 0)
		c.expect("wangfang", "/会议 结束", "会议已结束")
		c.expect("wangfang", "/会议 通知 明天 15:00 复盘", "已安排会议")
		c.expect("wangfang", "/会议 取消 改期", "已取消 12月1日（周二）15:00")
		expectNone(at(2026, 11, 30, 17, 0))
		expectNone(at(2026, 12, 1, 14, 30))

		// A meeting on Saturday: the notice says it is on a day off.
		c.expect("wangfang", "/会议 通知 12月5日 10:00 加班排期", "已安排会议")
		out := tick(at(2026, 12, 4, 17, 0))
		if len(out) != 2 {
			t.Fatalf("Friday 17:00: want the notices of Saturday's and Monday's meetings, got %+v", out)
		}
		var saturday, monday string
		for _, m := range out {
			if strings.Contains(m.Text, "12月5日") {
				saturday = m.Text
			} else {
				monday = m.Text
			}
		}
		if !strings.Contains(saturday, "会议在休息日") || !strings.Contains(saturday, "议程：加班排期") {
			t.Errorf("Saturday's notice:\n%s", saturday)
		}
		if !strings.Contains(monday, "12月7日（周一）10:00") || strings.Contains(monday, "休息日") || !strings.Contains(monday, "请假：—") {
			t.Errorf("Monday's notice:\n%s", monday)
		}
		expectOne(at(2026, 12, 5, 9, 30), "wangfang,zhangsan,lisi,wangwu,zhaoliu", "【会前提醒】", "会议在休息日")

		// The weekly occurrence of 12月14日 has no row yet: announced all the same.
		expectOne(at(2026, 12, 11, 17, 0), "wangfang,zhangsan,lisi,wangwu,zhaoliu", "【会议通知】12月14日（周一）10:00–11:00（每周例会）", "议程：还没有")
	})
}

// meetingTeamDM is meetingTeam, and the same chat on an engine that may
// send app messages.
func meetingTeamDM(t *testing.T, db *storage.DB) (c, dm *chat, clock *time.Time) {
	t.Helper()
	c, clock = meetingTeam(t, db)
	e, err := rulebook.New(commands.Config{
		Store: commands.StoreOf(db.Update), Now: func() time.Time { return *clock },
		Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"}, DirectMessages: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	d := *c
	d.engine = e
	return c, &d, clock
}

// remindersAt composes the meeting reminders due at t, without claiming
// them, keyed by the meeting's start as 01-02 15:04.
func remindersAt(c *chat, clock *time.Time, t time.Time) map[string]teambot.Outgoing {
	c.t.Helper()
	*clock = t
	firings, err := (meeting.Jobs{Engine: c.engine}).ReminderFirings(context.Background(), t)
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[string]teambot.Outgoing{}
	for _, f := range firings {
		msgs, err := (meeting.Jobs{Engine: c.engine}).Remind(context.Background(), f)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, m := range msgs {
			out[f.Subject.In(shanghai).Format("01-02 15:04")] = m
		}
	}
	return out
}

// R9: 会议通知 and 会前提醒 @mention everyone expected at the meeting — every
// active member, the supervisor too — by userid, except those whose
// approved leave covers the meeting's half of the day; not only those
// missing a report.
func TestMeetingRemindersMentionEveryoneExpected(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		c.expect("wangfang", "/会议 设置 周一 14:00", "每周例会定在每周一 14:00")
		c.expect("zhangsan", "/请假 11月30日 上午 看牙医", "#1")
		c.expect("lisi", "/请假 11月30日 下午 接孩子", "#2")
		c.expect("wangwu", "/请假 11月30日 回老家", "#3")
		for id := 1; id <= 3; id++ {
			c.expect("wangfang", fmt.Sprintf("/请假 批准 %d", id), "已批准")
		}
		for _, who := range []string{"zhangsan", "lisi", "wangwu", "zhaoliu"} {
			c.expect(who, "/周报 本周的工作", "")
		}
		for _, when := range []time.Time{at(2026, 11, 27, 17, 0), at(2026, 11, 30, 13, 30)} {
			m, ok := remindersAt(c, clock, when)["11-30 14:00"]
			if !ok {
				t.Fatalf("at %v: no reminder of the 14:00 meeting", when)
			}
			if got, want := strings.Join(m.Mentions, ","), "wangfang,zhangsan,zhaoliu"; got != want {
				t.Errorf("at %v: mentions %s, want %s (李四 and 王五 are on leave that afternoon):\n%s", when, got, want, m.Text)
			}
			if !strings.Contains(m.Text, "2026-W48（11月23日–11月29日）的周报都已交齐") {
				t.Errorf("at %v: the missing reports line is gone:\n%s", when, m.Text)
			}
		}
	})
}

// R10: the report week a meeting checks is the most recent week whose
// report deadline (Friday 18:00) falls before the meeting starts — a Monday
// meeting checks last week — and its notice and 30-minute reminder agree.
func TestMeetingRemindersCheckTheWeekDueBeforeTheMeeting(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		c.expect("zhangsan", "/周报 完成公众号推文 3 篇", "")
		c.expect("wangfang", "/会议 通知 12月4日 16:00 周五复盘", "已安排会议")
		c.expect("wangfang", "/会议 通知 12月5日 10:00 周六加班", "已安排会议")

		checks := func(when time.Time, meeting, week, missing string) {
			t.Helper()
			m, ok := remindersAt(c, clock, when)[meeting]
			if !ok {
				t.Fatalf("at %v: no reminder of the meeting at %s", when, meeting)
			}
			if !strings.Contains(m.Text, week) || !strings.Contains(m.Text, missing) {
				t.Errorf("at %v, meeting %s: want %q and %q in:\n%s", when, meeting, week, missing, m.Text)
			}
		}
		// Monday 11-30: W48's deadline (11-27 18:00) is the last one before it.
		checks(at(2026, 11, 27, 17, 0), "11-30 10:00", "2026-W48", "3 人：李四、王五、赵六")
		checks(at(2026, 11, 30, 9, 30), "11-30 10:00", "2026-W48", "3 人：李四、王五、赵六")
		// Friday 12-4 16:00 is before that week's deadline: it checks W48 too.
		checks(at(2026, 12, 3, 17, 0), "12-04 16:00", "2026-W48", "3 人：李四、王五、赵六")
		checks(at(2026, 12, 4, 15, 30), "12-04 16:00", "2026-W48", "3 人：李四、王五、赵六")
		// Saturday 12-5 comes after Friday's deadline: it checks W49.
		checks(at(2026, 12, 4, 17, 0), "12-05 10:00", "2026-W49", "4 人：张三、李四、王五、赵六")
		checks(at(2026, 12, 5, 9, 30), "12-05 10:00", "2026-W49", "4 人：张三、李四、王五、赵六")
	})
}

// meetingTicker ticks two replicas of c's meeting reminders and returns
// what they enqueued.
func meetingTicker(t *testing.T, c *chat, clock *time.Time) func(at time.Time) []teambot.Outgoing {
	var rec enqueued
	replicas := []*scheduler.Oneoffs{meetingReplica(c, &rec), meetingReplica(c, &rec)}
	return func(at time.Time) []teambot.Outgoing {
		t.Helper()
		*clock = at
		var wg sync.WaitGroup
		for _, r := range replicas {
			wg.Go(func() {
				if err := r.Run(context.Background(), at); err != nil {
					t.Errorf("tick at %v: %v", at, err)
				}
			})
		}
		wg.Wait()
		return rec.take()
	}
}

// texts is the messages' texts, one per line.
func texts(out []teambot.Outgoing) string {
	var s []string
	for _, m := range out {
		s = append(s, m.Text)
	}
	return strings.Join(s, "\n")
}

// R9: moving the weekly meeting on its day, after its notice went out,
// sends one corrected notice with the new time (not two, not none).
func TestMeetingMovedOnItsDaySendsOneCorrection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		tick := meetingTicker(t, c, clock)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		c.expect("wangfang", "/会议 议程 双十二活动分工", "双十二活动分工")
		if out := tick(at(2026, 11, 27, 17, 0)); len(out) != 1 {
			t.Fatalf("Friday's notice: %+v", out)
		}
		*clock = at(2026, 11, 30, 8, 0)
		c.expect("wangfang", "/会议 设置 周一 11:00", "每周例会定在每周一 11:00", "下次会议：11月30日（周一）11:00")
		var all []teambot.Outgoing
		for _, when := range []time.Time{at(2026, 11, 30, 8, 1), at(2026, 11, 30, 8, 2), at(2026, 11, 30, 9, 30), at(2026, 11, 30, 10, 0)} {
			all = append(all, tick(when)...)
		}
		if len(all) != 1 {
			t.Fatalf("after the move: want one corrected notice, got %d:\n%s", len(all), texts(all))
		}
		for _, want := range []string{"【会议通知】", "更正：原定 11月30日（周一）10:00", "11月30日（周一）11:00–12:00", "议程：双十二活动分工"} {
			if !strings.Contains(all[0].Text, want) {
				t.Errorf("corrected notice lacks %q:\n%s", want, all[0].Text)
			}
		}
		if out := tick(at(2026, 11, 30, 10, 30)); len(out) != 1 || !strings.Contains(out[0].Text, "【会前提醒】30 分钟后开会：11月30日（周一）11:00") {
			t.Errorf("30 minutes before the new time: %s", texts(out))
		}
	})
}

// Turning the weekly meeting off and on again on its day keeps the meeting
// already announced: not cancelled, not announced twice, agenda kept.
func TestMeetingScheduleOffAndOnKeepsTodaysMeeting(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		tick := meetingTicker(t, c, clock)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		c.expect("wangfang", "/会议 议程 双十二活动分工", "双十二活动分工")
		if out := tick(at(2026, 11, 27, 17, 0)); len(out) != 1 {
			t.Fatalf("Friday's notice: %+v", out)
		}
		*clock = at(2026, 11, 30, 8, 0)
		c.expect("wangfang", "/会议 设置 关闭", "已关闭每周例会")
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00", "下次会议：11月30日（周一）10:00")
		c.expect("zhangsan", "/会议", "下次会议：11月30日（周一）10:00", "议程：双十二活动分工")
		if out := tick(at(2026, 11, 30, 8, 1)); len(out) != 0 {
			t.Errorf("announced twice:\n%s", texts(out))
		}
		if out := tick(at(2026, 11, 30, 9, 30)); len(out) != 1 || !strings.Contains(out[0].Text, "【会前提醒】30 分钟后开会：11月30日（周一）10:00") {
			t.Errorf("30 minutes before: %s", texts(out))
		}
	})
}
