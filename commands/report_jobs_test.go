package commands_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/report"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// job names a reminder for the tests, and how it composes a firing.
type job struct {
	name string
	run  func(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error)
}

// builtJob is the reminder of the table named name, composed as its
// Build does (without the day-of-month gate of Compose).
func builtJob(name string) job {
	for _, rm := range rulebook.Reminders() {
		if rm.Name == name {
			return job{name, rm.Build}
		}
	}
	panic("no reminder " + name)
}

var (
	openJob   = builtJob("report_open")
	nagJob    = builtJob("report_nag")
	digestApp = job{"report_digest", func(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
		return report.Digest(ctx, e, f, true)
	}}
	digestGroup = job{"report_digest", func(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
		return report.Digest(ctx, e, f, false)
	}}
)

// fire runs a job for the chat's team at instant at and returns its messages.
func (c *chat) fire(j job, at time.Time) []teambot.Outgoing {
	c.t.Helper()
	team := c.team()
	f := teambot.Firing{TeamID: team.ID, ChatID: team.ChatID, Job: j.name, At: at.UTC()}
	out, err := j.run(context.Background(), c.engine, f)
	if err != nil {
		c.t.Fatalf("%s at %v: %v", j.name, at, err)
	}
	return out
}

// render prints messages for the golden file.
func render(title string, out []teambot.Outgoing) string {
	var b strings.Builder
	fmt.Fprintf(&b, "=== %s\n", title)
	if len(out) == 0 {
		b.WriteString("(no message)\n\n")
	}
	for _, m := range out {
		fmt.Fprintf(&b, "channel: %s\n", m.Channel)
		if len(m.Users) > 0 {
			fmt.Fprintf(&b, "users: %s\n", strings.Join(m.Users, ", "))
		}
		if len(m.Mentions) > 0 {
			fmt.Fprintf(&b, "mentions: %s\n", strings.Join(m.Mentions, ", "))
		}
		fmt.Fprintf(&b, "origin: %s\n%s\n\n", m.Origin, m.Text)
	}
	return b.String()
}

// A week of a team as the reminders see it: the Monday reminder, the Friday
// nag naming only the missing, the next Monday's digest (privately with
// first lines, or in the group with names only), and silence once everyone
// has reported. The texts are reviewed in testdata/report_jobs.golden.
func TestReportJobTexts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		*clock = at(2026, 11, 23, 8, 0)
		for _, line := range []string{"wangfang /join 王芳", "zhangsan /加入 张三 文案", "lisi /加入 李四 美工", "zhaoliu /加入 赵六 推广", "boss /主管 @王芳"} {
			user, text, _ := strings.Cut(line, " ")
			c.say(user, text)
		}
		var b strings.Builder
		b.WriteString(render("周报提醒 Monday 2026-11-23 09:00", c.fire(openJob, at(2026, 11, 23, 9, 0))))

		*clock = at(2026, 11, 24, 17, 2)
		c.expect("zhangsan", "/周报 \n\n完成公众号推文 3 篇，阅读量合计 12000，比上周多 20%，其中一篇进了同城热榜前十\n整理素材库", "按时")
		nag := c.fire(nagJob, at(2026, 11, 27, 15, 0))
		b.WriteString(render("周报催交 Friday 2026-11-27 15:00", nag))
		if len(nag) != 1 || strings.Join(nag[0].Mentions, ",") != "lisi,zhaoliu" {
			t.Errorf("nag = %+v, want one message mentioning exactly lisi and zhaoliu", nag)
		}

		*clock = at(2026, 11, 28, 10, 15)
		c.expect("lisi", "/周报 做了双十二海报 6 张", "迟交")
		b.WriteString(render("周报催交 caught up on Saturday 2026-11-28 11:00", c.fire(nagJob, at(2026, 11, 28, 11, 0))))
		b.WriteString(render("周报汇总 Monday 2026-11-30 09:30, app configured", c.fire(digestApp, at(2026, 11, 30, 9, 30))))
		group := c.fire(digestGroup, at(2026, 11, 30, 9, 30))
		b.WriteString(render("周报汇总 Monday 2026-11-30 09:30, group only", group))
		for _, m := range group {
			if strings.Contains(m.Text, "公众号") || strings.Contains(m.Text, "海报") {
				t.Errorf("the group digest shows report text:\n%s", m.Text)
			}
		}

		// A holiday week's reminder may fall after its deadline.
		b.WriteString(render("周报提醒 moved by holidays to Sunday 2026-11-29 09:00", c.fire(openJob, at(2026, 11, 29, 9, 0))))

		*clock = at(2026, 11, 28, 12, 0)
		c.expect("zhaoliu", "/周报 投放复盘", "迟交")
		if out := c.fire(nagJob, at(2026, 11, 28, 15, 0)); len(out) != 0 {
			t.Errorf("nag with nobody missing sent %+v", out)
		}
		checkGolden(t, "testdata/report_jobs.golden", b.String())
	})
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update && strings.HasSuffix(t.Name(), "/sqlite") {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./commands -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update if intended)\n--- got ---\n%s", path, got)
	}
}

// Nothing goes out to a team with nobody to remind or about a closed week,
// and a private digest needs a supervisor to go to; the group digest does
// not.
func TestReportJobsWithNobodyToTell(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		*clock = at(2026, 11, 16, 8, 0)
		c.say("wangfang", "/join 王芳")
		c.say("boss", "/主管 @王芳")
		for _, j := range []job{openJob, nagJob, digestApp, digestGroup} {
			if out := c.fire(j, at(2026, 11, 23, 9, 0)); len(out) != 0 {
				t.Errorf("%s with only the supervisor in the team: %+v", j.name, out)
			}
		}
		c.say("zhangsan", "/加入 张三 文案")
		*clock = at(2026, 11, 18, 10, 0)
		c.expect("wangfang", "/周报 结束 本周", "已结束 2026-W47")
		if out := c.fire(nagJob, at(2026, 11, 20, 15, 0)); len(out) != 0 {
			t.Errorf("nag for a closed week: %+v", out)
		}

		c.chatID = "group-2" // a team without a supervisor
		c.say("lisi", "/加入 李四 美工")
		if out := c.fire(digestApp, at(2026, 11, 23, 9, 30)); len(out) != 0 {
			t.Errorf("private digest with no supervisor: %+v", out)
		}
		if out := c.fire(digestGroup, at(2026, 11, 23, 9, 30)); len(out) != 1 || !strings.Contains(out[0].Text, "未交 1 人（李四）") {
			t.Errorf("group digest = %+v", out)
		}
	})
}

// Weeks are the team's: at Sunday 20:00 in New York it is already Monday in
// Shanghai, and a New York team is still in the old week.
func TestReportJobsInTheTeamsTimeZone(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ny := mustLoad("America/New_York")
		clock := time.Date(2026, 11, 16, 9, 0, 0, 0, ny)
		e, err := rulebook.New(commands.Config{
			Store: commands.StoreOf(db.Update), Now: func() time.Time { return clock },
			Admins: []string{"boss"}, TimeZone: "America/New_York",
		})
		if err != nil {
			t.Fatal(err)
		}
		c := newChat(t, db)
		c.engine, c.chatID = e, "ny-group"
		c.say("alice", "/join Alice designer")
		c.say("bob", "/join Bob tech")
		c.say("boss", "/主管 @Bob")
		c.expect("alice", "/report 本周的", "2026-W47（11月16日–11月22日）", "截止 11月20日（周五）18:00")

		sunday := time.Date(2026, 11, 29, 20, 0, 0, 0, ny) // Monday 09:00 in Shanghai
		out := c.fire(openJob, sunday)
		if len(out) != 1 || !strings.Contains(out[0].Text, "本周 2026-W48（11月23日–11月29日）") ||
			!strings.Contains(out[0].Text, "11月27日（周五）18:00") {
			t.Errorf("open in New York on Sunday 20:00 = %+v, want week 48 due Friday 18:00 New York time", out)
		}
		digest := c.fire(digestApp, sunday)
		if len(digest) != 1 || !strings.Contains(digest[0].Text, "上周 2026-W47") || !strings.Contains(digest[0].Text, "Alice（11月16日（周一）09:00）：本周的") ||
			fmt.Sprint(digest[0].Users) != "[bob]" || digest[0].Channel != teambot.ToUsers {
			t.Errorf("digest = %+v", digest)
		}
	})
}
