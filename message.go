package teambot

import "time"

// Message is what a member wrote to the bot, as the transport decoded it.
type Message struct {
	ID     string // the platform's message id; used to deduplicate retries
	ChatID string // the group chat; a single chat uses its own id
	UserID string // the sender's WeCom userid
	Text   string
	At     time.Time // when the bot received it
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
}
