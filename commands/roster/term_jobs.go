package roster

import (
	"context"
	"fmt"
	"slices"
	"teambot/commands"

	"teambot"
)

// termNoticeDays is how long before the supervisor's term ends the first
// 任期提醒 comes (R1, docs/product.md §6).
const termNoticeDays = 30

// Reminders is R1's reminder: the supervisor's term is ending.
func Reminders() []commands.Reminder {
	return []commands.Reminder{
		{Name: "term_end", Chinese: "任期提醒", Spec: "0 9 * * *", AnyDay: true,
			DayText: fmt.Sprintf("任期结束前 %d 天和结束当天", termNoticeDays),
			Summary: "私信主管和管理员：主管任期快结束了", Build: TermEnd, Days: termNoticeDates},
	}
}

// termNoticeDates are the days 任期提醒 speaks: termNoticeDays before the
// supervisor's term ends and the day it ends; none when no term is set.
func termNoticeDates(r *commands.Request) []teambot.Date {
	end := r.Team.TermEnd
	if end.IsZero() {
		return nil
	}
	return []teambot.Date{end.AddDate(0, 0, -termNoticeDays), end}
}

// TermEnd is 任期提醒 (R1): on the day termNoticeDays before the
// supervisor's term ends, and on the day it ends, the supervisor and the
// configured admins are told. Its spec runs daily, on days off too (a term
// may end on a Sunday), and only those two days say anything, so each is
// told once (a firing is claimed once).
//
// With app messages it goes privately to them. Without, no private channel
// exists; the term is not private (the roster prints it), so the honest
// fallback is the team's group, @mentioning the supervisor and the admins,
// rather than telling nobody.
func TermEnd(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		end := r.Team.TermEnd
		if end.IsZero() {
			return nil
		}
		var when string
		switch r.Today() {
		case termNoticeDates(r)[0]:
			when = fmt.Sprintf("将于 %s 结束，还有 %d 天", r.Day(end), termNoticeDays)
		case end:
			when = "今天结束"
		default:
			return nil
		}
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil {
			return err
		}
		name := "（暂无主管）"
		users := slices.Clone(e.Config.Admins)
		if ok {
			name = sup.Name
			users = append([]string{sup.UserID}, slices.DeleteFunc(users, func(u string) bool { return u == sup.UserID })...)
		}
		if len(users) == 0 {
			return nil
		}
		label, err := commands.TeamLabels(ctx, r.Tx, []teambot.Team{*r.Team})
		if err != nil {
			return err
		}
		text := fmt.Sprintf("【任期提醒】%s：主管 %s 的任期（%s）%s。任期一年（R1）：连任请发送 /任期 新的开始日期；换人请选出或聘任新主管后由管理员发送 /主管 @名字。",
			label[0], name, commands.DescribeRange(r.Team.TermStart, end, r.Today()), when)
		if e.Config.DirectMessages {
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: users, Text: text, Origin: commands.Origin(f, "term_end")})
			return nil
		}
		out = append(out, commands.GroupMessage(r, f, "term_end", text, users))
		return nil
	})
	return out, err
}
