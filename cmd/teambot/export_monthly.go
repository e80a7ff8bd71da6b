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
		return enc.Encode(d)
	}
	return writeMonthlyCSV(stdout, d)
}

// writeMonthlyCSV writes the digest as CSV blocks, each a header row and
// its rows, separated by an empty row: members first (one row each, the
// figures as numbers), then the ledger, votes, platforms, account changes
// and open escalations. Same BOM, line ends and formula guard as reports.
func writeMonthlyCSV(w io.Writer, d monthly.Digest) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	itoa := strconv.Itoa
	blocks := []struct {
		header []string
		rows   [][]string
	}{
		{header: []string{"month", "name", "userid", "roles", "reports_on_time", "reports_late", "reports_missing", "reports_excused",
			"meetings_present", "meetings_late", "meetings_excused", "meetings_absent", "leave_days", "rewards", "penalties"}},
		{header: []string{"ledger_id", "date", "name", "kind", "level", "reason", "revokes", "revoked"}},
		{header: []string{"vote_id", "closed", "kind", "title", "outcome", "tally"}},
		{header: []string{"platform", "owners", "updates", "campaigns", "weeks_without_update"}},
		{header: []string{"account_date", "event", "platform", "account", "owner"}},
		{header: []string{"escalation_id", "date", "name", "text"}},
	}
	for _, m := range d.Members {
		blocks[0].rows = append(blocks[0].rows, []string{d.Month, cell(m.Name), cell(m.UserID), m.Roles, itoa(m.ReportsOnTime), itoa(m.ReportsLate),
			itoa(m.ReportsMissing), itoa(m.ReportsExcused), itoa(m.MeetingsPresent), itoa(m.MeetingsLate), itoa(m.MeetingsExcused),
			itoa(m.MeetingsAbsent), strconv.FormatFloat(m.LeaveDays, 'f', -1, 64), itoa(m.Rewards), itoa(m.Penalties)})
	}
	for _, e := range d.Ledger {
		revokes := ""
		if e.Revokes != 0 {
			revokes = strconv.FormatInt(e.Revokes, 10)
		}
		blocks[1].rows = append(blocks[1].rows, []string{strconv.FormatInt(e.ID, 10), e.Date, cell(e.Name), e.Kind, e.Level, cell(e.Reason), revokes, strconv.FormatBool(e.Revoked)})
	}
	for _, v := range d.Votes {
		blocks[2].rows = append(blocks[2].rows, []string{strconv.FormatInt(v.ID, 10), v.Closed, v.Kind, cell(v.Title), cell(v.Outcome), cell(v.Tally)})
	}
	for _, p := range d.Platforms {
		blocks[3].rows = append(blocks[3].rows, []string{cell(p.Platform), cell(p.Owners), itoa(p.Updates), cell(strings.Join(p.Campaigns, "；")), strings.Join(p.WeeksWithout, " ")})
	}
	for _, a := range d.Accounts {
		blocks[4].rows = append(blocks[4].rows, []string{a.Date, cell(a.Event), cell(a.Platform), cell(a.Account), cell(a.Owner)})
	}
	for _, e := range d.Escalations {
		blocks[5].rows = append(blocks[5].rows, []string{strconv.FormatInt(e.ID, 10), e.Date, cell(e.Name), cell(e.Text)})
	}
	for i, b := range blocks {
		if i > 0 {
			if err := cw.Write([]string{""}); err != nil {
				return err
			}
		}
		if err := cw.Write(b.header); err != nil {
			return err
		}
		if err := cw.WriteAll(b.rows); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
