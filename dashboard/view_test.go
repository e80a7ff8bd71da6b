package dashboard_test

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"teambot/commands/lang"
	"teambot/commands/monthly"
	"teambot/dashboard"
	"teambot/storage"
	"teambot/storage/storagetest"
)

var november = lang.Month{Year: 2026, Month: time.November}

// serveMonth serves the dashboard of a seeded month at its last workday,
// through EngineView on the real engine, and returns the server, a signer
// for its links and the month as BuildTeam makes it.
func serveMonth(t *testing.T, db *storage.DB) (*httptest.Server, *dashboard.Signer, *team, monthly.Month) {
	t.Helper()
	c := seedMonth(t, db)
	month, err := monthly.BuildTeam(context.Background(), c.engine, 1, november)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := dashboard.NewSigner([]byte("a key derived for these tests only"), "http://unused.example")
	if err != nil {
		t.Fatal(err)
	}
	h, err := dashboard.NewHandler(dashboard.Config{Signer: signer, View: dashboard.EngineView(c.engine),
		Now: func() time.Time { return c.clock }, Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, signer, c, month
}

// path is the link's path and query, to request from srv.
func path(s *dashboard.Signer, user string, now time.Time) string {
	return strings.TrimPrefix(s.Link(1, user, november, now), "http://unused.example")
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The month played through the engine, on the dashboard: the supervisor
// sees every member's row and the figures BuildTeam made, nobody sees the
// appendix (which holds every secret of the month), a member sees their
// own rows only, and one removed since the link was sent is refused.
func TestDashboardOfAPlayedMonth(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		srv, signer, c, month := serveMonth(t, db)
		rep := month.Report
		appendix := month.Appendix.Text()
		for _, s := range secrets {
			if !strings.Contains(appendix, s) {
				t.Errorf("the seeded appendix lacks %q: the test proves nothing about it", s)
			}
		}
		if len(rep.Weeks) != 4 || len(rep.Meetings) != 3 || len(rep.Platforms) != 3 || len(rep.Votes) != 2 || rep.Summary.ReportsDue == 0 ||
			rep.Previous.ReportsDue == 0 {
			t.Fatalf("the seeded month is not what the test expects: %+v", rep)
		}
		status, page := fetch(t, srv.URL+path(signer, "wangfang", c.clock))
		text := html.UnescapeString(page)
		if status != http.StatusOK {
			t.Fatalf("status %d:\n%s", status, page)
		}
		for _, want := range []string{"王芳（主管）", "预热推文阅读量破十万", "大促零故障", "双十一大促专题", "是否参加双十二大促",
			`<th scope="row">张三</th>`, `<th scope="row">李四</th>`, `<th scope="row">赵六</th>`, "嘉奖·三等功 1", "惩处·警告 1",
			"按时 " + strconv.Itoa(rep.Summary.ReportsOnTime) + " / 应交 " + strconv.Itoa(rep.Summary.ReportsDue), "比上月"} {
			if !strings.Contains(text, want) {
				t.Errorf("the supervisor's page lacks %q", want)
			}
		}
		for _, s := range append(secrets, private...) {
			if strings.Contains(text, s) {
				t.Errorf("the appendix's %q is on the dashboard", s)
			}
		}
		_, page = fetch(t, srv.URL+path(signer, "zhaoliu", c.clock))
		if !strings.Contains(page, `<th scope="row">赵六</th>`) || strings.Contains(page, `<th scope="row">张三</th>`) ||
			strings.Contains(page, `<th scope="row">李四</th>`) {
			t.Errorf("the member's page shows others' rows")
		}
		c.say("wangfang", "/移除 @赵六")
		if status, page := fetch(t, srv.URL+path(signer, "zhaoliu", c.clock)); status != http.StatusForbidden || !strings.Contains(page, "你已不在这个团队") {
			t.Errorf("a removed member's link: %d", status)
		}
		if _, _, err := dashboard.EngineView(c.engine)(context.Background(), 99, "wangfang", november); !errors.Is(err, dashboard.ErrNotMember) {
			t.Errorf("a team that does not exist: %v", err)
		}
		if _, _, err := dashboard.EngineView(c.engine)(context.Background(), 1, "stranger", november); !errors.Is(err, dashboard.ErrNotMember) {
			t.Errorf("a stranger: %v", err)
		}
	})
}
