package storage_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A person has at most one waiting request per team (R1); deciding it
// frees them to ask again, and a decided request cannot be decided twice.
func TestJoinRequests(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		other := mustTeam(t, db, "chat-2")
		q := teambot.JoinRequest{TeamID: team.ID, UserID: "lisi", Name: "李四", Roles: []teambot.Role{teambot.RoleCopyBase, teambot.RoleDesigner},
			Rejoin: true, RequestedAt: t0, MsgID: "m1"}
		update(t, db, func(tx *storage.Tx) error { return tx.CreateJoinRequest(ctx, &q) })
		again := teambot.JoinRequest{TeamID: team.ID, UserID: "lisi", Name: "李小四", RequestedAt: t0}
		err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CreateJoinRequest(ctx, &again) })
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("second pending request: err = %v, want ErrDuplicate", err)
		}
		elsewhere := teambot.JoinRequest{TeamID: other.ID, UserID: "lisi", Name: "李四", RequestedAt: t0}
		update(t, db, func(tx *storage.Tx) error { return tx.CreateJoinRequest(ctx, &elsewhere) })

		var got teambot.JoinRequest
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.PendingJoinRequest(ctx, team.ID, "lisi"); return err })
		if fmt.Sprint(got.Roles) != "[copy-base designer]" || !got.Rejoin || got.Status != teambot.JoinPending ||
			!got.RequestedAt.Equal(t0.Truncate(time.Microsecond)) || got.MsgID != "m1" || got.ID != q.ID {
			t.Errorf("PendingJoinRequest = %+v", got)
		}
		update(t, db, func(tx *storage.Tx) error {
			return tx.DecideJoinRequest(ctx, team.ID, q.ID, teambot.JoinRejected, "wangfang", "名字请用真名", t0)
		})
		err = db.Update(ctx, func(tx *storage.Tx) error {
			return tx.DecideJoinRequest(ctx, team.ID, q.ID, teambot.JoinApproved, "wangfang", "", t0)
		})
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("deciding a decided request: err = %v, want ErrNotFound", err)
		}
		err = db.View(ctx, func(tx *storage.Tx) error { _, err := tx.PendingJoinRequest(ctx, team.ID, "lisi"); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("pending after rejection: err = %v, want ErrNotFound", err)
		}
		update(t, db, func(tx *storage.Tx) error { return tx.CreateJoinRequest(ctx, &again) })
		var pending []teambot.JoinRequest
		update(t, db, func(tx *storage.Tx) (err error) { pending, err = tx.PendingJoinRequests(ctx, team.ID); return err })
		if len(pending) != 1 || pending[0].Name != "李小四" {
			t.Errorf("PendingJoinRequests = %+v", pending)
		}
	})
}

// The team's join mode defaults to approval and is kept; LockTeam reads
// the team as it is; the copywriter sub-roles are stored (R2).
func TestJoinModeAndCopyRoles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		if team.JoinMode != teambot.JoinApproval {
			t.Errorf("new team's join mode = %q", team.JoinMode)
		}
		update(t, db, func(tx *storage.Tx) error { return tx.SetJoinMode(ctx, team.ID, teambot.JoinOpen) })
		var locked teambot.Team
		update(t, db, func(tx *storage.Tx) (err error) { locked, err = tx.LockTeam(ctx, team.ID); return err })
		if locked.JoinMode != teambot.JoinOpen || locked.ChatID != "chat-1" {
			t.Errorf("LockTeam = %+v", locked)
		}
		m := mustMember(t, db, team.ID, "lisi", "李四", teambot.RoleCopyCampaign, teambot.RoleCopyBase, teambot.RoleCopywriter)
		var got teambot.Member
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.MemberByUser(ctx, team.ID, m.UserID); return err })
		if fmt.Sprint(got.Roles) != "[copywriter copy-base copy-campaign]" {
			t.Errorf("roles = %v", got.Roles)
		}
	})
}

// WasSupervisor reads who has ever been named supervisor from the audit log.
func TestWasSupervisor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		update(t, db, func(tx *storage.Tx) error {
			return tx.Audit(ctx, &teambot.AuditEntry{TeamID: team.ID, Actor: "boss", Action: "supervisor.set", Target: "wangfang", At: t0})
		})
		for user, want := range map[string]bool{"wangfang": true, "boss": false} {
			var was bool
			update(t, db, func(tx *storage.Tx) (err error) { was, err = tx.WasSupervisor(ctx, team.ID, user); return err })
			if was != want {
				t.Errorf("WasSupervisor(%s) = %v, want %v", user, was, want)
			}
		}
	})
}

// Migration 0017 keeps the roles of a database that already has members
// (SQLite rebuilds member_roles to widen its check), still allows one
// supervisor only, and makes existing teams ask for approval.
func TestMigrationKeepsRoles(t *testing.T) {
	eachOldSchema(t, 17, func(t *testing.T, db *storage.DB) {
		update(t, db, func(tx *storage.Tx) error {
			// A team as the old schema stores it.
			for _, q := range []string{
				`INSERT INTO teams (chat_id, time_zone, created_at) VALUES ('chat-1', 'Asia/Shanghai', CURRENT_TIMESTAMP)`,
				`INSERT INTO members (team_id, user_id, name, joined_at) VALUES (1, 'wangfang', '王芳', CURRENT_TIMESTAMP)`,
				`INSERT INTO members (team_id, user_id, name, joined_at) VALUES (1, 'zhangsan', '张三', CURRENT_TIMESTAMP)`,
				`INSERT INTO member_roles (team_id, member_id, role) VALUES (1, 1, 'supervisor'), (1, 1, 'designer'), (1, 2, 'copywriter')`,
			} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		})
		team, zhang := teambot.Team{ID: 1}, teambot.Member{ID: 2}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var members []teambot.Member
		var got teambot.Team
		update(t, db, func(tx *storage.Tx) (err error) {
			if got, err = tx.TeamByChat(ctx, "chat-1"); err != nil {
				return err
			}
			members, err = tx.ActiveMembers(ctx, team.ID)
			return err
		})
		if len(members) != 2 || fmt.Sprint(members[0].Roles) != "[supervisor designer]" || fmt.Sprint(members[1].Roles) != "[copywriter]" {
			t.Errorf("members after the migration: %+v", members)
		}
		if got.JoinMode != teambot.JoinApproval {
			t.Errorf("existing team's join mode = %q, want approval", got.JoinMode)
		}
		err := db.Update(ctx, func(tx *storage.Tx) error { return tx.AddRole(ctx, team.ID, zhang.ID, teambot.RoleSupervisor) })
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("a second supervisor after the migration: err = %v, want ErrDuplicate", err)
		}
		update(t, db, func(tx *storage.Tx) error { return tx.AddRole(ctx, team.ID, zhang.ID, teambot.RoleCopyBase) })
	})
}
