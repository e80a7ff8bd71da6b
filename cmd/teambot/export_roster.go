package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"teambot"
	"teambot/commands/roster"
	"teambot/storage"
)

// runExportRoster is `teambot export roster`: the public roster (R3), the
// same that /团队 导出 replies, as Markdown for the "about us" page or as
// CSV for a spreadsheet.
func runExportRoster(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export roster", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage) }
	chatID := fs.String("team", "", "the team's group chat id")
	format := fs.String("format", "md", "md or csv")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case len(fs.Args()) > 0:
		return fmt.Errorf("export roster: unexpected arguments %q", fs.Args())
	case *chatID == "":
		return errors.New("export roster: --team CHATID is required (the team's group chat id)")
	case *format != "md" && *format != "csv":
		return fmt.Errorf("export roster: --format %q: want md or csv", *format)
	}
	_, db, err := openExportDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	team, groups, err := publicRoster(ctx, db, *chatID)
	if err != nil {
		return err
	}
	if *format == "csv" {
		return writeRosterCSV(stdout, groups)
	}
	_, err = io.WriteString(stdout, rosterMarkdown(team.Name, groups))
	return err
}

// publicRoster reads the team of chatID and its public roster.
func publicRoster(ctx context.Context, db *storage.DB, chatID string) (teambot.Team, []roster.RoleGroup, error) {
	var team teambot.Team
	var groups []roster.RoleGroup
	err := db.View(ctx, func(tx *storage.Tx) error {
		var err error
		team, err = tx.TeamByChat(ctx, chatID)
		if errors.Is(err, teambot.ErrNotFound) {
			return fmt.Errorf("export roster: no team for chat %q", chatID)
		} else if err != nil {
			return err
		}
		members, err := tx.ActiveMembers(ctx, team.ID)
		if err != nil {
			return err
		}
		groups = roster.Public(members)
		return nil
	})
	return team, groups, err
}

// rosterMarkdown is the roster as a heading and one list item per role:
//
//	# 团队名单：市场部
//
//	- 主管：王芳
//	- 文案：张三、李四
//
// A list rather than a table: web page editors that take Markdown on paste
// turn a list into their own list block, while many of them paste a table
// as rows of pipes and dashes, and an editor that takes it as plain text
// still shows one readable line per role. Names are escaped so that a
// name such as <b>x</b> or *x* shows as written instead of as markup.
func rosterMarkdown(teamName string, groups []roster.RoleGroup) string {
	var b strings.Builder
	b.WriteString("# 团队名单")
	if teamName != "" {
		b.WriteString("：" + markdownText(teamName))
	}
	b.WriteString("\n")
	if len(groups) > 0 {
		b.WriteString("\n")
	}
	for _, g := range groups {
		names := make([]string, len(g.Names))
		for i, n := range g.Names {
			names[i] = markdownText(n)
		}
		fmt.Fprintf(&b, "- %s：%s\n", g.Label(), strings.Join(names, "、"))
	}
	return b.String()
}

// markdownText backslash-escapes the ASCII punctuation that Markdown (or
// the HTML it allows) could read as markup.
func markdownText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|~!&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeRosterCSV writes one row per role and member, 角色,姓名, in the
// roster's order, with the same BOM, line ends and formula guard as the
// other exports.
func writeRosterCSV(w io.Writer, groups []roster.RoleGroup) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"角色", "姓名"}); err != nil {
		return err
	}
	for _, g := range groups {
		for _, n := range g.Names {
			if err := cw.Write([]string{g.Label(), cell(n)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
