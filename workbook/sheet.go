// Package workbook writes teambot's documents as Excel workbooks: one sheet
// per table, numbers as numbers, rates as percentages, dates as dates, and
// native charts that read the workbook's own cells — a file leadership
// opens, sorts and charts further without retyping anything.
package workbook

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// Cells the sheets write besides strings and numbers. Each is written as a
// number with its own format, so that a spreadsheet sums, sorts and charts
// it.
type (
	percent  float64 // a rate, 0.25 → 25.0%
	pctDelta float64 // a rate's change, in percentage points: +5.0%
	delta    int     // a count's change: +2, -1, 0
	date     string  // 2026-11-06: a date cell, or the text as it is when it is no date
	bold     string  // a section title above a table
)

// book is a workbook under construction with the styles its sheets share.
type book struct {
	f                                                       *excelize.File
	header, title, section, banner, pct, pctD, d, day, wrap int

	// 概览's rows, first and last, of the weeks' reports and of the
	// meetings, for the charts.
	weekRows, meetingRows [2]int
}

func newBook() (*book, error) {
	b := &book{f: excelize.NewFile()}
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&b.header, excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border: []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}}}},
		{&b.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&b.section, excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}}},
		{&b.banner, excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}}},
		{&b.pct, excelize.Style{CustomNumFmt: ptr("0.0%")}},
		{&b.pctD, excelize.Style{CustomNumFmt: ptr("+0.0%;-0.0%;0.0%")}},
		{&b.d, excelize.Style{CustomNumFmt: ptr("+0;-0;0")}},
		{&b.day, excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}},
		{&b.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	} {
		id, err := b.f.NewStyle(&s.style)
		if err != nil {
			b.f.Close()
			return nil, err
		}
		*s.id = id
	}
	return b, nil
}

func ptr[T any](v T) *T { return &v }

// sheet is one worksheet: it remembers each column's widest content to
// size the columns when done.
type sheet struct {
	b      *book
	name   string
	widths map[int]float64
}

// newSheet adds a worksheet; the first one takes the place of the new
// file's empty Sheet1.
func (b *book) newSheet(name string) (*sheet, error) {
	if b.f.SheetCount == 1 && b.f.GetSheetName(0) == "Sheet1" {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return nil, err
	}
	return &sheet{b: b, name: name, widths: map[int]float64{}}, nil
}

// put writes v into the cell at col, row (1-based) in its format.
func (s *sheet) put(col, row int, v any) error {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	style, width := 0, 0.0
	var value any = v
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		width = textWidth(x)
		if width > maxWidth || strings.ContainsRune(x, '\n') {
			style = s.b.wrap
		}
	case bold:
		value, style = string(x), s.b.section
	case int, int64:
		width = float64(len(fmt.Sprint(x)))
	case float64:
		width = float64(len(fmt.Sprint(x)))
	case percent:
		value, style, width = float64(x), s.b.pct, 7
	case pctDelta:
		value, style, width = float64(x), s.b.pctD, 7
	case delta:
		value, style, width = int(x), s.b.d, 4
	case date:
		t, err := time.Parse(time.DateOnly, string(x))
		if err != nil {
			value, width = string(x), textWidth(string(x))
			break
		}
		value, style, width = t, s.b.day, 10
	default:
		return fmt.Errorf("workbook: cell %s!%s: unexpected %T", s.name, ref, v)
	}
	if err := s.b.f.SetCellValue(s.name, ref, value); err != nil {
		return err
	}
	if style != 0 {
		if err := s.b.f.SetCellStyle(s.name, ref, ref, style); err != nil {
			return err
		}
	}
	if _, ok := v.(bold); !ok && width > s.widths[col] {
		s.widths[col] = width
	}
	return nil
}

// row writes cells from col onwards in row.
func (s *sheet) row(col, row int, cells ...any) error {
	for i, c := range cells {
		if err := s.put(col+i, row, c); err != nil {
			return err
		}
	}
	return nil
}

// header writes a table's header row from col onwards, bold on a tint.
func (s *sheet) header(col, row int, titles ...string) error {
	for i, t := range titles {
		if err := s.put(col+i, row, t); err != nil {
			return err
		}
	}
	from, _ := excelize.CoordinatesToCellName(col, row)
	to, _ := excelize.CoordinatesToCellName(col+len(titles)-1, row)
	return s.b.f.SetCellStyle(s.name, from, to, s.b.header)
}

// styled writes one string cell in a given style (a title, a banner, 0 for
// none) that may run over the cells beside it: the column's width is left
// alone.
func (s *sheet) styled(col, row int, text string, style int) error {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	if err := s.b.f.SetCellValue(s.name, ref, text); err != nil || style == 0 {
		return err
	}
	return s.b.f.SetCellStyle(s.name, ref, ref, style)
}

// Column widths, in the width of a digit: Chinese characters count two.
const (
	minWidth = 6
	maxWidth = 60
)

// done sizes the columns to their content and freezes the rows above
// frozen (the header), so that they stay in view while scrolling.
func (s *sheet) done(frozen int) error {
	for col, w := range s.widths {
		name, err := excelize.ColumnNumberToName(col)
		if err != nil {
			return err
		}
		if err := s.b.f.SetColWidth(s.name, name, name, min(max(w+2, minWidth), maxWidth)); err != nil {
			return err
		}
	}
	if frozen == 0 {
		return nil
	}
	return s.b.f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: frozen,
		TopLeftCell: fmt.Sprintf("A%d", frozen+1), ActivePane: "bottomLeft"})
}

// textWidth is how wide text shows, in digit widths: a wide (Chinese)
// character counts two; of several lines, the longest.
func textWidth(text string) float64 {
	widest, w := 0.0, 0.0
	for _, r := range text {
		switch {
		case r == '\n':
			w = 0
			continue
		case unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x30FF || r >= 0xFF00 && r <= 0xFFEF:
			w += 2
		default:
			w++
		}
		widest = max(widest, w)
	}
	return widest
}

// area is a range of cells as a chart's series names it, absolute and with
// the sheet's name quoted: '会议'!$F$2:$F$5.
func area(sheet string, col1, row1, col2, row2 int) string {
	from, _ := excelize.CoordinatesToCellName(col1, row1, true)
	to, _ := excelize.CoordinatesToCellName(col2, row2, true)
	if from == to {
		return fmt.Sprintf("'%s'!%s", sheet, from)
	}
	return fmt.Sprintf("'%s'!%s:%s", sheet, from, to)
}
