package dashboard

import (
	"fmt"
	"math"

	"teambot/commands"
	"teambot/commands/monthly"
)

// Viewer is who opened the link: the supervisor sees the whole team, a
// member the team's figures but only their own rows in the member table
// and the grid.
type Viewer struct {
	Name       string
	Supervisor bool
}

// page is what the page template shows: the report as the viewer may see
// it, with the charts drawn and the figures written out.
type page struct {
	Team, Month string
	Viewer      Viewer
	Figures     []figure
	Charts      []chart
	Weeks       []string // short labels, W45
	Grid        []gridRow
	Members     []memberRow
	Meetings    []meetingRow
	Cancelled   int
	Votes       []monthly.VoteLine
	Platforms   []platformRow
	Highlights  []highlightRow
	Campaigns   []monthly.Campaign
	Ledger      []monthly.LevelCount
	Expires     string
}

// figure is one of the month's headline figures with its change from last
// month.
type figure struct {
	ID, Label, Value, Detail string
	Change                   string
	Trend                    string // up, down, same or "" (no comparison): a CSS class
}

type gridRow struct {
	Name  string
	Cells []gridCell
}

type gridCell struct {
	Text, Class, Title string
}

type memberRow struct {
	monthly.MemberRow
	Leave string // leave days written out: 1.5
}

type meetingRow struct {
	monthly.MeetingLine
	Rate string
}

type platformRow struct {
	monthly.PlatformRow
	Without string
}

type highlightRow struct {
	Who, Week, Text string
}

// statusClass is the CSS class of each report status of the grid; the
// cell always says the status in words too.
var statusClass = map[string]string{
	"按时": "st-ontime", "迟交": "st-late", "未交": "st-missing", "请假": "st-leave", "节假日": "st-holiday",
}

// newPage lays out rep for v. The report never holds the appendix: the
// view hands the handler a Report only.
func newPage(rep monthly.Report, v Viewer) page {
	p := page{Team: rep.Team, Month: rep.Month, Viewer: v, Cancelled: rep.Cancelled, Votes: rep.Votes,
		Campaigns: rep.Campaigns, Ledger: rep.Ledger}
	p.Figures = figures(rep.Summary, rep.Previous)
	p.Charts = []chart{onTimeChart(rep), attendanceChart(rep), platformsChart(rep)}
	for _, w := range rep.Weeks {
		p.Weeks = append(p.Weeks, weekLabel(w))
	}
	mine := func(name string) bool { return v.Supervisor || name == v.Name }
	for _, g := range rep.Grid {
		if !mine(g.Name) {
			continue
		}
		row := gridRow{Name: g.Name}
		for i, st := range g.Weeks {
			week := ""
			if i < len(rep.Weeks) {
				week = rep.Weeks[i]
			}
			cell := gridCell{Text: st, Class: statusClass[st], Title: week + "：" + st}
			if st == "" {
				cell = gridCell{Text: "—", Class: "st-none", Title: week + "：未到截止时间或不在团队"}
			}
			row.Cells = append(row.Cells, cell)
		}
		p.Grid = append(p.Grid, row)
	}
	for _, m := range rep.Members {
		if mine(m.Name) {
			p.Members = append(p.Members, memberRow{MemberRow: m, Leave: commands.Days(m.LeaveDays)})
		}
	}
	for _, m := range rep.Meetings {
		p.Meetings = append(p.Meetings, meetingRow{MeetingLine: m, Rate: percentText(m.Rate, m.Present+m.Late+m.Absent)})
	}
	for _, pl := range rep.Platforms {
		row := platformRow{PlatformRow: pl, Without: "每周都有更新"}
		if len(pl.WeeksWithout) > 0 {
			row.Without = ""
			for i, w := range pl.WeeksWithout {
				if i > 0 {
					row.Without += "、"
				}
				row.Without += weekLabel(w)
			}
		}
		p.Platforms = append(p.Platforms, row)
	}
	for _, h := range rep.Highlights {
		who := h.Name
		if who == "" {
			who = "主管补充"
		}
		p.Highlights = append(p.Highlights, highlightRow{Who: who, Week: weekLabel(h.Week), Text: h.Text})
	}
	return p
}

// figures are the summary's headline figures, each with its change from
// the month before.
func figures(s, prev monthly.Summary) []figure {
	return []figure{
		rateFigure("fig-ontime", "周报按时率", s.OnTimeRate, s.ReportsDue, prev.OnTimeRate, prev.ReportsDue,
			fmt.Sprintf("按时 %d / 应交 %d，迟交 %d，未交 %d，请假 %d", s.ReportsOnTime, s.ReportsDue, s.ReportsLate, s.ReportsMissing, s.ReportsExcused)),
		rateFigure("fig-attendance", "会议出勤率", s.AttendanceRate, s.Expected, prev.AttendanceRate, prev.Expected,
			fmt.Sprintf("召开 %d 次，出席 %d / 应到 %d", s.MeetingsHeld, s.Attended, s.Expected)),
		countFigure("fig-platforms", "平台每周更新达标", s.PlatformsOK, prev.PlatformsOK, fmt.Sprintf("%d/%d", s.PlatformsOK, s.Platforms),
			fmt.Sprintf("共 %d 个平台，每周至少更新一次", s.Platforms)),
		countFigure("fig-campaigns", "专题活动", s.Campaigns, prev.Campaigns, fmt.Sprintf("%d 场", s.Campaigns), ""),
		countFigure("fig-votes", "表决与投票", s.Decisions, prev.Decisions, fmt.Sprintf("%d 项", s.Decisions), fmt.Sprintf("通过 %d 项", s.Passed)),
		countFigure("fig-rewards", "嘉奖", s.Rewards, prev.Rewards, fmt.Sprintf("%d 项", s.Rewards), ""),
		countFigure("fig-penalties", "惩处", s.Penalties, prev.Penalties, fmt.Sprintf("%d 项", s.Penalties), ""),
	}
}

// rateFigure is a rate with its change in percentage points; no change is
// told when either month had nothing due.
func rateFigure(id, name string, rate float64, whole int, before float64, wholeBefore int, detail string) figure {
	fg := figure{ID: id, Label: name, Value: percentText(rate, whole), Detail: detail}
	if whole == 0 || wholeBefore == 0 {
		fg.Change = "上月无可比数据"
		return fg
	}
	switch d := math.Round((rate - before) * 100); {
	case d > 0:
		fg.Change, fg.Trend = fmt.Sprintf("比上月 +%.0f 个百分点", d), "up"
	case d < 0:
		fg.Change, fg.Trend = fmt.Sprintf("比上月 %.0f 个百分点", d), "down"
	default:
		fg.Change, fg.Trend = "与上月持平", "same"
	}
	return fg
}

// countFigure is a count with its change from last month.
func countFigure(id, name string, n, before int, value, detail string) figure {
	fg := figure{ID: id, Label: name, Value: value, Detail: detail}
	switch d := n - before; {
	case d > 0:
		fg.Change, fg.Trend = fmt.Sprintf("比上月 +%d", d), "up"
	case d < 0:
		fg.Change, fg.Trend = fmt.Sprintf("比上月 %d", d), "down"
	default:
		fg.Change, fg.Trend = "与上月持平", "same"
	}
	return fg
}
