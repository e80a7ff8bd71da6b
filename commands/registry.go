package commands

import (
	"context"
	"strings"
	"unicode/utf8"

	"teambot"
)

// Who says who may run a command. The engine checks it before the handler
// runs; /help lists only what the caller passes.
type Who int

const (
	Anyone            Who = iota // anybody in the chat, member or not
	Member                       // an active member of the chat's team
	Supervisor                   // the team's supervisor (R1, R19)
	SupervisorOrAdmin            // the supervisor or a TEAMBOT_ADMINS userid
)

// Handler does a command's work inside the request's transaction and returns
// the reply, or an error whose teambot.ErrorKind decides the wording.
type Handler func(ctx context.Context, r *Request) (teambot.Reply, error)

// Command is one row of the bot's surface: everything /help, "did you mean"
// and the permission check need, and the handler.
type Command struct {
	Name     string   // English name, e.g. "join"
	Chinese  string   // Chinese name, e.g. "加入"
	Aliases  []string // other accepted words
	Summary  string   // one line for /help
	Usage    string   // arguments after the word, e.g. "名字 [角色…]"
	Examples []string // full example messages
	Who      Who
	Handler  Handler
}

// words are all the words that name c, lower-cased.
func (c *Command) words() []string {
	return append([]string{strings.ToLower(c.Name), c.Chinese}, c.Aliases...)
}

// UsageLine is how to write the command, in Chinese.
func (c *Command) UsageLine() string {
	if c.Usage == "" {
		return "/" + c.Chinese
	}
	return "/" + c.Chinese + " " + c.Usage
}

// Registry is the set of commands the engine knows.
type Registry struct {
	commands []*Command
	byWord   map[string]*Command
}

// NewRegistry indexes commands by every word that names them. A word used
// twice is a programming error and panics at start.
func NewRegistry(commands ...*Command) *Registry {
	r := &Registry{commands: commands, byWord: map[string]*Command{}}
	for _, c := range commands {
		for _, w := range c.words() {
			if prev, dup := r.byWord[w]; dup {
				panic("commands: word " + w + " names both " + prev.Name + " and " + c.Name)
			}
			r.byWord[w] = c
		}
	}
	return r
}

// Lookup finds the command a word names.
func (r *Registry) Lookup(word string) (*Command, bool) {
	c, ok := r.byWord[strings.ToLower(word)]
	return c, ok
}

// Commands lists the commands in registration order.
func (r *Registry) Commands() []*Command { return r.commands }

// Suggest is the command whose name is closest to an unknown word, when one is
// close enough to be a likely typo. Only commands visible passes are offered.
func (r *Registry) Suggest(word string, visible func(*Command) bool) (*Command, bool) {
	word = strings.ToLower(word)
	n := utf8.RuneCountInString(word)
	if n > maxSuggestRunes {
		return nil, false // no command word is that long: not a typo
	}
	var best *Command
	bestDist := 0
	for _, c := range r.commands {
		if !visible(c) {
			continue
		}
		for _, w := range c.words() {
			if diff := n - utf8.RuneCountInString(w); diff > maxTypos(w) || -diff > maxTypos(w) {
				continue
			}
			d := editDistance(word, w)
			if d > maxTypos(w) {
				continue
			}
			if best == nil || d < bestDist {
				best, bestDist = c, d
			}
		}
	}
	return best, best != nil
}

// maxSuggestRunes bounds the words Suggest compares, so a long unknown word
// costs nothing.
const maxSuggestRunes = 24

// maxTypos is how many edits still count as a typo of w: none for a
// one-character word, one for short words (two Chinese characters are a
// whole command), two for long ones.
func maxTypos(w string) int {
	switch n := len([]rune(w)); {
	case n <= 1:
		return 0
	case n < 6:
		return 1
	}
	return 2
}

// editDistance counts the insertions, deletions, substitutions and swaps of
// neighbouring runes that turn a into b (optimal string alignment distance),
// so "hepl" is one typo away from "help".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
