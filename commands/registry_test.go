package commands

import (
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"help", "help", 0}, {"hepl", "help", 1}, {"tem", "team", 1},
		{"团对", "团队", 1}, {"帮主", "帮助", 1}, {"", "帮助", 2}, {"kitten", "sitting", 3},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestRegistryRefusesADuplicateWord(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("two commands sharing a word did not panic")
		}
	}()
	NewRegistry(&Command{Name: "a", Chinese: "甲"}, &Command{Name: "b", Chinese: "甲"})
}

// Errors quote the user's input back clipped, whichever handler quoted it.
func TestClipQuotes(t *testing.T) {
	long := strings.Repeat("很", 5000)
	got := clipQuotes("看不懂日期「" + long + "」，请写成 2026-11-25。不认识的角色「厨师」。")
	want := "看不懂日期「" + strings.Repeat("很", 20) + "…」，请写成 2026-11-25。不认识的角色「厨师」。"
	if got != want {
		t.Errorf("clipQuotes = %q", got)
	}
}
