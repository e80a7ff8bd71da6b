package commands_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// rosterFaultTx fails reading the active roster while fail is set: a
// database fault in the middle of a command.
type rosterFaultTx struct {
	commands.Tx
	fail *atomic.Bool
}

func (t rosterFaultTx) ActiveMembers(ctx context.Context, teamID int64) ([]teambot.Member, error) {
	if t.fail.Load() {
		return nil, errors.New("injected: the roster cannot be read")
	}
	return t.Tx.ActiveMembers(ctx, teamID)
}

func (t rosterFaultTx) Unwrap() commands.Tx { return t.Tx }

type rosterFaultStore struct {
	db   *storage.DB
	fail *atomic.Bool
}

func (s rosterFaultStore) Update(ctx context.Context, fn func(commands.Tx) error) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error { return fn(rosterFaultTx{tx, s.fail}) })
}

// A command that asks who the supervisor is fails when the database cannot
// say: it is not carried out as if the team had none (a leave request told
// "团队还没有主管" and kept), and nothing of it is stored.
func TestSupervisorReadFaultFailsTheCommand(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		var fail atomic.Bool
		e, err := rulebook.New(commands.Config{Store: rosterFaultStore{db, &fail}, Now: func() time.Time { return now },
			Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"}})
		if err != nil {
			t.Fatal(err)
		}
		c := &chat{t: t, db: db, engine: e, chatID: "group-1"}
		setup(c)
		fail.Store(true)
		got := c.say("zhangsan", "/请假 明天 去医院复查")
		fail.Store(false)
		if strings.Contains(got, "已提交请假申请") || strings.Contains(got, "还没有主管") {
			t.Errorf("the leave request went through on a database fault: %q", got)
		}
		if !strings.Contains(got, "出错") && !strings.Contains(got, "稍后") {
			t.Errorf("reply %q, want the apology for a fault", got)
		}
		c.expect("zhangsan", "/请假 列表", "没有")
	})
}
