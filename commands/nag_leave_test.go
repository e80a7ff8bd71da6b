package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// R4: a member whose approved leave covers the moment of the nag is
// neither @mentioned nor counted missing in it; a half day counts only in
// its half (上午 before 12:00, 下午 from 12:00, in the team's zone), and a
// request not yet approved silences nothing.
func TestLeaveSilencesTheNag(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db) // Wednesday 2026-11-25
		reportTeam(c)
		admit(c, "zhaoliu", "赵六 推广")
		admit(c, "sunqi", "孙七 客服")
		c.expect("lisi", "/请假 周五 下午 看牙医", "已提交请假申请 #1")
		c.expect("zhaoliu", "/请假 周五 上午 陪家人", "已提交请假申请 #2")
		c.expect("sunqi", "/请假 周五 回老家", "已提交请假申请 #3")
		c.expect("wangfang", "/请假 批准 1", "已批准")
		c.expect("wangfang", "/请假 批准 2", "已批准")
		// #3 waits: 孙七 is still nagged.
		nag := c.fire(nagJob, at(2026, 11, 27, 15, 0))
		if len(nag) != 1 {
			t.Fatalf("nag = %+v, want one message", nag)
		}
		if got := fmt.Sprint(nag[0].Mentions); got != "[zhangsan zhaoliu sunqi]" {
			t.Errorf("nag mentions %s, want 张三, 赵六 (morning leave) and 孙七 (not approved), not 李四 (afternoon leave)", got)
		}
		if !strings.Contains(nag[0].Text, "还有 3 人没交周报：张三、赵六、孙七") || strings.Contains(nag[0].Text, "李四、") {
			t.Errorf("nag text = %q, want 3 missing without 李四", nag[0].Text)
		}
		// A morning nag spares 赵六 instead.
		if got := fmt.Sprint(c.fire(nagJob, at(2026, 11, 27, 10, 0))[0].Mentions); got != "[zhangsan lisi sunqi]" {
			t.Errorf("morning nag mentions %s, want 李四 back and 赵六 spared", got)
		}
		*clock = at(2026, 11, 26, 9, 0)
		c.expect("wangfang", "/请假 批准 3", "已批准")
		c.expect("zhangsan", "/周报 完成推文", "按时")
		if got := fmt.Sprint(c.fire(nagJob, at(2026, 11, 27, 15, 0))[0].Mentions); got != "[zhaoliu]" {
			t.Errorf("nag mentions %s, want only 赵六", got)
		}
	})
}
