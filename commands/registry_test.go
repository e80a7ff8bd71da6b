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

// Only long words get two typos, so a two-character Chinese word is not
// "corrected" into an unrelated command.
func TestSuggest(t *testing.T) {
	r := NewRegistry(builtins()...)
	all := func(*Command) bool { return true }
	for word, want := range map[string]string{"tem": "team", "jion": "join", "supervsior": "supervisor", "团对": "team", "加人": "join"} {
		c, ok := r.Suggest(word, all)
		if !ok || c.Name != want {
			t.Errorf("Suggest(%q) = %v, %v; want %s", word, c, ok, want)
		}
	}
	for _, word := range []string{"你好", "weekly", "x"} {
		if c, ok := r.Suggest(word, all); ok {
			t.Errorf("Suggest(%q) = %s, want no suggestion", word, c.Name)
		}
	}
	none := func(*Command) bool { return false }
	if c, ok := r.Suggest("tem", none); ok {
		t.Errorf("Suggest offered %s, which the caller may not use", c.Name)
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
