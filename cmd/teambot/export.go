package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"teambot"
	"teambot/storage"
)

const exportUsage = `usage: teambot export reports --team CHATID --from 2026-W40 [--to 2026-W48] [--format csv|json]
       teambot export monthly --team CHATID --month 2026-11 [--format csv|json]
       teambot export roster --team CHATID [--format md|csv]

reports writes the current version of each weekly report of the weeks
from..to (inclusive; --to defaults to --from); monthly writes the monthly
digest's data (R5): per member, the ledger, votes, platforms, account
changes and open escalations; roster writes the team's public roster (R3),
the same as /团队 导出, as Markdown (the default) or CSV. All go to standard
output. CSV starts with a UTF-8 byte order mark so that Excel shows Chinese
correctly.
`

// exportRow is one report as exported; the JSON field names are the CSV
// column names.
type exportRow struct {
	Week        string `json:"week"`
	Name        string `json:"name"`
	UserID      string `json:"userid"`
	SubmittedAt string `json:"submitted_at"` // RFC 3339 in the team's time zone
	Late        bool   `json:"late"`
	Version     int    `json:"version"`
	Text        string `json:"text"`

	at time.Time // SubmittedAt in the team's time zone
}

var exportColumns = []string{"week", "name", "userid", "submitted_at", "late", "version", "text"}

// runExport is `teambot export reports`: a team's weekly reports for a
// range of weeks, as CSV for spreadsheets or as JSON.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "monthly" {
		return runExportMonthly(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "roster" {
		return runExportRoster(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "reports" {
		fmt.Fprint(stderr, exportUsage)
		return fmt.Errorf("export: want 'export reports', 'export monthly' or 'export roster': %w", errUsage)
	}
	fs := newFlagSet("export reports", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage) }
	chatID := fs.String("team", "", "the team's group chat id")
	fromArg := fs.String("from", "", "first week, e.g. 2026-W40")
	toArg := fs.String("to", "", "last week, e.g. 2026-W48 (default: --from)")
	format := fs.String("format", "csv", "csv or json")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	from, to, err := exportWeeks(*chatID, *fromArg, *toArg, *format, fs.Args())
	if err != nil {
		return err
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
	rows, err := exportRows(ctx, db, *chatID, from, to)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, rows)
	}
	return writeCSV(stdout, rows)
}

// exportWeeks checks the flags and reads the week range.
func exportWeeks(chatID, fromArg, toArg, format string, extra []string) (from, to teambot.Week, err error) {
	switch {
	case len(extra) > 0:
		return from, to, fmt.Errorf("export reports: unexpected arguments %q", extra)
	case chatID == "":
		return from, to, errors.New("export reports: --team CHATID is required (the team's group chat id)")
	case fromArg == "":
		return from, to, errors.New("export reports: --from WEEK is required, e.g. --from 2026-W40")
	case format != "csv" && format != "json":
		return from, to, fmt.Errorf("export reports: --format %q: want csv or json", format)
	}
	if toArg == "" {
		toArg = fromArg
	}
	if from, err = teambot.ParseWeek(fromArg); err != nil {
		return from, to, fmt.Errorf("export reports: --from: %w", err)
	}
	if to, err = teambot.ParseWeek(toArg); err != nil {
		return from, to, fmt.Errorf("export reports: --to: %w", err)
	}
	if to.Before(from) {
		return from, to, fmt.Errorf("export reports: --to %s is before --from %s", to, from)
	}
	return from, to, nil
}

// exportRows reads the team's current reports of the weeks from..to.
func exportRows(ctx context.Context, db *storage.DB, chatID string, from, to teambot.Week) ([]exportRow, error) {
	var rows []exportRow
	err := db.View(ctx, func(tx *storage.Tx) error {
		team, err := tx.TeamByChat(ctx, chatID)
		if errors.Is(err, teambot.ErrNotFound) {
			return fmt.Errorf("export reports: no team for chat %q", chatID)
		} else if err != nil {
			return err
		}
		reports, err := tx.CurrentReportsBetween(ctx, team.ID, from, to)
		if err != nil {
			return err
		}
		loc := team.Location()
		rows = make([]exportRow, len(reports))
		for i, r := range reports {
			rows[i] = exportRow{Week: r.Week.String(), Name: r.Name, UserID: r.UserID,
				SubmittedAt: r.SubmittedAt.In(loc).Format(time.RFC3339), Late: r.Late, Version: r.Version, Text: r.Text,
				at: r.SubmittedAt.In(loc)}
		}
		return nil
	})
	return rows, err
}

// writeCSV writes rows as CSV with a UTF-8 byte order mark and CRLF line
// ends, which Excel opens with Chinese intact. submitted_at is written as
// 2026-11-24 17:02:00 in the team's time zone, a form Excel reads as a date
// and time. Cells that Excel would take for a formula are prefixed with an
// apostrophe.
func writeCSV(w io.Writer, rows []exportRow) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.Week, cell(r.Name), cell(r.UserID), r.at.Format(time.DateTime), strconv.FormatBool(r.Late), strconv.Itoa(r.Version), cell(r.Text)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell keeps a spreadsheet from running user text as a formula: text that
// starts with = + - @ or a tab or carriage return gets a leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeJSON writes rows as one indented JSON array ([] for none).
func writeJSON(w io.Writer, rows []exportRow) error {
	if rows == nil {
		rows = []exportRow{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}
