package teambot

import (
	"errors"
	"slices"
	"time"
)

// The ledger of rewards and penalties (R17-R19). Entries are append-only: a
// correction is a new entry of kind LedgerRevocation that revokes an
// earlier one.
const (
	LedgerReward     = "reward"
	LedgerPenalty    = "penalty"
	LedgerRevocation = "revocation"
)

// Reward levels (R17), lowest first.
var RewardLevels = []string{"通报表扬", "三等功", "二等功", "一等功", "特等功"}

// Penalty levels (R18), lightest first.
var PenaltyLevels = []string{"通报批评", "警告", "劝退", "除名"}

// Levels with their own handling.
const (
	LevelCommendation = "通报表扬"
	LevelCriticism    = "通报批评"
	LevelWarning      = "警告"
	LevelAdvisedOut   = "劝退"
	LevelDismissal    = "除名"
)

// ValidLevel reports whether level is one of kind's levels.
func ValidLevel(kind, level string) bool {
	switch kind {
	case LedgerReward:
		return slices.Contains(RewardLevels, level)
	case LedgerPenalty:
		return slices.Contains(PenaltyLevels, level)
	}
	return false
}

// RemovesMember reports whether a penalty level takes the member off the
// active roster (R18: 劝退 and 除名).
func RemovesMember(level string) bool { return level == LevelAdvisedOut || level == LevelDismissal }

// PrivateLevel reports whether an entry of this level is told to the member
// alone rather than announced (R19): a warning, and the reasons of 劝退 and
// 除名, which the group hears of only as a departure.
func PrivateLevel(level string) bool { return level == LevelWarning || RemovesMember(level) }

// Ground is one of the rulebook's grounds for a reward or a penalty: the
// situations it lists, each with a number, a short label and the
// rulebook's own wording. The lists are exhaustive, each ending with a
// catch-all, so every new reward or penalty names one (R17, R18).
type Ground struct {
	ID      int    // 1-5, as the rulebook numbers them
	Label   string // short, for choosing and for reports
	Wording string // the rulebook's wording, for help
}

// RewardGrounds are the rulebook's grounds for a reward (R17).
var RewardGrounds = []Ground{
	{1, "完成重大或特殊任务", "品性端正，工作努力，能适时完成重大或特殊交办任务者"},
	{2, "表率作用", "热心服务，在工作中起到表率作用，有具体事绩者"},
	{3, "合理化建议被采纳", "提出合理化建议经采纳施行富有成效者"},
	{4, "特殊贡献", "对微信营销工作有特殊贡献者"},
	{5, "其它", "有其它功绩者"},
}

// PenaltyGrounds are the rulebook's grounds for a penalty (R18).
var PenaltyGrounds = []Ground{
	{1, "恶意攻击诬陷", "对同事恶意攻击诬陷，制造事端者"},
	{2, "不服从合理指导", "不服从主管人员合理指导，屡劝不听者"},
	{3, "造谣生事造成损失", "造谣生事，使微信营销工作蒙受重大损失者"},
	{4, "泄密或谋私", "利用职务便利对外泄密或私下操作谋取私利者"},
	{5, "其它违法违规", "其它违反法律法规或公司规章制度情节严重者"},
}

// Grounds are kind's grounds: none for a revocation.
func Grounds(kind string) []Ground {
	switch kind {
	case LedgerReward:
		return RewardGrounds
	case LedgerPenalty:
		return PenaltyGrounds
	}
	return nil
}

// GroundOf is kind's ground numbered id.
func GroundOf(kind string, id int) (Ground, bool) {
	for _, g := range Grounds(kind) {
		if g.ID == id {
			return g, true
		}
	}
	return Ground{}, false
}

// Labels of entries that name none of the rulebook's grounds.
const (
	// GroundMeetingRule is a warning confirmed from a meeting-absence
	// proposal: the meeting rules set it (R12), not the list of grounds.
	GroundMeetingRule = "连续两次缺席会议"
	// GroundUnstated is an entry recorded before grounds were.
	GroundUnstated = "未注明"
)

// GroundLabel is the entry's ground as shown: its label, the meeting rule
// for a confirmed absence warning, 未注明 for an older entry without
// one, and "" for a revocation.
func (e LedgerEntry) GroundLabel() string {
	if e.Kind == LedgerRevocation {
		return ""
	}
	if g, ok := GroundOf(e.Kind, e.Ground); ok {
		return g.Label
	}
	if e.ProposalID != 0 {
		return GroundMeetingRule
	}
	return GroundUnstated
}

// LedgerEntry is one row of the ledger.
type LedgerEntry struct {
	ID           int64
	TeamID       int64
	MemberID     int64
	UserID, Name string // the member's, filled in when read
	Kind         string // LedgerReward, LedgerPenalty or LedgerRevocation
	Level        string // "" for a revocation
	Reason       string
	Ground       int    // the ground's ID among Grounds(Kind); 0 for none
	By           string // the supervisor's userid
	At           time.Time
	MsgID        string // the message that recorded it
	Revokes      int64  // the entry a revocation revokes
	ProposalID   int64  // the meeting-absence proposal a warning confirms
	RevokedBy    int64  // the revocation of this entry, filled in when read
}

// ErrAlreadyDecided is returned by storage when a proposal or request was
// decided before.
var ErrAlreadyDecided = errors.New("already decided")

// LedgerFilter selects ledger entries; zero fields select everything.
type LedgerFilter struct {
	TeamID   int64
	MemberID int64
	From, To time.Time // At in [From, To)
	Limit    int       // the latest Limit entries
}
