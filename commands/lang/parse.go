package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"teambot"
)

// Parsed is a message split into its command word and arguments.
type Parsed struct {
	// Word is the command word: normalized, lower-cased, without the
	// leading '/' or '／'. It is "" when the message has no word, i.e. when
	// the first token after the bot's mention is quoted, is an @mention, or
	// starts with a colon.
	Word string
	// Slash reports whether the message started with '/' or '／' (after the
	// bot's mention), whether or not a word followed it.
	Slash bool
	// Args are the arguments after the word; nil when there are none.
	Args []teambot.Arg
	// Rest is the original text after the command word (and after the
	// colon, if the word ended at one), not normalized and trimmed of
	// whitespace of any kind. It serves free-text commands such as a weekly
	// report. When there is no word it is the whole text after the bot's
	// mention (including a leading slash), trimmed.
	Rest string
}

// Parse splits text into a command.
//
// botNames are the bot's own display names, with or without a leading '@';
// a leading @mention of one of them is dropped. Names are compared after
// normalization and ASCII case folding, and a name containing whitespace
// matches the same words separated by any whitespace. Blank names are
// ignored. When no usable name is given, any leading @mention is dropped:
// the transport only delivers messages addressed to the bot, so a leading
// mention is the bot's. A leading mention of someone else is not dropped;
// the message then has no word and every token is an argument.
//
// Parse is pure and runs in time linear in len(text) (times the number of
// bot names for the leading mention). It never panics, also not on invalid
// UTF-8, whose bytes are decoded as utf8.RuneError; callers are expected to
// reject such text separately.
func Parse(text string, botNames []string) Parsed {
	s := TrimSpace(text)
	if s == "" {
		return Parsed{}
	}
	s, ok := dropBotMention(s, botNames)
	if !ok {
		// Addressed to someone else: no command word, all tokens are args.
		return Parsed{Args: SplitArgs(s), Rest: s}
	}
	s = TrimLeftSpace(s)
	if s == "" {
		return Parsed{}
	}

	var p Parsed
	body := s
	if r, size := utf8.DecodeRuneInString(body); r == '/' || r == '／' {
		p.Slash = true
		body = TrimLeftSpace(body[size:])
	}
	word, after, ok := CutWord(body)
	if !ok {
		p.Args = SplitArgs(body)
		p.Rest = s
		return p
	}
	p.Word = word
	p.Args = SplitArgs(after)
	p.Rest = TrimSpace(after)
	return p
}

// IsSpace reports whether r separates tokens: any Unicode white space
// (including U+00A0, U+2005 which WeCom puts after mentions, and U+3000) or
// a zero-width space/BOM (U+200B, U+FEFF), which pasted text often carries.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// TrimSpace trims separators (see isSpace) from both ends of s.
func TrimSpace(s string) string { return strings.TrimFunc(s, IsSpace) }

// TrimLeftSpace trims separators (see isSpace) from the start of s.
func TrimLeftSpace(s string) string { return strings.TrimLeftFunc(s, IsSpace) }

// IsColon reports whether r ends a command word as a colon does.
func IsColon(r rune) bool { return r == ':' || r == '：' }

// isAt reports whether r introduces a mention.
func isAt(r rune) bool { return r == '@' || r == '＠' }

// closingQuote returns the quote that closes the opening quote r.
func closingQuote(r rune) (rune, bool) {
	switch r {
	case '"':
		return '"', true
	case '“':
		return '”', true
	case '「':
		return '」', true
	case '『':
		return '』', true
	case '＂':
		return '＂', true
	}
	return 0, false
}

// CutToken splits s at its first separator.
func CutToken(s string) (tok, rest string) {
	if i := strings.IndexFunc(s, IsSpace); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// mentionName returns the text after a leading '@' or '＠' of s, and whether
// s starts with a mention at all: an '@' followed by at least one character
// that is not a separator. A lone '@' is not a mention.
func mentionName(s string) (string, bool) {
	r, size := utf8.DecodeRuneInString(s)
	if !isAt(r) {
		return "", false
	}
	after := s[size:]
	next, _ := utf8.DecodeRuneInString(after)
	if after == "" || IsSpace(next) {
		return "", false
	}
	return after, true
}

// dropBotMention removes a leading mention of the bot from s, which starts
// with a non-separator. It returns ok == false, and s unchanged, when s
// starts with a mention of someone other than the bot.
func dropBotMention(s string, botNames []string) (rest string, ok bool) {
	after, isMention := mentionName(s)
	if !isMention {
		return s, true
	}
	names := botNameWords(botNames)
	if len(names) == 0 {
		_, rest := CutToken(after)
		return rest, true
	}
	for _, words := range names {
		if n, ok := matchName(after, words); ok {
			return after[n:], true
		}
	}
	return s, false
}

// botNameWords prepares botNames for matchName: each usable name becomes its
// whitespace-separated words, folded with foldRune. A leading '@' or '＠' is
// removed; blank names are skipped.
func botNameWords(botNames []string) [][]string {
	var out [][]string
	for _, name := range botNames {
		name = TrimSpace(name)
		if r, size := utf8.DecodeRuneInString(name); isAt(r) {
			name = name[size:]
		}
		words := strings.FieldsFunc(name, IsSpace)
		if len(words) == 0 {
			continue
		}
		for i, w := range words {
			words[i] = strings.Map(foldRune, w)
		}
		out = append(out, words)
	}
	return out
}

// matchName reports whether s starts with the bot name given as folded
// words, followed by a separator or the end of s. Words of the name match
// words of s separated by any run of separators. It returns the length of
// the match in s.
func matchName(s string, words []string) (int, bool) {
	pos := 0
	for i, w := range words {
		if i > 0 {
			rest := TrimLeftSpace(s[pos:])
			if len(rest) == len(s[pos:]) {
				return 0, false // the name has a space here, s has not
			}
			pos = len(s) - len(rest)
		}
		for _, want := range w {
			if pos >= len(s) {
				return 0, false
			}
			r, size := utf8.DecodeRuneInString(s[pos:])
			if foldRune(r) != want {
				return 0, false
			}
			pos += size
		}
	}
	if r, _ := utf8.DecodeRuneInString(s[pos:]); pos < len(s) && !IsSpace(r) {
		return 0, false // s goes on: "@botty" does not match "bot"
	}
	return pos, true
}

// CutWord splits the command word off s, which starts with a non-separator.
// The word ends at a separator or a colon; a colon ending it is dropped. It
// returns ok == false when s has no word: s is empty, starts with a quote,
// a mention or a colon.
func CutWord(s string) (word, after string, ok bool) {
	r, _ := utf8.DecodeRuneInString(s)
	if s == "" || IsColon(r) {
		return "", "", false
	}
	if _, quoted := closingQuote(r); quoted {
		return "", "", false
	}
	if _, mention := mentionName(s); mention {
		return "", "", false
	}
	end := strings.IndexFunc(s, func(r rune) bool { return IsSpace(r) || IsColon(r) })
	if end < 0 {
		return strings.Map(wordRune, s), "", true
	}
	word, after = strings.Map(wordRune, s[:end]), s[end:]
	if r, size := utf8.DecodeRuneInString(after); IsColon(r) {
		after = after[size:]
	}
	return word, after, true
}

// SplitArgs splits s into arguments. Separators split plain tokens. A token
// starting with an opening quote runs to the matching closing quote (or the
// end of s) and may hold separators; the next token starts right after the
// closing quote. Quotes inside a token are plain text. A token starting with
// '@' or '＠' followed by text is a mention.
func SplitArgs(s string) []teambot.Arg {
	var args []teambot.Arg
	for {
		s = TrimLeftSpace(s)
		if s == "" {
			return args
		}
		var arg teambot.Arg
		arg, s = NextArg(s)
		args = append(args, arg)
	}
}

// NextArg cuts the first argument off s, which starts with a non-separator.
func NextArg(s string) (teambot.Arg, string) {
	r, size := utf8.DecodeRuneInString(s)
	if closer, ok := closingQuote(r); ok {
		inner, rest := cutQuoted(s[size:], closer)
		return teambot.Arg{Text: Normalize(inner), Quoted: true}, rest
	}
	if name, ok := mentionName(s); ok {
		tok, rest := CutToken(name)
		return teambot.Arg{Text: Normalize(tok), Mention: true}, rest
	}
	tok, rest := CutToken(s)
	return teambot.Arg{Text: Normalize(tok)}, rest
}

// cutQuoted splits s, the text after an opening quote, at the closing quote
// closer. Without one, the quoted span is all of s.
func cutQuoted(s string, closer rune) (inner, rest string) {
	if i := strings.IndexRune(s, closer); i >= 0 {
		return s[:i], s[i+utf8.RuneLen(closer):]
	}
	return s, ""
}

// Normalize applies normRune to every rune of s.
func Normalize(s string) string { return strings.Map(normRune, s) }

// normRune maps the full-width ASCII forms U+FF01–U+FF5E to ASCII, the
// ideographic space U+3000 to a space and drops zero-width spaces. Anything
// else, CJK punctuation such as 、。 and emoji included, is kept.
func normRune(r rune) rune {
	switch {
	case r >= '！' && r <= '～':
		return r - '！' + '!'
	case r == '\u3000':
		return ' '
	case r == '\u200b' || r == '\ufeff':
		return -1
	}
	return r
}

// wordRune normalizes and lower-cases a rune of a command word.
func wordRune(r rune) rune {
	if r = normRune(r); r < 0 {
		return r
	}
	return unicode.ToLower(r)
}

// foldRune normalizes a rune of a bot name and folds ASCII case.
func foldRune(r rune) rune {
	if r = normRune(r); r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}
