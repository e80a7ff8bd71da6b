package lang

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"teambot"
)

// Date spans: the day or days a command such as 请假 is about, written the
// way people write them in chat (今天, 周三, 下周一, 12月3日, 12/3, 2026-12-03,
// 周三到周五, 明天上午) and echoed back as absolute dates.

const (
	// maxSpanDays bounds a range: longer ones are almost always a typo.
	maxSpanDays = 31
	// yearlessLookback is how far back a date written without a year may
	// lie before it is taken to mean next year (see ParseDateSpan).
	yearlessLookback = 30
)

// dateSpanHint lists the forms ParseDateSpan understands, for error messages.
const dateSpanHint = "可以写 明天、周三、12月3日、2026-12-03 或 周三到周五"

// DateSpan is a day or a range of days, maybe half a day.
type DateSpan struct {
	From, To teambot.Date // To == From for one day
	Half     string       // "", "上午" or "下午" (only for a single day)
}

// ParseDateSpan reads a date or a range from the front of words (already
// split on whitespace) and returns the span and the words left over (e.g.
// the reason). today is the team's current date; nothing here reads a clock.
//
// One date is one of:
//   - 今天/今日, 明天/明日, 后天, 大后天, 昨天, 前天;
//   - 周三, 星期三, 礼拜三 (周日 also 周天, 星期天): the next such day on or
//     after today, so today itself when today is a Wednesday;
//   - 本周三/这周三, 下周三, 下下周三, 上周三 (also 下星期三, 下个礼拜三):
//     that day of this, next, the week after next or last week, weeks
//     running Monday to Sunday;
//   - 2026-12-03, 2026/12/3, 2026.12.3, 2026年12月3日: exactly that day;
//   - 12月3日, 12月3号, 12月3, 12/3, 12-3, 12.3: without a year, the first
//     such day on or after 30 days before today. A date a few weeks back
//     therefore stays in the past (and the caller can say it has passed)
//     instead of silently jumping a year ahead, while 1月2日 written in
//     December means next January;
//   - 3日, 3号: the 3rd of this month, or of next month when this month's
//     3rd has passed.
//
// A range is two dates joined by 到, 至, -, ~ or a dash, glued or as separate
// words ("周三到周五", "周三 到 周五", "12月3日-12月5日", "12/3-12/5"). Its end
// is read from its start where that is what people mean: 周五 is the first
// Friday on or after the start (so 周五到周一 spans a weekend and 下周三到周五
// stays in next week), 12月5日 without a year is in the start's year unless
// its month is earlier, which crosses into next year (12月30日到1月2日), and
// a bare day (12月3日到5日, 12/3-5, 3-5号) is in the start's month — crossing
// a month needs the month written (11月28日到12月2日). Forms that name their
// Week or year (下周五, 明天, 2026-12-05) keep their own meaning. A range may
// not end before it starts or cover more than 31 days.
//
// 上午 or 下午 may follow a single day, glued or as its own word (明天上午,
// 明天 上午); it is refused on a range of several days.
//
// Reading stops after the date: the rest of a word that starts with a date
// ("明天家里有事") is returned as the first left-over word. Past dates are not
// refused here; the caller decides. Every error is teambot.Invalid with a
// Chinese message that says what is wrong and how to write it.
func ParseDateSpan(words []string, today teambot.Date) (DateSpan, []string, error) {
	in := newSpanInput(words)
	if in.s == "" {
		return DateSpan{}, nil, teambot.Invalid("请写上日期，%s。", dateSpanHint)
	}
	sh, err := scanSpan(in)
	if err != nil {
		return DateSpan{}, nil, err
	}
	from, err := sh.first.start(today)
	if err != nil {
		return DateSpan{}, nil, err
	}
	span := DateSpan{From: from, To: from, Half: sh.halves[0]}
	if sh.ranged {
		if span.To, err = sh.second.end(from, today); err != nil {
			return DateSpan{}, nil, err
		}
		if span.Half, err = rangeHalf(span.From, span.To, sh.halves, today); err != nil {
			return DateSpan{}, nil, err
		}
	}
	if err := checkSpan(span, today); err != nil {
		return DateSpan{}, nil, err
	}
	return span, in.rest(sh.end), nil
}

// Describe echoes a span back as absolute dates with weekdays, e.g.
// "12月3日（周四）", "12月3日（周四）上午" or "12月3日（周四）至 12月5日（周六），共 3 天".
// A date outside today's year shows its year: "2027年1月2日（周六）".
func (s DateSpan) Describe(today teambot.Date) string {
	if s.From.IsZero() {
		return ""
	}
	if s.To.IsZero() || s.To == s.From {
		return DescribeDay(s.From, today) + s.Half
	}
	return fmt.Sprintf("%s至 %s，共 %d 天", DescribeDay(s.From, today), DescribeDay(s.To, today), spanDays(s.From, s.To))
}

// DescribeDay is "12月3日（周四）", with the year when it is not today's.
func DescribeDay(d, today teambot.Date) string { return d.Describe(today) }

// spanDays counts the days from from to to, both included.
func spanDays(from, to teambot.Date) int {
	return int(to.In(time.UTC).Sub(from.In(time.UTC)).Hours()/24) + 1
}

// checkSpan refuses a range that ends before it starts or is too long.
func checkSpan(s DateSpan, today teambot.Date) error {
	if s.To.Before(s.From) {
		return teambot.Invalid("结束日期 %s早于开始日期 %s。请把早的日期写在前面，例如 周三到周五；跨月请写上月份，例如 11月28日到12月2日。",
			DescribeDay(s.To, today), DescribeDay(s.From, today))
	}
	if n := spanDays(s.From, s.To); n > maxSpanDays {
		return teambot.Invalid("%s至 %s，共 %d 天，一次最多 %d 天，请分成几段写。",
			DescribeDay(s.From, today), DescribeDay(s.To, today), n, maxSpanDays)
	}
	return nil
}

// rangeHalf is the half day of a range: none for several days (where 上午 or
// 下午 is an error), and for a range of one day the half written, or the
// whole day for 明天上午到明天下午.
func rangeHalf(from, to teambot.Date, halves [2]string, today teambot.Date) (string, error) {
	if from != to {
		if halves[0] != "" || halves[1] != "" {
			return "", teambot.Invalid("上午/下午只能用在单独一天上，例如 明天上午；%s至 %s 是多天，请按整天写，例如 周三到周五。",
				DescribeDay(from, today), DescribeDay(to, today))
		}
		return "", nil
	}
	switch {
	case halves[0] == "":
		return halves[1], nil
	case halves[1] == "" || halves[1] == halves[0]:
		return halves[0], nil
	}
	return "", nil // 上午到下午: the whole day
}

// spanInput is the words joined by single spaces, remembering where each
// Word starts so that the words after the date can be handed back intact.
type spanInput struct {
	s      string
	words  []string
	starts []int
}

func newSpanInput(words []string) spanInput {
	var in spanInput
	var b strings.Builder
	for _, w := range words {
		if strings.TrimFunc(w, unicode.IsSpace) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		in.words = append(in.words, w)
		in.starts = append(in.starts, b.Len())
		b.WriteString(w)
	}
	in.s = b.String()
	return in
}

// rest is the words from byte offset p of s on; a word cut in the middle
// keeps its tail.
func (in spanInput) rest(p int) []string {
	for i, start := range in.starts {
		w := in.words[i]
		switch {
		case p <= start:
			return append([]string(nil), in.words[i:]...)
		case p < start+len(w):
			tail := strings.TrimLeftFunc(w[p-start:], unicode.IsSpace)
			if tail == "" {
				return append([]string(nil), in.words[i+1:]...)
			}
			return append([]string{tail}, in.words[i+1:]...)
		}
	}
	return nil
}

// skipSpace is the offset of the first non-space at or after p.
func skipSpace(s string, p int) int {
	return len(s) - len(strings.TrimLeftFunc(s[p:], unicode.IsSpace))
}

// spanShape is a span as written: one term or two, each maybe followed by
// 上午/下午, and the byte offset where it ends.
type spanShape struct {
	first, second dateTerm
	halves        [2]string
	ranged        bool // second is set
	end           int
}

// scanSpan reads the shape of a span from the front of in.
func scanSpan(in spanInput) (spanShape, error) {
	s := in.s
	var sh spanShape
	if m := dayRangePattern.FindStringSubmatch(s); m != nil && atoi(m[1]) <= atoi(m[3]) { // 3-5号, but 12-3号 is 12月3日
		sh.first, sh.second, sh.ranged = dayTerm(m[1]), dayTerm(m[3]), true
		sh.halves[1], sh.end = scanHalf(s, len(m[0]))
		return sh, nil
	}
	first, n, err := lexTerm(s, false)
	if err != nil {
		return sh, err
	}
	if n == 0 {
		if strings.HasPrefix(s, "上午") || strings.HasPrefix(s, "下午") {
			return sh, teambot.Invalid("上午/下午前面要写上哪一天，例如 明天上午 或 周三 下午。")
		}
		return sh, teambot.Invalid("看不懂日期「%s」，%s。", in.words[0], dateSpanHint)
	}
	sh.first = first
	sh.halves[0], sh.end = scanHalf(s, n)
	q, ok := scanConnector(s, sh.end)
	if !ok {
		return sh, nil
	}
	if q == len(s) {
		return sh, teambot.Invalid("「%s」少了结束日期，例如 周三到周五。", strings.TrimSpace(s))
	}
	second, n, err := lexTerm(s[q:], true)
	if err != nil {
		return sh, err
	}
	if n == 0 { // "明天 到 医院复查": the connector starts the reason
		return sh, nil
	}
	sh.second, sh.ranged = second, true
	sh.halves[1], sh.end = scanHalf(s, q+n)
	return sh, nil
}

// scanHalf reads 上午 or 下午 at p, after any spaces. Without one it returns
// p unchanged, so that trailing spaces stay with the rest.
func scanHalf(s string, p int) (string, int) {
	q := skipSpace(s, p)
	for _, h := range [...]string{"上午", "下午"} {
		if strings.HasPrefix(s[q:], h) {
			return h, q + len(h)
		}
	}
	return "", p
}

// rangeConnectors join the two ends of a range.
var rangeConnectors = [...]string{"到", "至", "-", "~", "～", "—", "–", "－"}

// scanConnector reads a range connector at p, with spaces around it, and
// returns where the second date would start.
func scanConnector(s string, p int) (int, bool) {
	q := skipSpace(s, p)
	for _, c := range rangeConnectors {
		if strings.HasPrefix(s[q:], c) {
			return skipSpace(s, q+len(c)), true
		}
	}
	return p, false
}

// termKind is the form a date was written in, which decides how it is
// resolved to a day.
type termKind int

const (
	termRelative termKind = iota // 今天, 明天…: days from today
	termWeekday                  // 周三, 下周三…
	termFull                     // 2026-12-03: year, month and day
	termMonthDay                 // 12月3日, 12/3: month and day
	termDay                      // 3日, 3号: day only
)

// dateTerm is one date as written, not yet resolved against today.
type dateTerm struct {
	kind             termKind
	days             int          // termRelative: days from today
	weekday          time.Weekday // termWeekday
	thisWeek         bool         // termWeekday: the week is named (本周, 下周…)
	week             int          // termWeekday with thisWeek: 0 本周, 1 下周, 2 下下周, -1 上周
	year, month, day int
}

var (
	fullDatePattern    = regexp.MustCompile(`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?`)
	monthDayCNPattern  = regexp.MustCompile(`^(\d{1,2})月(\d{1,2})[日号]?`)
	monthDayNumPattern = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[日号]?`)
	dayPattern         = regexp.MustCompile(`^(\d{1,2})[日号]`)
	bareDayPattern     = regexp.MustCompile(`^\d{1,2}`)
	dayRangePattern    = regexp.MustCompile(`^(\d{1,2})(到|至|-|~|～)(\d{1,2})([日号])`)
	weekdayPattern     = regexp.MustCompile(`^(?:(本|这|下下|下|上)个?)?(?:周|星期|礼拜)(.?)`)
)

// relativeDays are the words for a day counted from today.
var relativeDays = [...]struct {
	word string
	days int
}{{"大后天", 3}, {"今天", 0}, {"今日", 0}, {"明天", 1}, {"明日", 1}, {"后天", 2}, {"昨天", -1}, {"前天", -2}}

// weekdayChars name a day after 周, 星期 or 礼拜.
var weekdayChars = map[string]time.Weekday{
	"一": time.Monday, "二": time.Tuesday, "三": time.Wednesday, "四": time.Thursday,
	"五": time.Friday, "六": time.Saturday, "日": time.Sunday, "天": time.Sunday,
	"1": time.Monday, "2": time.Tuesday, "3": time.Wednesday, "4": time.Thursday,
	"5": time.Friday, "6": time.Saturday, "7": time.Sunday,
}

// weekOffsets are the weeks named before a weekday.
var weekOffsets = map[string]int{"本": 0, "这": 0, "下": 1, "下下": 2, "上": -1}

// lexTerm reads one date from the front of s and returns it with its length
// in bytes; 0 when s does not start with a date. It fails when s starts with
// something that is clearly meant as a date but cannot be one (周八,
// 13月1日). A bare day number (5 in 12/3-5) is taken only as the end of a
// range, only when a word ends with it.
func lexTerm(s string, asEnd bool) (dateTerm, int, error) {
	for _, r := range relativeDays {
		if strings.HasPrefix(s, r.word) {
			return dateTerm{kind: termRelative, days: r.days}, len(r.word), nil
		}
	}
	if m := weekdayPattern.FindStringSubmatch(s); m != nil {
		return lexWeekday(m)
	}
	if m := fullDatePattern.FindStringSubmatch(s); m != nil && numberEnds(s, m[0]) {
		return dateTerm{kind: termFull, year: atoi(m[1]), month: atoi(m[2]), day: atoi(m[3])}, len(m[0]), nil
	}
	if m := monthDayCNPattern.FindStringSubmatch(s); m != nil && numberEnds(s, m[0]) {
		return dateTerm{kind: termMonthDay, month: atoi(m[1]), day: atoi(m[2])}, len(m[0]), nil
	}
	if m := monthDayNumPattern.FindStringSubmatch(s); m != nil && numberEnds(s, m[0]) {
		return dateTerm{kind: termMonthDay, month: atoi(m[1]), day: atoi(m[2])}, len(m[0]), nil
	}
	if m := dayPattern.FindStringSubmatch(s); m != nil {
		return dayTerm(m[1]), len(m[0]), nil
	}
	if m := bareDayPattern.FindString(s); asEnd && m != "" {
		if r, _ := utf8.DecodeRuneInString(s[len(m):]); len(m) == len(s) || unicode.IsSpace(r) {
			return dayTerm(m), len(m), nil
		}
	}
	return dateTerm{}, 0, nil
}

// lexWeekday reads a match of weekdayPattern: a weekday, or an error for a
// Week word that is not one day (周八, 周末, 下周).
func lexWeekday(m []string) (dateTerm, int, error) {
	word, prefix, day := m[0], m[1], m[2]
	if wd, ok := weekdayChars[day]; ok {
		off, named := weekOffsets[prefix]
		return dateTerm{kind: termWeekday, weekday: wd, thisWeek: named, week: off}, len(word), nil
	}
	week := strings.TrimSuffix(word, day) // 下周, 星期…
	switch {
	case day != "" && strings.Contains("七八九十零0789", day):
		return dateTerm{}, 0, teambot.Invalid("没有「%s」：一周只有 周一 到 周日（周日也可以写 周天、星期天），%s。", word, dateSpanHint)
	case day == "末":
		return dateTerm{}, 0, teambot.Invalid("「%s」是两天，请写 %s六、%s日 或 %s六到%s日。", word, week, week, week, week)
	case prefix != "":
		return dateTerm{}, 0, teambot.Invalid("「%s」是一整周，请写具体哪天，例如 %s一 或 %s一到%s五。", week, week, week, week)
	}
	return dateTerm{}, 0, nil // 周报, 星期: not a date
}

// numberEnds reports whether a match that ends in a digit is not followed by
// more of a number (2026-12-031, 12/3/2026): such text is not a date.
func numberEnds(s, match string) bool {
	last := match[len(match)-1]
	if last < '0' || last > '9' {
		return true
	}
	next := s[len(match):]
	if next == "" {
		return true
	}
	if isDigit(next[0]) {
		return false
	}
	return !((next[0] == '/' || next[0] == '.') && len(next) > 1 && isDigit(next[1]))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// atoi reads a number the patterns have already checked is 1–4 digits.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func dayTerm(num string) dateTerm {
	return dateTerm{kind: termDay, day: atoi(num)}
}

// start resolves t as the first day of a span.
func (t dateTerm) start(today teambot.Date) (teambot.Date, error) {
	switch t.kind {
	case termRelative:
		return today.AddDate(0, 0, t.days), nil
	case termWeekday:
		if t.thisWeek {
			return namedWeekday(t, today), nil
		}
		return onOrAfter(t.weekday, today), nil
	case termFull:
		if err := checkMonthDay(t.month, t.day); err != nil {
			return teambot.Date{}, err
		}
		return dateIn(t.year, t.month, t.day)
	case termMonthDay:
		if err := checkMonthDay(t.month, t.day); err != nil {
			return teambot.Date{}, err
		}
		ref := today.AddDate(0, 0, -yearlessLookback)
		y := ref.Year
		if t.month < int(ref.Month) || t.month == int(ref.Month) && t.day < ref.Day {
			y++
		}
		return dateIn(y, t.month, t.day)
	}
	y, m := today.Year, today.Month
	if t.day < today.Day {
		next := teambot.Date{Year: y, Month: m, Day: 1}.AddDate(0, 1, 0)
		y, m = next.Year, next.Month
	}
	return dayInMonth(y, m, t.day)
}

// end resolves t as the last day of a span that starts on from.
func (t dateTerm) end(from, today teambot.Date) (teambot.Date, error) {
	switch t.kind {
	case termWeekday:
		if !t.thisWeek {
			return onOrAfter(t.weekday, from), nil
		}
	case termMonthDay:
		if err := checkMonthDay(t.month, t.day); err != nil {
			return teambot.Date{}, err
		}
		y := from.Year
		if t.month < int(from.Month) {
			y++
		}
		return dateIn(y, t.month, t.day)
	case termDay:
		return dayInMonth(from.Year, from.Month, t.day)
	}
	return t.start(today)
}

// onOrAfter is the first day on or after d that falls on wd.
func onOrAfter(wd time.Weekday, d teambot.Date) teambot.Date {
	return d.AddDate(0, 0, (int(wd)-int(d.Weekday())+7)%7)
}

// namedWeekday is the day of a weekday with a named week (本周三, 下周一),
// weeks running Monday to Sunday.
func namedWeekday(t dateTerm, today teambot.Date) teambot.Date {
	monday := today.AddDate(0, 0, -mondayIndex(today.Weekday()))
	return monday.AddDate(0, 0, 7*t.week+mondayIndex(t.weekday))
}

// mondayIndex counts days from Monday: 0 for Monday, 6 for Sunday.
func mondayIndex(wd time.Weekday) int { return (int(wd) + 6) % 7 }

// DaysIn is the number of days in month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// checkMonthDay refuses a month or a day that no year has (13月, 2月30日).
func checkMonthDay(month, day int) error {
	if month < 1 || month > 12 {
		return teambot.Invalid("没有%d月：月份只有 1 到 12，例如 12月3日。", month)
	}
	if last := DaysIn(2000, time.Month(month)); day < 1 || day > last { // 2000 is a leap year
		return teambot.Invalid("%d月没有%d日：%d月最多 %d 天，请检查日期，例如 %d月%d日。", month, day, month, last, month, last)
	}
	return nil
}

// dateIn is the day in year y, refusing 2月29日 outside leap years.
func dateIn(y, month, day int) (teambot.Date, error) {
	if day > DaysIn(y, time.Month(month)) {
		return teambot.Date{}, teambot.Invalid("%d年%d月没有%d日（%d年不是闰年），请检查日期。", y, month, day, y)
	}
	return teambot.Date{Year: y, Month: time.Month(month), Day: day}, nil
}

// dayInMonth is the day of a month given by a day number alone (3号).
func dayInMonth(y int, m time.Month, day int) (teambot.Date, error) {
	if last := DaysIn(y, m); day < 1 || day > last {
		return teambot.Date{}, teambot.Invalid("%d月没有%d日：%d月只有 %d 天，请写上月份，例如 %d月%d日。", m, day, m, last, m, last)
	}
	return teambot.Date{Year: y, Month: m, Day: day}, nil
}

// ParseDay reads one word that is one date, in any form ParseDateSpan
// reads for a single day (明天, 下周一, 12月24日, 12/24, 2026-12-24).
func ParseDay(word string, today teambot.Date) (teambot.Date, error) {
	t, err := dayWord(word)
	if err != nil {
		return teambot.Date{}, err
	}
	return t.start(today)
}

// ParseDayAfter reads a date that ends a period starting on from: a date
// without a year is in from's year, or the next when its month is earlier
// (/任期 12/1 11月30日 ends next November).
func ParseDayAfter(word string, from, today teambot.Date) (teambot.Date, error) {
	t, err := dayWord(word)
	if err != nil {
		return teambot.Date{}, err
	}
	if t.kind == termDay { // 5号 alone: as a start, not in from's month
		return t.start(today)
	}
	return t.end(from, today)
}

// dayWord reads a word that is exactly one date.
func dayWord(word string) (dateTerm, error) {
	word = strings.TrimSpace(word)
	t, n, err := lexTerm(word, false)
	switch {
	case err != nil:
		return dateTerm{}, err
	case n == 0 || n != len(word):
		return dateTerm{}, teambot.Invalid("看不懂日期「%s」，%s。", Clip(word), dateHint)
	}
	return t, nil
}

// dateHint lists the forms parseDay understands, for error messages.
const dateHint = "可以写 明天、下周一、周三、12月3日、12/3 或 2026-12-03"

// MonthDay is 11月23日.
func MonthDay(d teambot.Date) string { return fmt.Sprintf("%d月%d日", d.Month, d.Day) }
