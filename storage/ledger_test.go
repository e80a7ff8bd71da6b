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

func mustEntry(t *testing.T, db *storage.DB, e teambot.LedgerEntry) teambot.LedgerEntry {
	t.Helper()
	update(t, db, func(tx *storage.Tx) error { return tx.AddLedgerEntry(ctx, &e) })
	return e
}

// R17-R19: the ledger is append-only, an entry is revoked once, and only
// the rulebook's levels are stored.
func TestLedgerIsAppendOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zs := mustMember(t, db, team.ID, "zhangsan", "张三")
		ls := mustMember(t, db, team.ID, "lisi", "李四")
		reward := mustEntry(t, db, teambot.LedgerEntry{TeamID: team.ID, MemberID: zs.ID, Kind: teambot.LedgerReward,
			Level: "三等功", Reason: "推文破十万", Ground: 4, By: "wangfang", At: t0, MsgID: "m1"})
		warn := mustEntry(t, db, teambot.LedgerEntry{TeamID: team.ID, MemberID: ls.ID, Kind: teambot.LedgerPenalty,
			Level: "警告", Reason: "未交周报", By: "wangfang", At: t0.Add(time.Hour)})
		rev := mustEntry(t, db, teambot.LedgerEntry{TeamID: team.ID, MemberID: zs.ID, Kind: teambot.LedgerRevocation,
			Reason: "记错了人", By: "wangfang", At: t0.Add(2 * time.Hour), Revokes: reward.ID})

		var got teambot.LedgerEntry
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.LedgerEntryByID(ctx, team.ID, reward.ID); return err })
		if got.RevokedBy != rev.ID || got.Name != "张三" || got.UserID != "zhangsan" || !got.At.Equal(t0.Truncate(time.Microsecond)) || got.Level != "三等功" || got.MsgID != "m1" || got.Ground != 4 {
			t.Errorf("read back %+v", got)
		}

		// A second revocation of one entry is refused by the database.
		err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.AddLedgerEntry(ctx, &teambot.LedgerEntry{TeamID: team.ID, MemberID: zs.ID, Kind: teambot.LedgerRevocation,
				Reason: "again", By: "wangfang", At: t0, Revokes: reward.ID})
		})
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("second revocation: %v, want ErrDuplicate", err)
		}
		// Levels outside the rulebook, a missing reason, a revocation without
		// its target: refused.
		for name, e := range map[string]teambot.LedgerEntry{
			"unknown level":           {Kind: teambot.LedgerPenalty, Level: "记过", Reason: "x"},
			"reward level as penalty": {Kind: teambot.LedgerPenalty, Level: "三等功", Reason: "x"},
			"no reason":               {Kind: teambot.LedgerReward, Level: "三等功"},
			"revocation of nothing":   {Kind: teambot.LedgerRevocation, Reason: "x"},
			"ground outside the list": {Kind: teambot.LedgerReward, Level: "三等功", Reason: "x", Ground: 6},
		} {
			e.TeamID, e.MemberID, e.By, e.At = team.ID, zs.ID, "wangfang", t0
			if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.AddLedgerEntry(ctx, &e) }); err == nil {
				t.Errorf("%s: stored", name)
			}
		}
		for _, q := range []string{`UPDATE ledger_entries SET reason = 'x'`, `DELETE FROM ledger_entries`} {
			err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}

		var all, lisi, late, last []teambot.LedgerEntry
		update(t, db, func(tx *storage.Tx) (err error) {
			if all, err = tx.LedgerEntries(ctx, teambot.LedgerFilter{TeamID: team.ID}); err != nil {
				return err
			}
			if lisi, err = tx.LedgerEntries(ctx, teambot.LedgerFilter{TeamID: team.ID, MemberID: ls.ID}); err != nil {
				return err
			}
			if late, err = tx.LedgerEntries(ctx, teambot.LedgerFilter{TeamID: team.ID, From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)}); err != nil {
				return err
			}
			last, err = tx.LedgerEntries(ctx, teambot.LedgerFilter{TeamID: team.ID, Limit: 2})
			return err
		})
		ids := func(es []teambot.LedgerEntry) []int64 {
			var out []int64
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		for name, c := range map[string]struct{ got, want []int64 }{
			"all":        {ids(all), []int64{reward.ID, warn.ID, rev.ID}},
			"lisi":       {ids(lisi), []int64{warn.ID}},
			"from..to":   {ids(late), []int64{warn.ID}},
			"latest two": {ids(last), []int64{warn.ID, rev.ID}},
		} {
			if len(c.got) != len(c.want) {
				t.Errorf("%s: %v, want %v", name, c.got, c.want)
				continue
			}
			for i := range c.got {
				if c.got[i] != c.want[i] {
					t.Errorf("%s: %v, want %v", name, c.got, c.want)
					break
				}
			}
		}
	})
}

func TestDecideMeetingProposal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		ls := mustMember(t, db, team.ID, "lisi", "李四")
		var p teambot.MeetingProposal
		update(t, db, func(tx *storage.Tx) error {
			var ids []int64
			for i := range 2 {
				m := teambot.Meeting{TeamID: team.ID, StartsAt: t0.Add(time.Duration(i) * 7 * 24 * time.Hour), Duration: time.Hour, CreatedBy: "wangfang", CreatedAt: t0}
				if err := tx.CreateMeeting(ctx, &m); err != nil {
					return err
				}
				ids = append(ids, m.ID)
			}
			p = teambot.MeetingProposal{TeamID: team.ID, MemberID: ls.ID, FirstMeetingID: ids[0], SecondMeetingID: ids[1], CreatedAt: t0}
			_, err := tx.CreateMeetingProposal(ctx, &p)
			return err
		})
		update(t, db, func(tx *storage.Tx) error {
			return tx.DecideMeetingProposal(ctx, team.ID, p.ID, teambot.ProposalConfirmed, "wangfang", t0)
		})
		err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.DecideMeetingProposal(ctx, team.ID, p.ID, teambot.ProposalDismissed, "wangfang", t0)
		})
		if !errors.Is(err, teambot.ErrAlreadyDecided) {
			t.Errorf("second decision: %v, want ErrAlreadyDecided", err)
		}
		err = db.Update(ctx, func(tx *storage.Tx) error {
			return tx.DecideMeetingProposal(ctx, team.ID+1, p.ID, teambot.ProposalDismissed, "wangfang", t0)
		})
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("another team's proposal: %v, want ErrNotFound", err)
		}
	})
}
