package dashboard

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"teambot/commands/monthly"
)

// The charts are drawn here, as SVG geometry the page template writes out:
// no script, no library, nothing fetched — the page works on an intranet
// and in WeCom's built-in browser. Each chart has a fixed viewBox and
// scales to the width of the screen; every bar and point carries a <title>
// with its exact figure, and the figure is also written above it.

// chart is one SVG chart.
type chart struct {
	ID, Title, Desc string
	W, H            int
	Ticks           []tick // horizontal grid lines with their labels
	Bars            []bar
	Line            string // the polyline's points, for a line chart
	Points          []point
	Labels          []label // under the x axis
	Legend          []legendItem
	Empty           string // said instead of a chart when there is no data
	Axis            line   // the x axis
}

type tick struct {
	Y, X1, X2, LX string
	Text          string
}

type line struct{ X1, Y1, X2, Y2 string }

type bar struct {
	X, Y, W, H string
	Fill       string
	Title      string // the exact figure, for the tooltip and screen readers
	Value      string // written above the bar; "" when the bar is too narrow
	VX, VY     string
}

type point struct {
	X, Y   string
	Title  string
	Value  string
	VX, VY string
}

type label struct {
	X, Y string
	Text string
}

type legendItem struct {
	X, Y, TX, TY string
	Fill, Text   string
}

// The plot area of every chart, in viewBox units: wide enough for a
// phone's screen at about one unit per CSS pixel.
const (
	chartW   = 360
	plotL    = 38 // room for the y labels
	plotR    = 8
	plotT    = 22 // room for the figures above the bars
	plotH    = 150
	labelGap = 16
)

// palette colours the platforms, in order; it repeats beyond eight.
var palette = []string{"#1565c0", "#ef6c00", "#2e7d32", "#c62828", "#6a1b9a", "#00838f", "#ad1457", "#5d4037"}

func f(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

// frame is a chart with its axis and the horizontal grid at the given
// fractions of the plot's height, labelled by text.
func frame(id, title, desc string, fractions []float64, text func(float64) string) chart {
	c := chart{ID: id, Title: title, Desc: desc, W: chartW, H: plotT + plotH + labelGap + 12}
	base := float64(plotT + plotH)
	for _, fr := range fractions {
		y := base - fr*plotH
		c.Ticks = append(c.Ticks, tick{Y: f(y), X1: f(plotL), X2: f(chartW - plotR), LX: f(plotL - 4), Text: text(fr)})
	}
	c.Axis = line{X1: f(plotL), Y1: f(base), X2: f(chartW - plotR), Y2: f(base)}
	return c
}

// slot is the width each of n categories gets along the x axis.
func slot(n int) float64 { return float64(chartW-plotL-plotR) / float64(max(n, 1)) }

// weekLabel shortens 2026-W45 to W45.
func weekLabel(w string) string {
	if _, after, ok := strings.Cut(w, "-"); ok {
		return after
	}
	return w
}

// percentText writes a rate, or "—" when nothing was due.
func percentText(rate float64, whole int) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", rate*100)
}

func percentTick(fr float64) string { return fmt.Sprintf("%.0f%%", fr*100) }

// onTimeChart is the on-time rate of each of the month's weeks, as bars.
// A holiday week (nothing due) and a week not due yet have a bar of no
// height, labelled so.
func onTimeChart(rep monthly.Report) chart {
	c := frame("chart-ontime", "周报按时率（按周）", "每周按时交周报的人数占应交人数的比例", []float64{0, 0.5, 1}, percentTick)
	if len(rep.WeekRates) == 0 {
		c.Empty = "本月还没有需要交周报的周"
		return c
	}
	s := slot(len(rep.WeekRates))
	bw := s * 0.6
	base := float64(plotT + plotH)
	for i, w := range rep.WeekRates {
		h := w.Rate * plotH
		x := plotL + float64(i)*s + (s-bw)/2
		value := percentText(w.Rate, w.Due)
		title := fmt.Sprintf("%s：按时 %d / 应交 %d（迟交 %d，未交 %d，请假 %d）", w.Week, w.OnTime, w.Due, w.Late, w.Missing, w.Excused)
		if w.Exempt {
			value, title = "节假日", w.Week+"：节假日周，免交"
		}
		c.Bars = append(c.Bars, bar{X: f(x), Y: f(base - h), W: f(bw), H: f(h), Fill: "#2e7d32", Title: title,
			Value: value, VX: f(x + bw/2), VY: f(base - h - 5)})
		c.Labels = append(c.Labels, label{X: f(x + bw/2), Y: f(base + labelGap), Text: weekLabel(w.Week)})
	}
	return c
}

// attendanceChart is each meeting's attendance rate, as a line through
// one point per meeting.
func attendanceChart(rep monthly.Report) chart {
	c := frame("chart-attendance", "会议出勤率（按次）", "每次会议出席和迟到的人数占应到人数的比例", []float64{0, 0.5, 1}, percentTick)
	if len(rep.Meetings) == 0 {
		c.Empty = "本月没有召开会议"
		return c
	}
	s := slot(len(rep.Meetings))
	base := float64(plotT + plotH)
	var pts []string
	for i, m := range rep.Meetings {
		expected := m.Present + m.Late + m.Absent
		x := plotL + (float64(i)+0.5)*s
		y := base - m.Rate*plotH
		pts = append(pts, f(x)+","+f(y))
		c.Points = append(c.Points, point{X: f(x), Y: f(y), Value: percentText(m.Rate, expected), VX: f(x), VY: f(y - 8),
			Title: fmt.Sprintf("%s：出席 %d，迟到 %d，请假 %d，缺席 %d", m.Date, m.Present, m.Late, m.Excused, m.Absent)})
		c.Labels = append(c.Labels, label{X: f(x), Y: f(base + labelGap), Text: shortDate(m.Date)})
	}
	c.Line = strings.Join(pts, " ")
	return c
}

// shortDate shortens 2026-11-06 to 11-06.
func shortDate(d string) string {
	if len(d) == len("2026-11-06") {
		return d[5:]
	}
	return d
}

// platformsChart is each platform's updates in each week of the month:
// one group of bars per week, one bar per platform, with a legend.
func platformsChart(rep monthly.Report) chart {
	most := 1
	for _, p := range rep.Platforms {
		for _, n := range p.PerWeek {
			most = max(most, n)
		}
	}
	fractions := []float64{0, 1}
	if most > 1 {
		fractions = []float64{0, 0.5, 1}
	}
	c := frame("chart-platforms", "各平台每周更新次数", "每个平台在本月每一周的更新次数（每周至少一次）", fractions, func(fr float64) string {
		return f(fr * float64(most))
	})
	if len(rep.Platforms) == 0 || len(rep.Weeks) == 0 {
		c.Empty = "还没有登记平台账号或更新"
		return c
	}
	s := slot(len(rep.Weeks))
	group := s * 0.8
	bw := group / float64(len(rep.Platforms))
	base := float64(plotT + plotH)
	for wi, week := range rep.Weeks {
		x0 := plotL + float64(wi)*s + (s-group)/2
		for pi, p := range rep.Platforms {
			n := 0
			if wi < len(p.PerWeek) {
				n = p.PerWeek[wi]
			}
			h := float64(n) / float64(most) * plotH
			x := x0 + float64(pi)*bw
			value := ""
			if bw >= 9 {
				value = strconv.Itoa(n)
			}
			c.Bars = append(c.Bars, bar{X: f(x + 0.5), Y: f(base - h), W: f(max(bw-1, 1)), H: f(h), Fill: palette[pi%len(palette)],
				Title: fmt.Sprintf("%s %s：更新 %d 次", p.Platform, week, n), Value: value, VX: f(x + bw/2), VY: f(base - h - 4)})
		}
		c.Labels = append(c.Labels, label{X: f(x0 + group/2), Y: f(base + labelGap), Text: weekLabel(week)})
	}
	// The legend, under the axis labels, wrapping to as many rows as needed.
	x, y := float64(plotL), float64(c.H+6)
	for pi, p := range rep.Platforms {
		w := 22 + 13*float64(utf8.RuneCountInString(p.Platform))
		if x+w > chartW && x > plotL {
			x, y = plotL, y+20
		}
		c.Legend = append(c.Legend, legendItem{X: f(x), Y: f(y), TX: f(x + 16), TY: f(y + 10), Fill: palette[pi%len(palette)], Text: p.Platform})
		x += w
	}
	c.H = int(y) + 20
	return c
}
