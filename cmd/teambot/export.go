package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/roll"
	"teambot/rulebook"
	"teambot/storage"
)

const exportUsage = `usage: teambot export reports --team CHATID --from 2026-W40 [--to 2026-W48] [--format csv|json]
       teambot export monthly --team CHATID --month 2026-11 [--format csv|json] [--out FILE] [--confidential]
       teambot export monthly --team CHATID --month 2026-11 --format xlsx --out FILE [--confidential]
       teambot export roster --team CHATID [--format md|csv]

reports writes, for each week from..to (inclusive; --to defaults to --from),
every member expected to hand in: the current version of their report, or
a row without one saying why (未交, 请假（免交）, 节假日, 待交 before the
deadline). CSV has Chinese headers and 是/否; JSON keeps its field names
and adds "status".

monthly writes the month's report to leadership (R5): CSV is the member
table; JSON the whole report; xlsx a workbook with a sheet per table (成员,
周报情况, 会议, 投票, 平台, 亮点与活动) and 概览 with the figures against last
month and charts. xlsx needs --out (--out - for standard output); csv and
json go to standard output unless --out names a file.
--confidential adds the supervisor's appendix (the ledger's reasons,
account changes, open escalations, rejected leave): json then writes
{"report": …, "appendix": …}, xlsx adds the sheet 附录（保密）, and a file
written is readable by its owner alone. A CSV is one table and never holds
the appendix: --confidential with csv is refused.

roster writes the team's public roster (R3), the same as /团队 导出, as
Markdown (the default) or CSV.

CSV starts with a UTF-8 byte order mark so that Excel shows Chinese
correctly.
`

// exportRow is one member's week as exported: their report, or a row
// without one that says why (Status). JSON keeps these field names.
type exportRow struct {
	Week        string `json:"week"`
	Name        string `json:"name"`
	UserID      string `json:"userid"`
	Status      string `json:"status"`                 // see reportStatus
	SubmittedAt string `json:"submitted_at,omitempty"` // RFC 3339 in the team's time zone; none without a report
	Late        bool   `json:"late"`
	Version     int    `json:"version,omitempty"` // none without a report
	Text        string `json:"text"`

	at time.Time // SubmittedAt in the team's time zone
}

// A row's status, in JSON as the key and in CSV as its Chinese.
var reportStatus = map[string]string{
	"on_time": "按时",
	"late":    "迟交",
	"missing": "未交",
	"excused": "请假（免交）", // on approved leave all the week's workdays
	"exempt":  "节假日",    // a week of days off: nothing due (R4)
	"pending": "待交",     // the deadline has not passed yet
}

// exportColumns are the CSV's header: the report's columns with a status.
var exportColumns = []string{"周", "姓名", "企业微信账号", "状态", "提交时间", "迟交", "版本", "内容"}

// runExport is `teambot export reports`: a team's weekly reports for a
// range of weeks, and who did not hand one in and why, as CSV for
// spreadsheets or as JSON.
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
	cfg, db, err := openExportDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	engine, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: time.Now, TimeZone: cfg.TimeZone})
	if err != nil {
		return err
	}
	rows, err := exportRows(ctx, db, engine, *chatID, from, to)
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

// exportRows reads the weeks from..to of the team of chatID as the week's
// status has them (roll.LoadWeekStatus, the same that /周报 状态 and the
// monthly report read): each expected member's current report or why
// there is none, and the reports of members who were not expected (the
// supervisor's), in roster order.
func exportRows(ctx context.Context, db *storage.DB, e *commands.Engine, chatID string, from, to teambot.Week) ([]exportRow, error) {
	var rows []exportRow
	err := db.View(ctx, func(tx *storage.Tx) error {
		team, err := tx.TeamByChat(ctx, chatID)
		if errors.Is(err, teambot.ErrNotFound) {
			return fmt.Errorf("export reports: no team for chat %q", chatID)
		} else if err != nil {
			return err
		}
		r := &commands.Request{Tx: tx, Now: e.Config.Now(), Team: &team, Engine: e}
		members, err := tx.ActiveMembers(ctx, team.ID)
		if err != nil {
			return err
		}
		for w := from; !to.Before(w); w = w.Next() {
			s, err := roll.LoadWeekStatus(ctx, r, w)
			if err != nil {
				return err
			}
			rows = append(rows, weekRows(s, members, r.Now, team.Location())...)
		}
		return nil
	})
	return rows, err
}

// weekRows are a week's rows in roster order, members who have left last.
func weekRows(s roll.WeekStatus, members []teambot.Member, now time.Time, loc *time.Location) []exportRow {
	var rows []exportRow
	handed := map[int64]bool{}
	report := func(rep teambot.Report, status string) {
		handed[rep.MemberID] = true
		at := rep.SubmittedAt.In(loc)
		rows = append(rows, exportRow{Week: rep.Week.String(), Name: rep.Name, UserID: rep.UserID, Status: status,
			SubmittedAt: at.Format(time.RFC3339), Late: rep.Late, Version: rep.Version, Text: rep.Text, at: at})
	}
	none := func(m teambot.Member, status string) {
		rows = append(rows, exportRow{Week: s.Week.String(), Name: m.Name, UserID: m.UserID, Status: status})
	}
	for _, rep := range s.OnTime {
		report(rep, "on_time")
	}
	for _, rep := range s.Late {
		report(rep, "late")
	}
	for _, rep := range s.Others { // not expected, such as the supervisor
		if rep.Late {
			report(rep, "late")
		} else {
			report(rep, "on_time")
		}
	}
	for _, x := range s.Excused {
		none(x.Member, "excused")
	}
	missing := "missing"
	if !s.Closed && !s.Due.Late(now) {
		missing = "pending"
	}
	for _, m := range s.Missing {
		none(m, missing)
	}
	if s.Due.Exempt {
		// An exempt week names nobody missing: those who would have been
		// are roll's expected reporters, everyone but the supervisor who
		// had joined by the week's end.
		for _, m := range members {
			if !m.IsSupervisor() && m.JoinedAt.Before(s.Week.End(loc)) && !handed[m.ID] {
				none(m, "exempt")
			}
		}
	}
	rank := make(map[string]int, len(members))
	for i, m := range members {
		rank[m.UserID] = i
	}
	place := func(r exportRow) int {
		if i, ok := rank[r.UserID]; ok {
			return i
		}
		return len(members)
	}
	slices.SortStableFunc(rows, func(a, b exportRow) int { return cmp.Compare(place(a), place(b)) })
	return rows
}

// writeCSV writes rows as CSV with a UTF-8 byte order mark and CRLF line
// ends, which Excel opens with Chinese intact, under Chinese headers, with
// 是/否 for 迟交 and the status in Chinese. 提交时间 is written as
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
		rec := []string{r.Week, cell(r.Name), cell(r.UserID), reportStatus[r.Status], "", "", "", ""}
		if r.Version > 0 {
			rec[4], rec[5], rec[6], rec[7] = r.at.Format(time.DateTime), yesNo(r.Late), strconv.Itoa(r.Version), cell(r.Text)
		}
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

// openExportDB reads the configuration and opens (and migrates) its
// database, for the export commands.
func openExportDB(ctx context.Context, getenv func(string) string) (config, *storage.DB, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return cfg, nil, err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return cfg, nil, fmt.Errorf("database %s: %w", storage.Redact(cfg.DatabaseURL), err)
	}
	return cfg, db, nil
}
