package commands_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// One command through the engine on a real database: the message id
// recorded, the team and the sender loaded, the handler run, all in one
// transaction. /团队 reads the roster; /周报 writes a report.
func BenchmarkHandle(b *testing.B) {
	for _, dbc := range []struct {
		name string
		open func(testing.TB) *storage.DB
	}{{"sqlite", storagetest.SQLite}, {"postgres", storagetest.Postgres}} {
		b.Run(dbc.name, func(b *testing.B) {
			db := dbc.open(b)
			e, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: func() time.Time { return now },
				Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"}})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			seq := 0
			say := func(user, text string) string {
				seq++
				r, err := e.Handle(ctx, teambot.Message{ID: "bench-" + strconv.Itoa(seq), ChatID: "group-1", UserID: user, Text: text, At: now})
				if err != nil {
					b.Fatal(err)
				}
				return r.Text
			}
			// Everyone joins before there is a supervisor: after, joining
			// waits for approval.
			say("wangfang", "/join 王芳")
			for i := range 10 {
				say("user"+strconv.Itoa(i), "/加入 成员"+strconv.Itoa(i)+" 文案")
			}
			say("boss", "/主管 @王芳")
			for _, cmd := range []struct{ name, text, want string }{
				{"roster", "/团队", "团队名单（11 人）"},
				{"report", "/周报 本周完成了三篇推文", "周报"},
			} {
				b.Run(cmd.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if got := say("user1", cmd.text); !strings.Contains(got, cmd.want) {
							b.Fatalf("%s: %s", cmd.text, got)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commands/s")
				})
			}
		})
	}
}
