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

func mustEscalation(t *testing.T, db *storage.DB, e teambot.Escalation) teambot.Escalation {
	t.Helper()
	if e.CreatedAt.IsZero() {
		e.CreatedAt = t0
	}
	update(t, db, func(tx *storage.Tx) error { return tx.CreateEscalation(ctx, &e) })
	return e
}

// escalationSummary prints escalations compactly for comparison.
func escalationSummary(es []teambot.Escalation) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, fmt.Sprintf("#%d %s %s", e.ID, e.UserID, e.Status))
	}
	return strings.Join(parts, "; ")
}

// An escalation is stored open with its text verbatim and read back with
// its reporter; ids are team-scoped.
func TestCreateAndReadEscalation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		e := mustEscalation(t, db, teambot.Escalation{TeamID: team.ID, MemberID: zhang.ID, MsgID: "msg-7",
			Text: "评论区有人刷屏'); DROP TABLE escalations; --\n已截图", Status: teambot.EscalationResolved, ResolvedBy: "sneaky"})
		if e.ID == 0 || e.Status != teambot.EscalationOpen || e.ResolvedBy != "" {
			t.Fatalf("created %+v, want an id, open and unresolved whatever the caller set", e)
		}
		var got teambot.Escalation
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.EscalationByID(ctx, team.ID, e.ID); return err })
		want := teambot.Escalation{ID: e.ID, TeamID: team.ID, MemberID: zhang.ID, UserID: "zhangsan", Name: "张三",
			Text: e.Text, Status: teambot.EscalationOpen, CreatedAt: t0.UTC().Truncate(time.Microsecond), MsgID: "msg-7"}
		if got != want {
			t.Errorf("EscalationByID =\n %+v\nwant\n %+v", got, want)
		}
		if got.CreatedAt.Location() != time.UTC || !got.ResolvedAt.IsZero() || !got.Open() {
			t.Errorf("times: created %v, resolved %v; want UTC and zero", got.CreatedAt, got.ResolvedAt)
		}

		other := mustTeam(t, db, "chat-2")
		err := db.View(ctx, func(tx *storage.Tx) error { _, err := tx.EscalationByID(ctx, other.ID, e.ID); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("EscalationByID(other team): err = %v, want ErrNotFound", err)
		}
		err = db.View(ctx, func(tx *storage.Tx) error { _, err := tx.EscalationByID(ctx, team.ID, e.ID+100); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("EscalationByID(unknown): err = %v, want ErrNotFound", err)
		}

		// The database refuses an empty text and a member of another team.
		err = db.Update(ctx, func(tx *storage.Tx) error {
			return tx.CreateEscalation(ctx, &teambot.Escalation{TeamID: team.ID, MemberID: zhang.ID, CreatedAt: t0})
		})
		if err == nil {
			t.Error("an empty escalation was stored")
		}
		err = db.Update(ctx, func(tx *storage.Tx) error {
			return tx.CreateEscalation(ctx, &teambot.Escalation{TeamID: other.ID, MemberID: zhang.ID, Text: "x", CreatedAt: t0})
		})
		if err == nil {
			t.Error("an escalation was stored for a member of another team")
		}
	})
}

// open → resolved once; a second resolution and an unknown id are told
// apart.
func TestResolveEscalation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		e := mustEscalation(t, db, teambot.Escalation{TeamID: team.ID, MemberID: zhang.ID, Text: "客户投诉没人处理"})
		at := t0.Add(time.Hour)
		update(t, db, func(tx *storage.Tx) error {
			return tx.ResolveEscalation(ctx, team.ID, e.ID, "wangfang", "已联系客户道歉", at)
		})
		var got teambot.Escalation
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.EscalationByID(ctx, team.ID, e.ID); return err })
		if got.Status != teambot.EscalationResolved || got.ResolvedBy != "wangfang" || got.Resolution != "已联系客户道歉" ||
			!got.ResolvedAt.Equal(at.Truncate(time.Microsecond)) || got.Open() {
			t.Errorf("resolved escalation read back as %+v", got)
		}

		err := db.Update(ctx, func(tx *storage.Tx) error { return tx.ResolveEscalation(ctx, team.ID, e.ID, "other", "again", at) })
		if !errors.Is(err, teambot.ErrEscalationResolved) {
			t.Errorf("second resolution: err = %v, want ErrEscalationResolved", err)
		}
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.EscalationByID(ctx, team.ID, e.ID); return err })
		if got.ResolvedBy != "wangfang" || got.Resolution != "已联系客户道歉" {
			t.Errorf("a second resolution changed it: %+v", got)
		}
		other := mustTeam(t, db, "chat-2")
		for _, teamID := range []int64{other.ID, team.ID} {
			id := e.ID
			if teamID == team.ID {
				id += 100
			}
			err := db.Update(ctx, func(tx *storage.Tx) error { return tx.ResolveEscalation(ctx, teamID, id, "wangfang", "x", at) })
			if !errors.Is(err, teambot.ErrNotFound) {
				t.Errorf("resolve #%d of team %d: err = %v, want ErrNotFound", id, teamID, err)
			}
		}
	})
}

// The filter selects by team, reporter, status and reporting time; a limit
// keeps the newest, oldest first.
func TestListEscalations(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		other := mustTeam(t, db, "chat-2")
		wang := mustMember(t, db, other.ID, "wangwu", "王五")
		day := 24 * time.Hour
		e1 := mustEscalation(t, db, teambot.Escalation{TeamID: team.ID, MemberID: zhang.ID, Text: "一", CreatedAt: t0})
		e2 := mustEscalation(t, db, teambot.Escalation{TeamID: team.ID, MemberID: li.ID, Text: "二", CreatedAt: t0.Add(day)})
		e3 := mustEscalation(t, db, teambot.Escalation{TeamID: team.ID, MemberID: zhang.ID, Text: "三", CreatedAt: t0.Add(2 * day)})
		mustEscalation(t, db, teambot.Escalation{TeamID: other.ID, MemberID: wang.ID, Text: "别的团队", CreatedAt: t0})
		update(t, db, func(tx *storage.Tx) error {
			return tx.ResolveEscalation(ctx, team.ID, e2.ID, "wangfang", "好了", t0.Add(day))
		})

		for _, tc := range []struct {
			name string
			f    teambot.EscalationFilter
			want string
		}{
			{"team", teambot.EscalationFilter{TeamID: team.ID},
				fmt.Sprintf("#%d zhangsan open; #%d lisi resolved; #%d zhangsan open", e1.ID, e2.ID, e3.ID)},
			{"open", teambot.EscalationFilter{TeamID: team.ID, Statuses: []string{teambot.EscalationOpen}},
				fmt.Sprintf("#%d zhangsan open; #%d zhangsan open", e1.ID, e3.ID)},
			{"member", teambot.EscalationFilter{TeamID: team.ID, MemberID: li.ID}, fmt.Sprintf("#%d lisi resolved", e2.ID)},
			{"created from", teambot.EscalationFilter{TeamID: team.ID, CreatedFrom: t0.Add(day)},
				fmt.Sprintf("#%d lisi resolved; #%d zhangsan open", e2.ID, e3.ID)},
			{"created to (exclusive)", teambot.EscalationFilter{TeamID: team.ID, CreatedTo: t0.Add(day)}, fmt.Sprintf("#%d zhangsan open", e1.ID)},
			{"newest two", teambot.EscalationFilter{TeamID: team.ID, Limit: 2},
				fmt.Sprintf("#%d lisi resolved; #%d zhangsan open", e2.ID, e3.ID)},
			{"every status named", teambot.EscalationFilter{TeamID: team.ID, Statuses: []string{teambot.EscalationOpen, teambot.EscalationResolved}, CreatedTo: t0.Add(2 * day)},
				fmt.Sprintf("#%d zhangsan open; #%d lisi resolved", e1.ID, e2.ID)},
		} {
			var got []teambot.Escalation
			update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.Escalations(ctx, tc.f); return err })
			if s := escalationSummary(got); s != tc.want {
				t.Errorf("%s: %s\nwant %s", tc.name, s, tc.want)
			}
		}
		var all []teambot.Escalation
		update(t, db, func(tx *storage.Tx) (err error) {
			all, err = tx.Escalations(ctx, teambot.EscalationFilter{})
			return err
		})
		if len(all) != 4 {
			t.Errorf("every team: %d escalations, want 4", len(all))
		}
	})
}
