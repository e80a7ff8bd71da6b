package teambot

import (
	"errors"
	"time"
)

// Statuses of an Account (R13): registered accounts are active until they
// are removed (注销); a removed account is kept for the record.
const (
	AccountActive  = "active"
	AccountRemoved = "removed"
)

// Kinds of an AccountEvent: every change to an account appends one.
const (
	AccountEventRegistered  = "registered"  // reported to the supervisor after registering it
	AccountEventChanged     = "changed"     // its credential was changed (never the credential itself)
	AccountEventTransferred = "transferred" // handed over to another owner
	AccountEventRemoved     = "removed"     // given up (注销)
	AccountEventConfirmed   = "confirmed"   // the owner confirmed it is still theirs
)

// Account is a platform account a member administers (R13): the platform
// (公众号, 微博, 抖音, … free text), the account's name on it, its owner and
// the dates that matter. It never holds a password. The account name is
// private data (R14): shown in full only to the supervisor and the owner.
type Account struct {
	ID       int64
	TeamID   int64
	Platform string
	Name     string // the account's name on the platform
	Note     string
	Status   string // AccountActive or AccountRemoved

	OwnerID     int64  // the member who administers it
	OwnerUserID string // filled in when read
	OwnerName   string // filled in when read
	OwnerActive bool   // filled in when read: the owner is still on the active roster

	RegisteredAt  time.Time
	RegisteredBy  string    // userid of whoever reported it
	ChangedAt     time.Time // the credential was last changed; zero if never reported
	ConfirmedAt   time.Time // the owner last confirmed it is theirs; zero if never
	RemovedAt     time.Time // zero while active
	RemovedReason string
}

// Active reports whether the account is still in use.
func (a Account) Active() bool { return a.Status == AccountActive }

// AccountFilter selects accounts of a team; zero fields select everything.
type AccountFilter struct {
	TeamID  int64
	OwnerID int64  // 0: every owner
	Status  string // AccountActive or AccountRemoved; "": both
}

// AccountEvent is one change to an account, append-only: the monthly
// digest reads them by date.
type AccountEvent struct {
	ID        int64
	TeamID    int64
	AccountID int64
	Kind      string // AccountEventRegistered, …
	By        string // userid of whoever made the change
	MemberID  int64  // the account's owner after the event
	At        time.Time
	Note      string // a transfer's "from → to", a removal's reason

	// Filled in when read.
	Platform  string
	Account   string // the account's name (private, R14)
	OwnerName string // the name of MemberID
}

// ErrAccountRemoved is returned (wrapped) by storage when a change reaches
// an account that was removed, perhaps a moment ago.
var ErrAccountRemoved = errors.New("account is removed")
