package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/monthly"
	"teambot/rulebook"
	"teambot/storage"
)

// runExportMonthly is `teambot export monthly`: the monthly digest's data
// for spreadsheets (CSV) or programs (JSON), the same that 月报 shows.
func runExportMonthly(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export monthly", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage) }
	chatID := fs.String("team", "", "the team's group chat id")
	monthArg := fs.String("month", "", "the month, e.g. 2026-11")
	format := fs.String("format", "csv", "csv or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case len(fs.Args()) > 0:
		return fmt.Errorf("export monthly: unexpected arguments %q", fs.Args())
	case *chatID == "":
		return errors.New("export monthly: --team CHATID is required (the team's group chat id)")
	case *monthArg == "":
		return errors.New("export monthly: --month is required, e.g. --month 2026-11")
	case *format != "csv" && *format != "json":
		return fmt.Errorf("export monthly: --format %q: want csv or json", *format)
	}
	t, err := time.Parse("2006-01", *monthArg)
	if err != nil {
		return fmt.Errorf("export monthly: --month %q: want YYYY-MM, e.g. 2026-11", *monthArg)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("database %s: %w", storage.Redact(cfg.DatabaseURL), err)
	}
	defer db.Close()
	engine, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: time.Now, TimeZone: cfg.TimeZone})
	if err != nil {
		return err
	}
	d, err := monthly.Build(ctx, engine, *chatID, lang.MonthOf(t))
	if errors.Is(err, teambot.ErrNotFound) {
		return fmt.Errorf("export monthly: no team for chat %q", *chatID)
	} else if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(d.Report) // the appendix never goes into an export
	}
	return writeMonthlyCSV(stdout, d.Report)
}

// writeMonthlyCSV writes the report's member table as one CSV table with
// Chinese headers — what a spreadsheet opens as one sheet; the other
// tables are the xlsx workbook's sheets. Same BOM, line ends and formula
// guard as the reports export. Nothing of the appendix is in it.
func writeMonthlyCSV(w io.Writer, rep monthly.Report) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	itoa := strconv.Itoa
	rows := [][]string{{"月份", "姓名", "角色", "需交周报", "周报按时", "周报迟交", "周报未交", "周报请假",
		"会议出席", "会议迟到", "会议请假", "会议缺席", "请假天数"}}
	for _, m := range rep.Members {
		rows = append(rows, []string{rep.Month, cell(m.Name), cell(m.Roles), yesNo(m.Reports), itoa(m.ReportsOnTime), itoa(m.ReportsLate),
			itoa(m.ReportsMissing), itoa(m.ReportsExcused), itoa(m.MeetingsPresent), itoa(m.MeetingsLate), itoa(m.MeetingsExcused),
			itoa(m.MeetingsAbsent), strconv.FormatFloat(m.LeaveDays, 'f', -1, 64)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// yesNo is a yes/no cell as a Chinese spreadsheet reads it.
func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
