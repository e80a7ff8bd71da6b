package teambot

import "time"

// Chat types of a Message.
const (
	ChatGroup  = "group"  // a group chat: its ChatID names the team
	ChatSingle = "single" // a one-to-one chat with the bot: the sender's team(s) apply
)

// Message is what a member wrote to the bot, as the transport decoded it.
type Message struct {
	Source   string // the way in ("bot", "robot", "app", "console"); with ID it identifies a message for deduplication
	ID       string // the platform's message id; "" disables deduplication
	ChatID   string // the group chat id; "" in a single chat
	ChatType string // ChatGroup or ChatSingle; "" is taken as a group when ChatID is set
	UserID   string // the sender's WeCom userid
	UserName string // the sender's display name, when the platform sends one
	Text     string
	At       time.Time // when the bot received it

	// Whisper says the transport can show a reply in this group chat to
	// the sender alone (the group robot's VisibleToUser). Without it every
	// reply in a group is seen by the whole group (the AI bot has no
	// visible-to-one reply), so a private reply is never posted there
	// (R14). Single chats are private whatever it says.
	Whisper bool

	// WebhookKey is the group robot webhook key the callback carried (group
	// robot mode only): the team's push target.
	WebhookKey string

	// Cards says the transport can answer in this chat with an interactive
	// card (the AI bot can; the group robot and the console cannot).
	Cards bool

	// ReplyLimit is the most bytes one answer to the message carries on
	// its transport (a group robot's or an app's text: 2 048); 0, no
	// limit. A longer answer is cut there and the rest sent after it.
	ReplyLimit int
}

// Single reports whether the message came from a one-to-one chat.
func (m Message) Single() bool {
	return m.ChatType == ChatSingle || (m.ChatType == "" && m.ChatID == "")
}

// Arg is one argument of a command after parsing.
type Arg struct {
	Text    string // normalized text, quotes and a leading @ removed
	Quoted  bool   // it was written in quotes
	Mention bool   // it was written as @Name
}

// Invocation is a parsed command: the word that names it, its arguments and
// the message it came from.
type Invocation struct {
	Message
	Word string // the command word as written, lower-cased, without '/'
	Args []Arg
	Rest string // the original text after the command word, trimmed, for free text
}

// Reply is what the bot answers.
type Reply struct {
	Text     string
	Private  bool     // show only to the sender (a single chat or a reply visible to them)
	Mentions []string // userids to @mention in the group
	// Card, when set, is shown instead of Text where the channel can show
	// cards; Text always says the same and names the command to type. In
	// the answer to a Click it is the clicked card as it now stands.
	Card *Card
}

// Event kinds the bot reacts to.
const (
	EventAddToChat      = "add_to_chat"      // the robot was added to a group
	EventDeleteFromChat = "delete_from_chat" // the robot was removed from a group
	EventEnterChat      = "enter_chat"       // a member opened a single chat with the bot
)

// Event is something that happened in a chat rather than a message typed to
// the bot. Its Message carries the chat, the user and the id; Text is empty.
type Event struct {
	Message
	Kind string // EventAddToChat, EventDeleteFromChat, EventEnterChat, or another platform event
}

// KeptReply is a message's answer as kept with its id for WeCom's retries.
type KeptReply struct {
	Reply
	Kept   bool // false: no answer was kept, only that the message ran
	Sealed bool // Text is sealed (a private answer)
}
