package teambot

import (
	"testing"
	"time"
)

// R11: a motion passes when agree ballots are more than half of the ballots
// cast (abstentions count as cast) and more than half of the counted
// members (see TestQuorumOf) voted; a tie fails.
func TestDecide(t *testing.T) {
	twoThirds := VoteRule{Pass: Share{Num: 2, Den: 3, AtLeast: true}, Quorum: Share{Num: 1, Den: 2}}
	noQuorum := VoteRule{Pass: Share{Num: 1, Den: 2}}
	cases := []struct {
		name   string
		rule   VoteRule
		counts []int // agree, against, abstain
		// the quorum's whole and part (see QuorumOf)
		eligible, eligibleCast int
		want                   string
	}{
		{"clear majority", DefaultVoteRule, []int{3, 1, 0}, 5, 4, OutcomePassed},
		{"unanimous", DefaultVoteRule, []int{4, 0, 0}, 4, 4, OutcomePassed},
		{"tie fails", DefaultVoteRule, []int{2, 2, 0}, 4, 4, OutcomeFailed},
		{"majority against", DefaultVoteRule, []int{1, 3, 0}, 4, 4, OutcomeFailed},
		{"abstentions count as cast: 2 of 4 is not more than half", DefaultVoteRule, []int{2, 0, 2}, 5, 4, OutcomeFailed},
		{"abstentions count as cast: 3 of 5 is", DefaultVoteRule, []int{3, 0, 2}, 6, 5, OutcomePassed},
		{"everyone abstains", DefaultVoteRule, []int{0, 0, 4}, 4, 4, OutcomeFailed},
		{"half of the members is no quorum", DefaultVoteRule, []int{4, 0, 0}, 8, 4, OutcomeNoQuorum},
		{"one more than half is a quorum", DefaultVoteRule, []int{3, 2, 0}, 8, 5, OutcomePassed},
		{"no quorum is decided before the tally", DefaultVoteRule, []int{0, 3, 0}, 8, 3, OutcomeNoQuorum},
		// 8 in the team, 2 excused by leave: the quorum is more than half of 6, so 4 voters suffice.
		{"members excused by leave leave the quorum", DefaultVoteRule, []int{3, 1, 0}, 6, 4, OutcomePassed},
		{"too few of the rest", DefaultVoteRule, []int{3, 0, 0}, 6, 3, OutcomeNoQuorum},
		{"nobody counted: no quorum", DefaultVoteRule, []int{1, 0, 0}, 0, 0, OutcomeNoQuorum},
		{"no ballots", DefaultVoteRule, []int{0, 0, 0}, 4, 0, OutcomeNoQuorum},
		{"two thirds: exactly two thirds passes", twoThirds, []int{4, 2, 0}, 6, 6, OutcomePassed},
		{"two thirds: less fails", twoThirds, []int{3, 2, 0}, 6, 5, OutcomeFailed},
		{"no quorum rule: one voter decides", noQuorum, []int{1, 0, 0}, 10, 1, OutcomePassed},
		{"no quorum rule, no ballots: fails", noQuorum, []int{0, 0, 0}, 10, 0, OutcomeFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tally := Tally{Counts: tc.counts, Eligible: tc.eligible, EligibleCast: tc.eligibleCast}
			for _, n := range tc.counts {
				tally.Cast += n
			}
			if got := Decide(tc.rule, tally); got != tc.want {
				t.Errorf("Decide(%+v, %+v) = %s, want %s", tc.rule, tally, got, tc.want)
			}
		})
	}
}

// R11: the supervisor vetoes while the vote is open, or within 24 hours
// after a motion passed; nothing else.
func TestCanVeto(t *testing.T) {
	closed := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		vote    Vote
		now     time.Time
		allowed bool
	}{
		{"open", Vote{Status: VoteOpen}, closed, true},
		{"open past its deadline, not yet closed", Vote{Status: VoteOpen, Deadline: closed.Add(-time.Hour)}, closed, true},
		{"an hour after passing", Vote{Status: VoteClosed, Outcome: OutcomePassed, ClosedAt: closed}, closed.Add(time.Hour), true},
		{"exactly 24 hours after passing", Vote{Status: VoteClosed, Outcome: OutcomePassed, ClosedAt: closed}, closed.Add(VetoWindow), true},
		{"after the 24-hour window", Vote{Status: VoteClosed, Outcome: OutcomePassed, ClosedAt: closed}, closed.Add(VetoWindow + time.Minute), false},
		{"failed", Vote{Status: VoteClosed, Outcome: OutcomeFailed, ClosedAt: closed}, closed.Add(time.Hour), false},
		{"no quorum", Vote{Status: VoteClosed, Outcome: OutcomeNoQuorum, ClosedAt: closed}, closed.Add(time.Hour), false},
		{"already vetoed", Vote{Status: VoteClosed, Outcome: OutcomeVetoed, ClosedAt: closed}, closed.Add(time.Hour), false},
		{"a closed poll", Vote{Status: VoteClosed, Outcome: OutcomeCounted, ClosedAt: closed}, closed.Add(time.Hour), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.vote.CanVeto(tc.now, time.UTC)
			if (err == nil) != tc.allowed {
				t.Errorf("CanVeto = %v, want allowed %v", err, tc.allowed)
			}
			if err != nil && KindOf(err) != KindConflict {
				t.Errorf("refusal %v is %v, want a conflict with a Chinese message", err, KindOf(err))
			}
		})
	}
}

func TestShare(t *testing.T) {
	half := Share{Num: 1, Den: 2}
	for whole, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 2, 4: 3, 7: 4, 8: 5} {
		if got := half.Need(whole); got != want {
			t.Errorf("more than half of %d needs %d, got %d", whole, want, got)
		}
	}
	if got := (Share{}).Need(10); got != 0 {
		t.Errorf("no threshold needs %d, want 0", got)
	}
	for s, want := range map[Share]string{half: "过半数", {Num: 2, Den: 3, AtLeast: true}: "三分之二以上", {}: "不设"} {
		if s.String() != want {
			t.Errorf("%+v reads %q, want %q", s, s.String(), want)
		}
	}
	if !DefaultVoteRule.Valid() || (VoteRule{Pass: Share{Num: 3, Den: 2}}).Valid() || (VoteRule{}).Valid() {
		t.Error("Valid accepts the default only of these")
	}
}

func TestLeaders(t *testing.T) {
	if got := (Tally{Counts: []int{1, 3, 3}}).Leaders(); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("tie leaders = %v, want [1 2]", got)
	}
	if got := (Tally{Counts: []int{0, 0}}).Leaders(); got != nil {
		t.Errorf("no ballots: leaders %v, want none", got)
	}
}

// R11: the quorum counts every member of the electorate still in the team
// at the close, except those who did not vote and are excused by leave;
// a ballot cast always counts, so there is never a ballot in the tally
// that is not in the quorum.
func TestQuorumOf(t *testing.T) {
	set := func(ids ...int64) func(int64) bool {
		return func(id int64) bool {
			for _, x := range ids {
				if x == id {
					return true
				}
			}
			return false
		}
	}
	cases := []struct {
		name           string
		inTeam         []int64
		voted, excused func(int64) bool
		eligible, cast int
	}{
		{"everyone counts", []int64{1, 2, 3, 4, 5}, set(1, 2, 3), set(), 5, 3},
		// The example: 5 members, 3 ballots, one voter then on leave.
		{"a voter on leave still counts", []int64{1, 2, 3, 4, 5}, set(1, 2, 3), set(3), 5, 3},
		{"a member on leave who did not vote is excused", []int64{1, 2, 3, 4, 5}, set(1, 2, 3), set(5), 4, 3},
		// Member 3 left the team: not in inTeam, so neither counted nor cast.
		{"who left counts nowhere", []int64{1, 2, 4, 5}, set(1, 2, 3), set(), 4, 2},
		{"nobody left", nil, set(1), set(), 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eligible, cast := QuorumOf(tc.inTeam, tc.voted, tc.excused)
			if eligible != tc.eligible || cast != tc.cast {
				t.Errorf("QuorumOf = %d of %d, want %d of %d", cast, eligible, tc.cast, tc.eligible)
			}
		})
	}
}
