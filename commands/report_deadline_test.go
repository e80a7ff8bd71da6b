package commands_test

import (
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// R4: moving the deadline tells the supervisor when the nag now comes. A
// nag at its default distance (3 hours before) moves with the deadline; a
// custom one stays, and the reply says so and warns when it now comes
// after the deadline.
func TestDeadlineMoveTellsAndMovesTheNag(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := clockChat(t, db) // Wednesday 2026-11-25 10:00
		reportTeam(c)
		c.expect("wangfang", "/周报 截止 周四 17:00", "周报截止时间已改为每周四 17:00",
			"「周报催交」随截止时间改为 每周四 14:00（截止前 3 小时），下次 11月26日（周四）14:00")
		c.expect("zhangsan", "/提醒", "周报催交：每周四 14:00 · 开启，下次 11月26日（周四）14:00")
		c.expect("wangfang", "/提醒 设置 周报催交 周三 10:00", "「周报催交」改为 每周三 10:00")
		c.expect("wangfang", "/周报 截止 周五 18:00", "「周报催交」是自定的时间 每周三 10:00，没有跟着改，下次 12月2日（周三）10:00")
		c.expect("wangfang", "/周报 截止 周二 18:00", "「周报催交」是自定的时间 每周三 10:00",
			"注意：催交在截止之后，只能催补交。要在截止前催，发送 /提醒 设置 周报催交 周二 15:00")
		c.expect("wangfang", "/提醒 关闭 周报催交", "已关闭")
		c.expect("wangfang", "/周报 截止 周五 18:00", "「周报催交」现在是关闭的")
	})
}
