package dashboard

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"teambot/commands/lang"
	"teambot/commands/monthly"
)

// november2026 is a month of a team as BuildTeam makes it, with an
// appendix full of what must never be shown.
var november2026 = monthly.Month{
	Report: monthly.Report{
		Month: "2026-11", Team: "市场部<script>",
		Weeks: []string{"2026-W45", "2026-W46", "2026-W47", "2026-W48"},
		Summary: monthly.Summary{ReportsDue: 7, ReportsOnTime: 5, ReportsLate: 2, ReportsExcused: 1, OnTimeRate: 5.0 / 7,
			MeetingsHeld: 3, Expected: 8, Attended: 6, AttendanceRate: 0.75, Platforms: 2, PlatformsOK: 1, Campaigns: 1,
			Decisions: 2, Passed: 1, Rewards: 1, Penalties: 1},
		Previous: monthly.Summary{ReportsDue: 8, ReportsOnTime: 4, OnTimeRate: 0.5, MeetingsHeld: 2, Expected: 6, Attended: 6,
			AttendanceRate: 1, Decisions: 2, Rewards: 0, Penalties: 3},
		Highlights: []monthly.Highlight{{Name: "张三", Week: "2026-W46", Text: "推文阅读量破十万"}},
		Campaigns:  []monthly.Campaign{{Date: "2026-11-09", Platform: "公众号", Title: "双十一大促专题"}},
		Members: []monthly.MemberRow{
			{Name: "王芳", Roles: "主管", MeetingsPresent: 3},
			{Name: "张三", Roles: "文案", Reports: true, ReportsOnTime: 3, ReportsLate: 1, MeetingsPresent: 2, MeetingsLate: 1},
			{Name: "李四", Roles: "美工", Reports: true, ReportsOnTime: 2, ReportsLate: 1, ReportsExcused: 1, MeetingsExcused: 1,
				MeetingsAbsent: 2, LeaveDays: 4.5},
		},
		Meetings: []monthly.MeetingLine{
			{Date: "2026-11-06", Present: 2, Absent: 1, Rate: 2.0 / 3},
			{Date: "2026-11-13", Present: 1, Late: 1, Absent: 1, Rate: 2.0 / 3},
			{Date: "2026-11-20", Present: 2, Excused: 1, Rate: 1},
		},
		Votes: []monthly.VoteLine{{ID: 1, Title: "是否参加双十二大促", Kind: "表决", Outcome: "通过", Tally: "同意 2，反对 1", Closed: "2026-11-23"},
			{ID: 2, Title: "团建时间", Kind: "投票", Outcome: "周六上午", Tally: "周六上午 1", Closed: "2026-11-23"}},
		Platforms: []monthly.PlatformRow{
			{Platform: "公众号", Owners: "张三", Updates: 3, PerWeek: []int{1, 1, 0, 1}, WeeksWithout: []string{"2026-W47"}, Campaigns: 1},
			{Platform: "抖音", Owners: "张三", Updates: 1, PerWeek: []int{0, 0, 1, 0}},
		},
		WeekRates: []monthly.WeekRate{
			{Week: "2026-W45", Due: 2, OnTime: 1, Late: 1, Rate: 0.5},
			{Week: "2026-W46", Due: 2, OnTime: 2, Rate: 1},
			{Week: "2026-W47", Due: 1, OnTime: 1, Excused: 1, Rate: 1},
			{Week: "2026-W48", Due: 2, OnTime: 1, Late: 1, Rate: 0.5},
		},
		Ledger:    []monthly.LevelCount{{Kind: "嘉奖", Level: "三等功", Count: 1}, {Kind: "惩处", Level: "警告", Count: 1}},
		Cancelled: 1,
		Grid: []monthly.GridRow{
			{Name: "张三", Weeks: []string{"按时", "按时", "按时", "迟交"}},
			{Name: "李四", Weeks: []string{"迟交", "按时", "请假", "按时"}},
		},
	},
	Appendix: monthly.Appendix{
		Month:         "2026-11",
		Ledger:        []monthly.LedgerLine{{ID: 1, Name: "李四", Kind: "penalty", Level: "警告", Reason: "SECRET-连续两次缺席例会"}},
		Accounts:      []monthly.AccountLine{{Event: "改密", Platform: "公众号", Account: "SECRET-team_gzh", Owner: "张三"}},
		Escalations:   []monthly.EscalationLine{{ID: 1, Name: "张三", Text: "SECRET-有用户在社区发广告"}},
		RejectedLeave: []monthly.LeaveLine{{ID: 2, Name: "李四", Reason: "SECRET-回老家", Note: "SECRET-旺季不批"}},
	},
}

// roster is the test's team 7: who is on it.
var roster = map[string]Viewer{"wangfang": {Name: "王芳", Supervisor: true}, "zhangsan": {Name: "张三"}, "lisi": {Name: "李四"}}

// monthView serves november2026 of team 7 to its roster, as EngineView
// would: the Report only.
func monthView(_ context.Context, teamID int64, userID string, m lang.Month) (monthly.Report, Viewer, error) {
	v, ok := roster[userID]
	if teamID != 7 || !ok {
		return monthly.Report{}, Viewer{}, ErrNotMember
	}
	if m != november {
		return monthly.Report{}, Viewer{}, errors.New("unexpected month")
	}
	return november2026.Report, v, nil
}

func testHandler(t *testing.T, now time.Time, view View) *Handler {
	t.Helper()
	h, err := NewHandler(Config{Signer: testSigner(t), View: view, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// get requests link from h and returns the status and the body.
func get(t *testing.T, h http.Handler, link string) (int, string, http.Header) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, link, nil))
	body, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(body), w.Result().Header
}

func TestRefusalPages(t *testing.T) {
	s := testSigner(t)
	link := s.Link(7, "zhangsan", november, linkTime)
	for _, tc := range []struct {
		name   string
		link   string
		at     time.Time
		view   View
		status int
		want   string
	}{
		{"expired", link, linkTime.Add(25 * time.Hour), monthView, 403, "链接已过期，请在群里重新发送 /看板 获取"},
		{"altered team", strings.Replace(link, "t=7", "t=8", 1), linkTime, monthView, 403, "链接无效"},
		{"altered user", strings.Replace(link, "u=zhangsan", "u=wangfang", 1), linkTime, monthView, 403, "链接无效"},
		{"altered month", strings.Replace(link, "m=2026-11", "m=2026-10", 1), linkTime, monthView, 403, "链接无效"},
		{"no query", "/dashboard", linkTime, monthView, 403, "链接无效"},
		{"garbage", "/dashboard?t=%ZZ&sig=", linkTime, monthView, 403, "链接无效"},
		{"left the team", s.Link(7, "wangwu", november, linkTime), linkTime, monthView, 403, "你已不在这个团队"},
		{"database down", link, linkTime, func(context.Context, int64, string, lang.Month) (monthly.Report, Viewer, error) {
			return monthly.Report{}, Viewer{}, errors.New("connection refused")
		}, 503, "暂时读不到数据"},
	} {
		status, body, hdr := get(t, testHandler(t, tc.at, tc.view), tc.link)
		if status != tc.status || !strings.Contains(body, tc.want) || !strings.Contains(body, `lang="zh-CN"`) {
			t.Errorf("%s: %d, want %d with %q:\n%s", tc.name, status, tc.status, tc.want, body)
		}
		if hdr.Get("Content-Type") != "text/html; charset=utf-8" || hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", tc.name, hdr)
		}
		if strings.Contains(body, "推文阅读量") {
			t.Errorf("%s: the refusal shows the month", tc.name)
		}
	}
	w := httptest.NewRecorder()
	testHandler(t, linkTime, monthView).ServeHTTP(w, httptest.NewRequest(http.MethodPost, link, nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
}

func count(body, pattern string) int { return len(regexp.MustCompile(pattern).FindAllString(body, -1)) }

// svg is the chart with id in body.
func svg(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<svg id="` + id + `".*?</svg>`).FindString(body)
	if m == "" {
		t.Fatalf("no <svg id=%q> in the page", id)
	}
	return m
}

// The supervisor's page: the figures with their changes, the three charts
// with a bar per week, a point per meeting and a bar per platform and
// week, every member's rows, the votes, highlights and campaigns — and not
// one word of the appendix.
func TestSupervisorPage(t *testing.T) {
	h := testHandler(t, linkTime, monthView)
	status, body, hdr := get(t, h, testSigner(t).Link(7, "wangfang", november, linkTime))
	if status != 200 {
		t.Fatalf("status %d:\n%s", status, body)
	}
	for _, want := range []string{
		`id="summary"`, "71%", "比上月 +21 个百分点", "按时 5 / 应交 7，迟交 2，未交 0，请假 1",
		"75%", "比上月 -25 个百分点", "1/2", "比上月 -2", "嘉奖·三等功 1",
		"推文阅读量破十万", "双十一大促专题", "是否参加双十二大促", "同意 2，反对 1", "周六上午",
		`<th scope="row">王芳</th>`, `<th scope="row">张三</th>`, `<th scope="row">李四</th>`, "4.5",
		`<td class="st-late" title="2026-W48：迟交">迟交</td>`, `<td class="st-leave" title="2026-W47：请假">请假</td>`,
		"市场部&lt;script&gt;", "取消 1 次", "王芳（主管）", "2026-12-01 02:00 前有效",
	} {
		if !strings.Contains(body, want) && !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, tc := range []struct{ id, shape string }{
		{"chart-ontime", `<rect class="bar"`}, {"chart-attendance", `<circle class="point"`}, {"chart-platforms", `<rect class="bar"`},
	} {
		n := count(svg(t, body, tc.id), tc.shape)
		want := map[string]int{"chart-ontime": 4, "chart-attendance": 3, "chart-platforms": 2 * 4}[tc.id]
		if n != want {
			t.Errorf("%s has %d of %s, want %d", tc.id, n, tc.shape, want)
		}
	}
	if !strings.Contains(svg(t, body, "chart-ontime"), `height="150"`) || !strings.Contains(svg(t, body, "chart-ontime"), ">50%<") {
		t.Error("the on-time chart's bars are not to scale")
	}
	if got := count(body, `<tr><th scope="row">(张三|李四)</th><td class="st-`); got != 2 {
		t.Errorf("the grid has %d member rows, want 2", got)
	}
	for _, secret := range []string{"SECRET", "team_gzh", "连续两次缺席例会", "发广告", "回老家", "旺季不批"} {
		if strings.Contains(body, secret) {
			t.Errorf("the appendix's %q is on the page", secret)
		}
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "http://") && !strings.Contains(body, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("the page loads or runs something")
	}
	csp := hdr.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "style-src 'sha256-") || hdr.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: %v", hdr)
	}
}

// A member sees the team's figures and charts, but only their own row in
// the member table and the grid.
func TestMemberPage(t *testing.T) {
	h := testHandler(t, linkTime, monthView)
	_, body, _ := get(t, h, testSigner(t).Link(7, "lisi", november, linkTime))
	for _, want := range []string{"71%", "推文阅读量破十万", `<th scope="row">李四</th>`, "4.5", "李四：团队汇总，以及你本人的记录"} {
		if !strings.Contains(body, want) {
			t.Errorf("the member's page lacks %q", want)
		}
	}
	for _, other := range []string{`<th scope="row">张三</th>`, `<th scope="row">王芳</th>`} {
		if strings.Contains(body, other) {
			t.Errorf("the member's page shows another member's row %s", other)
		}
	}
	if n := count(svg(t, body, "chart-ontime"), `<rect class="bar"`); n != 4 {
		t.Errorf("the member's on-time chart has %d bars", n)
	}
}

// An empty month says so instead of drawing empty charts.
func TestEmptyMonth(t *testing.T) {
	view := func(context.Context, int64, string, lang.Month) (monthly.Report, Viewer, error) {
		return monthly.Report{Month: "2026-11", Team: "新团队", Weeks: []string{"2026-W45"}}, Viewer{Name: "王芳", Supervisor: true}, nil
	}
	status, body, _ := get(t, testHandler(t, linkTime, view), testSigner(t).Link(7, "wangfang", november, linkTime))
	for _, want := range []string{"本月还没有需要交周报的周", "本月没有召开会议", "还没有登记平台账号或更新", "本月没有专题活动", "—"} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("%d: the empty month lacks %q", status, want)
		}
	}
}

// Many platforms wrap the legend and keep every bar inside the chart.
func TestPlatformsChartFits(t *testing.T) {
	rep := monthly.Report{Weeks: []string{"2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"}}
	for _, name := range []string{"公众号", "抖音", "小红书", "视频号", "微博", "哔哩哔哩", "知乎", "快手", "今日头条"} {
		rep.Platforms = append(rep.Platforms, monthly.PlatformRow{Platform: name, PerWeek: []int{3, 0, 1, 2, 5}})
	}
	c := platformsChart(rep)
	if len(c.Bars) != 9*5 || len(c.Legend) != 9 {
		t.Fatalf("%d bars, %d legend items", len(c.Bars), len(c.Legend))
	}
	for _, l := range c.Legend {
		if y := atof(t, l.Y); y+12 > float64(c.H) {
			t.Errorf("legend item %s at y %v outside the chart's height %d", l.Text, y, c.H)
		}
	}
	for _, b := range c.Bars {
		if x, w := atof(t, b.X), atof(t, b.W); x < plotL || x+w > chartW-plotR+0.1 {
			t.Errorf("bar %s at %v+%v outside the plot", b.Title, x, w)
		}
	}
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}
