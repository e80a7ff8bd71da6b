package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

var ctx = context.Background()

// t0 is a fixed instant with nanoseconds and a non-UTC zone, to prove that
// times come back as the same instant in UTC.
var t0 = time.Date(2026, 11, 25, 17, 30, 15, 123456789, time.FixedZone("CST", 8*3600))

func update(t *testing.T, db *storage.DB, fn func(tx *storage.Tx) error) {
	t.Helper()
	if err := db.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func mustTeam(t *testing.T, db *storage.DB, chatID string) teambot.Team {
	t.Helper()
	team := teambot.Team{ChatID: chatID, TimeZone: "Asia/Shanghai", CreatedAt: t0}
	update(t, db, func(tx *storage.Tx) error { return tx.CreateTeam(ctx, &team) })
	return team
}

func mustMember(t *testing.T, db *storage.DB, teamID int64, userID, name string, roles ...teambot.Role) teambot.Member {
	t.Helper()
	m := teambot.Member{TeamID: teamID, UserID: userID, Name: name, Roles: roles, JoinedAt: t0}
	update(t, db, func(tx *storage.Tx) error { return tx.AddMember(ctx, &m) })
	return m
}

func TestMigrate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		// Open already migrated; a second run applies nothing.
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second Migrate applied %v, want nothing", applied)
		}
		// A version this binary does not know means a newer teambot migrated it.
		update(t, db, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')`)
			return err
		})
		if _, err := db.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("Migrate with an unknown version: err = %v, want a 'newer version' error", err)
		}
	})
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := storage.LoadMigrations(storage.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := storage.LoadMigrations(storage.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d: every migration needs both dialects", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != pg[i].Version || lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %04d_%s, postgres %04d_%s", i, lite[i].Version, lite[i].Name, pg[i].Version, pg[i].Name)
		}
	}
}

func TestTeams(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		if team.ID == 0 {
			t.Fatal("CreateTeam left ID zero")
		}
		err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.CreateTeam(ctx, &teambot.Team{ChatID: "chat-1", TimeZone: "UTC", CreatedAt: t0})
		})
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("second team for a chat: err = %v, want ErrDuplicate", err)
		}
		start, end := teambot.Date{Year: 2026, Month: 11, Day: 25}, teambot.Date{Year: 2027, Month: 11, Day: 25}
		update(t, db, func(tx *storage.Tx) error { return tx.SetTerm(ctx, team.ID, start, end) })
		var got teambot.Team
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.TeamByChat(ctx, "chat-1"); return err })
		want := teambot.Team{ID: team.ID, ChatID: "chat-1", TimeZone: "Asia/Shanghai", TermStart: start, TermEnd: end, JoinMode: teambot.JoinApproval,
			CreatedAt: t0.UTC().Truncate(time.Microsecond)}
		if got != want {
			t.Errorf("TeamByChat = %+v, want %+v", got, want)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt location = %v, want UTC", got.CreatedAt.Location())
		}
		err = db.View(ctx, func(tx *storage.Tx) error { _, err := tx.TeamByChat(ctx, "nope"); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("TeamByChat(unknown): err = %v, want ErrNotFound", err)
		}
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetTerm(ctx, team.ID+100, start, end)
		}); !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("SetTerm(unknown team): err = %v, want ErrNotFound", err)
		}
	})
}

func TestPushKey(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		read := func() teambot.Team {
			var got teambot.Team
			update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.TeamByChat(ctx, "chat-1"); return err })
			return got
		}
		update(t, db, func(tx *storage.Tx) error { return tx.SetPushKey(ctx, team.ID, "sealed-1") })
		update(t, db, func(tx *storage.Tx) error { return tx.MarkPushBroken(ctx, team.ID, t0) })
		if got := read(); got.PushKey != "sealed-1" || !got.PushBrokenAt.Equal(t0.Truncate(time.Microsecond)) {
			t.Errorf("after MarkPushBroken: key %q broken %v", got.PushKey, got.PushBrokenAt)
		}
		update(t, db, func(tx *storage.Tx) error { return tx.SetPushKey(ctx, team.ID, "sealed-2") })
		if got := read(); got.PushKey != "sealed-2" || !got.PushBrokenAt.IsZero() {
			t.Errorf("a new key must clear the broken mark: key %q broken %v", got.PushKey, got.PushBrokenAt)
		}
		var teams []teambot.Team
		mustMember(t, db, team.ID, "u1", "一")
		update(t, db, func(tx *storage.Tx) (err error) { teams, err = tx.TeamsOfUser(ctx, "u1"); return err })
		if len(teams) != 1 || teams[0].PushKey != "sealed-2" {
			t.Errorf("TeamsOfUser = %+v", teams)
		}
	})
}

func TestMembersAndRoles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三", teambot.RoleDesigner, teambot.RoleCopywriter)
		wang := mustMember(t, db, team.ID, "wangfang", "王芳")

		var got teambot.Member
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.MemberByUser(ctx, team.ID, "zhangsan"); return err })
		if want := []teambot.Role{teambot.RoleCopywriter, teambot.RoleDesigner}; fmt.Sprint(got.Roles) != fmt.Sprint(want) {
			t.Errorf("roles = %v, want %v (roster order)", got.Roles, want)
		}
		if !got.JoinedAt.Equal(t0.Truncate(time.Microsecond)) || got.JoinedAt.Location() != time.UTC || !got.Active() {
			t.Errorf("member = %+v, want active, joined %v in UTC", got, t0)
		}

		for name, m := range map[string]teambot.Member{
			"same userid": {TeamID: team.ID, UserID: "zhangsan", Name: "张三丰", JoinedAt: t0},
			"same name":   {TeamID: team.ID, UserID: "other", Name: "张三", JoinedAt: t0},
		} {
			err := db.Update(ctx, func(tx *storage.Tx) error { return tx.AddMember(ctx, &m) })
			if !errors.Is(err, teambot.ErrDuplicate) {
				t.Errorf("%s: err = %v, want ErrDuplicate", name, err)
			}
		}

		// Roles other than supervisor are replaced; supervisor stays.
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.SetSupervisor(ctx, team.ID, wang.ID); err != nil {
				return err
			}
			return tx.SetMemberRoles(ctx, team.ID, wang.ID, []teambot.Role{teambot.RoleTech})
		})
		var members []teambot.Member
		update(t, db, func(tx *storage.Tx) (err error) { members, err = tx.ActiveMembers(ctx, team.ID); return err })
		if len(members) != 2 || fmt.Sprint(members[1].Roles) != "[supervisor tech]" {
			t.Fatalf("ActiveMembers = %+v, want 张三 then 王芳 with [supervisor tech]", members)
		}

		// A removed member leaves the roster and frees the name.
		update(t, db, func(tx *storage.Tx) error { return tx.RemoveMember(ctx, zhang.ID, t0.Add(time.Hour)) })
		update(t, db, func(tx *storage.Tx) (err error) { members, err = tx.ActiveMembers(ctx, team.ID); return err })
		if len(members) != 1 || members[0].UserID != "wangfang" {
			t.Errorf("after removal ActiveMembers = %+v, want only wangfang", members)
		}
		mustMember(t, db, team.ID, "zhangsan2", "张三")
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.RemoveMember(ctx, zhang.ID, t0) }); !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("removing a removed member: err = %v, want ErrNotFound", err)
		}
	})
}

// R1: the database itself refuses a second supervisor in a team.
func TestOneSupervisorPerTeamIsADatabaseConstraint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		other := mustTeam(t, db, "chat-2")
		a := mustMember(t, db, team.ID, "a", "甲", teambot.RoleSupervisor)
		b := mustMember(t, db, team.ID, "b", "乙")
		c := mustMember(t, db, other.ID, "c", "丙")

		err := db.Update(ctx, func(tx *storage.Tx) error { return tx.AddRole(ctx, team.ID, b.ID, teambot.RoleSupervisor) })
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Fatalf("second supervisor: err = %v, want ErrDuplicate from the unique index", err)
		}
		// Raw SQL, bypassing every Go check, is refused just the same.
		err = db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO member_roles (team_id, member_id, role) VALUES (?, ?, 'supervisor')`, team.ID, b.ID)
			return err
		})
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Fatalf("raw insert of a second supervisor: err = %v, want ErrDuplicate", err)
		}
		// A role for a member of another team is refused by the foreign key.
		err = db.Update(ctx, func(tx *storage.Tx) error { return tx.AddRole(ctx, team.ID, c.ID, teambot.RoleTech) })
		if err == nil {
			t.Error("role row pointing at another team's member was accepted")
		}
		// Another team has its own supervisor; handing over moves the role.
		update(t, db, func(tx *storage.Tx) error { return tx.AddRole(ctx, other.ID, c.ID, teambot.RoleSupervisor) })
		update(t, db, func(tx *storage.Tx) error { return tx.SetSupervisor(ctx, team.ID, b.ID) })
		var ma, mb teambot.Member
		update(t, db, func(tx *storage.Tx) (err error) {
			if ma, err = tx.MemberByUser(ctx, team.ID, a.UserID); err != nil {
				return err
			}
			mb, err = tx.MemberByUser(ctx, team.ID, b.UserID)
			return err
		})
		if ma.IsSupervisor() || !mb.IsSupervisor() {
			t.Errorf("after handover: a supervisor=%v, b supervisor=%v; want false, true", ma.IsSupervisor(), mb.IsSupervisor())
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		e := teambot.AuditEntry{TeamID: team.ID, Actor: "boss", Action: "supervisor.set", Target: "wangfang",
			Detail: "任期 2026-11-25 至 2027-11-25", MsgID: "m1", At: t0}
		update(t, db, func(tx *storage.Tx) error { return tx.Audit(ctx, &e) })
		var log []teambot.AuditEntry
		update(t, db, func(tx *storage.Tx) (err error) { log, err = tx.AuditLog(ctx, team.ID, 10); return err })
		if len(log) != 1 || log[0] != e {
			t.Fatalf("AuditLog = %+v, want [%+v]", log, e)
		}
		for _, q := range []string{`UPDATE audit_log SET detail = 'x'`, `DELETE FROM audit_log`} {
			err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
		update(t, db, func(tx *storage.Tx) (err error) { log, err = tx.AuditLog(ctx, team.ID, 10); return err })
		if len(log) != 1 || log[0].Detail != e.Detail {
			t.Errorf("audit log changed: %+v", log)
		}
	})
}

func TestTransactionRollsBack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		boom := errors.New("boom")
		err := db.Update(ctx, func(tx *storage.Tx) error {
			m := teambot.Member{TeamID: team.ID, UserID: "u1", Name: "一", JoinedAt: t0}
			if err := tx.AddMember(ctx, &m); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("Update returned %v, want the handler's error", err)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Error("a panic inside Update was swallowed")
				}
			}()
			_ = db.Update(ctx, func(tx *storage.Tx) error {
				m := teambot.Member{TeamID: team.ID, UserID: "u2", Name: "二", JoinedAt: t0}
				if err := tx.AddMember(ctx, &m); err != nil {
					return err
				}
				panic("handler bug")
			})
		}()
		var members []teambot.Member
		update(t, db, func(tx *storage.Tx) (err error) { members, err = tx.ActiveMembers(ctx, team.ID); return err })
		if len(members) != 0 {
			t.Errorf("rolled-back members were stored: %+v", members)
		}
	})
}

// Text that looks like SQL is data: stored verbatim, harming nothing.
func TestSQLLookingTextIsStoredVerbatim(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat'); DROP TABLE teams; --")
		name := `Robert'); DROP TABLE members; -- "引号" \x00`
		mustMember(t, db, team.ID, "bobby", name)
		var members []teambot.Member
		update(t, db, func(tx *storage.Tx) (err error) { members, err = tx.ActiveMembers(ctx, team.ID); return err })
		if len(members) != 1 || members[0].Name != name {
			t.Fatalf("members = %+v, want one named %q", members, name)
		}
		update(t, db, func(tx *storage.Tx) error { _, err := tx.TeamByChat(ctx, team.ChatID); return err })
	})
}

func TestProcessedMessages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		mark := func(source, id string, at time.Time) bool {
			t.Helper()
			var first bool
			update(t, db, func(tx *storage.Tx) (err error) {
				first, err = tx.RecordHandled(ctx, source, id, at, teambot.KeptReply{})
				return err
			})
			return first
		}
		if !mark("robot", "m1", t0) {
			t.Error("first sight of m1 reported as a repeat")
		}
		if mark("robot", "m1", t0.Add(time.Second)) {
			t.Error("retry of m1 reported as new")
		}
		if !mark("app", "m1", t0) {
			t.Error("the same id from another endpoint is a different message")
		}
		mark("robot", "m2", t0.Add(8*24*time.Hour))
		var n int64
		update(t, db, func(tx *storage.Tx) (err error) { n, err = tx.PruneProcessed(ctx, t0.Add(7*24*time.Hour)); return err })
		if n != 2 {
			t.Errorf("pruned %d, want 2 (both m1 rows)", n)
		}
		if !mark("robot", "m1", t0.Add(9*24*time.Hour)) {
			t.Error("pruned m1 still counted as seen")
		}
		if mark("robot", "m2", t0) {
			t.Error("m2 was pruned although it is newer than the cutoff")
		}
	})
}

// Many goroutines writing at once all succeed: SQLite serializes them on its
// single connection instead of failing with SQLITE_BUSY.
func TestConcurrentWrites(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.Update(ctx, func(tx *storage.Tx) error {
					m := teambot.Member{TeamID: team.ID, UserID: fmt.Sprint("u", i), Name: fmt.Sprint("成员", i), JoinedAt: t0}
					return tx.AddMember(ctx, &m)
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		var members []teambot.Member
		update(t, db, func(tx *storage.Tx) (err error) { members, err = tx.ActiveMembers(ctx, team.ID); return err })
		if len(members) != 40 {
			t.Errorf("%d members, want 40", len(members))
		}
	})
}

func TestOpenRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "mysql://x", "sqlite://", "sqlite://a.db?mode=ro", "teambot.db"} {
		if _, err := storage.Open(ctx, u); err == nil {
			t.Errorf("Open(%q) succeeded, want an error naming the accepted forms", u)
		}
	}
	if got := storage.Redact("postgres://u:s3cret@h/db"); strings.Contains(got, "s3cret") {
		t.Errorf("Redact left the password in: %s", got)
	}
}

// A group message's arrival reads its team and sender and whether its id
// was recorded, and records nothing itself.
func TestArriveInGroup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		arrive := func(msg teambot.Message) (team teambot.Team, sender teambot.Member, first bool, err error) {
			t.Helper()
			err = db.Update(ctx, func(tx *storage.Tx) (err error) {
				team, sender, first, err = tx.ArriveInGroup(ctx, msg)
				return err
			})
			return
		}
		msg := teambot.Message{Source: "robot", ID: "m1", ChatID: "chat-1", UserID: "zhang"}
		if _, _, _, err := arrive(msg); !errors.Is(err, teambot.ErrNotFound) {
			t.Fatalf("a chat with no team: %v, want ErrNotFound", err)
		}
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhang", "张三", teambot.RoleTech, teambot.RoleCopywriter)
		got, sender, first, err := arrive(msg)
		if err != nil || !first {
			t.Fatalf("first arrival of m1: first %v, %v", first, err)
		}
		if got != team {
			t.Errorf("team = %+v, want %+v", got, team)
		}
		if sender.ID != zhang.ID || sender.Name != "张三" || !sender.Active() || !sender.JoinedAt.Equal(zhang.JoinedAt) ||
			fmt.Sprint(sender.Roles) != fmt.Sprint(teambot.SortRoles(zhang.Roles)) {
			t.Errorf("sender = %+v, want %+v", sender, zhang)
		}
		if _, _, first, err := arrive(msg); err != nil || !first {
			t.Errorf("m1 again, not recorded: first %v, %v; arriving records nothing", first, err)
		}
		update(t, db, func(tx *storage.Tx) error {
			_, err := tx.RecordHandled(ctx, "robot", "m1", t0, teambot.KeptReply{})
			return err
		})
		if _, _, first, err := arrive(msg); err != nil || first {
			t.Errorf("m1 again, recorded: first %v, %v; want a repeat", first, err)
		}
		stranger := teambot.Message{Source: "robot", ID: "m2", ChatID: "chat-1", UserID: "li"}
		if _, sender, first, err := arrive(stranger); err != nil || !first || sender.ID != 0 {
			t.Errorf("a sender never in the team: %+v, first %v, %v; want a zero member", sender, first, err)
		}
		console := teambot.Message{ChatID: "chat-1", UserID: "zhang"} // no id: never recorded
		for range 2 {
			if _, sender, first, err := arrive(console); err != nil || !first || sender.ID != zhang.ID {
				t.Errorf("a message without an id: %+v, first %v, %v", sender, first, err)
			}
		}
	})
}

// A savepoint is sent with the first write after it: rolling back to it
// undoes that write and keeps what came before, whether or not the
// savepoint was ever sent, and a released one is not sent at all.
func TestSavepoint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		add := func(tx *storage.Tx, userID string) error {
			return tx.AddMember(ctx, &teambot.Member{TeamID: team.ID, UserID: userID, Name: userID, JoinedAt: t0})
		}
		update(t, db, func(tx *storage.Tx) error {
			if err := add(tx, "before"); err != nil {
				return err
			}
			if err := tx.Savepoint(ctx, "command"); err != nil {
				return err
			}
			if _, err := tx.ActiveMembers(ctx, team.ID); err != nil { // a read sends nothing
				return err
			}
			if err := tx.RollbackTo(ctx, "command"); err != nil {
				return err
			}
			if err := add(tx, "undone"); err != nil {
				return err
			}
			if err := tx.RollbackTo(ctx, "command"); err != nil {
				return err
			}
			tx.Release("command")
			return add(tx, "after")
		})
		// A duplicate refused after the savepoint: PostgreSQL's transaction
		// goes on once rolled back to it.
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.Savepoint(ctx, "command"); err != nil {
				return err
			}
			if err := add(tx, "before"); !errors.Is(err, teambot.ErrDuplicate) {
				t.Errorf("a second member with the same userid: %v, want ErrDuplicate", err)
			}
			return tx.RollbackTo(ctx, "command")
		})
		var names []string
		update(t, db, func(tx *storage.Tx) error {
			members, err := tx.ActiveMembers(ctx, team.ID)
			for _, m := range members {
				names = append(names, m.UserID)
			}
			return err
		})
		if fmt.Sprint(names) != "[before after]" {
			t.Errorf("members %v, want [before after]", names)
		}
	})
}
