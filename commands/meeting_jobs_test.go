package commands_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
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
		Due:   c.engine.MeetingFirings, Compose: c.engine.MeetingReminder,
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
// handed in this week's report; a cancelled meeting gets nothing; a meeting
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
		expectOne(at(2026, 11, 27, 17, 0), "lisi,wangwu,zhaoliu",
			"【会议通知】11月30日（周一）10:00–11:00（每周例会）", "议程：双十二活动分工", "请假：张三（上午）",
			"还没交本周 2026-W48", "3 人：李四、王五、赵六")
		expectNone(at(2026, 11, 27, 17, 0).Add(15 * time.Second))
		expectNone(at(2026, 11, 28, 12, 0))

		*clock = at(2026, 11, 30, 9, 0)
		c.expect("lisi", "/周报 设计了活动海报", "")
		expectNone(at(2026, 11, 30, 9, 29))
		expectOne(at(2026, 11, 30, 9, 30), "zhangsan,wangwu,zhaoliu",
			"【会前提醒】30 分钟后开会：11月30日（周一）10:00–11:00", "议程：双十二活动分工", "请假：张三（上午）",
			"还没交本周 2026-W49", "张三、王五、赵六", "签到：09:45 起")
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
		expectOne(at(2026, 12, 5, 9, 30), "zhangsan,wangwu,zhaoliu", "【会前提醒】", "会议在休息日")

		// The weekly occurrence of 12月14日 has no row yet: announced all the same.
		expectOne(at(2026, 12, 11, 17, 0), "zhangsan,lisi,wangwu,zhaoliu", "【会议通知】12月14日（周一）10:00–11:00（每周例会）", "议程：还没有")
	})
}
