package rulebook_test

import (
	"testing"

	"teambot/commands"
	"teambot/commands/account"
	"teambot/commands/approval"
	"teambot/commands/escalate"
	"teambot/commands/leave"
	"teambot/commands/ledger"
	"teambot/commands/meeting"
	"teambot/commands/monthly"
	"teambot/commands/redact"
	"teambot/commands/report"
	"teambot/commands/roster"
	"teambot/commands/vote"
	"teambot/rulebook"
	"teambot/storage"
)

// The database's transaction has every method each area asks of it
// (commands.TxAs would panic otherwise).
var (
	_ commands.Tx = (*storage.Tx)(nil)
	_ roster.Tx   = (*storage.Tx)(nil)
	_ report.Tx   = (*storage.Tx)(nil)
	_ meeting.Tx  = (*storage.Tx)(nil)
	_ leave.Tx    = (*storage.Tx)(nil)
	_ monthly.Tx  = (*storage.Tx)(nil)
	_ account.Tx  = (*storage.Tx)(nil)
	_ vote.Tx     = (*storage.Tx)(nil)
	_ ledger.Tx   = (*storage.Tx)(nil)
	_ redact.Tx   = (*storage.Tx)(nil)
	_ escalate.Tx = (*storage.Tx)(nil)
	_ approval.Tx = (*storage.Tx)(nil)
)

// Only long words get two typos, so a two-character Chinese word is not
// "corrected" into an unrelated command.
func TestSuggest(t *testing.T) {
	r := commands.NewRegistry(rulebook.Commands()...)
	all := func(*commands.Command) bool { return true }
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
	none := func(*commands.Command) bool { return false }
	if c, ok := r.Suggest("tem", none); ok {
		t.Errorf("Suggest offered %s, which the caller may not use", c.Name)
	}
}
