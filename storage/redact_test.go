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

// R14: a report is redacted in every version of its week and no other, a
// second redaction finds nothing left, another team's id is not found.
func TestRedactText(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		week := teambot.WeekOf(t0)
		v1 := submit(t, db, teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: week, Text: "登录用 s3cret", SubmittedAt: t0})
		submit(t, db, teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: week, Text: "登录用 s3cret（补充）", SubmittedAt: t0})
		last := submit(t, db, teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: week.Prev(), Text: "上周的", SubmittedAt: t0})

		var texts []string
		update(t, db, func(tx *storage.Tx) (err error) {
			texts, err = tx.RedactText(ctx, team.ID, teambot.RedactReport, v1.ID)
			return err
		})
		if strings.Join(texts, "|") != "登录用 s3cret|登录用 s3cret（补充）" && strings.Join(texts, "|") != "登录用 s3cret（补充）|登录用 s3cret" {
			t.Errorf("redacted %q, want both versions' texts", texts)
		}
		var history []teambot.Report
		update(t, db, func(tx *storage.Tx) (err error) {
			history, err = tx.ReportHistory(ctx, team.ID, zhang.ID, week.Prev(), week)
			return err
		})
		for _, r := range history {
			want := teambot.Redacted
			if r.ID == last.ID {
				want = "上周的"
			}
			if r.Text != want {
				t.Errorf("%s v%d reads %q, want %q", r.Week, r.Version, r.Text, want)
			}
		}
		update(t, db, func(tx *storage.Tx) (err error) {
			texts, err = tx.RedactText(ctx, team.ID, teambot.RedactReport, v1.ID)
			return err
		})
		if len(texts) != 0 {
			t.Errorf("a second redaction found %q", texts)
		}
		other := mustTeam(t, db, "chat-2")
		err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.RedactText(ctx, other.ID, teambot.RedactReport, last.ID)
			return err
		})
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("another team's report: err = %v, want ErrNotFound", err)
		}
	})
}

// Only a team's messages not yet sent lose the text; only the audit rows
// about the target that quote it are blanked, and the database allows no
// other change to the audit log or the update log.
func TestRedactCopies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		other := mustTeam(t, db, "chat-2")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		msg := func(teamID int64, text string) []teambot.Outgoing {
			return []teambot.Outgoing{{TeamID: teamID, Channel: teambot.ToUsers, Users: []string{"boss"}, Text: text, Origin: "test"}}
		}
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msg(team.ID, "已发出：s3cret"), t0) })
		var sent []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			if sent, _, err = tx.LeaseOutbox(ctx, t0, time.Minute, 1, "tok"); err != nil {
				return err
			}
			return tx.MarkSent(ctx, sent[0].ID, "tok", t0)
		})
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msg(team.ID, "待发：s3cret 和 s3cret"), t0) })
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msg(other.ID, "别的团队：s3cret"), t0) })
		var n int64
		update(t, db, func(tx *storage.Tx) (err error) { n, err = tx.RedactOutbox(ctx, team.ID, "s3cret"); return err })
		if n != 1 {
			t.Errorf("redacted %d waiting messages, want 1", n)
		}
		update(t, db, func(tx *storage.Tx) error {
			for id, want := range map[int64]string{sent[0].ID: "已发出：s3cret", sent[0].ID + 1: "待发：[已删除] 和 [已删除]", sent[0].ID + 2: "别的团队：s3cret"} {
				if body, err := tx.OutboxBody(ctx, id); err != nil || body != want {
					t.Errorf("outbox %d: %q, %v; want %q", id, body, err, want)
				}
			}
			return nil
		})

		for _, e := range []teambot.AuditEntry{
			{TeamID: team.ID, Actor: "zhangsan", Action: "vote.create", Target: "vote#1", Detail: "表决「s3cret」", At: t0},
			{TeamID: team.ID, Actor: "zhangsan", Action: "vote.ballot", Target: "vote#1", Detail: "同意", At: t0},
			{TeamID: team.ID, Actor: "zhangsan", Action: "vote.create", Target: "vote#2", Detail: "表决「s3cret」", At: t0},
		} {
			update(t, db, func(tx *storage.Tx) error { return tx.Audit(ctx, &e) })
		}
		update(t, db, func(tx *storage.Tx) (err error) {
			n, err = tx.RedactAudit(ctx, team.ID, "vote#1", "s3cret")
			return err
		})
		var log []teambot.AuditEntry
		update(t, db, func(tx *storage.Tx) (err error) { log, err = tx.AuditLog(ctx, team.ID, 10); return err })
		if n != 1 || len(log) != 3 || log[2].Detail != teambot.Redacted || log[1].Detail != "同意" || log[0].Detail != "表决「s3cret」" {
			t.Errorf("redacted %d audit rows: %+v", n, log)
		}

		u := teambot.PlatformUpdate{TeamID: team.ID, Platform: "公众号", Title: "s3cret", MemberID: zhang.ID, At: t0, Week: teambot.WeekOf(t0)}
		update(t, db, func(tx *storage.Tx) error { return tx.AddPlatformUpdate(ctx, &u) })
		for _, q := range []string{
			`UPDATE audit_log SET detail = '[已删除]', actor = 'x'`,
			`UPDATE audit_log SET detail = '[已删除] x'`,
			`UPDATE platform_updates SET title = '[已删除]', platform = '微博'`,
			`UPDATE platform_updates SET title = 'x'`,
		} {
			err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
		update(t, db, func(tx *storage.Tx) (err error) {
			_, err = tx.RedactText(ctx, team.ID, teambot.RedactUpdate, u.ID)
			return err
		})
	})
}
