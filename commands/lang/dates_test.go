package lang

import (
	"slices"
	"strings"
	"testing"

	"teambot"
)

// spanToday is the team's date in the date tests: Wednesday 2026-11-25.
var spanToday = teambot.Date{Year: 2026, Month: 11, Day: 25}

// spanDay reads YYYY-MM-DD for a test table.
func spanDay(t *testing.T, s string) teambot.Date {
	t.Helper()
	d, err := teambot.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseDateSpan(t *testing.T) {
	tests := []struct {
		in       string   // split on whitespace, unless words is set
		words    []string // the words as they arrive, when one holds a space
		today    string   // default spanToday
		from, to string   // to defaults to from
		half     string
		rest     []string
	}{
		// Relative days.
		{in: "今天", from: "2026-11-25"},
		{in: "明天", from: "2026-11-26"},
		{in: "明日", from: "2026-11-26"},
		{in: "后天", from: "2026-11-27"},
		{in: "大后天", from: "2026-11-28"},
		{in: "昨天", from: "2026-11-24"}, // past dates are the caller's to refuse

		// A bare weekday is the next such Day, today included.
		{in: "周三", from: "2026-11-25"},
		{in: "星期四", from: "2026-11-26"},
		{in: "礼拜二", from: "2026-12-01"},
		{in: "周日", from: "2026-11-29"},
		{in: "星期天", from: "2026-11-29"},
		{in: "周1", from: "2026-11-30"},

		// A weekday of a named week; weeks run Monday to Sunday.
		{in: "本周三", from: "2026-11-25"},
		{in: "本周一", from: "2026-11-23"},
		{in: "这周五", from: "2026-11-27"},
		{in: "本周日", from: "2026-11-29"},
		{in: "下周一", from: "2026-11-30"},
		{in: "下星期三", from: "2026-12-02"},
		{in: "下个礼拜五", from: "2026-12-04"},
		{in: "下周日", from: "2026-12-06"},
		{in: "下下周一", from: "2026-12-07"},
		{in: "上周五", from: "2026-11-20"},

		// Month and Day, with or without a year.
		{in: "12月3日", from: "2026-12-03"},
		{in: "12月3号", from: "2026-12-03"},
		{in: "12/3", from: "2026-12-03"},
		{in: "12-3", from: "2026-12-03"},
		{in: "12.3", from: "2026-12-03"},
		{in: "2026-12-03", from: "2026-12-03"},
		{in: "2026/12/3", from: "2026-12-03"},
		{in: "2026.12.3", from: "2026-12-03"},
		{in: "2026年12月3日", from: "2026-12-03"},
		{in: "2027-01-02", from: "2027-01-02"},
		{in: "2024年2月29日", from: "2024-02-29"},

		// Without a year: the first such day on or after 30 days ago.
		{in: "1月2日", from: "2027-01-02"},
		{in: "1月2日", today: "2026-12-20", from: "2027-01-02"},
		{in: "11月1日", from: "2026-11-01"},  // 24 days ago: stays past
		{in: "10月26日", from: "2026-10-26"}, // exactly 30 days ago: stays past
		{in: "10月20日", from: "2027-10-20"}, // 36 days ago: next year
		{in: "12月30日", today: "2027-01-03", from: "2026-12-30"},
		{in: "2月29日", today: "2027-11-25", from: "2028-02-29"},

		// A day alone: this month, or next month when it has passed.
		{in: "28号", from: "2026-11-28"},
		{in: "25日", from: "2026-11-25"},
		{in: "3日", from: "2026-12-03"},
		{in: "3号", from: "2026-12-03"},
		{in: "5号", today: "2026-12-20", from: "2027-01-05"},

		// Ranges.
		{in: "周三到周五", from: "2026-11-25", to: "2026-11-27"},
		{in: "周三至周五", from: "2026-11-25", to: "2026-11-27"},
		{in: "周三-周五", from: "2026-11-25", to: "2026-11-27"},
		{in: "周三~周五", from: "2026-11-25", to: "2026-11-27"},
		{in: "周三 到 周五", from: "2026-11-25", to: "2026-11-27"},
		{in: "周三 到周五", from: "2026-11-25", to: "2026-11-27"},
		{in: "周三到 周五", from: "2026-11-25", to: "2026-11-27"},
		{in: "周五到周一", from: "2026-11-27", to: "2026-11-30"},       // over the weekend
		{in: "下周三到周五", from: "2026-12-02", to: "2026-12-04"},      // stays in next week
		{in: "周五到下周二", from: "2026-11-27", to: "2026-12-01"},      // 下周 counts from today
		{in: "下周一到下周五", from: "2026-11-30", to: "2026-12-04"},     //
		{in: "明天到后天", from: "2026-11-26", to: "2026-11-27"},       //
		{in: "今天到周五", from: "2026-11-25", to: "2026-11-27"},       //
		{in: "12月3日-12月5日", from: "2026-12-03", to: "2026-12-05"}, //
		{in: "12月3日到5日", from: "2026-12-03", to: "2026-12-05"},
		{in: "12月3-5日", from: "2026-12-03", to: "2026-12-05"},
		{in: "12/3-12/5", from: "2026-12-03", to: "2026-12-05"},
		{in: "12/3-5", from: "2026-12-03", to: "2026-12-05"},
		{in: "12-3-12-5", from: "2026-12-03", to: "2026-12-05"},
		{in: "12月3日 - 12月5日", from: "2026-12-03", to: "2026-12-05"},
		{in: "2026-12-03-2026-12-05", from: "2026-12-03", to: "2026-12-05"},
		{in: "2026-12-03 到 2026-12-05", from: "2026-12-03", to: "2026-12-05"},
		{in: "3-5号", from: "2026-12-03", to: "2026-12-05"},
		{in: "3号到5号", from: "2026-12-03", to: "2026-12-05"},
		{in: "12-3号", from: "2026-12-03"},                                   // not days 12 to 3
		{in: "11月28日到12月2日", from: "2026-11-28", to: "2026-12-02"},          // across a month
		{in: "12月30日到1月2日", from: "2026-12-30", to: "2027-01-02"},           // across a year
		{in: "2026-12-30至2027-01-02", from: "2026-12-30", to: "2027-01-02"}, //
		{in: "12月1日到12月31日", from: "2026-12-01", to: "2026-12-31"},          // 31 Days: the most
		{in: "12月5日到12月5日", from: "2026-12-05"},

		// Half days.
		{in: "明天上午", from: "2026-11-26", half: "上午"},
		{in: "明天 下午", from: "2026-11-26", half: "下午"},
		{in: "12月3日下午", from: "2026-12-03", half: "下午"},
		{in: "周三 上午", from: "2026-11-25", half: "上午"},
		{in: "2026-12-03 上午", from: "2026-12-03", half: "上午"},
		{in: "明天上午到明天下午", from: "2026-11-26"}, // the whole day

		// What follows the date is handed back.
		{in: "明天 家里有事", from: "2026-11-26", rest: []string{"家里有事"}},
		{in: "明天家里有事", from: "2026-11-26", rest: []string{"家里有事"}},
		{in: "明天上午去医院 复查", from: "2026-11-26", half: "上午", rest: []string{"去医院", "复查"}},
		{in: "明天 下午 3点 开会", from: "2026-11-26", half: "下午", rest: []string{"3点", "开会"}},
		{in: "周三到周五 回老家 探亲", from: "2026-11-25", to: "2026-11-27", rest: []string{"回老家", "探亲"}},
		{in: "12/3-5 看病", from: "2026-12-03", to: "2026-12-05", rest: []string{"看病"}},
		{in: "明天 到 医院复查", from: "2026-11-26", rest: []string{"到", "医院复查"}},
		{in: "明天到医院复查", from: "2026-11-26", rest: []string{"到医院复查"}},
		{in: "周三 周报", from: "2026-11-25", rest: []string{"周报"}},
		{words: []string{"明天", "家里 有事"}, from: "2026-11-26", rest: []string{"家里 有事"}},
		{words: []string{"", "明天", "", "有事"}, from: "2026-11-26", rest: []string{"有事"}},
	}
	for _, tt := range tests {
		words := tt.words
		if words == nil {
			words = strings.Fields(tt.in)
		}
		name := strings.Join(words, "␣")
		t.Run(name, func(t *testing.T) {
			today := spanToday
			if tt.today != "" {
				today = spanDay(t, tt.today)
			}
			want := DateSpan{From: spanDay(t, tt.from), To: spanDay(t, tt.from), Half: tt.half}
			if tt.to != "" {
				want.To = spanDay(t, tt.to)
			}
			got, rest, err := ParseDateSpan(words, today)
			if err != nil {
				t.Fatalf("ParseDateSpan(%q, %s): %v", words, today, err)
			}
			if got != want {
				t.Errorf("ParseDateSpan(%q, %s) = %s..%s %q, want %s..%s %q", words, today, got.From, got.To, got.Half, want.From, want.To, want.Half)
			}
			if !slices.Equal(rest, tt.rest) {
				t.Errorf("ParseDateSpan(%q) left %q, want %q", words, rest, tt.rest)
			}
		})
	}
	if len(tests) < 40 {
		t.Errorf("only %d forms tested", len(tests))
	}
}

func TestParseDateSpanErrors(t *testing.T) {
	tests := []struct {
		in    string
		today string // default spanToday
		want  string // part of the message
	}{
		{"", "", "请写上日期，可以写 明天"},
		{"改天", "", "看不懂日期「改天」，可以写 明天、周三、12月3日、2026-12-03 或 周三到周五"},
		{"改天 再说", "", "看不懂日期「改天」"},
		{"12月", "", "看不懂日期「12月」"},
		{"2026-12-031", "", "看不懂日期「2026-12-031」"},
		{"12/3/2026", "", "看不懂日期「12/3/2026」"},
		{"星期", "", "看不懂日期「星期」"},
		{"2月30日", "", "2月没有30日"},
		{"4月31日", "", "4月没有31日：4月最多 30 天"},
		{"12/32", "", "12月没有32日"},
		{"0号", "", "没有0日"},
		{"31号", "", "11月没有31日"},
		{"30号", "2027-01-31", "2月没有30日"},
		{"13月1日", "", "没有13月：月份只有 1 到 12"},
		{"2026-13-01", "", "没有13月"},
		{"0月3日", "", "没有0月"},
		{"2026-02-29", "", "2026年2月没有29日（2026年不是闰年）"},
		{"2月29日", "", "2027年2月没有29日"},
		{"周八", "", "没有「周八」：一周只有 周一 到 周日"},
		{"星期八", "", "没有「星期八」"},
		{"下周八", "", "没有「下周八」"},
		{"周七", "", "没有「周七」"},
		{"周0", "", "没有「周0」"},
		{"周三到周八", "", "没有「周八」"},
		{"周末", "", "「周末」是两天，请写 周六、周日 或 周六到周日"},
		{"下周末", "", "请写 下周六、下周日 或 下周六到下周日"},
		{"下周", "", "「下周」是一整周，请写具体哪天，例如 下周一 或 下周一到下周五"},
		{"下周 请假", "", "「下周」是一整周"},
		{"上午", "", "上午/下午前面要写上哪一天"},
		{"周三到", "", "「周三到」少了结束日期"},
		{"周三 到", "", "少了结束日期"},
		{"12月5日到12月3日", "", "结束日期 12月3日（周四）早于开始日期 12月5日（周六）"},
		{"12月5日到3日", "", "结束日期 12月3日（周四）早于开始日期"},
		{"28号到2号", "", "跨月请写上月份，例如 11月28日到12月2日"},
		{"2026-12-05到2026-12-03", "", "早于开始日期"},
		{"下周三到本周五", "", "早于开始日期"},
		{"明天到今天", "", "早于开始日期"},
		{"12月1日到1月5日", "", "12月1日（周二）至 2027年1月5日（周二），共 36 天，一次最多 31 天"},
		{"11月1日到12月31日", "", "共 61 天"},
		{"2026-12-01-2027-02-01", "", "一次最多 31 天"},
		{"周三到周五 上午", "", "上午/下午只能用在单独一天上，例如 明天上午；11月25日（周三）至 11月27日（周五） 是多天"},
		{"周三上午到周五", "", "上午/下午只能用在单独一天上"},
		{"明天 到 后天下午", "", "上午/下午只能用在单独一天上"},
		{"3-5号上午", "", "上午/下午只能用在单独一天上"},
		{"12月3日到2月30日", "", "2月没有30日"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			today := spanToday
			if tt.today != "" {
				today = spanDay(t, tt.today)
			}
			got, _, err := ParseDateSpan(strings.Fields(tt.in), today)
			if err == nil {
				t.Fatalf("ParseDateSpan(%q) = %s..%s %q, want an error", tt.in, got.From, got.To, got.Half)
			}
			if k := teambot.KindOf(err); k != teambot.KindInvalid {
				t.Errorf("ParseDateSpan(%q): error kind %v, want KindInvalid", tt.in, k)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseDateSpan(%q) error:\n%s\nwant it to contain:\n%s", tt.in, err, tt.want)
			}
		})
	}
	if _, _, err := ParseDateSpan(nil, spanToday); err == nil {
		t.Error("ParseDateSpan(nil) succeeded, want an error")
	}
}

func TestDateSpanDescribe(t *testing.T) {
	tests := []struct {
		from, to, half string
		want           string
	}{
		{"2026-12-03", "", "", "12月3日（周四）"},
		{"2026-12-03", "", "上午", "12月3日（周四）上午"},
		{"2026-12-03", "2026-12-03", "下午", "12月3日（周四）下午"},
		{"2026-12-03", "2026-12-05", "", "12月3日（周四）至 12月5日（周六），共 3 天"},
		{"2027-01-02", "", "", "2027年1月2日（周六）"},
		{"2026-12-30", "2027-01-02", "", "12月30日（周三）至 2027年1月2日（周六），共 4 天"},
		{"2025-12-31", "2026-01-01", "", "2025年12月31日（周三）至 1月1日（周四），共 2 天"},
		{"2026-11-28", "2026-12-02", "", "11月28日（周六）至 12月2日（周三），共 5 天"},
	}
	for _, tt := range tests {
		s := DateSpan{From: spanDay(t, tt.from), Half: tt.half}
		if tt.to != "" {
			s.To = spanDay(t, tt.to)
		}
		if got := s.Describe(spanToday); got != tt.want {
			t.Errorf("Describe(%s..%s %q) = %q, want %q", tt.from, tt.to, tt.half, got, tt.want)
		}
	}
	if got := (DateSpan{}).Describe(spanToday); got != "" {
		t.Errorf("zero span describes as %q, want \"\"", got)
	}
}

// Parsing and describing agree: the echo of 12月30日到1月2日 names both
// years' days with their weekdays.
func TestDateSpanEcho(t *testing.T) {
	for in, want := range map[string]string{
		"明天上午":        "11月26日（周四）上午",
		"周三到周五":       "11月25日（周三）至 11月27日（周五），共 3 天",
		"12月30日到1月2日": "12月30日（周三）至 2027年1月2日（周六），共 4 天",
		"下下周一":        "12月7日（周一）",
	} {
		s, _, err := ParseDateSpan(strings.Fields(in), spanToday)
		if err != nil {
			t.Fatalf("ParseDateSpan(%q): %v", in, err)
		}
		if got := s.Describe(spanToday); got != want {
			t.Errorf("%s echoes as %q, want %q", in, got, want)
		}
	}
}
