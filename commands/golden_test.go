package commands_test

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestTranscripts replays each testdata/*.chat script (lines "user: message")
// and compares the transcript with its .golden file, on every database: the
// rendered help, roster and error texts are reviewed as files. Run with
// -update to rewrite the golden files after an intended change.
func TestTranscripts(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.chat")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no testdata/*.chat scripts (err %v)", err)
	}
	for _, script := range scripts {
		t.Run(filepath.Base(script), func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				got := transcript(t, newChat(t, db), script)
				golden := strings.TrimSuffix(script, ".chat") + ".golden"
				if *update && strings.HasSuffix(t.Name(), "/sqlite") {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./commands -run TestTranscripts -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("transcript differs from %s (rerun with -update if intended)\n--- got ---\n%s", golden, got)
				}
			})
		})
	}
}

func transcript(t *testing.T, c *chat, script string) string {
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		user, text, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("%s: line %q is not \"user: message\"", script, line)
		}
		b.WriteString("> " + line + "\n" + c.say(user, text) + "\n\n")
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
