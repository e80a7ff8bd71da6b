// Text helpers every command area uses: the free text after a command's
// words, the words of a message with their positions, clipping long input for
// replies, cutting a long answer and reading a record id.

package lang

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"teambot"
)

// FreeText is the original text after a command's leading words, without a
// colon that introduced it.
func FreeText(s string) string {
	s = TrimLeftSpace(s)
	if r, size := utf8.DecodeRuneInString(s); IsColon(r) {
		s = s[size:]
	}
	return TrimSpace(s)
}

// RecordID reads a record number: 3, #3, ＃3, ３.
func RecordID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(Normalize(s), "#"), 10, 64)
	return id, err == nil && id > 0
}

// RestAfter is text after its first n arguments, as written.
func RestAfter(text string, n int) string {
	for range n {
		_, text = NextArg(TrimLeftSpace(text))
	}
	return TrimSpace(text)
}

// Clip shortens what a user wrote for quoting it back.
func Clip(s string) string {
	const max = 20
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// Word is a word of a message's original text and where it starts in it.
type Word struct {
	Text string // normalized, as the parser's arguments are
	At   int    // byte offset in the original text
}

// RestWords splits the original text after a command word at separators,
// keeping each word's position, so that free text after some leading words
// (a reason after the dates) can be taken from the original, unnormalized.
func RestWords(s string) []Word {
	var out []Word
	for i := 0; i < len(s); {
		rest := TrimLeftSpace(s[i:])
		if rest == "" {
			break
		}
		i = len(s) - len(rest)
		tok, _ := CutToken(rest)
		out = append(out, Word{Text: Normalize(tok), At: i})
		i += len(tok)
	}
	return out
}

func WordTexts(ws []Word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Text
	}
	return out
}

// TextFrom is the original text of s from where the words rest (the tail of
// words, its first maybe the end of a longer word, as ParseDateSpan hands
// them back) begin, without a colon that introduced it.
func TextFrom(s string, words []Word, rest []string) string {
	if len(rest) == 0 || len(rest) > len(words) {
		return ""
	}
	w := words[len(words)-len(rest)]
	start := w.At
	if rest[0] != w.Text {
		tok, _ := CutToken(s[w.At:])
		for j := range tok {
			if Normalize(tok[j:]) == rest[0] {
				start = w.At + j
				break
			}
		}
	}
	return FreeText(s[start:])
}

// ArgsText is the arguments' text joined by single spaces.
func ArgsText(args []teambot.Arg) string { return strings.Join(ArgTexts(args), " ") }

// ArgTexts are the texts of args.
func ArgTexts(args []teambot.Arg) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Text
	}
	return out
}

// FirstLine is the first non-blank line of text, cut to max runes.
func FirstLine(text string, max int) string {
	for line := range strings.Lines(text) {
		line = TrimSpace(line)
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > max {
			return string([]rune(line)[:max]) + "…"
		}
		return line
	}
	return ""
}

// FirstLineRunes bounds the first line of a report quoted in the digest.
const FirstLineRunes = 40

// CheckLeaveReason refuses a missing reason (missing says how to write
// one), one that seems to carry a
// password (R13) and one over maxLeaveReasonRunes characters.
func CheckLeaveReason(reason, missing string) error {
	switch n := utf8.RuneCountInString(reason); {
	case reason == "":
		return teambot.Invalid("%s", missing)
	case n > maxLeaveReasonRunes:
		return teambot.Invalid("理由最多 %d 字，这条有 %d 字，请写简短些。", maxLeaveReasonRunes, n)
	}
	return nil
}

// maxLeaveReasonRunes is the longest reason a leave request or a rejection
// may give, in characters.
const maxLeaveReasonRunes = 200

// Cut splits text into a head of at most n bytes and the rest: at the last
// line break within n bytes when there is one in its second half (the
// break itself dropped), else at the last whole character.
func Cut(text string, n int) (head, rest string) {
	if len(text) <= n {
		return text, ""
	}
	if i := strings.LastIndexByte(text[:n], '\n'); i >= n/2 {
		return text[:i], text[i+1:]
	}
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n], text[n:]
}
