package storage_test

import (
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

func day(m time.Month, d int) teambot.Date { return teambot.Date{Year: 2026, Month: m, Day: d} }

func mustLeave(t *testing.T, db *storage.DB, l teambot.Leave) teambot.Leave {
	t.Helper()
	if l.CreatedAt.IsZero() {
		l.CreatedAt = t0
	}
	update(t, db, func(tx *storage.Tx) error { return tx.CreateLeave(ctx, &l) })
	return l
}

// leaveSummary prints leave requests compactly for comparison.
func leaveSummary(ls []teambot.Leave) string {
	var parts []string
	for _, l := range ls {
		s := fmt.Sprintf("#%d %s %s..%s", l.ID, l.UserID, l.From, l.To)
		if l.Half != "" {
			s += " " + l.Half
		}
		parts = append(parts, s+" "+l.Status)
	}
	return strings.Join(parts, "; ")
}

func TestCreateAndReadLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		l := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(12, 3), To: day(12, 5),
			Reason: "回老家'); DROP TABLE leaves; --", Status: teambot.LeaveApproved, DecidedBy: "sneaky"})
		if l.ID == 0 || l.Status != teambot.LeavePending || l.DecidedBy != "" {
			t.Fatalf("created %+v, want an id, pending and undecided whatever the caller set", l)
		}
		var got teambot.Leave
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.LeaveByID(ctx, team.ID, l.ID); return err })
		want := teambot.Leave{ID: l.ID, TeamID: team.ID, MemberID: zhang.ID, UserID: "zhangsan", Name: "张三",
			From: day(12, 3), To: day(12, 5), Reason: l.Reason, Status: teambot.LeavePending,
			CreatedAt: t0.UTC().Truncate(time.Microsecond)}
		if got != want {
			t.Errorf("LeaveByID =\n %+v\nwant\n %+v", got, want)
		}
		if got.CreatedAt.Location() != time.UTC || !got.DecidedAt.IsZero() {
			t.Errorf("times: created %v, decided %v; want UTC and zero", got.CreatedAt, got.DecidedAt)
		}
		half := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(12, 8), To: day(12, 8),
			Half: teambot.HalfAfternoon, Reason: "看牙", ForMeeting: true})
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.LeaveByID(ctx, team.ID, half.ID); return err })
		if got.Half != teambot.HalfAfternoon || !got.ForMeeting || got.From != got.To {
			t.Errorf("half-day leave read back as %+v", got)
		}

		// Ids are team-scoped: another team's request is not found.
		other := mustTeam(t, db, "chat-2")
		err := db.View(ctx, func(tx *storage.Tx) error { _, err := tx.LeaveByID(ctx, other.ID, l.ID); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("LeaveByID(other team): err = %v, want ErrNotFound", err)
		}
		err = db.View(ctx, func(tx *storage.Tx) error { _, err := tx.LeaveByID(ctx, team.ID, l.ID+100); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("LeaveByID(unknown): err = %v, want ErrNotFound", err)
		}
	})
}

func TestListLeaves(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		other := mustTeam(t, db, "chat-2")
		wu := mustMember(t, db, other.ID, "wu", "吴")
		a := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(11, 30), To: day(12, 4), Reason: "a"})
		b := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: li.ID, From: day(12, 4), To: day(12, 4), Half: teambot.HalfMorning, Reason: "b"})
		c := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: li.ID, From: day(11, 26), To: day(11, 27), Reason: "c"})
		mustLeave(t, db, teambot.Leave{TeamID: other.ID, MemberID: wu.ID, From: day(12, 1), To: day(12, 1), Reason: "other team"})
		update(t, db, func(tx *storage.Tx) error {
			return tx.DecideLeave(ctx, team.ID, a.ID, teambot.LeaveApproved, "wangfang", "", t0)
		})
		update(t, db, func(tx *storage.Tx) error { return tx.CancelLeave(ctx, team.ID, c.ID, "lisi", t0) })

		for _, tc := range []struct {
			name string
			f    teambot.LeaveFilter
			want string
		}{
			{"whole team, by first day", teambot.LeaveFilter{TeamID: team.ID},
				fmt.Sprintf("#%d lisi 2026-11-26..2026-11-27 cancelled; #%d zhangsan 2026-11-30..2026-12-04 approved; #%d lisi 2026-12-04..2026-12-04 上午 pending", c.ID, a.ID, b.ID)},
			{"one member", teambot.LeaveFilter{TeamID: team.ID, MemberID: li.ID},
				fmt.Sprintf("#%d lisi 2026-11-26..2026-11-27 cancelled; #%d lisi 2026-12-04..2026-12-04 上午 pending", c.ID, b.ID)},
			{"a range touching the last day", teambot.LeaveFilter{TeamID: team.ID, From: day(11, 27), To: day(11, 27)},
				fmt.Sprintf("#%d lisi 2026-11-26..2026-11-27 cancelled", c.ID)},
			{"a range inside a request", teambot.LeaveFilter{TeamID: team.ID, From: day(12, 1), To: day(12, 2)},
				fmt.Sprintf("#%d zhangsan 2026-11-30..2026-12-04 approved", a.ID)},
			{"open-ended from", teambot.LeaveFilter{TeamID: team.ID, From: day(12, 4)},
				fmt.Sprintf("#%d zhangsan 2026-11-30..2026-12-04 approved; #%d lisi 2026-12-04..2026-12-04 上午 pending", a.ID, b.ID)},
			{"open-ended to", teambot.LeaveFilter{TeamID: team.ID, To: day(11, 29)},
				fmt.Sprintf("#%d lisi 2026-11-26..2026-11-27 cancelled", c.ID)},
			{"between requests", teambot.LeaveFilter{TeamID: team.ID, From: day(11, 28), To: day(11, 29)}, ""},
			{"statuses", teambot.LeaveFilter{TeamID: team.ID, Statuses: []string{teambot.LeavePending, teambot.LeaveApproved}},
				fmt.Sprintf("#%d zhangsan 2026-11-30..2026-12-04 approved; #%d lisi 2026-12-04..2026-12-04 上午 pending", a.ID, b.ID)},
			{"everything at once", teambot.LeaveFilter{TeamID: team.ID, MemberID: zhang.ID, From: day(12, 1), To: day(12, 7), Statuses: []string{teambot.LeaveApproved}},
				fmt.Sprintf("#%d zhangsan 2026-11-30..2026-12-04 approved", a.ID)},
		} {
			var got []teambot.Leave
			update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.Leaves(ctx, tc.f); return err })
			if s := leaveSummary(got); s != tc.want {
				t.Errorf("%s:\n got %s\nwant %s", tc.name, s, tc.want)
			}
		}
	})
}

// Only pending and approved requests of the same member hold days; a
// morning and an afternoon of one day do not clash.
func TestOverlappingLeaves(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		week := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(11, 30), To: day(12, 4), Reason: "x"})
		morning := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(12, 8), To: day(12, 8), Half: teambot.HalfMorning, Reason: "x"})
		rejected := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(12, 10), To: day(12, 11), Reason: "x"})
		cancelled := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(12, 14), To: day(12, 14), Reason: "x"})
		mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: li.ID, From: day(12, 16), To: day(12, 16), Reason: "x"})
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.DecideLeave(ctx, team.ID, week.ID, teambot.LeaveApproved, "wangfang", "", t0); err != nil {
				return err
			}
			if err := tx.DecideLeave(ctx, team.ID, rejected.ID, teambot.LeaveRejected, "wangfang", "忙", t0); err != nil {
				return err
			}
			return tx.CancelLeave(ctx, team.ID, cancelled.ID, "zhangsan", t0)
		})
		for _, tc := range []struct {
			from, to teambot.Date
			half     string
			want     []int64
		}{
			{day(12, 4), day(12, 6), "", []int64{week.ID}},
			{day(11, 25), day(11, 30), "", []int64{week.ID}},
			{day(12, 2), day(12, 2), teambot.HalfAfternoon, []int64{week.ID}},
			{day(11, 25), day(12, 31), "", []int64{week.ID, morning.ID}},
			{day(12, 5), day(12, 7), "", nil},
			{day(12, 8), day(12, 8), teambot.HalfMorning, []int64{morning.ID}},
			{day(12, 8), day(12, 8), teambot.HalfAfternoon, nil},
			{day(12, 8), day(12, 8), "", []int64{morning.ID}},
			{day(12, 10), day(12, 14), "", nil}, // rejected and cancelled hold nothing
			{day(12, 16), day(12, 16), "", nil}, // another member's day
		} {
			var got []teambot.Leave
			update(t, db, func(tx *storage.Tx) (err error) {
				got, err = tx.OverlappingLeaves(ctx, team.ID, zhang.ID, tc.from, tc.to, tc.half)
				return err
			})
			var ids []int64
			for _, l := range got {
				ids = append(ids, l.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
				t.Errorf("OverlappingLeaves(%s..%s %q) = %v (%s), want %v", tc.from, tc.to, tc.half, ids, leaveSummary(got), tc.want)
			}
		}
	})
}

// pending → approved | rejected | cancelled, each once: the UPDATE's own
// WHERE refuses a second decision.
func TestLeaveTransitions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		newLeave := func(d int) teambot.Leave {
			return mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(12, d), To: day(12, d), Reason: "x"})
		}
		read := func(id int64) teambot.Leave {
			t.Helper()
			var l teambot.Leave
			update(t, db, func(tx *storage.Tx) (err error) { l, err = tx.LeaveByID(ctx, team.ID, id); return err })
			return l
		}
		decide := func(id int64, status, note string) error {
			return db.Update(ctx, func(tx *storage.Tx) error {
				return tx.DecideLeave(ctx, team.ID, id, status, "wangfang", note, t0.Add(time.Hour))
			})
		}
		cancel := func(id int64) error {
			return db.Update(ctx, func(tx *storage.Tx) error { return tx.CancelLeave(ctx, team.ID, id, "zhangsan", t0.Add(2*time.Hour)) })
		}

		approved := newLeave(1)
		if err := decide(approved.ID, teambot.LeaveApproved, ""); err != nil {
			t.Fatal(err)
		}
		if l := read(approved.ID); l.Status != teambot.LeaveApproved || l.DecidedBy != "wangfang" ||
			!l.DecidedAt.Equal(t0.Add(time.Hour).Truncate(time.Microsecond)) || l.DecidedAt.Location() != time.UTC {
			t.Errorf("approved: %+v", l)
		}
		rejected := newLeave(2)
		if err := decide(rejected.ID, teambot.LeaveRejected, "月底太忙"); err != nil {
			t.Fatal(err)
		}
		if l := read(rejected.ID); l.Status != teambot.LeaveRejected || l.DecisionNote != "月底太忙" {
			t.Errorf("rejected: %+v", l)
		}
		// A second decision, either way, is refused and changes nothing.
		for _, status := range []string{teambot.LeaveApproved, teambot.LeaveRejected} {
			if err := decide(rejected.ID, status, "改主意"); !errors.Is(err, teambot.ErrLeaveStatus) {
				t.Errorf("deciding a rejected request %s: err = %v, want ErrLeaveStatus", status, err)
			}
			if err := decide(approved.ID, status, "改主意"); !errors.Is(err, teambot.ErrLeaveStatus) {
				t.Errorf("deciding an approved request %s: err = %v, want ErrLeaveStatus", status, err)
			}
		}
		if l := read(rejected.ID); l.Status != teambot.LeaveRejected || l.DecisionNote != "月底太忙" {
			t.Errorf("a refused second decision changed the request: %+v", l)
		}
		if err := decide(approved.ID+100, teambot.LeaveApproved, ""); !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("deciding an unknown request: err = %v, want ErrNotFound", err)
		}
		if err := decide(newLeave(3).ID, teambot.LeaveCancelled, ""); err == nil {
			t.Error("DecideLeave accepted 'cancelled' as a decision")
		}
		other, fourth := mustTeam(t, db, "chat-2"), newLeave(4)
		err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.DecideLeave(ctx, other.ID, fourth.ID, teambot.LeaveApproved, "boss", "", t0)
		})
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("deciding another team's request: err = %v, want ErrNotFound", err)
		}

		// Pending and approved requests may be cancelled, once.
		pending := newLeave(5)
		for _, id := range []int64{pending.ID, approved.ID} {
			if err := cancel(id); err != nil {
				t.Fatal(err)
			}
			if l := read(id); l.Status != teambot.LeaveCancelled || l.DecidedBy != "zhangsan" || l.DecidedAt.IsZero() {
				t.Errorf("cancelled: %+v", l)
			}
			if err := cancel(id); !errors.Is(err, teambot.ErrLeaveStatus) {
				t.Errorf("cancelling twice: err = %v, want ErrLeaveStatus", err)
			}
		}
		if err := cancel(rejected.ID); !errors.Is(err, teambot.ErrLeaveStatus) {
			t.Errorf("cancelling a rejected request: err = %v, want ErrLeaveStatus", err)
		}
		if err := decide(pending.ID, teambot.LeaveApproved, ""); !errors.Is(err, teambot.ErrLeaveStatus) {
			t.Errorf("approving a cancelled request: err = %v, want ErrLeaveStatus", err)
		}
		if err := cancel(pending.ID + 100); !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("cancelling an unknown request: err = %v, want ErrNotFound", err)
		}
	})
}

// The database itself refuses requests that cannot be: an unknown status,
// half of several days, an end before the start, a decided request without
// a decision time and a member of another team.
func TestLeaveConstraints(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		other := mustTeam(t, db, "chat-2")
		const insert = `INSERT INTO leaves (team_id, member_id, from_day, to_day, half, reason, status, created_at, decided_at) VALUES (?, ?, ?, ?, ?, 'x', ?, ?, ?)`
		for _, tc := range []struct {
			name     string
			team     int64
			from, to teambot.Date
			half     string
			status   string
			decided  any
		}{
			{"status 'maybe'", team.ID, day(12, 1), day(12, 1), "", "maybe", t0},
			{"half of two days", team.ID, day(12, 1), day(12, 2), teambot.HalfMorning, "pending", nil},
			{"half 'evening'", team.ID, day(12, 1), day(12, 1), "晚上", "pending", nil},
			{"end before start", team.ID, day(12, 2), day(12, 1), "", "pending", nil},
			{"approved without a decision time", team.ID, day(12, 1), day(12, 1), "", "approved", nil},
			{"pending with a decision time", team.ID, day(12, 1), day(12, 1), "", "pending", t0},
			{"another team's member", other.ID, day(12, 1), day(12, 1), "", "pending", nil},
		} {
			err := db.Update(ctx, func(tx *storage.Tx) error {
				_, err := tx.Exec(ctx, insert, tc.team, zhang.ID, tc.from, tc.to, tc.half, tc.status, t0, tc.decided)
				return err
			})
			if err == nil {
				t.Errorf("%s: accepted", tc.name)
			}
		}
		l := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(12, 1), To: day(12, 1), Reason: "x"})
		err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE leaves SET status = 'approved' WHERE id = ?`, l.ID)
			return err
		})
		if err == nil {
			t.Error("approving without a decision time was accepted")
		}
		if s := db.Dialect(); s == storage.SQLite {
			err := db.Update(ctx, func(tx *storage.Tx) error {
				_, err := tx.Exec(ctx, insert, team.ID, zhang.ID, "12/1/2026", "2026-12-01", "", "pending", t0, nil)
				return err
			})
			if err == nil {
				t.Error("a day written 12/1/2026 was stored: text comparison of days would break")
			}
		}
	})
}

// Two requests of one member racing each other are checked one after the
// other: of several identical requests whose checks all run before any of
// them inserts (where the database lets them), exactly one is stored.
func TestConcurrentLeaveRequests(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		const n = 4
		var mu sync.Mutex
		checked, created := 0, 0
		allChecked := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.Update(ctx, func(tx *storage.Tx) error {
					clash, err := tx.OverlappingLeaves(ctx, team.ID, zhang.ID, day(12, 1), day(12, 3), "")
					if err != nil {
						return err
					}
					mu.Lock()
					if checked++; checked == n {
						close(allChecked)
					}
					mu.Unlock()
					// Give the others the chance to check too before this one
					// inserts; with the member locked they cannot, and the wait
					// runs out.
					select {
					case <-allChecked:
					case <-time.After(50 * time.Millisecond):
					}
					if len(clash) > 0 {
						return nil
					}
					mu.Lock()
					created++
					mu.Unlock()
					return tx.CreateLeave(ctx, &teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(12, 1), To: day(12, 3), Reason: "x", CreatedAt: t0})
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var all []teambot.Leave
		update(t, db, func(tx *storage.Tx) (err error) {
			all, err = tx.Leaves(ctx, teambot.LeaveFilter{TeamID: team.ID})
			return err
		})
		if len(all) != 1 || created != 1 {
			t.Errorf("stored %d requests (%d saw no clash), want exactly one", len(all), created)
		}
	})
}

// A pending request whose last day has passed expires once: ExpirableLeaves
// finds it in every team, ExpireLeave moves it pending → expired and
// refuses any other status, so a second expiry (another replica) changes
// nothing.
func TestExpireLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		other := mustTeam(t, db, "chat-2")
		wang := mustMember(t, db, other.ID, "wangwu", "王五")
		ended := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(11, 23), To: day(11, 24), Reason: "x"})
		mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: li.ID, From: day(11, 25), To: day(11, 25), Half: teambot.HalfAfternoon, Reason: "today"})
		approved := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: li.ID, From: day(11, 20), To: day(11, 20), Reason: "x"})
		update(t, db, func(tx *storage.Tx) error {
			return tx.DecideLeave(ctx, team.ID, approved.ID, teambot.LeaveApproved, "boss", "", t0)
		})
		elsewhere := mustLeave(t, db, teambot.Leave{TeamID: other.ID, MemberID: wang.ID, From: day(11, 2), To: day(11, 6), Reason: "x"})

		expirable := func() string {
			var ls []teambot.Leave
			update(t, db, func(tx *storage.Tx) (err error) { ls, err = tx.ExpirableLeaves(ctx, day(11, 25)); return err })
			return leaveSummary(ls)
		}
		want := fmt.Sprintf("#%d zhangsan 2026-11-23..2026-11-24 pending; #%d wangwu 2026-11-02..2026-11-06 pending", ended.ID, elsewhere.ID)
		if got := expirable(); got != want {
			t.Errorf("ExpirableLeaves = %s\nwant %s", got, want)
		}

		at := t0.Add(time.Hour)
		update(t, db, func(tx *storage.Tx) error { return tx.ExpireLeave(ctx, team.ID, ended.ID, at) })
		var got teambot.Leave
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.LeaveByID(ctx, team.ID, ended.ID); return err })
		if got.Status != teambot.LeaveExpired || !got.DecidedAt.Equal(at.UTC().Truncate(time.Microsecond)) || got.DecidedBy != "" {
			t.Errorf("expired request read back as %+v", got)
		}
		for _, id := range []int64{ended.ID, approved.ID} {
			err := db.Update(ctx, func(tx *storage.Tx) error { return tx.ExpireLeave(ctx, team.ID, id, at) })
			if !errors.Is(err, teambot.ErrLeaveStatus) {
				t.Errorf("ExpireLeave(#%d) again: err = %v, want ErrLeaveStatus", id, err)
			}
		}
		err := db.Update(ctx, func(tx *storage.Tx) error { return tx.ExpireLeave(ctx, team.ID, elsewhere.ID, at) })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("ExpireLeave of another team's request: err = %v, want ErrNotFound", err)
		}
		if got := expirable(); got != fmt.Sprintf("#%d wangwu 2026-11-02..2026-11-06 pending", elsewhere.ID) {
			t.Errorf("after expiry ExpirableLeaves = %s", got)
		}
	})
}

// Replicas expiring the same request at once: exactly one transaction
// changes it and enqueues its notice; the others see ErrLeaveStatus and
// enqueue nothing.
func TestConcurrentLeaveExpiry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		l := mustLeave(t, db, teambot.Leave{TeamID: team.ID, MemberID: zhang.ID, From: day(11, 23), To: day(11, 24), Reason: "x"})
		const n = 4
		var mu sync.Mutex
		expired := 0
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.Update(ctx, func(tx *storage.Tx) error {
					if err := tx.ExpireLeave(ctx, team.ID, l.ID, t0); err != nil {
						return err
					}
					return tx.Enqueue(ctx, []teambot.Outgoing{{TeamID: team.ID, Channel: teambot.ToUsers, Users: []string{"zhangsan"},
						Text: "过期了", Origin: "leave.expire"}}, t0)
				})
				switch {
				case err == nil:
					mu.Lock()
					expired++
					mu.Unlock()
				case !errors.Is(err, teambot.ErrLeaveStatus):
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var msgs []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			msgs, _, err = tx.LeaseOutbox(ctx, t0.Add(time.Minute), time.Minute, 10, "t")
			return err
		})
		if expired != 1 || len(msgs) != 1 {
			t.Errorf("%d transactions expired the request and %d notices were enqueued, want exactly one each", expired, len(msgs))
		}
	})
}
