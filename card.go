package teambot

import "time"

// Kinds of card: what a card stands for, and so which command a click on it
// runs (docs/cards.md).
const (
	CardVote     = "vote"     // a vote in the group (R11): subject is the vote id
	CardLeave    = "leave"    // a leave request for the supervisor (R9): the leave id
	CardJoin     = "join"     // a request to join for the supervisor (R2): the join request id
	CardProposal = "proposal" // a two-absences proposal for the supervisor (R12): the proposal id
	CardApproval = "approval" // a post, partner or placement request for the supervisor (R7, R15): the approval id
	CardCheckIn  = "checkin"  // 会前提醒's check-in button (R10): the meeting id
)

// Card is an interactive card, built from the records by the area it
// belongs to. It says nothing of WeCom's JSON: the transport renders it
// for the channel that carries it, and where cards cannot be shown (the
// group robot, the console) the message's text, which names the command
// to type, is sent instead.
type Card struct {
	Kind    string
	Subject int64  // the record it stands for (see the Card* kinds)
	TaskID  string // unique per card sent; stored with Kind and Subject, so a click is resolved from the database
	Title   string // one line
	Desc    string // one line under the title
	Lines   []CardLine
	Note    string // a line below the content: the rule, the outcome, what to type instead

	// A card offers either a single choice with a submit button (a vote)
	// or buttons (a decision, a check-in), or, once decided, neither.
	Choice  *CardChoice
	Buttons []CardButton
	// Done replaces the buttons once the matter is settled: "已批准 · 王芳
	// 12月3日 10:02". A click on a done card is answered "已处理".
	Done string
}

// CardLine is a "label: value" row of a card.
type CardLine struct{ Label, Value string }

// CardChoice is a single-choice question: a vote's options.
type CardChoice struct {
	Options []CardOption // at most MaxCardOptions
	Chosen  string       // the option id the viewer has chosen, if any
	Submit  string       // the submit button's text
	Key     string       // the submit button's key
	Closed  bool         // nothing more can be chosen
}

// CardOption is one option of a CardChoice.
type CardOption struct{ ID, Text string }

// CardButton is one button of a card.
type CardButton struct {
	Key     string // what a click on it sends back
	Text    string
	Primary bool // the button to press (approve, check in)
}

// WeCom's limits on interactive cards (docs/cards.md §2).
const (
	MaxCardButtons = 6
	MaxCardOptions = 20
	MaxCardLines   = 6
)

// CardTask is what a card's task id stands for, as stored when the card is
// made.
type CardTask struct {
	TaskID    string
	TeamID    int64
	Kind      string
	Subject   int64
	CreatedAt time.Time
}

// Click is a member's click on a card, as the transport decoded it. Its
// Message carries the chat, the clicker and the event's id (for
// deduplication); Text is empty.
type Click struct {
	Message
	TaskID  string
	Key     string   // the button's key, or the submit button's for a choice
	Options []string // the option ids chosen
}

// CardReason is a supervisor's pending answer to "why?": after 驳回 on a
// card the next message they write in that chat, within Until, is the
// reason the command needs.
type CardReason struct {
	UserID string
	TaskID string
	Key    string
	Until  time.Time
}
