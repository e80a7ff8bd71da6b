package commands

import (
	"context"
	"slices"
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
	Handler  Handler // runs when no row of Sub is named; nil: one must be
	// Args are the typed arguments the engine reads, after the command's
	// (and subcommand's) word, before Handler runs: see ArgKind.
	Args []ArgSpec
	// Sub are the subcommands, one row each: /请假 批准 is a row of
	// /请假's Sub, with its own words, usage, Who and handler. The engine
	// routes on the first argument; Who of the row is what is checked.
	Sub []*Command
	// OnMention makes a row of Sub the one named by a first argument
	// written as @名字 (/请假 @张三 今天 病假); the mention stays an
	// argument of the row.
	OnMention bool
	// Change, when not Anyone, is who may use the row with arguments:
	// anyone Who allows sees (the bare row), Change changes (/周报 截止
	// 周五 18:00, /投票 规则 通过 过半).
	Change Who
	// Forbidden, when set, is the refusal to a caller Who does not allow,
	// instead of the standard one; %s is where the current supervisor is
	// named.
	Forbidden string

	parent *Command // the command a row of Sub belongs to
}

// OnlySupervisor is the Forbidden of a supervisor's row: "what 只有主管可以
// 操作（现任主管：…）。".
func OnlySupervisor(what string) string { return what + "只有主管可以操作%s。" }

// ArgKind is the type of a typed argument (Command.Args).
type ArgKind int

const (
	// ArgID is a record number, 3 or #3 (full-width too): Request.ID.
	ArgID ArgKind = iota + 1
	// ArgMember is @名字 of the active roster: Request.Target.
	ArgMember
)

// ArgSpec is one typed argument of a command: its kind, and the refusal
// when it is missing or malformed (a %s in Bad is the text written).
type ArgSpec struct {
	Kind     ArgKind
	Optional bool   // may be left out (then ID is 0, Target zero)
	Missing  string // the refusal when it is left out
	Bad      string // the refusal when it is not of its kind
}

// words are all the words that name c, lower-cased.
func (c *Command) words() []string {
	return append([]string{strings.ToLower(c.Name), c.Chinese}, c.Aliases...)
}

// Path is how a command or subcommand is written: "/请假" or "/请假 批准".
func (c *Command) Path() string {
	if c.parent != nil {
		if c.OnMention {
			return c.parent.Path() + " @名字"
		}
		return c.parent.Path() + " " + c.Chinese
	}
	return "/" + c.Chinese
}

// UsageLine is how to write the command, in Chinese: its path, then its
// own form and each subcommand's, rows of rows included, e.g.
// "/请假 日期 理由 | 取消 编号" or "/会议 … | 申诉 日期 理由 | 申诉 批准 编号".
func (c *Command) UsageLine() string {
	var forms []string
	if c.Usage != "" {
		forms = append(forms, c.Usage)
	}
	forms = append(forms, c.subForms(c.Path()+" ")...)
	if len(forms) == 0 {
		return c.Path()
	}
	return c.Path() + " " + strings.Join(forms, " | ")
}

// subForms are the forms of c's rows and theirs, written after prefix.
func (c *Command) subForms(prefix string) []string {
	var forms []string
	for _, s := range c.Sub {
		word := strings.TrimPrefix(s.Path(), prefix)
		if s.Usage != "" || len(s.Sub) == 0 {
			forms = append(forms, strings.TrimSpace(word+" "+s.Usage))
		}
		forms = append(forms, s.subForms(prefix)...)
	}
	return forms
}

// subFor is the row of Sub the first argument names, if any. A word may
// end at a colon, /周报 查看：上周: colon says so, and after is what follows
// the colon in that argument.
func (c *Command) subFor(args []teambot.Arg) (s *Command, after string, colon, ok bool) {
	if len(args) == 0 {
		return nil, "", false, false
	}
	a := args[0]
	word, after, colon := strings.Cut(strings.ReplaceAll(a.Text, "：", ":"), ":")
	for _, s := range c.Sub {
		switch {
		case a.Mention:
			if s.OnMention {
				return s, "", false, true
			}
		case !a.Quoted && !s.OnMention && slices.Contains(s.words(), strings.ToLower(word)):
			return s, after, colon, true
		}
	}
	return nil, "", false, false
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
		indexRows(c)
	}
	return r
}

// indexRows links c's rows, and theirs, to their parent. A word naming two
// rows of one command is a programming error and panics at start.
func indexRows(c *Command) {
	subs := map[string]*Command{}
	for _, s := range c.Sub {
		s.parent = c
		indexRows(s)
		if s.OnMention {
			continue
		}
		for _, w := range s.words() {
			if prev, dup := subs[w]; dup {
				panic("commands: word " + w + " names both " + c.Name + " " + prev.Name + " and " + c.Name + " " + s.Name)
			}
			subs[w] = s
		}
	}
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
