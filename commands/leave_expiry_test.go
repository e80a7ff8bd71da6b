package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/commands/leave"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// expireLeaves runs the scheduler's leave-expiry job of c's engine at t.
func (c *chat) expireLeaves(t time.Time) {
	c.t.Helper()
	if err := (leave.Jobs{Engine: c.engine}).Expire(context.Background(), t); err != nil {
		c.t.Fatal(err)
	}
}

// A request still pending when its last day has passed expires, with an
// audit row, and its member is told privately; 待审批 lists it no more,
// even before the job has run. The job runs whether or not that reminder
// is on, and expires each request once.
func TestPendingLeaveExpires(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, clock := leaveTeam(t, db)
		c.expect("wangfang", "/提醒 关闭 待审批", "已关闭")
		c.expect("zhangsan", "/请假 明天 看牙医", "#1")
		c.expect("lisi", "/请假 12月3日 有事", "#2")
		c.expect("zhangsan", "/请假 11月27日 有事", "#3")
		c.expect("wangfang", "/请假 批准 3", "已批准")

		// 23:59 on Thursday in Shanghai: #1's last day has not passed.
		dm.expireLeaves(at(2026, 11, 26, 23, 59))
		if l := c.leave(1); l.Status != teambot.LeavePending {
			t.Fatalf("#1 is %s on its own last day, want pending", l.Status)
		}

		// The next morning the reminder no longer lists #1, job or not.
		*clock = at(2026, 11, 27, 0, 1)
		r := c.send(msgFrom(c, "wangfang", "/提醒 测试 待审批"))
		if !strings.Contains(r.Text, "有 1 件事等你审批：请假 1 件（李四）") {
			t.Errorf("/提醒 测试 before the expiry ran: %+v", r)
		}

		dm.expireLeaves(at(2026, 11, 27, 0, 1))
		l := c.leave(1)
		if l.Status != teambot.LeaveExpired || !l.DecidedAt.Equal(at(2026, 11, 27, 0, 1)) || l.DecidedBy != "" {
			t.Errorf("#1 after its last day: %+v", l)
		}
		for id, want := range map[int64]string{2: teambot.LeavePending, 3: teambot.LeaveApproved} {
			if l := c.leave(id); l.Status != want {
				t.Errorf("#%d is %s, want %s", id, l.Status, want)
			}
		}
		if got := strings.Join(c.leaveAudit(), "\n"); !strings.HasSuffix(got, "leave.expire zhangsan #1 2026-11-26") {
			t.Errorf("audit:\n%s", got)
		}
		msgs := c.outbox(at(2026, 11, 27, 0, 2))
		if len(msgs) != 1 || msgs[0].Channel != teambot.ToUsers || fmt.Sprint(msgs[0].Users) != "[zhangsan]" ||
			msgs[0].Text != "你的请假申请 #1（11月26日（周四），理由：看牙医）到最后一天主管都没有处理，已过期。已经缺勤的，请和主管说明，主管可以用 /请假 @张三 日期 理由 补记（最多往前 7 天）。" {
			t.Errorf("notices %+v", msgs)
		}

		// Once only: another run, or another replica, changes nothing.
		dm.expireLeaves(at(2026, 11, 27, 0, 2))
		c.expireLeaves(at(2026, 11, 27, 0, 2))
		if msgs := c.outbox(at(2026, 11, 27, 0, 3)); len(msgs) != 0 {
			t.Errorf("a second run sent %+v", msgs)
		}
		if n := strings.Count(strings.Join(c.leaveAudit(), "\n"), "leave.expire"); n != 1 {
			t.Errorf("%d expiry audit rows, want 1", n)
		}

		// Nothing can be done with it any more; the week's list shows it.
		c.expect("wangfang", "/请假 批准 1", "请假 #1 没有在最后一天前批准，已在 11月27日（周五）00:01 过期，不能再改。需要的话请用 /请假 @张三 日期 理由 补记（最多往前 7 天）。")
		c.expect("zhangsan", "/请假 取消 1", "已在 11月27日（周五）00:01 过期")
		c.expect("zhangsan", "/请假 列表 本周", "#1 11月26日（周四） · 已过期 · 理由：看牙医")
	})
}

// Without direct messages the member is @mentioned in the group, which sees
// the id and the days but never the reason (R14).
func TestPendingLeaveExpiresInGroup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("zhangsan", "/请假 明天 看牙医", "#1")
		c.expireLeaves(at(2026, 11, 27, 9, 0))
		msgs := c.outbox(at(2026, 11, 27, 9, 1))
		if len(msgs) != 1 || msgs[0].Channel != teambot.ToGroup || fmt.Sprint(msgs[0].Mentions) != "[zhangsan]" ||
			msgs[0].Text != "张三，你的请假申请 #1（11月26日（周四））到最后一天主管都没有处理，已过期。已经缺勤的，请和主管说明，主管可以补记。" {
			t.Errorf("notices %+v", msgs)
		}

		// Someone who left the team is not told; their request expires all the same.
		c.expect("lisi", "/请假 明天 搬家", "#2")
		c.expect("wangfang", "/移除 @李四", "")
		c.expireLeaves(at(2026, 11, 27, 9, 2))
		if msgs := c.outbox(at(2026, 11, 27, 9, 3)); len(msgs) != 0 || c.leave(2).Status != teambot.LeaveExpired {
			t.Errorf("a removed member's request: #2 is %s, notices %+v", c.leave(2).Status, msgs)
		}
	})
}

// Replicas running the job at the same moment expire each request once and
// tell its member once.
func TestLeaveExpiryAcrossReplicas(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, _ := leaveTeam(t, db)
		c.expect("zhangsan", "/请假 明天 看牙医", "#1")
		c.expect("lisi", "/请假 明天 搬家", "#2")
		var wg sync.WaitGroup
		for range 3 {
			for _, e := range []*chat{c, dm} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := (leave.Jobs{Engine: e.engine}).Expire(context.Background(), at(2026, 11, 27, 9, 0)); err != nil {
						t.Error(err)
					}
				}()
			}
		}
		wg.Wait()
		msgs := c.outbox(at(2026, 11, 27, 9, 1))
		audit := strings.Join(c.leaveAudit(), "\n")
		if len(msgs) != 2 || strings.Count(audit, "leave.expire") != 2 {
			t.Errorf("%d notices and audit\n%s\nwant one notice and one audit row per request", len(msgs), audit)
		}
	})
}
