package wecom_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"teambot/bot/wecom"
)

func TestSplit(t *testing.T) {
	line := func(s string, n int) string { return strings.Repeat(s, n) }
	tests := []struct {
		name string
		text string
		max  int
		want []string // nil: only the invariants are checked
	}{
		{name: "empty", text: "", max: 10, want: nil},
		{name: "fits", text: "hello\nworld", max: 11, want: []string{"hello\nworld"}},
		{name: "at line breaks", text: "aaa\nbbb\nccc\n", max: 8, want: []string{"aaa\nbbb\n", "ccc\n"}},
		{name: "line break exactly at the limit", text: "aaa\nbbbb", max: 4, want: []string{"aaa\n", "bbbb"}},
		{name: "CRLF stays whole", text: "aa\r\nbb\r\ncc", max: 8, want: []string{"aa\r\nbb\r\n", "cc"}},
		{name: "long line after short ones", text: "ab\n" + line("x", 10), max: 4, want: []string{"ab\n", "xxxx", "xxxx", "xx"}},
		{name: "Chinese long line cut between characters", text: line("中", 5), max: 7, want: []string{"中中", "中中", "中"}},
		{name: "emoji cut between characters", text: line("😀", 3), max: 6, want: []string{"😀", "😀", "😀"}},
		{name: "long CRLF line not cut inside CRLF", text: line("a", 5) + "\r\nb", max: 6, want: []string{"aaaaa", "\r\nb"}},
		{name: "limit below one character", text: "中文", max: 2, want: []string{"中", "文"}},
		{name: "only line breaks", text: "\n\n\n", max: 1, want: []string{"\n", "\n", "\n"}},
		{name: "5000-byte line", text: line("a", 5000), max: 2048},
		{name: "5000 bytes of Chinese on one line", text: line("汉字", 834), max: 2048},
		{name: "Chinese lines", text: line(line("周报提醒", 40)+"\n", 30), max: 2048},
		{name: "emoji and CRLF lines", text: line("进度 ✅🎉 done\r\n", 400), max: 4096},
		{name: "mixed long and short lines", text: "标题\n" + line("长", 2000) + "\n" + line("短句\n", 500), max: 2048},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := wecom.Split(tt.text, tt.max)
			if tt.want != nil || tt.text == "" {
				if !slices.Equal(parts, tt.want) {
					t.Fatalf("Split(%q, %d) = %q, want %q", tt.text, tt.max, parts, tt.want)
				}
			}
			checkParts(t, tt.text, tt.max, parts)
		})
	}
}

// checkParts checks what Split promises for any input.
func checkParts(t *testing.T, text string, limit int, parts []string) {
	t.Helper()
	if got := strings.Join(parts, ""); got != text {
		t.Fatalf("parts do not join back into the text: %d bytes, want %d", len(got), len(text))
	}
	for i, p := range parts {
		switch {
		case p == "":
			t.Errorf("part %d is empty", i)
		case len(p) > limit && utf8.RuneCountInString(p) > 1:
			t.Errorf("part %d has %d bytes, more than %d", i, len(p), limit)
		case !utf8.ValidString(p):
			t.Errorf("part %d is not valid UTF-8: a character was cut", i)
		case strings.HasSuffix(p, "\r") && i+1 < len(parts) && strings.HasPrefix(parts[i+1], "\n"):
			t.Errorf("a CRLF was cut between parts %d and %d", i, i+1)
		}
	}
	// A part is cut inside a line only when no line break fitted.
	for i, p := range parts[:max(len(parts)-1, 0)] {
		if !strings.HasSuffix(p, "\n") && strings.Contains(p, "\n") {
			t.Errorf("part %d was cut inside a line although a line break fitted", i)
		}
	}
}

func TestSplitPanicsOnNonPositiveLimit(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Split(text, 0) did not panic")
		}
	}()
	wecom.Split("text", 0)
}
