package storage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A request keeps every version and decision (R15): a revision adds a
// version and leaves the first as it was, a second decision is
// ErrAlreadyDecided, another team's id is not found, and the history
// tables refuse UPDATE and DELETE.
func TestApprovalVersionsAndDecisions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		other := mustTeam(t, db, "chat-2")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		plan := t0.Add(30 * time.Hour)
		a := teambot.Approval{TeamID: team.ID, Kind: teambot.ApprovalPost, MemberID: zhang.ID, Platform: "公众号", CreatedAt: t0,
			Status: teambot.ApprovalApproved, ApprovalContent: teambot.ApprovalContent{Title: "双十二预告'); DROP TABLE approvals; --", Link: "https://x/1", PlanAt: plan, Campaign: true}}
		update(t, db, func(tx *storage.Tx) error { return tx.CreateApproval(ctx, &a) })
		if a.ID == 0 || a.Status != teambot.ApprovalPending || a.Version != 1 {
			t.Fatalf("created %+v, want an id, pending, version 1", a)
		}
		var got teambot.Approval
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.ApprovalByID(ctx, team.ID, a.ID); return err })
		if got.Title != a.Title || got.UserID != "zhangsan" || got.Name != "张三" || !got.PlanAt.Equal(plan.Truncate(time.Microsecond)) || !got.Campaign || got.Link != "https://x/1" {
			t.Errorf("ApprovalByID = %+v", got)
		}
		err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.ApprovalByID(ctx, other.ID, a.ID); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("another team's id: %v, want ErrNotFound", err)
		}

		update(t, db, func(tx *storage.Tx) error {
			return tx.DecideApproval(ctx, team.ID, a.ID, teambot.EventReturned, "wangfang", "标题太长", t0.Add(time.Hour))
		})
		err = db.Update(ctx, func(tx *storage.Tx) error {
			return tx.DecideApproval(ctx, team.ID, a.ID, teambot.EventApproved, "wangfang", "", t0.Add(time.Hour))
		})
		if !errors.Is(err, teambot.ErrAlreadyDecided) {
			t.Errorf("deciding a returned request: %v, want ErrAlreadyDecided", err)
		}
		var version int
		update(t, db, func(tx *storage.Tx) (err error) {
			version, err = tx.ReviseApproval(ctx, team.ID, a.ID, teambot.ApprovalContent{Title: "双十二"}, "zhangsan", t0.Add(2*time.Hour))
			return err
		})
		if version != 2 {
			t.Errorf("revision is version %d, want 2", version)
		}
		update(t, db, func(tx *storage.Tx) error {
			return tx.DecideApproval(ctx, team.ID, a.ID, teambot.EventApproved, "wangfang", "", t0.Add(3*time.Hour))
		})
		update(t, db, func(tx *storage.Tx) error {
			return tx.PublishApproval(ctx, team.ID, a.ID, "zhangsan", "https://x/2", t0.Add(4*time.Hour))
		})
		err = db.Update(ctx, func(tx *storage.Tx) error { return tx.PublishApproval(ctx, team.ID, a.ID, "zhangsan", "", t0) })
		if !errors.Is(err, teambot.ErrAlreadyDecided) {
			t.Errorf("publishing twice: %v, want ErrAlreadyDecided", err)
		}
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.ApprovalByID(ctx, team.ID, a.ID); return err })
		if got.Status != teambot.ApprovalPublished || got.Version != 2 || got.Title != "双十二" || got.DecidedBy != "wangfang" {
			t.Errorf("after revise, approve, publish: %+v", got)
		}
		var versions []teambot.ApprovalVersion
		var events []teambot.ApprovalEvent
		update(t, db, func(tx *storage.Tx) (err error) {
			versions, events, err = tx.ApprovalHistory(ctx, team.ID, a.ID)
			return err
		})
		if len(versions) != 2 || versions[0].Title != a.Title || versions[1].Title != "双十二" || versions[0].By != "zhangsan" {
			t.Errorf("versions: %+v", versions)
		}
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind+":"+e.Note)
		}
		if want := "submitted:|returned:标题太长|revised:|approved:|published:https://x/2"; strings.Join(kinds, "|") != want {
			t.Errorf("events %q, want %q", strings.Join(kinds, "|"), want)
		}
		for _, q := range []string{`UPDATE approval_versions SET title = 'x'`, `DELETE FROM approval_events`} {
			err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
	})
}

// Filters, placement results (the latest counts) and platform review
// settings (names compared ignoring case).
func TestApprovalListsResultsAndReviews(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		mk := func(kind string, m teambot.Member, at time.Time) teambot.Approval {
			a := teambot.Approval{TeamID: team.ID, Kind: kind, MemberID: m.ID, CreatedAt: at,
				ApprovalContent: teambot.ApprovalContent{Title: "t", Budget: 300000, Currency: "CNY", EndDay: teambot.Date{Year: 2026, Month: 12, Day: 12}}}
			update(t, db, func(tx *storage.Tx) error { return tx.CreateApproval(ctx, &a) })
			return a
		}
		p := mk(teambot.ApprovalPlacement, li, t0.Add(time.Hour))
		mk(teambot.ApprovalPartner, zhang, t0)
		var list []teambot.Approval
		update(t, db, func(tx *storage.Tx) (err error) {
			list, err = tx.Approvals(ctx, teambot.ApprovalFilter{TeamID: team.ID, Statuses: []string{teambot.ApprovalPending}})
			return err
		})
		if len(list) != 2 || list[0].Kind != teambot.ApprovalPartner || list[1].EndDay != p.EndDay || list[1].Budget != 300000 {
			t.Errorf("pending, oldest first: %+v", list)
		}
		update(t, db, func(tx *storage.Tx) (err error) {
			list, err = tx.Approvals(ctx, teambot.ApprovalFilter{TeamID: team.ID, Kinds: []string{teambot.ApprovalPlacement}, MemberID: li.ID})
			return err
		})
		if len(list) != 1 || list[0].ID != p.ID {
			t.Errorf("李四's placements: %+v", list)
		}
		for i, spend := range []int64{100, 280000} {
			update(t, db, func(tx *storage.Tx) error {
				return tx.AddPlacementResult(ctx, teambot.PlacementResult{TeamID: team.ID, ApprovalID: p.ID, Exposure: 12000, Clicks: -1, Spend: spend, Note: "ok", By: "lisi", At: t0.Add(time.Duration(i) * time.Hour)})
			})
		}
		var results map[int64]teambot.PlacementResult
		update(t, db, func(tx *storage.Tx) (err error) { results, err = tx.PlacementResults(ctx, team.ID); return err })
		if r := results[p.ID]; r.Spend != 280000 || r.Exposure != 12000 || r.Clicks != -1 || len(results) != 1 {
			t.Errorf("results: %+v", results)
		}
		err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE placement_results SET note = 'x'`)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("changing a result: err = %v, want the append-only refusal", err)
		}

		var review, set bool
		update(t, db, func(tx *storage.Tx) (err error) {
			review, set, err = tx.PlatformReview(ctx, team.ID, "公众号")
			return err
		})
		if review || set {
			t.Errorf("unset review: %v %v", review, set)
		}
		update(t, db, func(tx *storage.Tx) error { return tx.SetPlatformReview(ctx, team.ID, "Weibo", true, "wangfang", t0) })
		update(t, db, func(tx *storage.Tx) error {
			return tx.SetPlatformReview(ctx, team.ID, " weibo ", false, "wangfang", t0)
		})
		update(t, db, func(tx *storage.Tx) (err error) {
			review, set, err = tx.PlatformReview(ctx, team.ID, "WEIBO")
			return err
		})
		if review || !set {
			t.Errorf("review after 开 then 关: %v %v", review, set)
		}
	})
}
