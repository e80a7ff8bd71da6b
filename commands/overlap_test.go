package commands_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"teambot"
	"teambot/commands"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// WeCom retries a callback that got no answer within 5 s, possibly to
// another replica while the first run still goes on (commands/handled.go).
// Here the retry arrives — finds the id not yet recorded — and the first
// run then commits before the retry reads anything else: the worst
// overlap. The retry must answer as the first did and change nothing more.
// PostgreSQL only: SQLite's one connection runs one transaction at a time.
func TestARetryOverlappingItsFirstRun(t *testing.T) {
	for _, tc := range []struct {
		text, want string
		// rows counts what the command made; it must be one after both runs.
		rows string
	}{
		// The retry reads the first's leave and writes nothing: it would
		// refuse the first's own leave as overlapping.
		{"/请假 2026-12-07 事由 看牙", "已提交请假申请", `SELECT count(*) FROM leaves WHERE reason = '事由 看牙'`},
		// The retry writes too (a report's next version): the second to
		// record the id is rolled back whole.
		{"/周报 完成公众号推文 3 篇", "已提交", `SELECT count(*) FROM reports WHERE text = '完成公众号推文 3 篇'`},
	} {
		t.Run(tc.text, func(t *testing.T) {
			rawURL := storagetest.PostgresURL(t)
			db, err := storage.Open(context.Background(), rawURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			raw := storagetest.Raw(t, rawURL)
			c := newChat(t, db)
			setup(c)
			msg := teambot.Message{Source: "robot", ID: "overlap", ChatID: c.chatID, UserID: "zhangsan", Text: tc.text, Whisper: true}

			var first teambot.Reply
			ran := false
			retry := overlappingEngine(t, db, func() {
				if !ran {
					ran = true
					first = c.send(msg)
				}
			})
			again, err := retry.Handle(context.Background(), msg)
			if !ran {
				t.Fatal("the first run never ran inside the retry")
			}
			if !strings.Contains(first.Text, tc.want) {
				t.Fatalf("the first run answered %q, want %q", first.Text, tc.want)
			}
			if !errors.Is(err, teambot.ErrAlreadyHandled) || again.Text != first.Text {
				t.Errorf("the overlapping retry answered %q (%v), want the first's answer %q, already handled", again.Text, err, first.Text)
			}
			var n int
			if err := raw.QueryRow(tc.rows).Scan(&n); err != nil || n != 1 {
				t.Errorf("%s: %d rows (%v), want 1", tc.rows, n, err)
			}
		})
	}
}

// overlappingEngine is the chat tests' engine whose transactions run
// between after the arrival of a group message (its team, its sender and
// whether its id was seen) and anything else the command reads.
func overlappingEngine(t *testing.T, db *storage.DB, between func()) *commands.Engine {
	t.Helper()
	return engineOn(t, overlapStore{commands.StoreOf(db.Update), between}, nil)
}

type overlapStore struct {
	commands.Store
	between func()
}

func (s overlapStore) Update(ctx context.Context, fn func(commands.Tx) error) error {
	return s.Store.Update(ctx, func(tx commands.Tx) error { return fn(overlapTx{tx, s.between}) })
}

type overlapTx struct {
	commands.Tx
	between func()
}

func (t overlapTx) ArriveInGroup(ctx context.Context, msg teambot.Message) (teambot.Team, teambot.Member, bool, error) {
	team, sender, first, err := t.Tx.ArriveInGroup(ctx, msg)
	t.between()
	return team, sender, first, err
}

func (t overlapTx) Unwrap() commands.Tx { return t.Tx }
