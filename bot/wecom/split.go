package wecom

import (
	"strings"
	"unicode/utf8"
)

// Split cuts text into parts of at most maxBytes bytes for a WeCom message
// size limit. It cuts after a line break where it can (so a CRLF stays
// whole), and cuts a single line longer than maxBytes at a rune boundary,
// never inside a UTF-8 character. Nothing is lost or added: the parts joined
// are text. Empty text gives no parts; non-empty text gives no empty part.
//
// A maxBytes smaller than a character (below 4) still makes progress: such a
// part holds that one character. Split panics if maxBytes is not positive.
func Split(text string, maxBytes int) []string {
	if maxBytes <= 0 {
		panic("wecom.Split: maxBytes must be positive")
	}
	var parts []string
	for len(text) > maxBytes {
		n := strings.LastIndexByte(text[:maxBytes], '\n') + 1
		if n == 0 {
			n = runeCut(text, maxBytes)
		}
		parts = append(parts, text[:n])
		text = text[n:]
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// runeCut returns where to cut s, which is longer than max bytes, at most
// max bytes in: at a rune boundary, and not between the CR and LF of a line
// break. It is at least 1.
func runeCut(s string, max int) int {
	n := max
	for back := 0; back < utf8.UTFMax && n > 0 && !utf8.RuneStart(s[n]); back++ {
		n--
	}
	switch {
	case n == 0:
		// max is smaller than the first character: take it whole.
		_, size := utf8.DecodeRuneInString(s)
		return size
	case !utf8.RuneStart(s[n]):
		return max // not UTF-8: any cut is as good as another
	}
	if n > 1 && s[n-1] == '\r' && s[n] == '\n' {
		n--
	}
	return n
}
