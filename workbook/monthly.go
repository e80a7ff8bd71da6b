package workbook

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"teambot"
	"teambot/commands/monthly"
)

// The month's workbook (R5) is what the supervisor forwards to leadership:
// 概览 (the figures against last month, each week's reports, the ledger
// by level and three charts), then one sheet per table of the report. The
// appendix (R14) is a sheet of its own, 附录（保密）, and only when asked
// for: without it nothing of the appendix is read, so nothing of it can
// reach a cell.

// Sheet names, in the workbook's order.
const (
	SheetOverview  = "概览"
	SheetMembers   = "成员"
	SheetWeeks     = "周报情况"
	SheetMeetings  = "会议"
	SheetVotes     = "投票"
	SheetPlatforms = "平台"
	SheetWork      = "亮点与活动"
	SheetAppendix  = "附录（保密）"
)

// Monthly is the month m as a workbook; with confidential, the appendix
// sheet too. The caller writes it (Write, SaveAs) and closes it.
func Monthly(m monthly.Month, confidential bool) (*excelize.File, error) {
	b, err := newBook()
	if err != nil {
		return nil, err
	}
	rep := m.Report
	steps := []func(*book, monthly.Report) error{overview, members, weeks, meetings, votes, platforms, work, charts}
	for _, step := range steps {
		if err := step(b, rep); err != nil {
			b.f.Close()
			return nil, err
		}
	}
	if confidential {
		if err := appendix(b, m.Appendix); err != nil {
			b.f.Close()
			return nil, err
		}
	}
	title := rep.Team + " " + rep.Month + " 月度工作报告"
	if err := b.f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "teambot", Subject: rep.Month}); err != nil {
		b.f.Close()
		return nil, err
	}
	b.f.SetActiveSheet(0)
	return b.f, nil
}

// Where 概览's tables are, for the charts: the weeks' rows and the column
// of their on-time rate.
const (
	overviewWeekRate = 7 // G: 按时率
	chartColumn      = "J"
)

// overview writes 概览: the title, the figures (本月, 上月, 变化), each
// week's reports, each meeting's attendance and the ledger's counts by
// level — never who or why.
func overview(b *book, rep monthly.Report) error {
	s, err := b.newSheet(SheetOverview)
	if err != nil {
		return err
	}
	if err := s.styled(1, 1, rep.Team+" "+rep.Month+" 月度工作报告", b.title); err != nil {
		return err
	}
	if err := s.header(1, 2, "指标", "本月", "上月", "变化"); err != nil {
		return err
	}
	now, was := rep.Summary, rep.Previous
	rows := [][]any{
		count("周报应交（人次）", now.ReportsDue, was.ReportsDue),
		count("周报按时", now.ReportsOnTime, was.ReportsOnTime),
		count("周报迟交", now.ReportsLate, was.ReportsLate),
		count("周报未交", now.ReportsMissing, was.ReportsMissing),
		count("周报请假免交", now.ReportsExcused, was.ReportsExcused),
		rate("周报按时率", now.OnTimeRate, now.ReportsDue, was.OnTimeRate, was.ReportsDue),
		count("会议召开（次）", now.MeetingsHeld, was.MeetingsHeld),
		count("会议应到（人次）", now.Expected, was.Expected),
		count("会议实到（人次）", now.Attended, was.Attended),
		rate("会议出勤率", now.AttendanceRate, now.Expected, was.AttendanceRate, was.Expected),
		count("运营平台（个）", now.Platforms, was.Platforms),
		count("每周都有更新的平台", now.PlatformsOK, was.PlatformsOK),
		count("专题活动（场）", now.Campaigns, was.Campaigns),
		count("表决与投票（项）", now.Decisions, was.Decisions),
		count("表决通过（项）", now.Passed, was.Passed),
		count("嘉奖（项）", now.Rewards, was.Rewards),
		count("惩处（项）", now.Penalties, was.Penalties),
	}
	r := 3
	for _, row := range rows {
		if err := s.row(1, r, row...); err != nil {
			return err
		}
		r++
	}

	r++
	if err := s.put(1, r, bold("各周周报")); err != nil {
		return err
	}
	if err := s.header(1, r+1, "周", "应交", "按时", "迟交", "未交", "请假", "按时率", "备注"); err != nil {
		return err
	}
	r += 2
	b.weekRows = [2]int{r, r + len(rep.WeekRates) - 1}
	for _, w := range rep.WeekRates {
		var onTime, note any
		if w.Due > 0 {
			onTime = percent(w.Rate)
		}
		if w.Exempt {
			note = "节假日周，免交"
		}
		if err := s.row(1, r, w.Week, w.Due, w.OnTime, w.Late, w.Missing, w.Excused, onTime, note); err != nil {
			return err
		}
		r++
	}

	// The meetings again, with their dates as text: a chart reads date
	// cells as a time axis, one tick a day.
	r++
	if err := s.put(1, r, bold("各次会议出勤")); err != nil {
		return err
	}
	if err := s.header(1, r+1, "会议", "出勤率"); err != nil {
		return err
	}
	r += 2
	b.meetingRows = [2]int{r, r + len(rep.Meetings) - 1}
	for _, mt := range rep.Meetings {
		var attendance any
		if mt.Present+mt.Late+mt.Absent > 0 {
			attendance = percent(mt.Rate)
		}
		if err := s.row(1, r, mt.Date, attendance); err != nil {
			return err
		}
		r++
	}
	if len(rep.Meetings) == 0 {
		if err := s.put(1, r, "本月没有开会"); err != nil {
			return err
		}
		r++
	}

	r++
	if err := s.put(1, r, bold("嘉奖与惩处（按级别）")); err != nil {
		return err
	}
	if err := s.header(1, r+1, "类别", "级别", "项数"); err != nil {
		return err
	}
	r += 2
	if len(rep.Ledger) == 0 {
		if err := s.put(1, r, "无"); err != nil {
			return err
		}
	}
	for _, l := range rep.Ledger {
		if err := s.row(1, r, l.Kind, l.Level, l.Count); err != nil {
			return err
		}
		r++
	}
	if len(rep.Grounds) > 0 {
		r++
		if err := s.put(1, r, bold("嘉奖与惩处（按依据）")); err != nil {
			return err
		}
		if err := s.header(1, r+1, "类别", "依据", "项数"); err != nil {
			return err
		}
		r += 2
		for _, g := range rep.Grounds {
			if err := s.row(1, r, g.Kind, g.Ground, g.Count); err != nil {
				return err
			}
			r++
		}
	}
	// Printed, 概览 is one landscape A4 page, charts and all.
	if err := b.f.SetSheetProps(SheetOverview, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if err := b.f.SetPageLayout(SheetOverview, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape"),
		FitToWidth: ptr(1), FitToHeight: ptr(1)}); err != nil {
		return err
	}
	return s.done(1)
}

// count is a figure's row: this month, last month and the change.
func count(name string, now, before int) []any {
	return []any{name, now, before, delta(now - before)}
}

// rate is a rate's row; a rate of nothing due is left blank, and so is
// its change.
func rate(name string, now float64, whole int, before float64, wholeBefore int) []any {
	row := []any{name, nil, nil, nil}
	if whole > 0 {
		row[1] = percent(now)
	}
	if wholeBefore > 0 {
		row[2] = percent(before)
	}
	if whole > 0 && wholeBefore > 0 {
		row[3] = pctDelta(now - before)
	}
	return row
}

// members writes 成员: each member's month, the same columns as the CSV.
func members(b *book, rep monthly.Report) error {
	s, err := b.newSheet(SheetMembers)
	if err != nil {
		return err
	}
	if err := s.header(1, 1, "姓名", "角色", "需交周报", "周报按时", "周报迟交", "周报未交", "周报请假",
		"会议出席", "会议迟到", "会议请假", "会议缺席", "请假天数"); err != nil {
		return err
	}
	for i, m := range rep.Members {
		reports := "否"
		if m.Reports {
			reports = "是"
		}
		if err := s.row(1, i+2, m.Name, m.Roles, reports, m.ReportsOnTime, m.ReportsLate, m.ReportsMissing, m.ReportsExcused,
			m.MeetingsPresent, m.MeetingsLate, m.MeetingsExcused, m.MeetingsAbsent, m.LeaveDays); err != nil {
			return err
		}
	}
	return s.done(1)
}

// weeks writes 周报情况: each member's report in each week of the month.
func weeks(b *book, rep monthly.Report) error {
	s, err := b.newSheet(SheetWeeks)
	if err != nil {
		return err
	}
	if err := s.header(1, 1, append([]string{"姓名"}, rep.Weeks...)...); err != nil {
		return err
	}
	for i, g := range rep.Grid {
		if err := s.put(1, i+2, g.Name); err != nil {
			return err
		}
		for j, st := range g.Weeks {
			if st == "" {
				continue // not due yet
			}
			if err := s.put(j+2, i+2, st); err != nil {
				return err
			}
		}
	}
	return s.done(1)
}

// meetings writes 会议: each meeting held, and how many were cancelled.
func meetings(b *book, rep monthly.Report) error {
	s, err := b.newSheet(SheetMeetings)
	if err != nil {
		return err
	}
	if err := s.header(1, 1, "日期", "出席", "迟到", "请假", "缺席", "出勤率"); err != nil {
		return err
	}
	r := 2
	for _, mt := range rep.Meetings {
		var attendance any
		if mt.Present+mt.Late+mt.Absent > 0 {
			attendance = percent(mt.Rate)
		}
		if err := s.row(1, r, date(mt.Date), mt.Present, mt.Late, mt.Excused, mt.Absent, attendance); err != nil {
			return err
		}
		r++
	}
	if rep.Cancelled > 0 {
		if err := s.styled(1, r+1, "另有 "+itoa(rep.Cancelled)+" 次会议取消", 0); err != nil {
			return err
		}
	}
	return s.done(1)
}

// votes writes 投票: the votes closed in the month.
func votes(b *book, rep monthly.Report) error {
	s, err := b.newSheet(SheetVotes)
	if err != nil {
		return err
	}
	if err := s.header(1, 1, "编号", "结束日期", "类型", "事项", "结果", "票数"); err != nil {
		return err
	}
	for i, v := range rep.Votes {
		if err := s.row(1, i+2, v.ID, date(v.Closed), v.Kind, v.Title, v.Outcome, v.Tally); err != nil {
			return err
		}
	}
	return s.done(1)
}

// 平台's columns: the weeks' update counts start at E.
const platformFirstWeek = 5

// platforms writes 平台: each platform's updates, campaigns, updates per
// week of the month and the weeks without one (R6).
func platforms(b *book, rep monthly.Report) error {
	s, err := b.newSheet(SheetPlatforms)
	if err != nil {
		return err
	}
	titles := append([]string{"平台", "负责人", "本月更新", "专题活动"}, rep.Weeks...)
	if err := s.header(1, 1, append(titles, "无更新的周")...); err != nil {
		return err
	}
	for i, p := range rep.Platforms {
		if err := s.row(1, i+2, p.Platform, p.Owners, p.Updates, p.Campaigns); err != nil {
			return err
		}
		for j := range rep.Weeks {
			n := 0
			if j < len(p.PerWeek) {
				n = p.PerWeek[j]
			}
			if err := s.put(platformFirstWeek+j, i+2, n); err != nil {
				return err
			}
		}
		if err := s.put(platformFirstWeek+len(rep.Weeks), i+2, strings.Join(p.WeeksWithout, "、")); err != nil {
			return err
		}
	}
	return s.done(1)
}

// work writes 亮点与活动: the month's highlights beside its campaigns.
func work(b *book, rep monthly.Report) error {
	s, err := b.newSheet(SheetWork)
	if err != nil {
		return err
	}
	if err := s.header(1, 1, "周", "提出人", "亮点"); err != nil {
		return err
	}
	if err := s.header(5, 1, "日期", "平台", "专题活动"); err != nil {
		return err
	}
	if len(rep.Highlights) == 0 {
		if err := s.put(3, 2, "无"); err != nil {
			return err
		}
	}
	for i, h := range rep.Highlights {
		who := h.Name
		if who == "" {
			who = "主管补充"
		}
		var week any
		if h.Week != "" {
			week = h.Week
		}
		if err := s.row(1, i+2, week, who, h.Text); err != nil {
			return err
		}
	}
	if len(rep.Campaigns) == 0 {
		if err := s.put(7, 2, "无"); err != nil {
			return err
		}
	}
	for i, c := range rep.Campaigns {
		if err := s.row(5, i+2, date(c.Date), c.Platform, c.Title); err != nil {
			return err
		}
	}
	return s.done(1)
}

// charts puts 概览's three charts beside its tables, each reading the
// cells of its table: the on-time rate of each week and the attendance of
// each meeting (概览's), and each platform's updates per week (平台). A
// chart with nothing to show (no meeting, no platform) is left out.
func charts(b *book, rep monthly.Report) error {
	zero, full := 0.0, 1.0
	rates := excelize.ChartAxis{Minimum: &zero, Maximum: &full, MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}}
	size := excelize.ChartDimension{Width: 600, Height: 300}
	labels := excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}}
	first, last := b.weekRows[0], b.weekRows[1]
	at := 2
	if len(rep.WeekRates) > 0 {
		err := b.f.AddChart(SheetOverview, chartColumn+itoa(at), &excelize.Chart{
			Type: excelize.Col, Dimension: size, VaryColors: ptr(false), Title: chartTitle("周报按时率（按周）"),
			Legend: excelize.ChartLegend{Position: "none"}, YAxis: rates, PlotArea: labels,
			Series: []excelize.ChartSeries{{Name: area(SheetOverview, overviewWeekRate, first-1, overviewWeekRate, first-1),
				Categories: area(SheetOverview, 1, first, 1, last), Values: area(SheetOverview, overviewWeekRate, first, overviewWeekRate, last)}},
		})
		if err != nil {
			return err
		}
		at += 17
	}
	if len(rep.Meetings) > 0 {
		first, last := b.meetingRows[0], b.meetingRows[1]
		err := b.f.AddChart(SheetOverview, chartColumn+itoa(at), &excelize.Chart{
			Type: excelize.Line, Dimension: size, VaryColors: ptr(false), Title: chartTitle("会议出勤率（按场次）"),
			Legend: excelize.ChartLegend{Position: "none"}, YAxis: rates, PlotArea: labels,
			Series: []excelize.ChartSeries{{Name: area(SheetOverview, 2, first-1, 2, first-1),
				Categories: area(SheetOverview, 1, first, 1, last), Values: area(SheetOverview, 2, first, 2, last),
				Marker: excelize.ChartMarker{Symbol: "circle", Size: 7}}},
		})
		if err != nil {
			return err
		}
		at += 17
	}
	if len(rep.Platforms) > 0 && len(rep.Weeks) > 0 {
		lastWeek := platformFirstWeek + len(rep.Weeks) - 1
		var series []excelize.ChartSeries
		for i := range rep.Platforms {
			series = append(series, excelize.ChartSeries{Name: area(SheetPlatforms, 1, i+2, 1, i+2),
				Categories: area(SheetPlatforms, platformFirstWeek, 1, lastWeek, 1),
				Values:     area(SheetPlatforms, platformFirstWeek, i+2, lastWeek, i+2)})
		}
		err := b.f.AddChart(SheetOverview, chartColumn+itoa(at), &excelize.Chart{
			Type: excelize.Col, Dimension: size, VaryColors: ptr(false), Title: chartTitle("各平台每周更新次数"),
			Legend: excelize.ChartLegend{Position: "bottom"}, Series: series,
			YAxis: excelize.ChartAxis{Minimum: &zero, MajorGridLines: true, MajorUnit: 1},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func chartTitle(text string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: text}}}
}

// appendix writes 附录（保密）: the ledger with its reasons, the account
// changes, the open escalations and the rejected leave, under a banner
// that says whom it is for.
func appendix(b *book, a monthly.Appendix) error {
	s, err := b.newSheet(SheetAppendix)
	if err != nil {
		return err
	}
	if err := s.styled(1, 1, a.Month+" 月报附录（保密）：仅主管可见，不要转发；月度工作报告里没有这些内容。", b.banner); err != nil {
		return err
	}
	r := 3
	table := func(title string, headers []string, rows [][]any) error {
		if err := s.put(1, r, bold(title)); err != nil {
			return err
		}
		if err := s.header(1, r+1, headers...); err != nil {
			return err
		}
		r += 2
		if len(rows) == 0 {
			rows = [][]any{{"无"}}
		}
		for _, row := range rows {
			if err := s.row(1, r, row...); err != nil {
				return err
			}
			r++
		}
		r++
		return nil
	}
	var ledger, accounts, escalations, leave [][]any
	for _, e := range a.Ledger {
		var revokes, state any
		if e.Revokes != 0 {
			revokes = e.Revokes
		}
		if e.Revoked {
			state = "已撤销"
		}
		ledger = append(ledger, []any{e.ID, date(e.Date), e.Name, ledgerKind(e.Kind), e.Level, e.Ground, e.Reason, revokes, state})
	}
	for _, x := range a.Accounts {
		accounts = append(accounts, []any{date(x.Date), x.Event, x.Platform, x.Account, x.Owner})
	}
	for _, e := range a.Escalations {
		escalations = append(escalations, []any{e.ID, date(e.Date), e.Name, e.Text})
	}
	for _, l := range a.RejectedLeave {
		leave = append(leave, []any{l.ID, l.Name, l.Days, l.Reason, l.Note})
	}
	for _, t := range []struct {
		title   string
		headers []string
		rows    [][]any
	}{
		{"嘉奖与惩处（含理由）", []string{"编号", "日期", "姓名", "类别", "级别", "依据", "理由", "撤销编号", "状态"}, ledger},
		{"账号变动", []string{"日期", "变动", "平台", "账号", "负责人"}, accounts},
		{"未处理的上报", []string{"编号", "日期", "上报人", "内容"}, escalations},
		{"驳回的请假", []string{"编号", "姓名", "日期", "理由", "驳回理由"}, leave},
	} {
		if err := table(t.title, t.headers, t.rows); err != nil {
			return err
		}
	}
	return s.done(1)
}

// ledgerKind names a ledger entry's kind in Chinese.
func ledgerKind(kind string) string {
	switch kind {
	case teambot.LedgerReward:
		return "嘉奖"
	case teambot.LedgerPenalty:
		return "惩处"
	case teambot.LedgerRevocation:
		return "撤销"
	}
	return kind
}

func itoa(n int) string { return strconv.Itoa(n) }
