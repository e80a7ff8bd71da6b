package storage_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// us is t as the database keeps it: UTC, to the microsecond.
func us(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func mustVote(t *testing.T, db *storage.DB, v teambot.Vote) teambot.Vote {
	t.Helper()
	if v.Kind == "" {
		v.Kind = teambot.VoteMotion
	}
	if v.Options == nil && v.Kind == teambot.VoteMotion {
		v.Options = teambot.MotionOptions
	}
	if v.Rule == (teambot.VoteRule{}) && v.Kind == teambot.VoteMotion {
		v.Rule = teambot.DefaultVoteRule
	}
	if v.Title == "" {
		v.Title = "议题"
	}
	if v.CreatedBy == "" {
		v.CreatedBy = "zhangsan"
	}
	if v.CreatedAt.IsZero() {
		v.CreatedAt = t0
	}
	if v.Deadline.IsZero() {
		v.Deadline = t0.Add(24 * time.Hour)
	}
	update(t, db, func(tx *storage.Tx) error { return tx.CreateVote(ctx, &v) })
	return v
}

func readVote(t *testing.T, db *storage.DB, teamID, id int64) teambot.Vote {
	t.Helper()
	var v teambot.Vote
	update(t, db, func(tx *storage.Tx) (err error) { v, err = tx.VoteByID(ctx, teamID, id); return err })
	return v
}

func voteIDs(vs []teambot.Vote) []int64 {
	ids := []int64{}
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	return ids
}

// closeVote closes v with outcome at the given time.
func closeVote(t *testing.T, db *storage.DB, v teambot.Vote, outcome string, at time.Time) {
	t.Helper()
	v.Outcome, v.ClosedBy, v.ClosedAt = outcome, "system", at
	update(t, db, func(tx *storage.Tx) error { return tx.CloseVote(ctx, v) })
}

func TestVoteRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		wang := mustMember(t, db, team.ID, "wangfang", "王芳", teambot.RoleSupervisor)
		deadline := time.Date(2026, 11, 27, 20, 0, 0, 987654321, time.FixedZone("CST", 8*3600))

		motion := teambot.Vote{TeamID: team.ID, Title: "双十二预算增加到 5000 元'); DROP TABLE votes; --", Kind: teambot.VoteMotion,
			Options: teambot.MotionOptions, Live: true,
			Rule:      teambot.VoteRule{Pass: teambot.Share{Num: 2, Den: 3, AtLeast: true}, Quorum: teambot.Share{}},
			CreatedBy: "zhangsan", CreatorMember: zhang.ID, CreatedAt: t0, Deadline: deadline,
			Status: teambot.VoteClosed, Outcome: teambot.OutcomePassed, ClosedBy: "sneaky", ClosedAt: t0, Eligible: 9,
			PassedBeforeVeto: true, VetoedBy: "sneaky"}
		update(t, db, func(tx *storage.Tx) error { return tx.CreateVote(ctx, &motion) })
		want := teambot.Vote{ID: motion.ID, TeamID: team.ID, Title: motion.Title, Kind: teambot.VoteMotion,
			Options: []string{"同意", "反对", "弃权"}, Live: true, Rule: motion.Rule,
			CreatedBy: "zhangsan", CreatorMember: zhang.ID, CreatedAt: us(t0), Deadline: us(deadline), Status: teambot.VoteOpen}
		if motion.ID == 0 || !reflect.DeepEqual(motion, want) {
			t.Fatalf("created\n %+v\nwant an id, open and nothing closed whatever the caller set:\n %+v", motion, want)
		}
		if got := readVote(t, db, team.ID, motion.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("VoteByID(motion) =\n %+v\nwant\n %+v", got, want)
		}

		poll := mustVote(t, db, teambot.Vote{TeamID: team.ID, Title: "团建去哪", Kind: teambot.VotePoll,
			Options: []string{"爬山", "桌游", "火锅, \"麻辣\""}, Anonymous: true, CreatedBy: "wangfang", CreatorMember: wang.ID,
			CreatedAt: t0.Add(time.Minute), Deadline: deadline.Add(time.Hour)})
		wantPoll := teambot.Vote{ID: poll.ID, TeamID: team.ID, Title: "团建去哪", Kind: teambot.VotePoll,
			Options: []string{"爬山", "桌游", "火锅, \"麻辣\""}, Anonymous: true, CreatedBy: "wangfang", CreatorMember: wang.ID,
			CreatedAt: us(t0.Add(time.Minute)), Deadline: us(deadline.Add(time.Hour)), Status: teambot.VoteOpen}
		got := readVote(t, db, team.ID, poll.ID)
		if !reflect.DeepEqual(got, wantPoll) {
			t.Errorf("VoteByID(poll) =\n %+v\nwant\n %+v", got, wantPoll)
		}
		if got.CreatedAt.Location() != time.UTC || got.Deadline.Location() != time.UTC {
			t.Errorf("times come back in %v and %v, want UTC", got.CreatedAt.Location(), got.Deadline.Location())
		}

		// Every closing field, with a veto while open; counted as of the
		// closing time when no other moment is given.
		closed := want
		closed.Outcome, closed.ClosedBy, closed.ClosedAt = teambot.OutcomeVetoed, "wangfang", t0.Add(2*time.Hour)
		closed.Eligible, closed.EligibleCast = 7, 5
		closed.VetoedBy, closed.VetoReason, closed.VetoedAt = "wangfang", "预算不够", t0.Add(2*time.Hour)
		update(t, db, func(tx *storage.Tx) error { return tx.CloseVote(ctx, closed) })
		closed.Status, closed.ClosedAt, closed.VetoedAt = teambot.VoteClosed, us(closed.ClosedAt), us(closed.VetoedAt)
		closed.AsOf = closed.ClosedAt
		if got := readVote(t, db, team.ID, motion.ID); !reflect.DeepEqual(got, closed) {
			t.Errorf("closed motion =\n %+v\nwant\n %+v", got, closed)
		}
		// Closed late: announced two hours after the deadline it is counted as of.
		counted := wantPoll
		counted.Outcome, counted.ClosedBy, counted.ClosedAt, counted.AsOf, counted.Eligible, counted.EligibleCast =
			teambot.OutcomeCounted, "system", deadline.Add(3*time.Hour), deadline.Add(time.Hour), 7, 3
		update(t, db, func(tx *storage.Tx) error { return tx.CloseVote(ctx, counted) })
		counted.Status, counted.ClosedAt, counted.AsOf = teambot.VoteClosed, us(counted.ClosedAt), us(counted.AsOf)
		got = readVote(t, db, team.ID, poll.ID)
		if !reflect.DeepEqual(got, counted) || !got.VetoedAt.IsZero() {
			t.Errorf("closed poll =\n %+v\nwant\n %+v", got, counted)
		}

		// Ids are team-scoped: another team's vote is not found.
		other := mustTeam(t, db, "chat-2")
		for _, tc := range []struct {
			team, id int64
		}{{other.ID, motion.ID}, {team.ID, poll.ID + 100}} {
			err := db.View(ctx, func(tx *storage.Tx) error { _, err := tx.VoteByID(ctx, tc.team, tc.id); return err })
			if !errors.Is(err, teambot.ErrNotFound) {
				t.Errorf("VoteByID(team %d, %d): err = %v, want ErrNotFound", tc.team, tc.id, err)
			}
			err = db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.LockVote(ctx, tc.team, tc.id, t0); return err })
			if !errors.Is(err, teambot.ErrNotFound) {
				t.Errorf("LockVote(team %d, %d): err = %v, want ErrNotFound", tc.team, tc.id, err)
			}
		}
	})
}

func TestVoteRule(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		other := mustTeam(t, db, "chat-2")
		update(t, db, func(tx *storage.Tx) error {
			if r, err := tx.VoteRule(ctx, team.ID); err != nil || r != teambot.DefaultVoteRule {
				t.Errorf("new team: rule %+v, %v; want the default", r, err)
			}
			for _, r := range []teambot.VoteRule{
				{Pass: teambot.Share{Num: 2, Den: 3, AtLeast: true}, Quorum: teambot.Share{Num: 1, Den: 3}},
				{Pass: teambot.Share{Num: 1, Den: 2}},
			} {
				if err := tx.SetVoteRule(ctx, team.ID, r, t0); err != nil {
					return err
				}
				if got, err := tx.VoteRule(ctx, team.ID); err != nil || got != r {
					t.Errorf("rule = %+v, %v; want %+v", got, err, r)
				}
			}
			if r, err := tx.VoteRule(ctx, other.ID); err != nil || r != teambot.DefaultVoteRule {
				t.Errorf("other team: rule %+v, %v; want the default", r, err)
			}
			return nil
		})
		for _, r := range []teambot.VoteRule{
			{},
			{Pass: teambot.Share{Num: 3, Den: 2}},
			{Pass: teambot.Share{Num: 1, Den: 2}, Quorum: teambot.Share{Num: 1}},
		} {
			err := db.Update(ctx, func(tx *storage.Tx) error { return tx.SetVoteRule(ctx, team.ID, r, t0) })
			if err == nil {
				t.Errorf("SetVoteRule(%+v) accepted", r)
			}
		}
		// The database refuses such a rule too.
		err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE vote_rules SET pass_num = 0 WHERE team_id = ?`, team.ID)
			return err
		})
		if err == nil {
			t.Error("a pass threshold of 0 was stored")
		}
	})
}

// A member's second ballot replaces the first: one row, the earlier choice
// returned, the change counted in the turnout.
func TestCastBallot(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		v := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID})
		voter := func(m teambot.Member) string { return fmt.Sprint(m.ID) }
		cast := func(m teambot.Member, choice int, wantPrev int, wantHad bool) {
			t.Helper()
			update(t, db, func(tx *storage.Tx) error {
				if _, err := tx.LockVote(ctx, team.ID, v.ID, t0); err != nil {
					return err
				}
				prev, had, err := tx.CastBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: voter(m), MemberID: m.ID, Choice: choice}, m.ID, t0)
				if err != nil {
					return err
				}
				if prev != wantPrev || had != wantHad {
					t.Errorf("%s votes %d: prev %d had %v, want %d %v", m.Name, choice, prev, had, wantPrev, wantHad)
				}
				return nil
			})
		}
		cast(zhang, 0, 0, false)
		cast(zhang, 1, 0, true)
		cast(li, 2, 0, false)
		cast(zhang, 2, 1, true)
		update(t, db, func(tx *storage.Tx) error {
			ballots, err := tx.Ballots(ctx, v.ID)
			if err != nil {
				return err
			}
			want := []teambot.Ballot{
				{VoteID: v.ID, Voter: voter(zhang), MemberID: zhang.ID, Choice: 2},
				{VoteID: v.ID, Voter: voter(li), MemberID: li.ID, Choice: 2},
			}
			if voter(li) < voter(zhang) {
				want[0], want[1] = want[1], want[0]
			}
			if !reflect.DeepEqual(ballots, want) {
				t.Errorf("Ballots =\n %+v\nwant\n %+v", ballots, want)
			}
			turnout, err := tx.Turnout(ctx, v.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(turnout, []int64{zhang.ID, li.ID}) {
				t.Errorf("Turnout = %v, want [%d %d]", turnout, zhang.ID, li.ID)
			}
			for _, tc := range []struct {
				m       teambot.Member
				changes int
			}{{zhang, 2}, {li, 0}} {
				n, err := tx.Exec(ctx, `UPDATE vote_turnout SET changes = changes WHERE vote_id = ? AND member_id = ? AND changes = ?`, v.ID, tc.m.ID, tc.changes)
				if err != nil {
					return err
				}
				if n != 1 {
					t.Errorf("turnout of %s: no row with %d changes", tc.m.Name, tc.changes)
				}
			}
			return nil
		})
	})
}

// An anonymous ballot is stored without its member; the turnout still
// knows who took part.
func TestAnonymousBallot(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		v := mustVote(t, db, teambot.Vote{TeamID: team.ID, Kind: teambot.VotePoll, Options: []string{"a", "b"}, Anonymous: true, CreatorMember: zhang.ID})
		update(t, db, func(tx *storage.Tx) error {
			_, _, err := tx.CastBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: "k:9f86d081884c7d65", Choice: 1}, zhang.ID, t0)
			if err != nil {
				return err
			}
			ballots, err := tx.Ballots(ctx, v.ID)
			if err != nil {
				return err
			}
			if want := []teambot.Ballot{{VoteID: v.ID, Voter: "k:9f86d081884c7d65", Choice: 1}}; !reflect.DeepEqual(ballots, want) {
				t.Errorf("Ballots = %+v, want %+v", ballots, want)
			}
			if n, err := tx.Exec(ctx, `UPDATE vote_ballots SET choice = choice WHERE vote_id = ? AND member_id IS NULL`, v.ID); err != nil || n != 1 {
				t.Errorf("ballots without a member: %d, %v; want 1", n, err)
			}
			turnout, err := tx.Turnout(ctx, v.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(turnout, []int64{zhang.ID}) {
				t.Errorf("Turnout = %v, want [%d]", turnout, zhang.ID)
			}
			return nil
		})
	})
}

// The database itself refuses a second ballot of one voter, a negative
// choice, and votes whose status, outcome and times disagree.
func TestVoteConstraints(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		other := mustTeam(t, db, "chat-2")
		v := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID})
		const ballot = `INSERT INTO vote_ballots (vote_id, voter, member_id, choice) VALUES (?, ?, ?, ?)`
		update(t, db, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, ballot, v.ID, "1", zhang.ID, 0); return err })
		err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, ballot, v.ID, "1", zhang.ID, 1); return err })
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("second ballot of one voter: err = %v, want ErrDuplicate", err)
		}
		for _, tc := range []struct {
			name  string
			voter string
			c     int
		}{{"negative choice", "2", -1}, {"no voter", "", 0}} {
			err := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, ballot, v.ID, tc.voter, nil, tc.c); return err })
			if err == nil {
				t.Errorf("%s: accepted", tc.name)
			}
		}

		const insert = `INSERT INTO votes (team_id, title, kind, options, created_by, creator_member, created_at, deadline,
			status, outcome, closed_at, vetoed_at) VALUES (?, 'x', ?, '[]', 'zhangsan', ?, ?, ?, ?, ?, ?, ?)`
		for _, tc := range []struct {
			name             string
			team             int64
			kind             string
			status, outcome  string
			closed, vetoedAt any
		}{
			{"kind 'referendum'", team.ID, "referendum", "open", "", nil, nil},
			{"status 'paused'", team.ID, "motion", "paused", "failed", t0, nil},
			{"outcome 'maybe'", team.ID, "motion", "closed", "maybe", t0, nil},
			{"open with an outcome", team.ID, "motion", "open", "passed", nil, nil},
			{"open with a closing time", team.ID, "motion", "open", "", t0, nil},
			{"closed without an outcome", team.ID, "motion", "closed", "", t0, nil},
			{"closed without a closing time", team.ID, "motion", "closed", "failed", nil, nil},
			{"a poll that passed", team.ID, "poll", "closed", "passed", t0, nil},
			{"a motion merely counted", team.ID, "motion", "closed", "counted", t0, nil},
			{"vetoed without a time", team.ID, "motion", "closed", "vetoed", t0, nil},
			{"a veto time without a veto", team.ID, "motion", "closed", "failed", t0, t0},
			{"another team's member", other.ID, "motion", "open", "", nil, nil},
		} {
			err := db.Update(ctx, func(tx *storage.Tx) error {
				_, err := tx.Exec(ctx, insert, tc.team, tc.kind, zhang.ID, t0, t0, tc.status, tc.outcome, tc.closed, tc.vetoedAt)
				return err
			})
			if err == nil {
				t.Errorf("%s: accepted", tc.name)
			}
		}
	})
}

func TestListVotes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		other := mustTeam(t, db, "chat-2")
		wu := mustMember(t, db, other.ID, "wu", "吴")
		at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
		// Created in an order that is neither the deadline's nor the closing's.
		a := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID, Deadline: at(30)})
		b := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID, Deadline: at(10)})
		c := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID, Deadline: at(20)})
		d := mustVote(t, db, teambot.Vote{TeamID: other.ID, CreatorMember: wu.ID, Deadline: at(15)})
		e := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID, Deadline: at(40)})
		closeVote(t, db, c, teambot.OutcomePassed, at(5))
		closeVote(t, db, a, teambot.OutcomeFailed, at(3))
		closeVote(t, db, d, teambot.OutcomeNoQuorum, at(4))

		for _, tc := range []struct {
			name string
			f    teambot.VoteFilter
			want []int64
		}{
			{"everything, by deadline", teambot.VoteFilter{}, []int64{b.ID, d.ID, c.ID, a.ID, e.ID}},
			{"one team", teambot.VoteFilter{TeamID: team.ID}, []int64{b.ID, c.ID, a.ID, e.ID}},
			{"open ones due", teambot.VoteFilter{Status: teambot.VoteOpen, DeadlineBy: at(40)}, []int64{b.ID, e.ID}},
			{"due by a deadline, inclusive", teambot.VoteFilter{DeadlineBy: at(20)}, []int64{b.ID, d.ID, c.ID}},
			{"closed, by closing time", teambot.VoteFilter{Status: teambot.VoteClosed, ClosedFrom: at(0)}, []int64{a.ID, d.ID, c.ID}},
			{"closed in a range, end excluded", teambot.VoteFilter{ClosedFrom: at(3), ClosedTo: at(5)}, []int64{a.ID, d.ID}},
			{"closed before", teambot.VoteFilter{TeamID: team.ID, ClosedTo: at(5)}, []int64{a.ID}},
			{"limit", teambot.VoteFilter{TeamID: team.ID, Limit: 2}, []int64{b.ID, c.ID}},
			{"nothing", teambot.VoteFilter{TeamID: team.ID, Status: teambot.VoteOpen, DeadlineBy: at(9)}, []int64{}},
		} {
			var got []teambot.Vote
			update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.Votes(ctx, tc.f); return err })
			if ids := voteIDs(got); !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("%s: Votes = %v, want %v", tc.name, ids, tc.want)
			}
		}
	})
}

// A vote closes once; only a passed one can be vetoed afterwards, once.
func TestCloseAndVetoVote(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		passed := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID})
		failed := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID})
		open := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID})
		veto := func(id int64) error {
			return db.Update(ctx, func(tx *storage.Tx) error {
				return tx.VetoPassedVote(ctx, team.ID, id, "wangfang", "与预算冲突", t0.Add(time.Hour))
			})
		}

		closeVote(t, db, passed, teambot.OutcomePassed, t0)
		again := passed
		again.Outcome, again.ClosedBy, again.ClosedAt = teambot.OutcomeFailed, "lisi", t0.Add(time.Minute)
		err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CloseVote(ctx, again) })
		if !errors.Is(err, teambot.ErrVoteClosed) {
			t.Errorf("closing twice: err = %v, want ErrVoteClosed", err)
		}
		if got := readVote(t, db, team.ID, passed.ID); got.Outcome != teambot.OutcomePassed || got.ClosedBy != "system" {
			t.Errorf("after the second close: %s by %s, want the first close kept", got.Outcome, got.ClosedBy)
		}
		unknown := again
		unknown.ID += 100
		err = db.Update(ctx, func(tx *storage.Tx) error { return tx.CloseVote(ctx, unknown) })
		if !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("closing an unknown vote: err = %v, want ErrNotFound", err)
		}
		noOutcome := open
		noOutcome.ClosedAt = t0
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CloseVote(ctx, noOutcome) }); err == nil {
			t.Error("closing without an outcome was accepted")
		}

		closeVote(t, db, failed, teambot.OutcomeFailed, t0)
		for _, v := range []teambot.Vote{failed, open} {
			if err := veto(v.ID); !errors.Is(err, teambot.ErrVoteClosed) {
				t.Errorf("vetoing a %s vote: err = %v, want ErrVoteClosed", v.Status, err)
			}
		}
		if err := veto(passed.ID); err != nil {
			t.Fatal(err)
		}
		got := readVote(t, db, team.ID, passed.ID)
		if got.Status != teambot.VoteClosed || got.Outcome != teambot.OutcomeVetoed || !got.PassedBeforeVeto ||
			got.VetoedBy != "wangfang" || got.VetoReason != "与预算冲突" || !got.VetoedAt.Equal(us(t0.Add(time.Hour))) ||
			!got.ClosedAt.Equal(us(t0)) {
			t.Errorf("vetoed vote = %+v", got)
		}
		if err := veto(passed.ID); !errors.Is(err, teambot.ErrVoteClosed) {
			t.Errorf("vetoing twice: err = %v, want ErrVoteClosed", err)
		}
		if got := readVote(t, db, team.ID, open.ID); got.Status != teambot.VoteOpen || got.PassedBeforeVeto {
			t.Errorf("open vote after a refused veto: %+v", got)
		}
		if err := veto(open.ID + 100); !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("vetoing an unknown vote: err = %v, want ErrNotFound", err)
		}
	})
}

// Ballots racing the close of their vote are taken one at a time with it:
// every ballot that was stored was stored before the close, and the close
// counted exactly those. The close waits for a few ballots so that it lands
// among the others, which hold the lock a moment each.
func TestConcurrentBallotsAndClose(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		const n = 20
		members := make([]teambot.Member, n)
		for i := range members {
			members[i] = mustMember(t, db, team.ID, fmt.Sprintf("user%02d", i), fmt.Sprintf("成员%02d", i))
		}
		v := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: members[0].ID})

		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		stored, refused := 0, 0
		const before = 5
		someStored := make(chan struct{})
		for i, m := range members {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				err := db.Update(ctx, func(tx *storage.Tx) error {
					locked, err := tx.LockVote(ctx, team.ID, v.ID, t0)
					if err != nil {
						return err
					}
					if locked.Status != teambot.VoteOpen {
						return teambot.ErrVoteClosed
					}
					time.Sleep(time.Millisecond)
					_, _, err = tx.CastBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: fmt.Sprint(m.ID), MemberID: m.ID, Choice: i % 3}, m.ID, t0)
					return err
				})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					if stored++; stored == before {
						close(someStored)
					}
				case errors.Is(err, teambot.ErrVoteClosed):
					refused++
				default:
					t.Errorf("ballot of %s: %v", m.Name, err)
				}
			}()
		}
		var counted int
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-someStored
			err := db.Update(ctx, func(tx *storage.Tx) error {
				locked, err := tx.LockVote(ctx, team.ID, v.ID, t0)
				if err != nil {
					return err
				}
				if locked.Status != teambot.VoteOpen {
					return teambot.ErrVoteClosed
				}
				turnout, err := tx.Turnout(ctx, v.ID)
				if err != nil {
					return err
				}
				counted = len(turnout)
				locked.Outcome, locked.ClosedBy, locked.ClosedAt = teambot.OutcomeFailed, "wangfang", t0
				locked.Eligible, locked.EligibleCast = n, counted
				return tx.CloseVote(ctx, locked)
			})
			if err != nil {
				t.Errorf("close: %v", err)
			}
		}()
		close(start)
		wg.Wait()

		var ballots []teambot.Ballot
		update(t, db, func(tx *storage.Tx) (err error) { ballots, err = tx.Ballots(ctx, v.ID); return err })
		got := readVote(t, db, team.ID, v.ID)
		t.Logf("%d ballots stored, %d refused after the close", stored, refused)
		if stored < before || stored+refused != n || len(ballots) != stored || got.EligibleCast != stored || counted != stored {
			t.Errorf("%d ballots stored and %d refused of %d; %d in the table, %d counted at the close",
				stored, refused, n, len(ballots), got.EligibleCast)
		}
	})
}

// R11: a vote's electorate is fixed when it is created: the team's active
// members then. Who joins later is not in it; who leaves stays in it with
// their status, so the count can leave them out.
func TestVoteElectorate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		gone := mustMember(t, db, team.ID, "wangwu", "王五")
		update(t, db, func(tx *storage.Tx) error { return tx.RemoveMember(ctx, gone.ID, t0) })
		other := mustTeam(t, db, "chat-2")
		mustMember(t, db, other.ID, "zhaoliu", "赵六")

		v := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID, Anonymous: true})
		late := mustMember(t, db, team.ID, "sunqi", "孙七")
		update(t, db, func(tx *storage.Tx) error { return tx.RemoveMember(ctx, li.ID, t0.Add(time.Hour)) })

		var got []teambot.Member
		update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.Electorate(ctx, v.ID); return err })
		var names []string
		for _, m := range got {
			names = append(names, fmt.Sprint(m.Name, " ", m.Status))
		}
		if fmt.Sprint(names) != "[张三 active 李四 removed]" {
			t.Errorf("electorate = %v, want 张三 and 李四 (removed since), not 王五 (gone before) or %s (joined after)", names, late.Name)
		}
	})
}

// A withdrawn ballot leaves the ballots and the turnout; withdrawing when
// there is none changes nothing.
func TestWithdrawBallot(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		v := mustVote(t, db, teambot.Vote{TeamID: team.ID, CreatorMember: zhang.ID, Anonymous: true})
		for _, m := range []teambot.Member{zhang, li} {
			update(t, db, func(tx *storage.Tx) error {
				_, _, err := tx.CastBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: fmt.Sprint("a", m.ID), Choice: 1}, m.ID, t0)
				return err
			})
		}
		withdraw := func(m teambot.Member, want bool) {
			t.Helper()
			update(t, db, func(tx *storage.Tx) error {
				had, err := tx.WithdrawBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: fmt.Sprint("a", m.ID)}, m.ID)
				if had != want {
					t.Errorf("withdraw %s: had %v, want %v", m.Name, had, want)
				}
				return err
			})
		}
		withdraw(zhang, true)
		withdraw(zhang, false)
		update(t, db, func(tx *storage.Tx) error {
			ballots, err := tx.Ballots(ctx, v.ID)
			if err != nil {
				return err
			}
			turnout, err := tx.Turnout(ctx, v.ID)
			if len(ballots) != 1 || ballots[0].Voter != fmt.Sprint("a", li.ID) || !reflect.DeepEqual(turnout, []int64{li.ID}) {
				t.Errorf("after the withdrawal: ballots %+v, turnout %v; want 李四's only", ballots, turnout)
			}
			return err
		})
	})
}

// The roster at any moment comes from the members' status changes, which
// the database records on every join, removal and return, so a vote
// closed late sees the team as it was at its deadline.
func TestMembersActiveAt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		update(t, db, func(tx *storage.Tx) error { return tx.RemoveMember(ctx, li.ID, h(2)) })
		update(t, db, func(tx *storage.Tx) error { return tx.RejoinMember(ctx, li.ID, "李四", h(4)) })
		update(t, db, func(tx *storage.Tx) error { return tx.RemoveMember(ctx, li.ID, h(6)) })
		var wang teambot.Member
		update(t, db, func(tx *storage.Tx) error {
			wang = teambot.Member{TeamID: team.ID, UserID: "wangwu", Name: "王五", JoinedAt: h(3)}
			return tx.AddMember(ctx, &wang)
		})
		for n, want := range map[int]string{
			-1: "", 0: "张三 李四", 1: "张三 李四", 2: "张三", 3: "张三 王五", 4: "张三 李四 王五", 5: "张三 李四 王五", 6: "张三 王五",
		} {
			var active map[int64]bool
			update(t, db, func(tx *storage.Tx) (err error) { active, err = tx.MembersActiveAt(ctx, team.ID, h(n)); return err })
			var got []string
			for _, m := range []teambot.Member{zhang, li, wang} {
				if active[m.ID] {
					got = append(got, m.Name)
				}
			}
			if strings.Join(got, " ") != want {
				t.Errorf("active at t0%+dh: %v, want %s", n, got, want)
			}
		}
	})
}

// Migration 0016 on a database with votes: a vote still open takes the
// members active then as its electorate; a closed one gets none and is
// counted as of its closing time; the members' history starts from
// joined_at and removed_at.
func TestVoteElectorateMigration(t *testing.T) {
	eachOldSchema(t, 16, func(t *testing.T, db *storage.DB) {
		exec := func(tx *storage.Tx, query string, args ...any) {
			t.Helper()
			if _, err := tx.Exec(ctx, query, args...); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		}
		h := func(n int) time.Time { return us(t0.Add(time.Duration(n) * time.Hour)) }
		update(t, db, func(tx *storage.Tx) error {
			exec(tx, `INSERT INTO teams (chat_id, time_zone, created_at) VALUES ('chat-1', 'Asia/Shanghai', ?)`, h(0))
			for _, name := range []string{"zhangsan", "lisi"} {
				exec(tx, `INSERT INTO members (team_id, user_id, name, status, joined_at) VALUES (1, ?, ?, 'active', ?)`, name, name, h(0))
			}
			exec(tx, `INSERT INTO members (team_id, user_id, name, status, joined_at, removed_at) VALUES (1, 'wangwu', 'wangwu', 'removed', ?, ?)`, h(0), h(2))
			for _, status := range []string{"open", "closed"} {
				closedAt, outcome := any(nil), ""
				if status == "closed" {
					closedAt, outcome = h(3), "failed"
				}
				exec(tx, `INSERT INTO votes (team_id, title, kind, options, created_by, creator_member, created_at, deadline, status, outcome, closed_at)
						VALUES (1, ?, 'motion', '["同意","反对","弃权"]', 'zhangsan', 1, ?, ?, ?, ?, ?)`, status, h(1), h(5), status, outcome, closedAt)
			}
			return nil
		})
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		update(t, db, func(tx *storage.Tx) error {
			for id, want := range map[int64]string{1: "[zhangsan lisi]", 2: "[]"} {
				ms, err := tx.Electorate(ctx, id)
				if err != nil {
					return err
				}
				var names []string
				for _, m := range ms {
					names = append(names, m.Name)
				}
				if fmt.Sprint(names) != want {
					t.Errorf("electorate of vote %d = %v, want %s", id, names, want)
				}
			}
			closed, err := tx.VoteByID(ctx, 1, 2)
			if err != nil {
				return err
			}
			if !closed.AsOf.Equal(h(3)) {
				t.Errorf("closed vote counted as of %v, want its closing time %v", closed.AsOf, h(3))
			}
			for n, want := range map[int]int{1: 3, 2: 2} {
				active, err := tx.MembersActiveAt(ctx, 1, h(n))
				if err != nil {
					return err
				}
				got := 0
				for _, a := range active {
					if a {
						got++
					}
				}
				if got != want {
					t.Errorf("%d members active at t0%+dh, want %d", got, n, want)
				}
			}
			return nil
		})
	})
}
