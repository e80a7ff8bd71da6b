package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// seedReports stores a team in Shanghai with two members and their reports
// of weeks 47 and 48 (张三's week 48 in two versions), and another team's
// report that must never show up.
func seedReports(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	joined := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	w47, w48 := teambot.Week{Year: 2026, Week: 47}, teambot.Week{Year: 2026, Week: 48}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		team := teambot.Team{ChatID: "chat-1", TimeZone: "Asia/Shanghai", CreatedAt: joined}
		other := teambot.Team{ChatID: "chat-2", TimeZone: "UTC", CreatedAt: joined}
		for _, tm := range []*teambot.Team{&team, &other} {
			if err := tx.CreateTeam(ctx, tm); err != nil {
				return err
			}
		}
		zhang := teambot.Member{TeamID: team.ID, UserID: "zhangsan", Name: "张三", JoinedAt: joined}
		li := teambot.Member{TeamID: team.ID, UserID: "lisi", Name: "李四", JoinedAt: joined}
		stranger := teambot.Member{TeamID: other.ID, UserID: "x", Name: "外人", JoinedAt: joined}
		for _, m := range []*teambot.Member{&zhang, &li, &stranger} {
			if err := tx.AddMember(ctx, m); err != nil {
				return err
			}
		}
		for _, r := range []teambot.Report{
			{TeamID: team.ID, MemberID: zhang.ID, Week: w47, Text: "上周：做了复盘", SubmittedAt: time.Date(2026, 11, 20, 9, 2, 3, 0, time.UTC)},
			{TeamID: team.ID, MemberID: zhang.ID, Week: w48, Text: "旧版本", SubmittedAt: time.Date(2026, 11, 24, 9, 2, 0, 0, time.UTC)},
			{TeamID: team.ID, MemberID: zhang.ID, Week: w48, Text: "- 完成推文 3 篇\n- 写了 \"引号\"，和逗号", SubmittedAt: time.Date(2026, 11, 25, 9, 2, 0, 0, time.UTC)},
			{TeamID: team.ID, MemberID: li.ID, Week: w48, Text: "=SUM(A1) 海报", SubmittedAt: time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC), Late: true},
			{TeamID: other.ID, MemberID: stranger.ID, Week: w48, Text: "别的团队", SubmittedAt: joined},
		} {
			if err := tx.SubmitReport(ctx, &r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func exportRun(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	var out, errOut strings.Builder
	err := run(context.Background(), append([]string{"export", "reports"}, args...),
		env("TEAMBOT_DATABASE_URL", url), nil, &out, &errOut)
	return out.String(), err
}

func TestExportReportsCSV(t *testing.T) {
	for name, url := range map[string]func(testing.TB) string{"sqlite": storagetest.SQLiteURL, "postgres": storagetest.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			url := url(t)
			seedReports(t, url)
			out, err := exportRun(t, url, "--team", "chat-1", "--from", "2026-W47", "--to", "2026-W48")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out, "\ufeffweek,name,userid,submitted_at,late,version,text\r\n") {
				t.Fatalf("CSV does not start with the BOM and the header:\n%q", out)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := [][]string{
				{"week", "name", "userid", "submitted_at", "late", "version", "text"},
				{"2026-W47", "张三", "zhangsan", "2026-11-20 17:02:03", "false", "1", "上周：做了复盘"},
				{"2026-W48", "张三", "zhangsan", "2026-11-25 17:02:00", "false", "2", "'- 完成推文 3 篇\n- 写了 \"引号\"，和逗号"},
				{"2026-W48", "李四", "lisi", "2026-11-28 09:00:00", "true", "1", "'=SUM(A1) 海报"},
			}
			if len(recs) != len(want) {
				t.Fatalf("%d records, want %d:\n%s", len(recs), len(want), out)
			}
			for i := range want {
				if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
					t.Errorf("record %d:\n got %q\nwant %q", i, recs[i], want[i])
				}
			}
		})
	}
}

func TestExportReportsJSON(t *testing.T) {
	url := storagetest.SQLiteURL(t)
	seedReports(t, url)
	out, err := exportRun(t, url, "--team", "chat-1", "--from", "2026-W48", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want week 48's two current reports:\n%s", len(rows), out)
	}
	first := rows[0]
	for key, want := range map[string]any{"week": "2026-W48", "name": "张三", "userid": "zhangsan",
		"submitted_at": "2026-11-25T17:02:00+08:00", "late": false, "version": 2.0, "text": "- 完成推文 3 篇\n- 写了 \"引号\"，和逗号"} {
		if first[key] != want {
			t.Errorf("%s = %#v, want %#v", key, first[key], want)
		}
	}
	if rows[1]["late"] != true || rows[1]["text"] != "=SUM(A1) 海报" {
		t.Errorf("second row = %v: JSON keeps the text as written", rows[1])
	}
	empty, err := exportRun(t, url, "--team", "chat-1", "--from", "2026-W01", "--format", "json")
	if err != nil || strings.TrimSpace(empty) != "[]" {
		t.Errorf("no reports: %q, %v; want []", empty, err)
	}
}

func TestExportReportsRefusesBadFlags(t *testing.T) {
	url := storagetest.SQLiteURL(t)
	seedReports(t, url)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--team CHATID is required"},
		{[]string{"--team", "chat-1"}, "--from WEEK is required"},
		{[]string{"--team", "chat-1", "--from", "2026-48"}, "--from"},
		{[]string{"--team", "chat-1", "--from", "2026-W48", "--to", "2026-W40"}, "is before"},
		{[]string{"--team", "chat-1", "--from", "2026-W48", "--format", "xlsx"}, "want csv or json"},
		{[]string{"--team", "nope", "--from", "2026-W48"}, "no team for chat \"nope\""},
	} {
		if _, err := exportRun(t, url, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("export reports %q: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
	}
	var out, errOut strings.Builder
	err := run(context.Background(), []string{"export", "votes"}, env("TEAMBOT_DATABASE_URL", url), nil, &out, &errOut)
	if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "usage: teambot export reports") {
		t.Errorf("export votes: err = %v, stderr %q", err, errOut.String())
	}
}
