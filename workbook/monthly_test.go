package workbook

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"teambot/commands/monthly"
)

// sampleMonth is a month with known figures: four weeks (W47 a holiday
// week), three meetings, two platforms, a vote, highlights and campaigns,
// and an appendix whose every text is secret.
func sampleMonth() monthly.Month {
	weeks := []string{"2026-W45", "2026-W46", "2026-W47", "2026-W48"}
	return monthly.Month{
		Report: monthly.Report{
			Month: "2026-11", Team: "设计组", Weeks: weeks,
			Summary: monthly.Summary{ReportsDue: 9, ReportsOnTime: 6, ReportsLate: 2, ReportsMissing: 1, ReportsExcused: 1, OnTimeRate: 6.0 / 9,
				MeetingsHeld: 3, Expected: 8, Attended: 7, AttendanceRate: 7.0 / 8, Platforms: 2, PlatformsOK: 1, Campaigns: 1,
				Decisions: 1, Passed: 1, Rewards: 1, Penalties: 1},
			Previous: monthly.Summary{ReportsDue: 8, ReportsOnTime: 4, ReportsLate: 2, ReportsMissing: 2, OnTimeRate: 0.5,
				MeetingsHeld: 4, Expected: 12, Attended: 12, AttendanceRate: 1, Platforms: 2, PlatformsOK: 2},
			Highlights: []monthly.Highlight{{Name: "张三", Week: "2026-W46", Text: "双十一推文阅读量破十万"}, {ID: 1, Text: "完成双十二主视觉"}},
			Campaigns:  []monthly.Campaign{{Date: "2026-11-20", Platform: "抖音", Title: "双十二预热"}},
			Members: []monthly.MemberRow{
				{Name: "王芳", Roles: "主管", MeetingsPresent: 3},
				{Name: "张三", Roles: "文案", Reports: true, ReportsOnTime: 3, MeetingsPresent: 2, MeetingsLate: 1},
				{Name: "李四", Roles: "美工", Reports: true, ReportsOnTime: 1, ReportsLate: 1, ReportsMissing: 1, ReportsExcused: 1,
					MeetingsPresent: 1, MeetingsExcused: 1, MeetingsAbsent: 1, LeaveDays: 2.5},
			},
			Meetings: []monthly.MeetingLine{
				{Date: "2026-11-06", Present: 3, Rate: 1},
				{Date: "2026-11-13", Present: 2, Late: 1, Rate: 1},
				{Date: "2026-11-27", Present: 1, Excused: 1, Absent: 1, Rate: 0.5},
			},
			Votes: []monthly.VoteLine{{ID: 7, Title: "年会方案", Kind: "表决", Outcome: "通过", Tally: "同意 2，反对 0，弃权 1", Closed: "2026-11-18"}},
			Platforms: []monthly.PlatformRow{
				{Platform: "公众号", Owners: "张三", Updates: 5, PerWeek: []int{1, 2, 1, 1}},
				{Platform: "抖音", Owners: "李四", Updates: 2, Campaigns: 1, PerWeek: []int{1, 0, 0, 1}, WeeksWithout: []string{"2026-W46", "2026-W47"}},
			},
			WeekRates: []monthly.WeekRate{
				{Week: "2026-W45", Due: 2, OnTime: 2, Rate: 1},
				{Week: "2026-W46", Due: 2, OnTime: 1, Late: 1, Rate: 0.5},
				{Week: "2026-W47", Exempt: true},
				{Week: "2026-W48", Due: 5, OnTime: 3, Late: 1, Missing: 1, Excused: 1, Rate: 0.6},
			},
			Ledger:    []monthly.LevelCount{{Kind: "嘉奖", Level: "三等功", Count: 1}, {Kind: "惩处", Level: "警告", Count: 1}},
			Grounds:   []monthly.GroundCount{{Kind: "嘉奖", Ground: "表率作用", Count: 1}, {Kind: "惩处", Ground: "连续两次缺席会议", Count: 1}},
			Cancelled: 1,
			Grid: []monthly.GridRow{
				{Name: "张三", Weeks: []string{"按时", "按时", "节假日", "按时"}},
				{Name: "李四", Weeks: []string{"请假", "迟交", "节假日", ""}},
			},
		},
		Appendix: monthly.Appendix{
			Month:  "2026-11",
			Ledger: []monthly.LedgerLine{{ID: 3, Date: "2026-11-13", Name: "李四", Kind: "penalty", Level: "警告", Ground: "连续两次缺席会议", Reason: "连续两次会议无故缺席（机密理由甲）"}},
			Accounts: []monthly.AccountLine{{Date: "2026-11-02", Event: "移交（李四 → 张三）", Platform: "抖音",
				Account: "secret_dy_account", Owner: "张三"}},
			Escalations:   []monthly.EscalationLine{{ID: 2, Date: "2026-11-25", Name: "张三", Text: "相机镜头损坏待报修（机密上报乙）"}},
			RejectedLeave: []monthly.LeaveLine{{ID: 5, Name: "李四", Days: "2026-11-26", Reason: "私事（机密理由丙）", Note: "当天有拍摄（机密驳回丁）"}},
		},
	}
}

// appendixTexts are the appendix's texts that appear nowhere in the report.
var appendixTexts = []string{"机密理由甲", "secret_dy_account", "移交（李四 → 张三）", "机密上报乙", "机密理由丙", "机密驳回丁", "附录"}

// write is the workbook of m as the bytes of an .xlsx file.
func write(t *testing.T, m monthly.Month, confidential bool) []byte {
	t.Helper()
	f, err := Monthly(m, confidential)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// text is a cell's value as shown (formatted).
func text(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// number is a cell's value, which must be stored as a number.
func number(t *testing.T, f *excelize.File, sheet, cell string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	n, perr := strconv.ParseFloat(raw, 64)
	if (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) || perr != nil {
		t.Fatalf("%s!%s = %q (type %v): want a number", sheet, cell, raw, typ)
	}
	return n
}

func TestMonthlySheetsAndCells(t *testing.T) {
	f := open(t, write(t, sampleMonth(), false))
	want := []string{SheetOverview, SheetMembers, SheetWeeks, SheetMeetings, SheetVotes, SheetPlatforms, SheetWork}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if got := text(t, f, SheetOverview, "A1"); got != "设计组 2026-11 月度工作报告" {
		t.Errorf("title %q", got)
	}
	// The figures: 指标 / 本月 / 上月 / 变化.
	for _, c := range []struct {
		row       string
		name      string
		now, was  float64
		change    float64
		formatted string // 本月 as shown
	}{
		{"3", "周报应交（人次）", 9, 8, 1, "9"},
		{"4", "周报按时", 6, 4, 2, "6"},
		{"8", "周报按时率", 6.0 / 9, 0.5, 6.0/9 - 0.5, "66.7%"},
		{"12", "会议出勤率", 7.0 / 8, 1, 7.0/8 - 1, "87.5%"},
		{"14", "每周都有更新的平台", 1, 2, -1, "1"},
	} {
		if got := text(t, f, SheetOverview, "A"+c.row); got != c.name {
			t.Errorf("A%s = %q, want %q", c.row, got, c.name)
		}
		if now, was, d := number(t, f, SheetOverview, "B"+c.row), number(t, f, SheetOverview, "C"+c.row), number(t, f, SheetOverview, "D"+c.row); !near(now, c.now) || !near(was, c.was) || !near(d, c.change) {
			t.Errorf("%s: %v / %v / %v, want %v / %v / %v", c.name, now, was, d, c.now, c.was, c.change)
		}
		if got := text(t, f, SheetOverview, "B"+c.row); got != c.formatted {
			t.Errorf("%s shows %q, want %q", c.name, got, c.formatted)
		}
	}
	if got := text(t, f, SheetOverview, "D8"); got != "+16.7%" {
		t.Errorf("the on-time rate's change shows %q, want +16.7%% (percentage points)", got)
	}
	if got := text(t, f, SheetOverview, "D14"); got != "-1" {
		t.Errorf("a count's change shows %q, want -1", got)
	}
	// The ledger by level, then by the rulebook's ground (R17, R18): counts only.
	var overview []string
	for _, row := range mustRows(t, f, SheetOverview) {
		overview = append(overview, strings.Join(row, "|"))
	}
	at := slices.Index(overview, "嘉奖与惩处（按依据）")
	if at < 0 || at+3 >= len(overview) || overview[at+1] != "类别|依据|项数" || overview[at+2] != "嘉奖|表率作用|1" || overview[at+3] != "惩处|连续两次缺席会议|1" {
		t.Errorf("概览 lacks the ledger by ground:\n%s", strings.Join(overview, "\n"))
	}

	// 成员: Chinese headers, 是/否, numbers as numbers.
	if got := text(t, f, SheetMembers, "C1"); got != "需交周报" {
		t.Errorf("成员 C1 = %q", got)
	}
	if got, _ := f.GetRows(SheetMembers); len(got) != 4 || got[1][0] != "王芳" || got[1][2] != "否" || got[3][2] != "是" {
		t.Errorf("成员 rows: %q", got)
	}
	if n := number(t, f, SheetMembers, "F4"); n != 1 { // 李四 周报未交
		t.Errorf("李四's missing reports = %v", n)
	}
	if n := number(t, f, SheetMembers, "L4"); n != 2.5 {
		t.Errorf("李四's leave days = %v", n)
	}

	// 会议: a date cell, counts, the rate as a percentage; the cancelled.
	if raw, _ := f.GetCellValue(SheetMeetings, "A2", excelize.Options{RawCellValue: true}); raw != "46332" { // 2026-11-06
		t.Errorf("会议 A2 stores %q, want the date's serial number 46332", raw)
	}
	if got := text(t, f, SheetMeetings, "A2"); got != "2026-11-06" {
		t.Errorf("会议 A2 shows %q", got)
	}
	if n := number(t, f, SheetMeetings, "F4"); n != 0.5 || text(t, f, SheetMeetings, "F4") != "50.0%" {
		t.Errorf("the third meeting's rate: %v shown as %q", n, text(t, f, SheetMeetings, "F4"))
	}
	if got := text(t, f, SheetMeetings, "A6"); got != "另有 1 次会议取消" {
		t.Errorf("会议 A6 = %q", got)
	}

	// 投票, 平台, 亮点与活动, 周报情况.
	if number(t, f, SheetVotes, "A2") != 7 || text(t, f, SheetVotes, "E2") != "通过" || text(t, f, SheetVotes, "F2") != "同意 2，反对 0，弃权 1" {
		t.Errorf("投票 row: %q", mustRows(t, f, SheetVotes))
	}
	if hdr := mustRows(t, f, SheetPlatforms)[0]; strings.Join(hdr, "|") != "平台|负责人|本月更新|专题活动|2026-W45|2026-W46|2026-W47|2026-W48|无更新的周" {
		t.Errorf("平台 header %q", hdr)
	}
	if number(t, f, SheetPlatforms, "F2") != 2 || number(t, f, SheetPlatforms, "G3") != 0 || text(t, f, SheetPlatforms, "I3") != "2026-W46、2026-W47" {
		t.Errorf("平台 rows: %q", mustRows(t, f, SheetPlatforms))
	}
	if text(t, f, SheetWork, "B3") != "主管补充" || text(t, f, SheetWork, "C2") != "双十一推文阅读量破十万" || text(t, f, SheetWork, "G2") != "双十二预热" {
		t.Errorf("亮点与活动: %q", mustRows(t, f, SheetWork))
	}
	if text(t, f, SheetWeeks, "D3") != "节假日" || text(t, f, SheetWeeks, "E3") != "" {
		t.Errorf("周报情况: %q", mustRows(t, f, SheetWeeks))
	}

	// Every table's header row is bold and frozen.
	for _, sheet := range []string{SheetMembers, SheetWeeks, SheetMeetings, SheetVotes, SheetPlatforms, SheetWork} {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes %+v, %v; want the header row frozen", sheet, panes, err)
		}
		id, _ := f.GetCellStyle(sheet, "A1")
		st, err := f.GetStyle(id)
		if err != nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("%s: the header is not bold", sheet)
		}
		if w, _ := f.GetColWidth(sheet, "A"); w < minWidth {
			t.Errorf("%s: column A is %v wide", sheet, w)
		}
	}
}

func mustRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// parts are the files inside an .xlsx (a zip), by name.
func parts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, zf := range z.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = string(b)
	}
	return out
}

var formulaRef = regexp.MustCompile(`^'([^']+)'!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$`)

// formulas are the formulas of a chart's XML: its series' names,
// categories and values.
var formulas = regexp.MustCompile(`<(?:c:)?f>([^<]*)</(?:c:)?f>`)

// refCells are the values shown in the cells of every range a chart's
// formulas name, in order: names, categories and values of each series.
func refCells(t *testing.T, f *excelize.File, chart string) [][]string {
	t.Helper()
	var out [][]string
	for _, fm := range formulas.FindAllStringSubmatch(chart, -1) {
		m := formulaRef.FindStringSubmatch(html.UnescapeString(fm[1]))
		if m == nil {
			t.Fatalf("a chart's formula %q is not a sheet's range", fm[1])
		}
		sheet, c1, r1, c2, r2 := m[1], m[2], m[3], m[4], m[5]
		if c2 == "" {
			c2, r2 = c1, r1
		}
		x1, _ := excelize.ColumnNameToNumber(c1)
		x2, _ := excelize.ColumnNameToNumber(c2)
		y1, _ := strconv.Atoi(r1)
		y2, _ := strconv.Atoi(r2)
		var cells []string
		for y := y1; y <= y2; y++ {
			for x := x1; x <= x2; x++ {
				ref, _ := excelize.CoordinatesToCellName(x, y)
				cells = append(cells, sheet+"!"+text(t, f, sheet, ref))
			}
		}
		out = append(out, cells)
	}
	return out
}

// 概览 has three native charts, and each reads the cells of its table.
func TestMonthlyCharts(t *testing.T) {
	data := write(t, sampleMonth(), false)
	f := open(t, data)
	p := parts(t, data)
	var charts []string
	for name := range p {
		if strings.HasPrefix(name, "xl/charts/chart") && strings.HasSuffix(name, ".xml") {
			charts = append(charts, name)
		}
	}
	slices.Sort(charts)
	if !slices.Equal(charts, []string{"xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"}) {
		t.Fatalf("charts %q, want three", charts)
	}
	// They are drawn on 概览, the first sheet.
	if !strings.Contains(p["xl/worksheets/_rels/sheet1.xml.rels"], "drawing1.xml") {
		t.Errorf("概览 has no drawing: %s", p["xl/worksheets/_rels/sheet1.xml.rels"])
	}
	for _, c := range []string{"chart1.xml", "chart2.xml", "chart3.xml"} {
		if !strings.Contains(p["xl/drawings/_rels/drawing1.xml.rels"], "../charts/"+c) {
			t.Errorf("%s is not on 概览's drawing", c)
		}
	}
	want := map[string][][]string{
		"xl/charts/chart1.xml": { // on-time rate by week; the holiday week blank
			{"概览!按时率"},
			{"概览!2026-W45", "概览!2026-W46", "概览!2026-W47", "概览!2026-W48"},
			{"概览!100.0%", "概览!50.0%", "概览!", "概览!60.0%"},
		},
		"xl/charts/chart2.xml": { // attendance by meeting
			{"概览!出勤率"},
			{"概览!2026-11-06", "概览!2026-11-13", "概览!2026-11-27"},
			{"概览!100.0%", "概览!100.0%", "概览!50.0%"},
		},
		"xl/charts/chart3.xml": { // updates per platform per week
			{"平台!公众号"}, {"平台!2026-W45", "平台!2026-W46", "平台!2026-W47", "平台!2026-W48"}, {"平台!1", "平台!2", "平台!1", "平台!1"},
			{"平台!抖音"}, {"平台!2026-W45", "平台!2026-W46", "平台!2026-W47", "平台!2026-W48"}, {"平台!1", "平台!0", "平台!0", "平台!1"},
		},
	}
	for name, w := range want {
		got := refCells(t, f, p[name])
		if len(got) != len(w) {
			t.Errorf("%s reads %q, want %q", name, got, w)
			continue
		}
		for i := range w {
			if !slices.Equal(got[i], w[i]) {
				t.Errorf("%s range %d reads %q, want %q", name, i, got[i], w[i])
			}
		}
	}
	// The meetings' dates the chart reads are text, one label a meeting,
	// not a date axis with a tick a day.
	cats := formulas.FindAllStringSubmatch(p["xl/charts/chart2.xml"], -1)[1][1]
	if m := formulaRef.FindStringSubmatch(html.UnescapeString(cats)); m != nil {
		if typ, _ := f.GetCellType(SheetOverview, m[2]+m[3]); typ != excelize.CellTypeSharedString {
			t.Errorf("the meetings chart's first category %s is of type %v, want text", m[2]+m[3], typ)
		}
	}
	if !strings.Contains(p["xl/charts/chart1.xml"], "<barChart>") || !strings.Contains(p["xl/charts/chart2.xml"], "<lineChart>") {
		t.Errorf("chart types: want columns for the weeks and a line for the meetings")
	}

	// A month without meetings or platforms has the on-time chart alone.
	m := sampleMonth()
	m.Report.Meetings, m.Report.Platforms = nil, nil
	n := 0
	for name := range parts(t, write(t, m, false)) {
		if strings.HasPrefix(name, "xl/charts/chart") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d charts without meetings and platforms, want 1", n)
	}
}

// Without confidential nothing of the appendix is anywhere in the file;
// with it, 附录（保密） holds it all.
func TestMonthlyAppendixOnlyWhenConfidential(t *testing.T) {
	data := write(t, sampleMonth(), false)
	for name, body := range parts(t, data) {
		for _, secret := range appendixTexts {
			if strings.Contains(body, secret) {
				t.Errorf("%s holds the appendix's %q", name, secret)
			}
		}
	}
	f := open(t, data)
	for _, sheet := range f.GetSheetList() {
		for _, row := range mustRows(t, f, sheet) {
			for _, cell := range row {
				for _, secret := range appendixTexts {
					if strings.Contains(cell, secret) {
						t.Errorf("%s has %q", sheet, cell)
					}
				}
			}
		}
	}

	f = open(t, write(t, sampleMonth(), true))
	if got := f.GetSheetList(); got[len(got)-1] != SheetAppendix || len(got) != 8 {
		t.Fatalf("sheets %q: want 附录（保密） last", got)
	}
	var all []string
	for _, row := range mustRows(t, f, SheetAppendix) {
		all = append(all, strings.Join(row, "|"))
	}
	joined := strings.Join(all, "\n")
	for _, secret := range appendixTexts[:6] {
		if !strings.Contains(joined, secret) {
			t.Errorf("附录（保密） lacks %q:\n%s", secret, joined)
		}
	}
	for _, line := range []string{
		"3|2026-11-13|李四|惩处|警告|连续两次缺席会议|连续两次会议无故缺席（机密理由甲）",
		"2026-11-02|移交（李四 → 张三）|抖音|secret_dy_account|张三",
		"5|李四|2026-11-26|私事（机密理由丙）|当天有拍摄（机密驳回丁）",
	} {
		if !slices.Contains(all, line) {
			t.Errorf("附录（保密） lacks the row %q:\n%s", line, joined)
		}
	}
	if !strings.HasPrefix(all[0], "2026-11 月报附录（保密）：仅主管可见") {
		t.Errorf("the appendix opens with %q", all[0])
	}
	if panes, _ := f.GetPanes(SheetAppendix); !panes.Freeze {
		t.Errorf("the appendix's banner is not frozen")
	}
}

// An empty month (a team with nothing yet) still makes a workbook.
func TestMonthlyEmpty(t *testing.T) {
	f := open(t, write(t, monthly.Month{Report: monthly.Report{Month: "2026-01", Team: "chat-1"}}, true))
	if len(f.GetSheetList()) != 8 {
		t.Errorf("sheets %q", f.GetSheetList())
	}
	if got := text(t, f, SheetWork, "C2"); got != "无" {
		t.Errorf("no highlights: %q", got)
	}
	if got := text(t, f, SheetOverview, "B8"); got != "" {
		t.Errorf("an on-time rate of nothing due shows %q, want blank", got)
	}
}
