package storage_test

import (
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// The update log keeps each entry with its week and who logged it, and
// reads a time range [from, to).
func TestPlatformUpdates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		week := teambot.WeekOf(t0)
		u := teambot.PlatformUpdate{TeamID: team.ID, Platform: "公众号", Title: "https://mp.weixin.qq.com/s/abc?x=1&y='2'",
			MemberID: zhang.ID, At: t0, Week: week, MsgID: "m1"}
		update(t, db, func(tx *storage.Tx) error { return tx.AddPlatformUpdate(ctx, &u) })
		c := teambot.PlatformUpdate{TeamID: team.ID, Platform: "公众号", Title: "双十二抽奖", Campaign: true,
			MemberID: zhang.ID, At: t0.Add(time.Hour), Week: week}
		update(t, db, func(tx *storage.Tx) error { return tx.AddPlatformUpdate(ctx, &c) })
		err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.AddPlatformUpdate(ctx, &teambot.PlatformUpdate{TeamID: team.ID, Platform: "微博", Title: "x", MemberID: zhang.ID, At: t0})
		})
		if err == nil {
			t.Error("an update without its week was stored")
		}

		var got []teambot.PlatformUpdate
		update(t, db, func(tx *storage.Tx) (err error) {
			got, err = tx.PlatformUpdates(ctx, team.ID, t0, t0.Add(time.Hour))
			return err
		})
		want := u
		want.At, want.UserID, want.Name = us(t0), "zhangsan", "张三"
		if len(got) != 1 || got[0] != want {
			t.Errorf("PlatformUpdates [t0, t0+1h) = %+v, want [%+v]", got, want)
		}
		update(t, db, func(tx *storage.Tx) (err error) {
			got, err = tx.PlatformUpdates(ctx, team.ID, t0.Add(-time.Hour), t0.Add(2*time.Hour))
			return err
		})
		if len(got) != 2 || !got[1].Campaign || got[1].Week != week || got[1].Title != "双十二抽奖" {
			t.Errorf("PlatformUpdates = %+v, want both, the campaign second", got)
		}
		for _, q := range []string{`UPDATE platform_updates SET title = 'x'`, `DELETE FROM platform_updates`} {
			err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
	})
}
