package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// The supervisor files leave for a member with /请假 @名字: approved at once,
// audited as filed by the supervisor, the member told (privately when the
// app may send direct messages), the group shown the name and days only.
func TestSupervisorFilesLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, _ := leaveTeam(t, db)
		r := c.send(msgFrom(c, "wangfang", "/请假 @张三 今天 发烧去医院"))
		if want := "已为 张三 记下请假 #1：11月25日（周三），已批准。"; !strings.HasPrefix(r.Text, want) ||
			strings.Contains(r.Text, "发烧") || fmt.Sprint(r.Mentions) != "[zhangsan]" || r.Private {
			t.Errorf("filed in the group: %+v\nwant it to start with %q, mention 张三 and hide the reason", r, want)
		}
		l := c.leave(1)
		if l.UserID != "zhangsan" || l.Status != teambot.LeaveApproved || l.DecidedBy != "wangfang" || l.Reason != "发烧去医院" || !l.DecidedAt.Equal(now) {
			t.Errorf("stored %+v", l)
		}
		var filed []teambot.AuditEntry
		for _, e := range c.audit() {
			if e.Action == "leave.file" {
				filed = append(filed, e)
			}
		}
		if len(filed) != 1 || filed[0].Actor != "wangfang" || filed[0].Target != "zhangsan" || filed[0].Detail != "#1 2026-11-25，主管代请并批准" {
			t.Errorf("audit of the filing: %+v", filed)
		}
		c.expect("stranger", "/谁请假", "请假的有 1 人：张三。")

		// With direct messages the member hears it privately, reason included.
		r = dm.send(msgFrom(dm, "wangfang", "/请假 @李四 明天 下午 陪家人看病"))
		if !strings.Contains(r.Text, "已为 李四 记下请假 #2：11月26日（周四）下午，已批准。已私信通知 李四。") || len(r.Mentions) != 0 || strings.Contains(r.Text, "陪家人") {
			t.Errorf("filed with direct messages: %+v", r)
		}
		var told []teambot.Outgoing
		for _, m := range dm.outbox(now) {
			if m.Channel == teambot.ToUsers {
				told = append(told, m)
			}
		}
		if len(told) != 1 || fmt.Sprint(told[0].Users) != "[lisi]" ||
			!strings.Contains(told[0].Text, "主管 王芳 为你记下了请假 #2：11月26日（周四）下午（已批准），理由：陪家人看病。") {
			t.Errorf("private notice %+v", told)
		}
		// In a single chat the reply is private and shows the reason.
		r = single(c, "wangfang", "/请假 @李四 12月1日 搬家")
		if !r.Private || !strings.Contains(r.Text, "#3：12月1日（周二），已批准，理由：搬家。这是私聊，李四 不会收到通知") {
			t.Errorf("filed in a single chat: %+v", r)
		}
		// Filed leave is checked like any other.
		c.expect("wangfang", "/请假 @张三 今天下午 复查", "和 张三 已有的请假冲突：#1 11月25日（周三）（已批准）")
		c.expect("wangfang", "/请假 @张三 11月28日 有事", "11月28日（周六）是休息日，不用请假")
		c.expect("wangfang", "/请假 @张三", "请写上日期")
		c.expect("wangfang", "/请假 @张三 明天", "请写上请假理由")
		c.expect("wangfang", "/请假 @王五 明天 有事", "王五")
		if n := len(c.leaves()); n != 3 {
			t.Errorf("%d requests stored, want 3", n)
		}
	})
}

// The supervisor may back-date filed leave up to 7 days; members cannot
// back-date their own, and are told who can.
func TestFiledLeaveBackDating(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("wangfang", "/请假 @张三 11月18日到11月20日 病假", "已为 张三 记下请假 #1：11月18日（周三）至 11月20日（周五），共 3 天，已批准。")
		c.expect("wangfang", "/请假 @李四 11月17日 病假", "补记请假最多往前 7 天", "11月17日（周二）超过了", "最早 11月18日（周三）")
		c.expect("zhangsan", "/请假 昨天 发烧", "11月24日（周二）已经过去了，不能补请假", "主管可以用 /请假 @张三 11月24日 理由 补记")
		if n := len(c.leaves()); n != 1 {
			t.Errorf("%d requests stored, want 1", n)
		}
	})
}

// Only the supervisor may name someone else in /请假.
func TestFileLeaveOnlySupervisor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("zhangsan", "/请假 @李四 明天 有事", "替别人请假只有主管可以操作", "（现任主管：王芳）", "自己请假不用 @名字，例如 /请假 明天 去医院复查")
		c.expect("stranger", "/请假 @李四 明天 有事", "只有团队成员可以使用")
		if n := len(c.leaves()); n != 0 {
			t.Errorf("%d requests stored, want none", n)
		}
	})
}
