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

// seedReports stores a team in Shanghai with three members, a supervisor
// and their reports of weeks 47 and 48 (张三's week 48 in two versions,
// the supervisor's own in week 48), 李四 on approved leave all of week 47,
// 王五 who never hands in, week 46 a week of days off, and another team's
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
		wang := teambot.Member{TeamID: team.ID, UserID: "wangwu", Name: "王五", JoinedAt: joined}
		boss := teambot.Member{TeamID: team.ID, UserID: "wangfang", Name: "王芳", JoinedAt: joined, Roles: []teambot.Role{teambot.RoleSupervisor}}
		stranger := teambot.Member{TeamID: other.ID, UserID: "x", Name: "外人", JoinedAt: joined}
		for _, m := range []*teambot.Member{&zhang, &li, &wang, &boss, &stranger} {
			if err := tx.AddMember(ctx, m); err != nil {
				return err
			}
		}
		for _, r := range []teambot.Report{
			{TeamID: team.ID, MemberID: zhang.ID, Week: w47, Text: "上周：做了复盘", SubmittedAt: time.Date(2026, 11, 20, 9, 2, 3, 0, time.UTC)},
			{TeamID: team.ID, MemberID: zhang.ID, Week: w48, Text: "旧版本", SubmittedAt: time.Date(2026, 11, 24, 9, 2, 0, 0, time.UTC)},
			{TeamID: team.ID, MemberID: zhang.ID, Week: w48, Text: "- 完成推文 3 篇\n- 写了 \"引号\"，和逗号", SubmittedAt: time.Date(2026, 11, 25, 9, 2, 0, 0, time.UTC)},
			{TeamID: team.ID, MemberID: li.ID, Week: w48, Text: "=SUM(A1) 海报", SubmittedAt: time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC), Late: true},
			{TeamID: team.ID, MemberID: boss.ID, Week: w48, Text: "主管的周报", SubmittedAt: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)},
			{TeamID: other.ID, MemberID: stranger.ID, Week: w48, Text: "别的团队", SubmittedAt: joined},
		} {
			if err := tx.SubmitReport(ctx, &r); err != nil {
				return err
			}
		}
		leave := teambot.Leave{TeamID: team.ID, MemberID: li.ID, From: teambot.Date{Year: 2026, Month: 11, Day: 16},
			To: teambot.Date{Year: 2026, Month: 11, Day: 20}, Reason: "回老家", CreatedAt: joined}
		if err := tx.CreateLeave(ctx, &leave); err != nil {
			return err
		}
		if err := tx.DecideLeave(ctx, team.ID, leave.ID, teambot.LeaveApproved, "wangfang", "", joined); err != nil {
			return err
		}
		for day := 9; day <= 13; day++ { // week 46, Monday to Friday: the team's days off
			if err := tx.SetTeamDay(ctx, team.ID, teambot.DayOverride{Date: teambot.Date{Year: 2026, Month: 11, Day: day}, Off: true, Note: "团建"}); err != nil {
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

// The CSV has Chinese headers and 是/否, and a row for every member
// expected each week: handed in on time or late, or not — missing, on
// leave, or in a week of days off. The supervisor, who does not report,
// has a row only for the report they wrote anyway.
func TestExportReportsCSV(t *testing.T) {
	for name, url := range map[string]func(testing.TB) string{"sqlite": storagetest.SQLiteURL, "postgres": storagetest.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			url := url(t)
			seedReports(t, url)
			out, err := exportRun(t, url, "--team", "chat-1", "--from", "2026-W46", "--to", "2026-W48")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out, "\ufeff周,姓名,企业微信账号,状态,提交时间,迟交,版本,内容\r\n") {
				t.Fatalf("CSV does not start with the BOM and the header:\n%q", out)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := [][]string{
				{"周", "姓名", "企业微信账号", "状态", "提交时间", "迟交", "版本", "内容"},
				{"2026-W46", "张三", "zhangsan", "节假日", "", "", "", ""},
				{"2026-W46", "李四", "lisi", "节假日", "", "", "", ""},
				{"2026-W46", "王五", "wangwu", "节假日", "", "", "", ""},
				{"2026-W47", "张三", "zhangsan", "按时", "2026-11-20 17:02:03", "否", "1", "上周：做了复盘"},
				{"2026-W47", "李四", "lisi", "请假（免交）", "", "", "", ""},
				{"2026-W47", "王五", "wangwu", "未交", "", "", "", ""},
				{"2026-W48", "张三", "zhangsan", "按时", "2026-11-25 17:02:00", "否", "2", "'- 完成推文 3 篇\n- 写了 \"引号\"，和逗号"},
				{"2026-W48", "李四", "lisi", "迟交", "2026-11-28 09:00:00", "是", "1", "'=SUM(A1) 海报"},
				{"2026-W48", "王五", "wangwu", "未交", "", "", "", ""},
				{"2026-W48", "王芳", "wangfang", "按时", "2026-11-27 10:00:00", "否", "1", "主管的周报"},
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
	if len(rows) != 4 {
		t.Fatalf("%d rows, want week 48's three current reports and 王五's missing one:\n%s", len(rows), out)
	}
	first := rows[0]
	for key, want := range map[string]any{"week": "2026-W48", "name": "张三", "userid": "zhangsan", "status": "on_time",
		"submitted_at": "2026-11-25T17:02:00+08:00", "late": false, "version": 2.0, "text": "- 完成推文 3 篇\n- 写了 \"引号\"，和逗号"} {
		if first[key] != want {
			t.Errorf("%s = %#v, want %#v", key, first[key], want)
		}
	}
	if rows[1]["late"] != true || rows[1]["status"] != "late" || rows[1]["text"] != "=SUM(A1) 海报" {
		t.Errorf("second row = %v: JSON keeps the text as written", rows[1])
	}
	missing := rows[2]
	if missing["name"] != "王五" || missing["status"] != "missing" || missing["text"] != "" || missing["late"] != false {
		t.Errorf("third row = %v, want 王五 missing", missing)
	}
	if _, ok := missing["submitted_at"]; ok {
		t.Errorf("a missing report has a submission time: %v", missing)
	}
	empty, err := exportRun(t, url, "--team", "chat-1", "--from", "2026-W01", "--format", "json")
	if err != nil || strings.TrimSpace(empty) != "[]" {
		t.Errorf("no reports: %q, %v; want []", empty, err)
	}

	// Before its deadline a week's reports are not missing yet.
	future, err := exportRun(t, url, "--team", "chat-1", "--from", "2099-W10", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var pending []exportRow
	if err := json.Unmarshal([]byte(future), &pending); err != nil {
		t.Fatal(err)
	}
	if len(pending) != 3 || pending[0].Status != "pending" || pending[2].Name != "王五" || pending[2].Status != "pending" {
		t.Errorf("a week to come: %s", future)
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
		{[]string{"--team", "chat-1", "--from", "2026-W48", "--format", "xlsx"}, "want csv or json"}, // xlsx is the month's
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
