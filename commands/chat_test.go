package commands_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
)

// now is the fixed clock of these tests: 2026-11-25 10:00 in Shanghai.
var now = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)

// chat is a group chat driven by tests: it sends messages as any user and
// returns the replies, against a real database.
type chat struct {
	t      *testing.T
	db     *storage.DB
	engine *commands.Engine
	chatID string
	seq    int
}

func newChat(t *testing.T, db *storage.DB) *chat {
	t.Helper()
	return &chat{t: t, db: db, engine: engineOn(t, commands.StoreOf(db.Update), nil), chatID: "group-1"}
}

// engineOn is the chat tests' engine on store, sealing private answers
// with s when it is not nil.
func engineOn(t *testing.T, store commands.Store, s commands.Sealer) *commands.Engine {
	t.Helper()
	e, err := rulebook.New(commands.Config{
		Store:    store,
		Now:      func() time.Time { return now },
		Admins:   []string{"boss"},
		TimeZone: "Asia/Shanghai",
		BotNames: []string{"TeamBot"},
		Sealer:   s,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// say sends text as user in the group and returns the reply text.
func (c *chat) say(user, text string) string {
	c.t.Helper()
	return c.send(teambot.Message{ChatID: c.chatID, UserID: user, Text: text}).Text
}

// send delivers a message with a fresh id (unless it has one) and returns
// the reply; a message the engine calls already handled fails the test.
func (c *chat) send(msg teambot.Message) teambot.Reply {
	c.t.Helper()
	c.seq++
	if msg.ID == "" {
		msg.ID = fmt.Sprint("m", c.seq)
	}
	msg.At = now
	// The tests' group chats are the group robot's, which can show a reply
	// to one person, unless a test says the message came through the AI bot.
	msg.Whisper = msg.Source != "bot"
	r, err := c.engine.Handle(context.Background(), msg)
	if err != nil {
		c.t.Fatalf("Handle(%q): %v", msg.Text, err)
	}
	return r
}

// expect sends text as user and fails unless the reply contains every want.
func (c *chat) expect(user, text string, wants ...string) string {
	c.t.Helper()
	got := c.say(user, text)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			c.t.Errorf("%s: %q\nreply: %s\nwant it to contain %q", user, text, got, w)
		}
	}
	return got
}

// expectSingle is expect in user's single chat with the bot, where private
// input such as an account name or an escalation must be sent.
func (c *chat) expectSingle(user, text string, wants ...string) string {
	c.t.Helper()
	got := c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: user, Text: text}).Text
	for _, w := range wants {
		if !strings.Contains(got, w) {
			c.t.Errorf("%s (single chat): %q\nreply: %s\nwant it to contain %q", user, text, got, w)
		}
	}
	return got
}

// inTeam runs read in a transaction with the chat's team, failing the test
// on an error.
func (c *chat) inTeam(read func(ctx context.Context, tx *storage.Tx, team teambot.Team) error) {
	c.t.Helper()
	ctx := context.Background()
	err := c.db.Update(ctx, func(tx *storage.Tx) error {
		team, err := tx.TeamByChat(ctx, c.chatID)
		if err != nil {
			return err
		}
		return read(ctx, tx, team)
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

// teamRead runs read in a transaction with the chat's team and returns
// what it read, failing the test on an error.
func teamRead[T any](c *chat, read func(ctx context.Context, tx *storage.Tx, team teambot.Team) (T, error)) T {
	c.t.Helper()
	var out T
	c.inTeam(func(ctx context.Context, tx *storage.Tx, team teambot.Team) (err error) {
		out, err = read(ctx, tx, team)
		return err
	})
	return out
}

// withID is the record of list with the given id, failing the test when
// there is none.
func withID[T any](c *chat, list []T, id int64, what string, idOf func(T) int64) T {
	c.t.Helper()
	for _, x := range list {
		if idOf(x) == id {
			return x
		}
	}
	c.t.Fatalf("no %s #%d", what, id)
	var zero T
	return zero
}

// audit is the team's audit log, oldest first.
func (c *chat) audit() []teambot.AuditEntry {
	c.t.Helper()
	log := teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.AuditEntry, error) {
		return tx.AuditLog(ctx, team.ID, 1000)
	})
	slices.Reverse(log)
	return log
}

// members is the active roster.
func (c *chat) members() []teambot.Member {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Member, error) {
		return tx.ActiveMembers(ctx, team.ID)
	})
}

// setup makes the team of the example: 王芳 supervisor, 张三 文案.
func setup(c *chat) {
	c.t.Helper()
	c.expect("wangfang", "/join 王芳", "已登记：王芳")
	c.expect("zhangsan", "/加入 张三 文案", "已登记：张三，角色：文案")
	c.expect("boss", "/主管 @王芳", "王芳 现在是主管，任期 11月25日（周三）至 2027年11月25日（周四）")
}
