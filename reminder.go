package teambot

import "time"

// Firing is one scheduled occurrence of a team's reminder job, identified
// by (team, job, scheduled time): claimed exactly once, whatever the number
// of replicas.
type Firing struct {
	TeamID int64
	ChatID string
	Job    string    // the job's name, e.g. "report_open"
	At     time.Time // when it is scheduled to fire (UTC), after calendar adjustment
	// Subject is what a one-off firing is about, such as the start (UTC) of
	// the meeting a reminder announces; zero for a cron firing.
	Subject time.Time
}

// Delivery channels of an Outgoing message.
const (
	ToGroup = "group" // the team's group, through its robot webhook (or the default webhook)
	ToUsers = "users" // one-to-one app messages to Users
)

// Outgoing is a message the bot sends on its own: a reminder, a digest, a
// notice. It is stored in the outbox before anything is sent.
type Outgoing struct {
	ID       int64
	TeamID   int64
	Channel  string   // ToGroup or ToUsers
	Users    []string // ToUsers: the recipients' userids
	Text     string
	Markdown bool     // Text is WeCom markdown (headings, bold); mentions are then not sent
	Mentions []string // ToGroup: userids to @mention
	Origin   string   // what made it, e.g. "report_nag 2026-11-27T07:00:00Z", for logs and audits
	// Card, when set, is sent instead of Text where the channel can carry
	// an interactive card (the AI bot's long connection); a card goes to a
	// group or to one user, never to several (its task id is sent once).
	Card *Card
	// Attachment, when set, is a file sent instead of Text where the
	// channel can carry one; always to one user.
	Attachment *Attachment

	// A late answer to a callback goes first the way the callback allows:
	// Via ViaResponseURL (the AI bot's one-shot URL, until NotAfter) or
	// ViaWebhook (the group robot webhook the callback carried); Target is
	// that URL or key, sealed. Once that way is closed, Channel applies.
	Via      string
	Target   string
	NotAfter time.Time
}

// Ways a late answer goes before its Channel.
const (
	ViaResponseURL = "response_url"
	ViaWebhook     = "webhook"
)

// Job is a team's reminder job as stored: a cron spec read in the team's
// time zone, and an on/off switch.
type Job struct {
	TeamID    int64
	ChatID    string
	TimeZone  string // the team's
	Name      string // e.g. "report_open"
	Spec      string // five-field cron spec, e.g. "0 9 * * MON"
	Enabled   bool
	CreatedAt time.Time // firings before this are never caught up
}

// DueKey is where a job stands in the order due jobs are leased: by due
// time, then team, then name. A tick leases each chunk after the last
// key of the one before.
type DueKey struct {
	Due    time.Time
	TeamID int64
	Name   string
}

// IsZero reports whether k is no key: lease from the first.
func (k DueKey) IsZero() bool { return k == DueKey{} }

// Before reports whether k comes before l in that order.
func (k DueKey) Before(l DueKey) bool {
	switch {
	case !k.Due.Equal(l.Due):
		return k.Due.Before(l.Due)
	case k.TeamID != l.TeamID:
		return k.TeamID < l.TeamID
	}
	return k.Name < l.Name
}

// DayOverride is a team's own day off or extra workday in its calendar.
type DayOverride struct {
	Date Date
	Off  bool // true: a day off (休息); false: a workday (上班)
	Note string
}

// FiringKey identifies a firing: team, job and nominal (cron) time, before
// any calendar adjustment. Its uniqueness in the database is the claim.
type FiringKey struct {
	TeamID  int64
	Job     string
	Nominal time.Time // UTC
}

// FiringOutcome is what a claimed firing did, as the firings table stores it
// (the stored values must not change: the table checks them).
type FiringOutcome string

// The outcomes of a firing.
const (
	FiringSent      FiringOutcome = "sent"       // its messages were enqueued
	FiringNothing   FiringOutcome = "nothing"    // it had nothing to say
	FiringMissed    FiringOutcome = "missed"     // found too late to be worth sending
	FiringNoWorkday FiringOutcome = "no_workday" // its week has no workday to move to
)

// Attachment is a file an outgoing message carries, made when the message
// is sent — the outbox keeps what to make, not the bytes. Where the
// channel can carry a file (an app message, the long connection) the file
// is sent instead of the message's Text; elsewhere Text goes, and says
// where else to find it.
type Attachment struct {
	Kind string // what makes it: AttachMonthlyWorkbook
	Ref  string // what it is made of, e.g. the month "2026-11"
	Name string // the file's name as the recipient sees it
}

// Kinds of Attachment.
const (
	// AttachMonthlyWorkbook is the month's report as an xlsx workbook
	// (R5), without the appendix; Ref is the month.
	AttachMonthlyWorkbook = "monthly.xlsx"
)

// JobDue is when a team's job is next due.
type JobDue struct {
	TeamID int64
	Name   string
	At     time.Time
}

// FiringClaim is one firing to claim, with what it became.
type FiringClaim struct {
	Key     FiringKey
	FireAt  time.Time // zero: none (missed, no workday)
	Outcome FiringOutcome
}
