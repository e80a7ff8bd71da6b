package monthly

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
)

// maxHighlight bounds a highlight the supervisor adds.
const maxHighlight = 100

// highlightRows are /月报 亮点's rows: list this month's highlights, add
// one, leave one out (R5).
func highlightRows() *commands.Command {
	return &commands.Command{
		Name: "highlights", Chinese: "亮点", Summary: "查看本月月报的工作亮点（成员周报里以「亮点：」开头的行，加上主管补充的）",
		Who: commands.Supervisor, Handler: listHighlights,
		Sub: []*commands.Command{
			{Name: "add", Chinese: "添加", Usage: "内容", Summary: "给本月月报补充一条工作亮点", Who: commands.Supervisor, Handler: addHighlight},
			{Name: "remove", Chinese: "删除", Usage: "序号", Summary: "从本月月报去掉一条亮点（成员的周报不受影响）", Who: commands.Supervisor, Handler: removeHighlight},
		},
	}
}

// thisMonth is the month of r's today.
func thisMonth(r *commands.Request) lang.Month { return lang.MonthOf(r.Now.In(r.Location())) }

func listHighlights(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	m := thisMonth(r)
	doc, err := collect(ctx, r, m)
	if err != nil {
		return teambot.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s 月报的工作亮点（%d 条）：", m, len(doc.Report.Highlights))
	if len(doc.Report.Highlights) == 0 {
		b.WriteString("还没有。成员在周报里以「亮点：」开头写一行，就会列在这里。")
	}
	for i, h := range doc.Report.Highlights {
		who := h.Name
		if who == "" {
			who = "主管补充"
		}
		fmt.Fprintf(&b, "\n%d. %s（%s）", i+1, h.Text, who)
	}
	b.WriteString("\n补充：/月报 亮点 添加 内容；去掉：/月报 亮点 删除 序号。")
	return teambot.Reply{Text: b.String()}, nil
}

func addHighlight(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	text := lang.FreeText(r.Tail)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return teambot.Reply{}, teambot.Invalid("请写上亮点的内容，例如 /月报 亮点 添加 双十二活动成交额比去年增长 30%%。")
	case n > maxHighlight:
		return teambot.Reply{}, teambot.Invalid("亮点最多 %d 字，这条有 %d 字，请写简短些。", maxHighlight, n)
	}
	h := teambot.MonthHighlight{TeamID: r.Team.ID, Month: thisMonth(r).String(), Text: text, By: r.UserID, At: r.Now}
	if err := txOf(r).AddMonthHighlight(ctx, &h); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "monthly.highlight.add", h.Month, fmt.Sprintf("#%d %d 字", h.ID, utf8.RuneCountInString(text))); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已给 %s 月报补充亮点：%s", h.Month, text)}, nil
}

func removeHighlight(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	m := thisMonth(r)
	doc, err := collect(ctx, r, m)
	if err != nil {
		return teambot.Reply{}, err
	}
	list := doc.Report.Highlights
	n, ok := 0, len(r.Params) == 1
	if ok {
		_, err := fmt.Sscanf(r.Params[0].Text, "%d", &n)
		ok = err == nil && n >= 1 && n <= len(list)
	}
	if !ok {
		return teambot.Reply{}, teambot.Invalid("请写上要去掉的亮点序号（1 到 %d），例如 /月报 亮点 删除 1。发送 /月报 亮点 查看序号。", len(list))
	}
	h := list[n-1]
	if h.ID != 0 {
		if err := txOf(r).DeleteMonthHighlight(ctx, r.Team.ID, h.ID); errors.Is(err, teambot.ErrNotFound) {
			return teambot.Reply{}, teambot.NotFound("这条亮点已经去掉了。")
		} else if err != nil {
			return teambot.Reply{}, err
		}
	} else {
		hide := teambot.MonthHighlight{TeamID: r.Team.ID, Month: m.String(), Text: h.Text, Hidden: true, By: r.UserID, At: r.Now}
		if err := txOf(r).AddMonthHighlight(ctx, &hide); err != nil {
			return teambot.Reply{}, err
		}
	}
	if err := r.Audit(ctx, "monthly.highlight.remove", m.String(), fmt.Sprintf("第 %d 条", n)); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已从 %s 月报去掉亮点：%s", m, h.Text)}, nil
}

// dashboard is /看板: a signed link to the team's month on the dashboard,
// valid for a day, sent to the sender alone — a member's shows only their
// own rows.
func dashboard(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	link := r.Engine.Config.DashboardLink
	if link == nil {
		return teambot.Reply{}, teambot.Invalid("看板还没有开通：需要管理员给服务配置一个大家能访问的地址（TEAMBOT_PUBLIC_URL）。月报请发送 /月报。")
	}
	url, err := link(ctx, r.Team.ID, r.UserID)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "monthly.dashboard", r.UserID, "看板链接，24 小时有效"); err != nil {
		return teambot.Reply{}, err
	}
	whose := "只显示你自己的数据"
	if r.Caller.IsSupervisor() {
		whose = "显示全队的数据"
	}
	return teambot.Reply{Text: fmt.Sprintf("本月看板（%s，24 小时内有效，请不要转发）：%s", whose, url), Private: true}, nil
}
