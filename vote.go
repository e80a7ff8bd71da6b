package teambot

import (
	"errors"
	"fmt"
	"time"
)

// Votes (R11, docs/product.md §5). A motion has the options 同意/反对/弃权 and
// passes or fails by the team's rule; a poll has options of its own and is
// decided by plurality, with no pass or fail. A vote is open until its
// deadline or until it is closed early or vetoed.
const (
	VoteMotion = "motion"
	VotePoll   = "poll"

	VoteOpen   = "open"
	VoteClosed = "closed"

	// Outcomes of a closed vote. A poll that is closed is VoteCounted.
	OutcomePassed   = "passed"
	OutcomeFailed   = "failed"
	OutcomeNoQuorum = "no_quorum"
	OutcomeVetoed   = "vetoed"
	OutcomeCounted  = "counted"

	// VetoWindow is how long after a motion passes the supervisor may still
	// veto it (R11).
	VetoWindow = 24 * time.Hour
)

// MotionOptions are a motion's choices, in this order: index 0 agrees.
var MotionOptions = []string{"同意", "反对", "弃权"}

// ErrVoteClosed is returned by storage when a ballot or a close reaches a
// vote that is no longer open.
var ErrVoteClosed = errors.New("vote is closed")

// Share is a threshold: a part of a whole that must be more than Num/Den of
// it, or at least Num/Den when AtLeast is set. Den 0 means no threshold.
type Share struct {
	Num, Den int
	AtLeast  bool
}

// Met reports whether part of whole meets the threshold. A threshold over
// an empty whole is not met: nothing can be more than half of nothing.
func (s Share) Met(part, whole int) bool {
	if s.Den == 0 {
		return true
	}
	if whole == 0 {
		return false
	}
	if s.AtLeast {
		return part*s.Den >= whole*s.Num
	}
	return part*s.Den > whole*s.Num
}

// Need is the smallest part of whole that meets the threshold (0 when there
// is none, whole+1 when nothing can).
func (s Share) Need(whole int) int {
	if s.Den == 0 {
		return 0
	}
	for n := 0; n <= whole; n++ {
		if s.Met(n, whole) {
			return n
		}
	}
	return whole + 1
}

// String is the threshold in Chinese: 过半数, 三分之二以上, 无要求.
func (s Share) String() string {
	switch {
	case s.Den == 0:
		return "不设"
	case s == Share{Num: 1, Den: 2}:
		return "过半数"
	case s.Num == s.Den && s.AtLeast:
		return "全体一致"
	case s.AtLeast:
		return fmt.Sprintf("%s以上", fractionCN(s.Num, s.Den))
	}
	return fmt.Sprintf("超过%s", fractionCN(s.Num, s.Den))
}

func fractionCN(num, den int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	if num <= 10 && den <= 10 && num >= 0 && den > 0 {
		return digits[den] + "分之" + digits[num]
	}
	return fmt.Sprintf("%d/%d", num, den)
}

// VoteRule is how a team's motions are decided (R11): agree ballots must
// meet Pass of the ballots cast (abstentions count as cast), and the
// members counted for the quorum who cast a ballot must meet Quorum of
// them. The supervisor's veto overrides both.
type VoteRule struct {
	Pass   Share
	Quorum Share
}

// DefaultVoteRule is R11 as written: more than half agree, and more than
// half of the active members not on leave take part.
var DefaultVoteRule = VoteRule{Pass: Share{Num: 1, Den: 2}, Quorum: Share{Num: 1, Den: 2}}

// Valid reports whether both thresholds are fractions between 0 and 1.
func (r VoteRule) Valid() bool {
	ok := func(s Share) bool { return s.Den == 0 && s.Num == 0 || s.Den > 0 && s.Num > 0 && s.Num <= s.Den }
	return r.Pass.Den > 0 && ok(r.Pass) && ok(r.Quorum)
}

// Vote is one vote of a team.
type Vote struct {
	ID        int64
	TeamID    int64
	Title     string
	Kind      string   // VoteMotion or VotePoll
	Options   []string // MotionOptions for a motion
	Anonymous bool     // nobody in chat learns who voted what
	Live      bool     // the tally is shown while the vote is open
	Rule      VoteRule // the team's rule when the vote was created

	CreatedBy     string // userid
	CreatorMember int64
	CreatedAt     time.Time
	Deadline      time.Time

	Status   string // VoteOpen or VoteClosed
	Outcome  string // set when closed
	ClosedBy string // userid, or "system" at the deadline
	ClosedAt time.Time
	// AsOf is the moment a closed vote was counted as of: its deadline, or
	// when it was closed early or vetoed. A vote closed after its deadline
	// (the bot was down) is counted as of the deadline and announced at
	// ClosedAt.
	AsOf time.Time
	// Eligible and EligibleCast are the quorum's whole and part when the
	// vote closed (see QuorumOf): the members of its electorate still in
	// the team, less those excused by leave, and how many of them voted.
	Eligible, EligibleCast int
	// PassedBeforeVeto is set when a passed motion was vetoed afterwards.
	PassedBeforeVeto bool
	VetoedBy         string
	VetoReason       string
	VetoedAt         time.Time
}

// Ballot is one member's current choice in a vote. Voter identifies the
// member: their member id for an open vote, an opaque key for an anonymous
// one (MemberID is then 0 when read back).
type Ballot struct {
	VoteID   int64
	Voter    string
	MemberID int64
	Choice   int // index into Vote.Options
}

// Tally is a vote's count: ballots per option, all ballots cast, and the
// quorum's whole and part.
type Tally struct {
	Counts       []int
	Cast         int
	Eligible     int
	EligibleCast int
}

// QuorumOf is a vote's quorum at the moment it is counted as of (R11):
// inTeam are the members of its electorate (the active members when it
// opened) still in the team then. Each of them counts, except one who did
// not vote and is excused by approved leave covering that moment: a
// ballot cast always counts, and the ballot of someone no longer in the
// team counts neither here nor in the tally.
func QuorumOf(inTeam []int64, voted, excused func(memberID int64) bool) (eligible, cast int) {
	for _, id := range inTeam {
		switch {
		case voted(id):
			eligible++
			cast++
		case !excused(id):
			eligible++
		}
	}
	return eligible, cast
}

// Decide is the outcome of a motion with this tally under rule (R11): no
// quorum when too few of the counted members took part, passed when the
// agree ballots meet the pass threshold of all ballots cast, failed
// otherwise (a tie fails). A veto is not decided here: it overrides.
func Decide(rule VoteRule, t Tally) string {
	if !rule.Quorum.Met(t.EligibleCast, t.Eligible) {
		return OutcomeNoQuorum
	}
	agree := 0
	if len(t.Counts) > 0 {
		agree = t.Counts[0]
	}
	if rule.Pass.Met(agree, t.Cast) {
		return OutcomePassed
	}
	return OutcomeFailed
}

// Leaders are the indexes of a poll's options with the most ballots (more
// than one on a tie; none when nobody voted).
func (t Tally) Leaders() []int {
	best := 0
	for _, n := range t.Counts {
		best = max(best, n)
	}
	if best == 0 {
		return nil
	}
	var out []int
	for i, n := range t.Counts {
		if n == best {
			out = append(out, i)
		}
	}
	return out
}

// Open reports whether ballots are still taken at now.
func (v Vote) Open(now time.Time) bool { return v.Status == VoteOpen && now.Before(v.Deadline) }

// CanVeto says whether the supervisor may veto the vote at now (R11): while
// it is open, or within VetoWindow after a motion passed. Times in the
// refusal are shown in loc.
func (v Vote) CanVeto(now time.Time, loc *time.Location) error {
	switch {
	case v.Status == VoteOpen:
		return nil
	case v.Outcome == OutcomeVetoed:
		return Conflict("投票 #%d 已经被否决了。", v.ID)
	case v.Outcome != OutcomePassed:
		return Conflict("投票 #%d 已经结束，结果是「%s」，没有通过的决定需要否决。", v.ID, OutcomeCN(v.Outcome))
	case now.Sub(v.ClosedAt) > VetoWindow:
		return Conflict("投票 #%d 在 %s通过，已超过 24 小时，不能再否决。如需推翻，请发起新的投票。",
			v.ID, DescribeTime(v.ClosedAt, loc, DateOf(now.In(loc))))
	}
	return nil
}

// OutcomeCN is an outcome in Chinese.
func OutcomeCN(outcome string) string {
	switch outcome {
	case OutcomePassed:
		return "通过"
	case OutcomeFailed:
		return "未通过"
	case OutcomeNoQuorum:
		return "投票人数不足，未通过"
	case OutcomeVetoed:
		return "被主管否决"
	case OutcomeCounted:
		return "已计票"
	}
	return outcome
}
