package lang

import (
	"strings"
	"testing"
)

// The parser on what members type most: a short command with a mention,
// a command with arguments, and a weekly report of 1 KB.
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"help", "@TeamBot\u2005/帮助"},
		{"leave", "@TeamBot /请假 周三到周五 下午 “家里有事，需要回老家”"},
		{"report1K", "@TeamBot /周报 " + strings.Repeat("本周完成，", 68)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			b.ReportAllocs()
			for b.Loop() {
				if p := Parse(bc.text, bots); p.Word == "" {
					b.Fatalf("no command word in %q", bc.text)
				}
			}
		})
	}
}
