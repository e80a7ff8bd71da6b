package commands_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// eachUnwritable runs fn on each database, fresh and migrated, that cannot
// be written until release is called: SQLite as a file another process
// holds the write lock on past busy_timeout, PostgreSQL answering every new
// message id as a full disk does.
func eachUnwritable(t *testing.T, fn func(t *testing.T, db *storage.DB, release func())) {
	t.Run("sqlite", func(t *testing.T) {
		rawURL := storagetest.SQLiteURL(t)
		db := openURL(t, rawURL)
		conn, err := storagetest.Raw(t, rawURL).Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
			t.Fatal(err)
		}
		fn(t, db, func() { conn.ExecContext(context.Background(), `ROLLBACK`) })
	})
	t.Run("postgres", func(t *testing.T) {
		rawURL := storagetest.PostgresURL(t)
		db := openURL(t, rawURL)
		raw := storagetest.Raw(t, rawURL)
		// Every write of a message id meets what a full disk answers (53100).
		for _, stmt := range storagetest.FullDisk("processed_messages") {
			if _, err := raw.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}
		fn(t, db, func() {
			if _, err := raw.Exec(`DROP TRIGGER full_disk ON processed_messages`); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func openURL(t *testing.T, rawURL string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), rawURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A message that cannot run because the database cannot be written is
// not answered with an apology — that would end WeCom's retries — but with
// teambot.ErrUnavailable, and nothing of it is kept, not even its id: the
// retry once the database can be written runs it, once.
func TestUnwritableDatabaseIsNotAnApology(t *testing.T) {
	eachUnwritable(t, func(t *testing.T, db *storage.DB, release func()) {
		e, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: func() time.Time { return now }, TimeZone: "Asia/Shanghai"})
		if err != nil {
			t.Fatal(err)
		}
		msg := teambot.Message{Source: "robot", ID: "join-1", ChatID: "group-1", ChatType: teambot.ChatGroup, UserID: "zhangsan", Text: "/加入 张三 文案", At: now}
		ev := teambot.Event{Message: teambot.Message{Source: "robot", ID: "ev-1", ChatID: "group-2", ChatType: teambot.ChatGroup, UserID: "boss", At: now},
			Kind: teambot.EventAddToChat}

		reply, err := e.Handle(context.Background(), msg)
		if !errors.Is(err, teambot.ErrUnavailable) || reply.Text != "" {
			t.Errorf("a command on an unwritable database: %q, %v; want no reply and ErrUnavailable", reply.Text, err)
		}
		reply, err = e.HandleEvent(context.Background(), ev)
		if !errors.Is(err, teambot.ErrUnavailable) || reply.Text != "" {
			t.Errorf("an event on an unwritable database: %q, %v; want no reply and ErrUnavailable", reply.Text, err)
		}
		release()

		// WeCom's retry, the database writable again: it runs, once.
		if reply, err := e.Handle(context.Background(), msg); err != nil || !strings.Contains(reply.Text, "已登记：张三") {
			t.Errorf("the retry once the database can be written: %q, %v; want 张三 registered", reply.Text, err)
		}
		if reply, err := e.HandleEvent(context.Background(), ev); err != nil || !strings.Contains(reply.Text, "大家好") {
			t.Errorf("the event's retry: %q, %v; want the welcome", reply.Text, err)
		}
		if _, err := e.Handle(context.Background(), msg); !errors.Is(err, teambot.ErrAlreadyHandled) {
			t.Errorf("a second retry: %v, want ErrAlreadyHandled", err)
		}

		// Any other failure is ours, not the database's: the apology.
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		msg.ID = "join-2"
		if reply, err := e.Handle(cancelled, msg); err != nil || !strings.Contains(reply.Text, "抱歉") {
			t.Errorf("a command that failed for another reason: %q, %v; want the apology", reply.Text, err)
		}
	})
}
