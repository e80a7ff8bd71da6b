package commands_test

import (
	"strings"
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// A subcommand word may end at a colon (/会议 议程：…); what follows the
// colon is the row's text, whole, whether the handler reads the row's
// parameters or the invocation's words.
func TestSubcommandWordEndingAtAColon(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		c.expect("wangfang", "/会议 议程：复盘 双十一", "复盘 双十一")
		if got := c.expect("zhangsan", "/会议", "议程"); !strings.Contains(got, "复盘 双十一") {
			t.Errorf("the agenda lost its first word:\n%s", got)
		}
		c.expect("zhangsan", "/投票 发起：是否 参加双十二", "「是否 参加双十二」")
		c.expect("zhangsan", "/请假 会议：外出 拜访客户", "已提交请假申请", "理由：外出 拜访客户")
		c.expect("wangfang", "/请假 会议：ａ 看病", "已提交请假申请", "理由：ａ 看病")
	})
}
