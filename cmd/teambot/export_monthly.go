package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/monthly"
	"teambot/rulebook"
	"teambot/workbook"
)

// runExportMonthly is `teambot export monthly`: the month's report (R5)
// for spreadsheets (CSV: the member table; xlsx: the whole report as a
// workbook with charts) or programs (JSON), the same that 月报 shows.
// The appendix (R14) is written only with --confidential, and never into a
// CSV, which is one table.
func runExportMonthly(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export monthly", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage) }
	chatID := fs.String("team", "", "the team's group chat id")
	monthArg := fs.String("month", "", "the month, e.g. 2026-11")
	format := fs.String("format", "csv", "csv, json or xlsx")
	out := fs.String("out", "", "the file to write (default: standard output; xlsx needs it, - for standard output)")
	confidential := fs.Bool("confidential", false, "include the supervisor's confidential appendix (json, xlsx)")
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
	case *format != "csv" && *format != "json" && *format != "xlsx":
		return fmt.Errorf("export monthly: --format %q: want csv, json or xlsx", *format)
	case *format == "csv" && *confidential:
		return errors.New("export monthly: --confidential does not go with csv: a CSV is one table, the member table, " +
			"and the appendix is not in it; use --format xlsx (its sheet 附录（保密）) or --format json")
	case *format == "xlsx" && *out == "":
		return errors.New("export monthly: --format xlsx needs --out FILE, e.g. --out 2026-11.xlsx (--out - writes the workbook to standard output)")
	}
	t, err := time.Parse("2006-01", *monthArg)
	if err != nil {
		return fmt.Errorf("export monthly: --month %q: want YYYY-MM, e.g. 2026-11", *monthArg)
	}
	cfg, db, err := openExportDB(ctx, getenv)
	if err != nil {
		return err
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
	if !*confidential {
		d.Appendix = monthly.Appendix{} // what is not there cannot be written
	}
	write := func(w io.Writer) error { return writeMonthlyCSV(w, d.Report) }
	switch *format {
	case "json":
		write = func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if *confidential {
				return enc.Encode(d) // {"report": …, "appendix": …}
			}
			return enc.Encode(d.Report)
		}
	case "xlsx":
		write = func(w io.Writer) error {
			f, err := workbook.Monthly(d, *confidential)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Write(w)
		}
	}
	if err := writeExport(*out, *confidential, stdout, write); err != nil {
		return fmt.Errorf("export monthly: %w", err)
	}
	if *confidential {
		where := *out
		if where == "" || where == "-" {
			where = "the output"
		}
		fmt.Fprintf(stderr, "export monthly: %s holds the confidential appendix (附录（保密）): for the supervisor alone, do not forward it\n", where)
	}
	return nil
}

// writeExport writes an export to the file path, or to stdout when path
// is "" or "-". The file appears whole or not at all: it is written beside
// its place under a temporary name, then renamed. A confidential one is
// readable by its owner alone.
func writeExport(path string, confidential bool, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	mode := os.FileMode(0o644)
	if confidential {
		mode = 0o600
	}
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), mode)
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
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
