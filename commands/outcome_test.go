package commands_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// observingEngine is an engine on store whose metrics the test reads as
// "command outcome" lines.
func observingEngine(t *testing.T, store commands.Store, observed *[]string) *commands.Engine {
	t.Helper()
	e, err := rulebook.New(commands.Config{
		Store: store, Now: func() time.Time { return now }, Admins: []string{"boss"}, TimeZone: "Asia/Shanghai",
		Log:     slog.New(slog.DiscardHandler),
		Observe: func(command, outcome string) { *observed = append(*observed, command+" "+outcome) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Commands are counted as handled, refused (bad input, not allowed, not
// found, a conflict) or failed, each under its command's name; a message
// that names no command is counted as "none".
func TestCommandOutcomes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		var observed []string
		e := observingEngine(t, commands.StoreOf(db.Update), &observed)
		for i, tc := range []struct{ user, text, want string }{
			{"wangfang", "/加入 王芳", "join handled"},
			{"zhangsan", "/加入 张三 文案", "join handled"},
			{"boss", "/主管 @王芳", "supervisor handled"},
			{"zhangsan", "/移除 @王芳", "remove refused"},                 // not the supervisor
			{"wangfang", "/角色 @谁也不是 文案", "role refused"},              // no such member
			{"wangfang", "/周报 --week 2026-W99 写完了", "report refused"}, // bad input
			{"zhangsan", "/没有这个命令", "none refused"},
		} {
			observed = nil
			e.Handle(context.Background(), teambot.Message{Source: "bot", ID: "m" + string(rune('a'+i)), ChatID: "group-1",
				ChatType: teambot.ChatGroup, UserID: tc.user, Text: tc.text, At: now})
			if got := strings.Join(observed, "|"); got != tc.want {
				t.Errorf("%s %q: observed %q, want %q", tc.user, tc.text, got, tc.want)
			}
		}
	})
}

// A command that fails because the database does not answer is counted as
// failed under its own name, never as "unknown".
func TestFailedCommandKeepsItsName(t *testing.T) {
	down := errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	var observed []string
	e := observingEngine(t, commands.StoreOf(func(context.Context, func(*storage.Tx) error) error { return down }), &observed)
	for text, want := range map[string]string{
		"/团队":       "team failed",
		"/加入 张三 文案": "join failed",
		"/周报 写完了":   "report failed",
		"你好":        "none failed",
	} {
		observed = nil
		reply, _ := e.Handle(context.Background(), teambot.Message{Source: "bot", ID: text, ChatID: "group-1",
			ChatType: teambot.ChatGroup, UserID: "zhangsan", Text: text, At: now})
		if got := strings.Join(observed, "|"); got != want {
			t.Errorf("%q with the database down: observed %q, want %q (reply %q)", text, got, want, reply.Text)
		}
	}
}
