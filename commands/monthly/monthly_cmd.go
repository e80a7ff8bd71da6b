package monthly

import (
	"context"
	"fmt"
	"strings"
	"teambot/bot/wecom"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// Commands are /月报's row of the command table (R5).
func Commands() []*commands.Command {
	return []*commands.Command{{
		Name: "monthly", Chinese: "月报", Aliases: []string{"月度汇总"},
		Summary:  "主管查看本月（或指定月份）的月度工作报告（可转发给公司领导，另附 Excel）和只给主管看的保密附录",
		Usage:    "[2026-11 | 11月 | 本月 | 上月]",
		Examples: []string{"/月报", "/月报 上月", "/月报 2026-11"},
		Who:      commands.Supervisor, Handler: monthly,
		Sub: []*commands.Command{
			{Name: "appendix", Chinese: "附录", Usage: "[月份]", Summary: "在单聊中查看月报的保密附录（奖惩理由、账号变动、上报、驳回的请假）",
				Who: commands.Supervisor, Handler: appendix},
			highlightRows(),
		},
	}, {
		Name: "dashboard", Chinese: "看板", Aliases: []string{"图表"},
		Summary: "本月看板的链接（图表和表格，24 小时有效）：主管看全队，成员看自己",
		Who:     commands.Member, Handler: dashboard,
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

// monthly is /月报 [月份]: the month's report and its confidential
// appendix, for the supervisor (R5, R14). With direct messages they go as
// two private messages — the report to forward to leadership, the appendix
// to keep — each cut between sections when long; otherwise the report is
// the reply (only its sender sees it) and /月报 附录 shows the appendix.
func monthly(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	m, doc, err := monthArg(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "monthly.show", m.String(), ""); err != nil {
		return teambot.Reply{}, err
	}
	tail := ""
	if link := r.Engine.Config.DashboardLink; link != nil {
		url, err := link(ctx, r.Team.ID, r.UserID)
		if err != nil {
			return teambot.Reply{}, err
		}
		tail = "\n本月看板（图表，24 小时内有效，请不要转发）：" + url
	}
	if r.Engine.Config.DirectMessages {
		var out []teambot.Outgoing
		for _, part := range pack(doc.Report.Sections(true), maxMessageBytes) {
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{r.UserID}, Text: part, Markdown: true,
				Origin: "monthly " + m.String()})
		}
		for _, part := range pack(doc.Appendix.Sections(true), maxMessageBytes) {
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{r.UserID}, Text: part, Markdown: true,
				Origin: "monthly appendix " + m.String()})
		}
		out = append(out, workbookMessage(r, doc.Report, m))
		if err := r.Tx.Enqueue(ctx, out, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		reply := teambot.Reply{Text: fmt.Sprintf("%s 的月度工作报告和保密附录已分开私信发给你：报告可以直接转发给公司领导，附录只给你看，不要转发。", m)}
		if tail != "" {
			reply = teambot.Reply{Text: reply.Text + tail, Private: true}
		}
		return reply, nil
	}
	return teambot.Reply{Text: fitReply(doc.Report.Sections(false), fmt.Sprintf("保密附录（奖惩理由、账号变动、上报、驳回的请假）请私聊我发送 /月报 附录 %s。", m)+tail), Private: true}, nil
}

// appendix is /月报 附录 [月份]: the confidential appendix, in a single
// chat only (R14).
func appendix(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if !r.Single() {
		return teambot.Reply{}, teambot.Invalid("月报附录含保密内容，只在单聊中查看：请私聊我发送 /月报 附录。")
	}
	m, doc, err := monthArg(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "monthly.appendix", m.String(), ""); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fitReply(doc.Appendix.Sections(false), "附录较长，配置应用消息后 /月报 会完整私信发送。"), Private: true}, nil
}

// monthArg reads the month the command names (this month by default) and
// builds it.
func monthArg(ctx context.Context, r *commands.Request) (lang.Month, Month, error) {
	arg := ""
	if len(r.Params) > 0 {
		arg = r.Params[0].Text
	}
	m, err := lang.ParseMonth(arg, r.Today())
	if err != nil {
		return m, Month{}, err
	}
	if first, _ := m.Bounds(r.Location()); first.After(r.Now) {
		return m, Month{}, teambot.Invalid("%s 还没到，请写本月或以前的月份，例如 /月报 上月。", m)
	}
	doc, err := buildMonth(ctx, r, m)
	return m, doc, err
}

// maxReplyBytes is the most a reply can carry, and maxMessageBytes the
// most one private message does before it is split (WeCom's text limit,
// which app messages keep for markdown too).
const (
	maxReplyBytes   = commands.MaxReplyBytes
	maxMessageBytes = 2048
)

// pack joins sections into messages of at most limit bytes, never cutting
// a section unless it alone is longer (then at a line).
func pack(sections []string, limit int) []string {
	var out []string
	cur := ""
	for _, s := range sections {
		for _, piece := range wecom.Split(s, limit) {
			switch {
			case cur == "":
				cur = piece
			case len(cur)+2+len(piece) <= limit:
				cur += "\n\n" + piece
			default:
				out = append(out, cur)
				cur = piece
			}
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// fitReply keeps a document within one reply: the sections that fit, and
// then where the rest is. A reply cannot be split into several messages.
func fitReply(sections []string, tail string) string {
	const more = "\n……（内容较长，只显示前几部分。配置应用消息后月报会完整私信发送；管理员也可以运行 teambot export monthly 导出。）"
	text := ""
	for i, s := range sections {
		next := s
		if i > 0 {
			next = text + "\n\n" + s
		}
		if len(next)+len(more)+len(tail)+1 > maxReplyBytes {
			if text == "" {
				text = string([]rune(s)[:300])
			}
			return text + more + "\n" + tail
		}
		text = next
	}
	return text + "\n" + tail
}

// MonthlyReminder is 月报提醒: on the last workday of the month, the
// month's report and appendix to the supervisor by private message; without
// them, an @mention in the group asking them to read it in a single chat.
func MonthlyReminder(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil || !ok {
			return err
		}
		m := lang.MonthOf(f.At.In(r.Location()))
		if !e.Config.DirectMessages {
			out = append(out, commands.GroupMessage(r, f, "monthly_digest",
				fmt.Sprintf("【月报提醒】今天是本月最后一个工作日，%s 请向公司汇报本月工作。月报含私密内容，请私聊我发送 /月报 查看。", sup.Name),
				[]string{sup.UserID}))
			return nil
		}
		doc, err := buildMonth(ctx, r, m)
		if err != nil {
			return err
		}
		sections := append([]string{"今天是本月最后一个工作日，请向公司汇报本月工作（月度工作报告如下，可直接转发；保密附录另发）。"}, doc.Report.Sections(true)...)
		for _, part := range pack(sections, maxMessageBytes) {
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
				Text: part, Markdown: true, Origin: commands.Origin(f, "monthly_digest")})
		}
		for _, part := range pack(doc.Appendix.Sections(true), maxMessageBytes) {
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
				Text: part, Markdown: true, Origin: commands.Origin(f, "monthly_appendix")})
		}
		return nil
	})
	return out, err
}

// workbookMessage brings the supervisor the report as an xlsx workbook
// (charts on 概览, a sheet per table; never the appendix), made when it is
// sent, where the channel can carry a file; elsewhere its text says how
// to get it.
func workbookMessage(r *commands.Request, rep Report, m lang.Month) teambot.Outgoing {
	name := strings.Map(func(c rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, c) || c < ' ' {
			return '_'
		}
		return c
	}, rep.Team) + "-" + m.String() + "-月度工作报告.xlsx"
	text := fmt.Sprintf("%s 月度工作报告的 Excel 版（概览含图表）这里发不了文件：管理员可以运行 teambot export monthly --team %s --month %s --format xlsx --out 文件名 导出；图表也可以发送 /看板 查看。",
		m, r.Team.ChatID, m)
	return teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{r.UserID}, Text: text,
		Attachment: &teambot.Attachment{Kind: teambot.AttachMonthlyWorkbook, Ref: m.String(), Name: name}, Origin: "monthly workbook " + m.String()}
}
