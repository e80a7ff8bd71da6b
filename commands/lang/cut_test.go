package lang

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Cut never leaves more than n bytes in the head, never cuts a
// character, prefers a line break, and loses nothing.
func TestCut(t *testing.T) {
	for _, tc := range []struct {
		text string
		n    int
	}{
		{"短", 10},
		{strings.Repeat("周报内容", 40), 50},
		{strings.Repeat("第一行内容\n", 20), 40},
		{"a\n" + strings.Repeat("长", 30), 31}, // the only break is too early: cut a character
	} {
		head, rest := Cut(tc.text, tc.n)
		if len(head) > tc.n || !utf8.ValidString(head) || !utf8.ValidString(rest) {
			t.Errorf("Cut(%q, %d) = %q, %q", tc.text, tc.n, head, rest)
		}
		if whole := head + rest; whole != tc.text && head+"\n"+rest != tc.text {
			t.Errorf("Cut(%q, %d) lost text: %q + %q", tc.text, tc.n, head, rest)
		}
		if strings.Count(tc.text, "\n") > 2 && rest != "" && !strings.HasSuffix(head, "内容") {
			t.Errorf("Cut(%q, %d) did not cut at a line: %q", tc.text, tc.n, head)
		}
	}
}
