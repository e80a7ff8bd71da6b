//go:build browser

package dashboard_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"teambot/commands"
	"teambot/commands/monthly"
	"teambot/storage/storagetest"
)

// The dashboard in a real browser: headless Chromium (Debian's, at
// /usr/bin/chromium; .ci/run installs it) opens the page of a month played
// through the engine on SQLite, at a phone's size. The charts are drawn
// (each SVG has a size and its bars and points), the tables hold the
// month's figures, nothing but the scrolling tables is wider than the
// screen, and an altered link shows the refusal. Run with
// `go test -tags browser ./dashboard/`; a screenshot of each page is
// saved in the test's temporary directory (and in TEAMBOT_SCREENSHOTS
// when that names a directory).
func TestDashboardInChromium(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("the browser test needs Chromium at %s (apt-get install chromium): %v", chromium, err)
	}
	srv, signer, c, month := serveMonth(t, storagetest.SQLite(t))
	rep := month.Report

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()
	// The first Run starts the browser and must not carry a timeout.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()

	// A phone: WeCom's built-in browser at 390 × 844 CSS pixels.
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(srv.URL+path(signer, "wangfang", c.clock)), chromedp.WaitVisible(chromedp.ID("summary"))))

	for _, ch := range []struct {
		id, shape string
		want      int
	}{
		{"chart-ontime", "rect.bar", len(rep.WeekRates)},
		{"chart-attendance", "circle.point", len(rep.Meetings)},
		{"chart-platforms", "rect.bar", len(rep.Platforms) * len(rep.Weeks)},
	} {
		box := run(t, ctx, chromedp.Evaluate[struct {
			W, H, Shapes, Drawn float64
		}](fmt.Sprintf(`(() => {
			const svg = document.getElementById(%q), r = svg.getBoundingClientRect();
			const shapes = [...svg.querySelectorAll(%q)];
			return {W: r.width, H: r.height, Shapes: shapes.length,
				Drawn: shapes.filter(s => { const b = s.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length};
		})()`, ch.id, ch.shape)))
		if box.W < 300 || box.H < 100 || int(box.Shapes) != ch.want || box.Drawn == 0 {
			t.Errorf("%s: %v×%v px with %v of %s (%v drawn), want a chart across the screen with %d", ch.id, box.W, box.H, box.Shapes, ch.shape, box.Drawn, ch.want)
		}
	}
	// The on-time bars stand in the ratio of the weeks' rates.
	heights := run(t, ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll('#chart-ontime rect.bar')].map(b => b.getBoundingClientRect().height)`))
	ref := 0
	for i, w := range rep.WeekRates {
		if w.Rate > rep.WeekRates[ref].Rate {
			ref = i
		}
	}
	for i, w := range rep.WeekRates {
		if want := w.Rate * heights[ref] / rep.WeekRates[ref].Rate; len(heights) != len(rep.WeekRates) || heights[i] < want-1 || heights[i] > want+1 {
			t.Errorf("the bar of %s is %v px high, want %v (rate %.2f)", w.Week, heights[i], want, w.Rate)
		}
	}

	// The member table and the grid hold the month's figures.
	rows := run(t, ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll('#members tbody tr')].map(tr => [...tr.children].map(c => c.textContent.trim()))`))
	if len(rows) != len(rep.Members) {
		t.Fatalf("the member table has %d rows, want %d: %v", len(rows), len(rep.Members), rows)
	}
	for i, m := range rep.Members {
		if want := memberCells(m); strings.Join(rows[i], "|") != strings.Join(want, "|") {
			t.Errorf("member row %d: %v, want %v", i, rows[i], want)
		}
	}
	grid := run(t, ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll('#grid tbody tr')].map(tr => [...tr.children].map(c => c.textContent.trim()))`))
	for i, g := range rep.Grid {
		if want := append([]string{g.Name}, g.Weeks...); i >= len(grid) || strings.Join(grid[i], "|") != strings.Join(want, "|") {
			t.Errorf("grid row %d: %v, want %v", i, grid, want)
		}
	}
	summary := run(t, ctx, chromedp.Text(chromedp.ID("summary")))
	onTime := fmt.Sprintf("%.0f%%", rep.Summary.OnTimeRate*100)
	if !strings.Contains(summary, onTime) || !strings.Contains(summary, "比上月") {
		t.Errorf("the summary lacks the on-time rate %s and the changes:\n%s", onTime, summary)
	}
	for _, id := range []string{"votes", "highlights", "campaigns", "platforms"} {
		text := run(t, ctx, chromedp.Text(chromedp.ID(id)))
		for _, want := range map[string][]string{"votes": {rep.Votes[0].Title, rep.Votes[1].Outcome}, "highlights": {rep.Highlights[0].Text},
			"campaigns": {rep.Campaigns[0].Title}, "platforms": {rep.Platforms[0].Platform}}[id] {
			if !strings.Contains(text, want) {
				t.Errorf("#%s lacks %q: %s", id, want, text)
			}
		}
	}
	body := run(t, ctx, chromedp.Text(chromedp.CSS("body")))
	for _, s := range append(secrets, private...) {
		if strings.Contains(body, s) {
			t.Errorf("the page shows %q", s)
		}
	}

	// Readable text, and nothing wider than the screen but the tables,
	// which scroll inside their own boxes.
	layout := run(t, ctx, chromedp.Evaluate[struct {
		Font, Viewport, Page float64
		Wide                 []string
		Scrolls              bool
	}](`(() => {
		const vw = document.documentElement.clientWidth, wide = [];
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if ((r.width || r.height) && (r.left < -0.5 || r.right > vw + 0.5) && !el.parentElement.closest('.scroll')) {
				wide.push(el.tagName + '#' + el.id + '.' + (el.getAttribute('class') || '') + ' ' + r.left + '…' + r.right);
			}
		}
		const members = document.getElementById('members').parentElement;
		return {Font: parseFloat(getComputedStyle(document.body).fontSize), Viewport: vw, Page: document.documentElement.scrollWidth,
			Wide: wide, Scrolls: members.scrollWidth > members.clientWidth};
	})()`))
	if layout.Font < 16 || layout.Viewport != 390 || layout.Page > layout.Viewport || len(layout.Wide) > 0 {
		t.Errorf("at 390 px: font %v px, viewport %v, page %v wide; wider than the screen: %v", layout.Font, layout.Viewport, layout.Page, layout.Wide)
	}
	if !layout.Scrolls {
		t.Error("the member table fits a phone's width: the test no longer shows that tables scroll instead of overflowing")
	}
	screenshot(t, ctx, "dashboard-390.png")

	// An altered link: the refusal page, in words.
	altered := strings.Replace(path(signer, "zhaoliu", c.clock), "u=zhaoliu", "u=wangfang", 1)
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+altered), chromedp.WaitVisible(chromedp.ID("denied"))))
	if text := run(t, ctx, chromedp.Text(chromedp.ID("denied"))); !strings.Contains(text, "链接无效") || strings.Contains(text, "王芳") {
		t.Errorf("an altered link shows: %s", text)
	}
	screenshot(t, ctx, "dashboard-denied.png")
}

// memberCells are a member's cells as the table writes them.
func memberCells(m monthly.MemberRow) []string {
	n := strconv.Itoa
	cells := []string{m.Name, m.Roles}
	if m.Reports {
		cells = append(cells, n(m.ReportsOnTime), n(m.ReportsLate), n(m.ReportsMissing), n(m.ReportsExcused))
	} else {
		cells = append(cells, "不需交周报")
	}
	return append(cells, n(m.MeetingsPresent), n(m.MeetingsLate), n(m.MeetingsExcused), n(m.MeetingsAbsent), commands.Days(m.LeaveDays))
}

// screenshot saves the whole page as a PNG in the test's directory, and
// in TEAMBOT_SCREENSHOTS when set, and logs where.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := run(t, ctx, chromedp.FullScreenshot(100))
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("the screenshot is not a PNG (%d bytes)", len(png))
	}
	dirs := []string{t.TempDir()}
	if d := os.Getenv("TEAMBOT_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
