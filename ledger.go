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

// LedgerEntry is one row of the ledger.
type LedgerEntry struct {
	ID           int64
	TeamID       int64
	MemberID     int64
	UserID, Name string // the member's, filled in when read
	Kind         string // LedgerReward, LedgerPenalty or LedgerRevocation
	Level        string // "" for a revocation
	Reason       string
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
