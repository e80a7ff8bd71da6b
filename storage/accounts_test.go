package storage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

func mustAccount(t *testing.T, db *storage.DB, a teambot.Account) teambot.Account {
	t.Helper()
	if a.RegisteredAt.IsZero() {
		a.RegisteredAt = t0
	}
	if a.RegisteredBy == "" {
		a.RegisteredBy = "zhangsan"
	}
	update(t, db, func(tx *storage.Tx) error { return tx.CreateAccount(ctx, &a) })
	return a
}

func readAccount(t *testing.T, db *storage.DB, teamID, id int64) teambot.Account {
	t.Helper()
	var a teambot.Account
	update(t, db, func(tx *storage.Tx) (err error) { a, err = tx.AccountByID(ctx, teamID, id); return err })
	return a
}

func accountSummary(list []teambot.Account) string {
	var parts []string
	for _, a := range list {
		parts = append(parts, fmt.Sprintf("#%d %s/%s %s %s", a.ID, a.Platform, a.Name, a.OwnerName, a.Status))
	}
	return strings.Join(parts, "; ")
}

// An account comes back as registered, with its owner; every change is a
// row of its history, which the database keeps append-only.
func TestAccountLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三", teambot.RoleCopywriter)
		li := mustMember(t, db, team.ID, "lisi", "李四")
		a := mustAccount(t, db, teambot.Account{TeamID: team.ID, Platform: "微博", Name: "TeamOfficial", Note: "主号", OwnerID: zhang.ID})
		got := readAccount(t, db, team.ID, a.ID)
		want := teambot.Account{ID: a.ID, TeamID: team.ID, Platform: "微博", Name: "TeamOfficial", Note: "主号",
			Status: teambot.AccountActive, OwnerID: zhang.ID, OwnerUserID: "zhangsan", OwnerName: "张三", OwnerActive: true,
			RegisteredAt: us(t0), RegisteredBy: "zhangsan"}
		if got != want {
			t.Errorf("AccountByID =\n %+v\nwant\n %+v", got, want)
		}

		changed, moved, gone := t0.Add(24*time.Hour), t0.Add(48*time.Hour), t0.Add(72*time.Hour)
		update(t, db, func(tx *storage.Tx) error { return tx.MarkAccountChanged(ctx, team.ID, a.ID, "zhangsan", changed) })
		update(t, db, func(tx *storage.Tx) error { return tx.ConfirmAccount(ctx, team.ID, a.ID, "zhangsan", changed) })
		update(t, db, func(tx *storage.Tx) error {
			return tx.TransferAccount(ctx, team.ID, a.ID, li.ID, "wangfang", "张三 → 李四", moved)
		})
		got = readAccount(t, db, team.ID, a.ID)
		if got.OwnerID != li.ID || got.OwnerName != "李四" || !got.ChangedAt.Equal(us(changed)) || !got.ConfirmedAt.Equal(us(changed)) {
			t.Errorf("after change, confirmation and transfer: %+v", got)
		}
		update(t, db, func(tx *storage.Tx) error { return tx.RemoveAccount(ctx, team.ID, a.ID, "lisi", "平台停用", gone) })
		got = readAccount(t, db, team.ID, a.ID)
		if got.Active() || got.RemovedReason != "平台停用" || !got.RemovedAt.Equal(us(gone)) {
			t.Errorf("after removal: %+v", got)
		}

		// A removed account takes no more changes; an unknown one is not found.
		for name, change := range map[string]func(tx *storage.Tx, id int64) error{
			"changed": func(tx *storage.Tx, id int64) error { return tx.MarkAccountChanged(ctx, team.ID, id, "lisi", gone) },
			"transfer": func(tx *storage.Tx, id int64) error {
				return tx.TransferAccount(ctx, team.ID, id, zhang.ID, "x", "", gone)
			},
			"remove":  func(tx *storage.Tx, id int64) error { return tx.RemoveAccount(ctx, team.ID, id, "x", "again", gone) },
			"confirm": func(tx *storage.Tx, id int64) error { return tx.ConfirmAccount(ctx, team.ID, id, "x", gone) },
		} {
			err := db.Update(ctx, func(tx *storage.Tx) error { return change(tx, a.ID) })
			if !errors.Is(err, teambot.ErrAccountRemoved) {
				t.Errorf("%s on a removed account: err = %v, want ErrAccountRemoved", name, err)
			}
			err = db.Update(ctx, func(tx *storage.Tx) error { return change(tx, a.ID+100) })
			if !errors.Is(err, teambot.ErrNotFound) {
				t.Errorf("%s on an unknown account: err = %v, want ErrNotFound", name, err)
			}
		}

		var events []teambot.AccountEvent
		update(t, db, func(tx *storage.Tx) (err error) {
			events, err = tx.AccountEvents(ctx, team.ID, t0.Add(-time.Hour), t0.Add(100*time.Hour))
			return err
		})
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, fmt.Sprintf("%s %s %s %s %s", e.Kind, e.By, e.OwnerName, e.Platform, e.Note))
			if e.Account != "TeamOfficial" || e.AccountID != a.ID {
				t.Errorf("event %+v: want the account's name and id", e)
			}
		}
		wantKinds := []string{"registered zhangsan 张三 微博 ", "changed zhangsan 张三 微博 ", "confirmed zhangsan 张三 微博 ",
			"transferred wangfang 李四 微博 张三 → 李四", "removed lisi 李四 微博 平台停用"}
		if strings.Join(kinds, "|") != strings.Join(wantKinds, "|") {
			t.Errorf("events:\n got %q\nwant %q", kinds, wantKinds)
		}
		// [from, to): the registration at t0 is out of a range starting after it.
		update(t, db, func(tx *storage.Tx) (err error) {
			events, err = tx.AccountEvents(ctx, team.ID, t0.Add(time.Second), changed)
			return err
		})
		if len(events) != 0 {
			t.Errorf("events in (t0, changed): %+v, want none", events)
		}
		for _, q := range []string{`UPDATE account_events SET note = 'x'`, `DELETE FROM account_events`} {
			err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
	})
}

// One active record per platform and account name, ignoring case; a removed
// one frees the name. Lists filter by owner and status and tell whether the
// owner is still on the roster.
func TestAccountsListAndUniqueness(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		other := mustTeam(t, db, "chat-2")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		outsider := mustMember(t, db, other.ID, "zhaoliu", "赵六")
		wb := mustAccount(t, db, teambot.Account{TeamID: team.ID, Platform: "Weibo", Name: "Team", OwnerID: zhang.ID})
		dy := mustAccount(t, db, teambot.Account{TeamID: team.ID, Platform: "抖音", Name: "team", OwnerID: li.ID})
		mustAccount(t, db, teambot.Account{TeamID: other.ID, Platform: "Weibo", Name: "Team", OwnerID: outsider.ID})

		err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.CreateAccount(ctx, &teambot.Account{TeamID: team.ID, Platform: "weibo", Name: "TEAM", OwnerID: li.ID, RegisteredAt: t0, RegisteredBy: "lisi"})
		})
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("second active weibo/TEAM: err = %v, want ErrDuplicate", err)
		}
		update(t, db, func(tx *storage.Tx) error { return tx.RemoveAccount(ctx, team.ID, wb.ID, "zhangsan", "换号", t0) })
		again := mustAccount(t, db, teambot.Account{TeamID: team.ID, Platform: "Weibo", Name: "Team", OwnerID: li.ID})

		if _, err := func() (a teambot.Account, err error) {
			err = db.Update(ctx, func(tx *storage.Tx) (err error) { a, err = tx.AccountByID(ctx, other.ID, dy.ID); return err })
			return a, err
		}(); !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("another team's account: err = %v, want ErrNotFound", err)
		}

		update(t, db, func(tx *storage.Tx) error { return tx.RemoveMember(ctx, li.ID, t0) })
		for _, tc := range []struct {
			f    teambot.AccountFilter
			want string
		}{
			{teambot.AccountFilter{TeamID: team.ID},
				fmt.Sprintf("#%d Weibo/Team 张三 removed; #%d Weibo/Team 李四 active; #%d 抖音/team 李四 active", wb.ID, again.ID, dy.ID)},
			{teambot.AccountFilter{TeamID: team.ID, Status: teambot.AccountActive},
				fmt.Sprintf("#%d Weibo/Team 李四 active; #%d 抖音/team 李四 active", again.ID, dy.ID)},
			{teambot.AccountFilter{TeamID: team.ID, OwnerID: zhang.ID}, fmt.Sprintf("#%d Weibo/Team 张三 removed", wb.ID)},
			{teambot.AccountFilter{TeamID: team.ID, OwnerID: zhang.ID, Status: teambot.AccountActive}, ""},
		} {
			var list []teambot.Account
			update(t, db, func(tx *storage.Tx) (err error) { list, err = tx.Accounts(ctx, tc.f); return err })
			if got := accountSummary(list); got != tc.want {
				t.Errorf("Accounts(%+v) =\n %s\nwant\n %s", tc.f, got, tc.want)
			}
			for _, a := range list {
				if a.OwnerActive != (a.OwnerID == zhang.ID) {
					t.Errorf("account #%d of %s: OwnerActive = %v", a.ID, a.OwnerName, a.OwnerActive)
				}
			}
		}
	})
}
