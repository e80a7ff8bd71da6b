package storage_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A card's task id resolves to what the card stands for, in UTC; an
// unknown one is not found, and a task id is never stored twice.
func TestCardTasks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "g-cards")
		task := teambot.CardTask{TaskID: "vote-42_a@b", TeamID: team.ID, Kind: teambot.CardVote, Subject: 42, CreatedAt: t0}
		update(t, db, func(tx *storage.Tx) error { return tx.NewCardTask(ctx, task) })

		var got teambot.CardTask
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.CardTask(ctx, "vote-42_a@b"); return err })
		want := teambot.CardTask{TaskID: "vote-42_a@b", TeamID: team.ID, Kind: teambot.CardVote, Subject: 42,
			CreatedAt: t0.UTC().Truncate(time.Microsecond)}
		if got != want {
			t.Errorf("CardTask = %+v, want %+v", got, want)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt location = %v, want UTC", got.CreatedAt.Location())
		}

		err := db.View(ctx, func(tx *storage.Tx) error { _, err := tx.CardTask(ctx, "nope"); return err })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("CardTask(unknown): err = %v, want ErrNotFound", err)
		}

		err = db.Update(ctx, func(tx *storage.Tx) error {
			return tx.NewCardTask(ctx, teambot.CardTask{TaskID: "vote-42_a@b", TeamID: team.ID, Kind: teambot.CardLeave, Subject: 7, CreatedAt: t0})
		})
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("second task with the same id: err = %v, want ErrDuplicate", err)
		}
		// The refused one changed nothing.
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.CardTask(ctx, "vote-42_a@b"); return err })
		if got != want {
			t.Errorf("after the refused duplicate CardTask = %+v, want %+v", got, want)
		}

		// A task id longer than WeCom's 128 bytes is refused.
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.NewCardTask(ctx, teambot.CardTask{TaskID: strings.Repeat("x", 129), TeamID: team.ID, Kind: teambot.CardVote, Subject: 1, CreatedAt: t0})
		}); err == nil {
			t.Error("a 129-byte task id was stored")
		}
	})
}

// A supervisor waits for one reason at a time: a second click replaces the
// first; the reason is taken once, and one that ran out is dropped unused.
func TestCardReasons(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "g-reasons")
		update(t, db, func(tx *storage.Tx) error {
			for _, id := range []string{"leave-1", "join-2", "leave-3"} {
				if err := tx.NewCardTask(ctx, teambot.CardTask{TaskID: id, TeamID: team.ID, Kind: teambot.CardLeave, Subject: 1, CreatedAt: t0}); err != nil {
					return err
				}
			}
			return nil
		})
		take := func(userID string, now time.Time) (teambot.CardReason, bool) {
			t.Helper()
			var r teambot.CardReason
			var ok bool
			update(t, db, func(tx *storage.Tx) (err error) { r, ok, err = tx.TakeCardReason(ctx, userID, now); return err })
			return r, ok
		}

		until := t0.Add(10 * time.Minute)
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "leave-1", Key: "reject", Until: until}); err != nil {
				return err
			}
			return tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "join-2", Key: "reject_join", Until: until.Add(time.Minute)})
		})
		got, ok := take("boss", t0)
		want := teambot.CardReason{UserID: "boss", TaskID: "join-2", Key: "reject_join", Until: until.Add(time.Minute).UTC().Truncate(time.Microsecond)}
		if !ok || got != want {
			t.Errorf("TakeCardReason = %+v, %v; want %+v, true", got, ok, want)
		}
		if got.Until.Location() != time.UTC {
			t.Errorf("Until location = %v, want UTC", got.Until.Location())
		}
		if got, ok := take("boss", t0); ok || got != (teambot.CardReason{}) {
			t.Errorf("second TakeCardReason = %+v, %v; want nothing", got, ok)
		}
		if got, ok := take("nobody", t0); ok || got != (teambot.CardReason{}) {
			t.Errorf("TakeCardReason(no reason awaited) = %+v, %v; want nothing", got, ok)
		}

		// Until is exclusive: at Until the reason has run out, and it is
		// gone even for an earlier now afterwards.
		update(t, db, func(tx *storage.Tx) error {
			return tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "leave-3", Key: "reject", Until: until})
		})
		if got, ok := take("boss", until); ok || got != (teambot.CardReason{}) {
			t.Errorf("TakeCardReason at Until = %+v, %v; want nothing", got, ok)
		}
		if got, ok := take("boss", t0); ok {
			t.Errorf("expired reason was kept: TakeCardReason = %+v", got)
		}

		// Dropped, it is not taken; dropping none is no error. Another
		// user's reason stays.
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "leave-3", Key: "reject", Until: until}); err != nil {
				return err
			}
			if err := tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "deputy", TaskID: "leave-1", Key: "reject", Until: until}); err != nil {
				return err
			}
			if err := tx.DropCardReason(ctx, "boss"); err != nil {
				return err
			}
			return tx.DropCardReason(ctx, "boss")
		})
		if got, ok := take("boss", t0); ok {
			t.Errorf("dropped reason was taken: %+v", got)
		}
		if got, ok := take("deputy", t0); !ok || got.TaskID != "leave-1" {
			t.Errorf("deputy's reason = %+v, %v; want leave-1", got, ok)
		}

		// A reason is for a stored card only.
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.AwaitCardReason(ctx, teambot.CardReason{UserID: "boss", TaskID: "no-such-card", Key: "reject", Until: until})
		}); err == nil {
			t.Error("a reason for an unknown card was stored")
		}
	})
}

// An outgoing message keeps its card through the outbox, all of it; one
// without a card comes back without one.
func TestOutboxCards(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "g-outbox-cards")
		vote := &teambot.Card{Kind: teambot.CardVote, Subject: 9, TaskID: "vote-9-1", Title: "周五团建去哪", Desc: "截止 12月5日 18:00",
			Lines: []teambot.CardLine{{Label: "发起人", Value: "王芳"}, {Label: "规则", Value: "过半数"}},
			Note:  "也可以输入 /投票 9 选项",
			Choice: &teambot.CardChoice{Options: []teambot.CardOption{{ID: "1", Text: "爬山"}, {ID: "2", Text: "火锅"}},
				Chosen: "2", Submit: "投票", Key: "vote_submit"}}
		leave := &teambot.Card{Kind: teambot.CardLeave, Subject: 3, TaskID: "leave-3-1", Title: "李四请假",
			Buttons: []teambot.CardButton{{Key: "approve", Text: "批准", Primary: true}, {Key: "reject", Text: "驳回"}},
			Done:    "已批准 · 王芳 12月3日 10:02"}
		msgs := []teambot.Outgoing{
			{TeamID: team.ID, Channel: teambot.ToGroup, Text: "投票：周五团建去哪", Origin: "vote 9", Card: vote},
			{TeamID: team.ID, Channel: teambot.ToUsers, Users: []string{"boss"}, Text: "李四请假", Origin: "leave 3", Card: leave},
			{TeamID: team.ID, Channel: teambot.ToUsers, Users: []string{"boss"}, Text: "只有文字", Origin: "plain"},
		}
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msgs, t0) })
		var leased []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			leased, _, err = tx.LeaseOutbox(ctx, t0, time.Minute, 10, "tok")
			return err
		})
		if len(leased) != 3 {
			t.Fatalf("leased %d messages, want 3", len(leased))
		}
		for i, got := range leased {
			want := msgs[i]
			want.ID = got.ID
			if !reflect.DeepEqual(got, want) {
				t.Errorf("message %d:\n got %+v (card %+v)\nwant %+v (card %+v)", i, got, got.Card, want, want.Card)
			}
		}
		if leased[2].Card != nil {
			t.Errorf("message without a card came back with %+v", leased[2].Card)
		}
		if c := leased[0].Card; c == nil || c.Choice == nil || len(c.Choice.Options) != 2 || c.Choice.Options[1].Text != "火锅" {
			t.Errorf("vote card came back as %+v", c)
		}
		if c := leased[1].Card; c == nil || len(c.Buttons) != 2 || !c.Buttons[0].Primary || c.Done != "已批准 · 王芳 12月3日 10:02" {
			t.Errorf("leave card came back as %+v", c)
		}
	})
}

// A card that no longer decodes leaves its message to go as text, rather
// than stop the outbox behind it; once sent and past the retention the card goes with the
// text (R14).
func TestOutboxCardStored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		card := &teambot.Card{Kind: teambot.CardCheckIn, Subject: 5, TaskID: "checkin-5", Title: "会前签到",
			Buttons: []teambot.CardButton{{Key: "checkin", Text: "签到", Primary: true}}}
		update(t, db, func(tx *storage.Tx) error {
			return tx.Enqueue(ctx, []teambot.Outgoing{{Channel: teambot.ToUsers, Users: []string{"zhangsan"}, Text: "会前签到", Origin: "checkin", Card: card}}, t0)
		})
		var leased []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			leased, _, err = tx.LeaseOutbox(ctx, t0, time.Minute, 10, "tok")
			return err
		})
		if len(leased) != 1 || !reflect.DeepEqual(leased[0].Card, card) {
			t.Fatalf("leased %+v, want the check-in card", leased)
		}
		update(t, db, func(tx *storage.Tx) error { return tx.MarkSent(ctx, leased[0].ID, "tok", t0) })
		update(t, db, func(tx *storage.Tx) error {
			n, err := tx.ForgetOutboxBodies(ctx, t0.Add(time.Hour))
			if err == nil && n != 1 {
				t.Errorf("forgot %d messages, want 1", n)
			}
			return err
		})
		update(t, db, func(tx *storage.Tx) error {
			body, err := tx.OutboxBody(ctx, leased[0].ID)
			if err != nil {
				return err
			}
			stored, err := tx.OutboxCard(ctx, leased[0].ID)
			if err == nil && (body != "" || stored != "") {
				t.Errorf("past the retention the message keeps body %q and card %q, want neither", body, stored)
			}
			return err
		})

		update(t, db, func(tx *storage.Tx) error {
			if err := tx.Enqueue(ctx, []teambot.Outgoing{{Channel: teambot.ToUsers, Users: []string{"lisi"}, Text: "坏的", Origin: "bad", Card: card}}, t0); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE outbox SET card = ? WHERE origin = 'bad'`, `{"Kind": 5`)
			return err
		})
		var bad []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			bad, _, err = tx.LeaseOutbox(ctx, t0, time.Minute, 10, "tok2")
			return err
		})
		if len(bad) != 1 || bad[0].Card != nil || bad[0].Text != "坏的" {
			t.Errorf("a message whose card does not decode leased as %+v, want its text without the card", bad)
		}
	})
}

// An outgoing message's attachment — what file to make when it is sent,
// never the bytes — comes back from the outbox as it went in.
func TestOutboxAttachmentStored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		att := &teambot.Attachment{Kind: teambot.AttachMonthlyWorkbook, Ref: "2026-11", Name: "市场部-2026-11-月度工作报告.xlsx"}
		update(t, db, func(tx *storage.Tx) error {
			return tx.Enqueue(ctx, []teambot.Outgoing{
				{Channel: teambot.ToUsers, Users: []string{"wangfang"}, Text: "Excel 版", Origin: "monthly", Attachment: att},
				{Channel: teambot.ToUsers, Users: []string{"wangfang"}, Text: "没有附件", Origin: "plain"},
			}, t0)
		})
		var leased []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			leased, _, err = tx.LeaseOutbox(ctx, t0, time.Minute, 10, "tok")
			return err
		})
		if len(leased) != 2 || !reflect.DeepEqual(leased[0].Attachment, att) || leased[1].Attachment != nil {
			t.Fatalf("leased %+v, want the attachment on the first only", leased)
		}
	})
}
