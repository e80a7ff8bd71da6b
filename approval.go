package teambot

import "time"

// Kinds of request the supervisor approves before something goes out
// (R7, R15): a post, a partner and a paid placement share one flow.
const (
	ApprovalPost      = "post"      // /发布: a post or campaign on a platform (R15)
	ApprovalPartner   = "partner"   // /合作: a partner account or platform
	ApprovalPlacement = "placement" // /投放: a paid placement (R7)
)

// Where a request stands. A request waits (pending) until the supervisor
// approves, rejects or returns it; a returned one waits for its requester's
// revision, which makes it pending again. An approved post becomes
// published when its requester marks it 已发.
const (
	ApprovalPending   = "pending"
	ApprovalReturned  = "returned"
	ApprovalApproved  = "approved"
	ApprovalRejected  = "rejected"
	ApprovalPublished = "published"
)

// What happened to a request, in its history (ApprovalEvent.Kind).
const (
	EventSubmitted    = "submitted"     // version 1, asked for
	EventRevised      = "revised"       // a new version, after 退回 or before a decision
	EventApproved     = "approved"      // by the supervisor
	EventAutoApproved = "auto_approved" // the platform's posts need no review
	EventRejected     = "rejected"
	EventReturned     = "returned" // sent back for changes, with the supervisor's remarks
	EventPublished    = "published"
	EventResults      = "results" // a placement's figures reported
)

// ApprovalContent is what one version of a request says. Which fields a
// kind uses: a post its Title, Link, PlanAt and Campaign; a partner its
// Title (who) and Detail; a placement its Budget, Currency, Detail and
// EndDay.
type ApprovalContent struct {
	Title    string
	Link     string
	Detail   string
	PlanAt   time.Time // when a post is planned to go out; zero: not said
	Campaign bool      // a post that is the month's campaign (活动, R6)
	Budget   int64     // a placement's budget in hundredths (分, cents)
	Currency string    // "CNY" or "USD"
	EndDay   Date      // when a placement ends; zero: not said
}

// Approval is a request for the supervisor's approval, as it now stands:
// its current version's content and its status.
type Approval struct {
	ID       int64
	TeamID   int64
	Kind     string
	MemberID int64  // who asked
	UserID   string // filled in when read
	Name     string // filled in when read
	Platform string // a post's or placement's platform; "" for a partner
	Status   string
	Version  int // the current version, 1 first
	ApprovalContent
	CreatedAt time.Time
	VersionAt time.Time // when the current version was written (CreatedAt for the first)
	DecidedBy string    // who last approved, rejected or returned it
	DecidedAt time.Time // when; zero while never decided
}

// Open reports whether a is waiting for someone: the supervisor or, when
// returned, its requester.
func (a Approval) Open() bool { return a.Status == ApprovalPending || a.Status == ApprovalReturned }

// ApprovalFilter selects requests; zero fields select all.
type ApprovalFilter struct {
	TeamID   int64
	Kinds    []string
	Statuses []string
	MemberID int64
	// DueSince, when set, keeps only requests planned (a post's time) or
	// ending (a placement's last day) at or after it: those a reminder
	// may still be due for.
	DueSince time.Time
}

// ApprovalEvent is one entry of a request's history, which is
// append-only: each version and each decision is a row, never changed.
type ApprovalEvent struct {
	ID         int64
	ApprovalID int64
	Version    int
	Kind       string // Event*
	By         string // userid
	At         time.Time
	Note       string // a reason, remarks, a link, a result's text
}

// ApprovalVersion is one version of a request, kept when a new one
// replaces it.
type ApprovalVersion struct {
	Version int
	ApprovalContent
	By string
	At time.Time
}

// PlacementResult is what a paid placement brought (R7), as its owner
// reported it: figures and free text. A later report supersedes an
// earlier one; both are kept.
type PlacementResult struct {
	ApprovalID int64
	TeamID     int64
	Exposure   int64 // -1: not reported
	Clicks     int64 // -1: not reported
	Spend      int64 // in hundredths of the placement's currency; -1: not reported
	Note       string
	By         string
	At         time.Time
}

// PlacementLine is a paid placement in the monthly digest, in Chinese.
type PlacementLine struct {
	ID       int64  `json:"id"`
	Platform string `json:"platform"`
	Owner    string `json:"owner"`
	Detail   string `json:"detail"`
	Budget   string `json:"budget"`            // ¥3,000
	Spend    string `json:"spend"`             // ¥2,800, or 未报告
	Results  string `json:"results"`           // 曝光 12,000 · 点击 340 · text, or 未报告
	EndDay   string `json:"end_day,omitempty"` // 2026-12-12
}
