package monthly

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"unicode/utf8"

	"teambot"
)

// Commands are /月报's row of the command table (R5).
func Commands() []*commands.Command {
	return []*commands.Command{{
		Name: "monthly", Chinese: "月报", Aliases: []string{"月度汇总"},
		Summary:  "主管查看本月（或指定月份）的汇总：周报、会议、请假、奖惩、表决、平台更新、账号、未处理的上报",
		Usage:    "[2026-11 | 11月 | 本月 | 上月]",
		Examples: []string{"/月报", "/月报 上月", "/月报 2026-11"},
		Who:      commands.Supervisor, Handler: monthly,
	}}
}

// Reminders are 月报提醒's row of the reminder table: 10:00 on the
// last workday of the month (R5), the calendar picking the day.
func Reminders() []commands.Reminder {
	return []commands.Reminder{{
		Name: "monthly_digest", Chinese: "月报提醒", Spec: "0 10 20-31 * *",
		Summary: "每月最后一个工作日把本月汇总发给主管，提醒向公司汇报",
		Day:     lang.LastWorkday, DayText: "每月最后一个工作日", Build: MonthlyReminder,
	}}
}

// monthly is /月报 [月份]: the digest, which holds private data (R14),
// goes to the supervisor alone: as an app message when the app is
// configured, else as a reply only they see.
func monthly(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	arg := ""
	if len(r.Args) > 0 {
		arg = r.Args[0].Text
	}
	m, err := lang.ParseMonth(arg, r.Today())
	if err != nil {
		return teambot.Reply{}, err
	}
	if first, _ := m.Bounds(r.Location()); first.After(r.Now) {
		return teambot.Reply{}, teambot.Invalid("%s 还没到，请写本月或以前的月份，例如 /月报 上月。", m)
	}
	d, err := monthlyDigest(ctx, r, m)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "monthly.show", m.String(), ""); err != nil {
		return teambot.Reply{}, err
	}
	if r.Engine.Config.DirectMessages {
		md := d.Markdown()
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{r.UserID}, Text: md, Markdown: true,
			Origin: "monthly " + m.String()}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: fmt.Sprintf("%s 的月报（%d 字）已私信发给你。", m, utf8.RuneCountInString(md))}, nil
	}
	return teambot.Reply{Text: fitReply(d.Text()), Private: true}, nil
}

// maxReplyBytes is the most a reply can carry: WeCom's text limit.
const maxReplyBytes = 2048

// fitReply keeps a long digest within one reply, cut at a line, and says
// where the rest is: a reply cannot be split into several messages.
func fitReply(text string) string {
	const more = "\n……（内容较长，只显示前一部分。配置应用消息后月报会完整私信发送；管理员也可以运行 teambot export monthly 导出。）"
	if len(text) <= maxReplyBytes {
		return text
	}
	cut := text[:maxReplyBytes-len(more)]
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return strings.ToValidUTF8(cut, "") + more
}

// MonthlyReminder is 月报提醒: on the last workday of the month, the
// month's digest to the supervisor by app message; without the app, an
// @mention in the group asking them to read it in a single chat.
func MonthlyReminder(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil || !ok {
			return err
		}
		m := lang.MonthOf(f.At.In(r.Location()))
		if e.Config.DirectMessages {
			d, err := monthlyDigest(ctx, r, m)
			if err != nil {
				return err
			}
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
				Text: "今天是本月最后一个工作日，请向公司汇报本月工作（月报如下）。\n\n" + d.Markdown(), Markdown: true,
				Origin: commands.Origin(f, "monthly_digest")})
			return nil
		}
		out = append(out, commands.GroupMessage(r, f, "monthly_digest",
			fmt.Sprintf("【月报提醒】今天是本月最后一个工作日，%s 请向公司汇报本月工作。月报含私密内容，请私聊我发送 /月报 查看。", sup.Name),
			[]string{sup.UserID}))
		return nil
	})
	return out, err
}
