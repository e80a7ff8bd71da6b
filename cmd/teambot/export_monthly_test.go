package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"teambot/storage/storagetest"
	"teambot/workbook"
)

// monthSecrets are texts that only the month's appendix holds: a rejected
// leave's reason and its rejection, an open escalation, a commendation's
// reason and an account's name.
var monthSecrets = []string{"秘密甲", "秘密乙", "秘密丙", "秘密丁", "team_gzh_secret"}

// seedMonth plays November 2026 in the console: a team of three with a
// platform, a report with a highlight, a meeting, a rejected leave, an
// open escalation and a commendation.
func seedMonth(t *testing.T) string {
	t.Helper()
	url := storagetest.SQLiteURL(t)
	script := strings.Join([]string{
		":time 2026-11-02T09:00",
		":as wangfang", "/join 王芳", ":as zhangsan", "/加入 张三 文案", ":as lisi", "/加入 李四 美工", ":as boss", "/主管 @王芳",
		":chat -", ":as zhangsan", "/账号 登记 公众号 team_gzh_secret", ":chat console",
		":as wangfang", "/会议 设置 周五 15:00",
		":as zhangsan", "/更新 公众号 双十一预热推文",
		":time 2026-11-05T10:00", "/周报 亮点：完成双十一主视觉",
		":time 2026-11-06T14:50", "/签到", ":as wangfang", "/签到",
		":time 2026-11-06T16:05", "/会议 结束",
		":as lisi", "/请假 11月26日 家里装修秘密甲",
		":as wangfang", ":chat -", "/请假 驳回 1 当天要拍摄秘密乙", ":chat console",
		":as zhangsan", ":chat -", "/上报 相机镜头坏了秘密丙", ":chat console",
		":as wangfang", "/嘉奖 @张三 三等功 依据1 推文阅读破十万秘密丁",
		":time 2026-11-30T10:00",
	}, "\n")
	out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", url), script)
	for _, want := range []string{"已提交请假申请 #1", "已驳回", "【嘉奖】张三：三等功"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the console lacks %q:\n%s", want, out)
		}
	}
	return url
}

func exportMonthly(t *testing.T, url string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut strings.Builder
	err = run(context.Background(), append([]string{"export", "monthly", "--team", "console", "--month", "2026-11"}, args...),
		env("TEAMBOT_DATABASE_URL", url), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// zipParts are the files inside an .xlsx, by name.
func zipParts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not an xlsx: %v", err)
	}
	out := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

func TestExportMonthlyXLSX(t *testing.T) {
	url := seedMonth(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "2026-11.xlsx")
	if _, stderr, err := exportMonthly(t, url, "--format", "xlsx", "--out", path); err != nil || stderr != "" {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"概览", "成员", "周报情况", "会议", "投票", "平台", "亮点与活动"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	rows, _ := f.GetRows("成员")
	var table []string
	for _, r := range rows {
		table = append(table, strings.Join(r, "|"))
	}
	// Name to 会议出席; the meetings nobody closed closed themselves, so
	// the absences depend on the month's model, not on the workbook.
	for i, row := range []string{
		"姓名|角色|需交周报|周报按时|周报迟交|周报未交|周报请假|会议出席|会议迟到|会议请假|会议缺席|请假天数",
		"王芳|主管|否|0|0|0|0|1|",
		"张三|文案|是|1|0|3|0|1|",
		"李四|美工|是|0|0|4|0|0|",
	} {
		if i >= len(table) || !strings.HasPrefix(table[i], row) {
			t.Errorf("成员 row %d is not %q…:\n%s", i, row, strings.Join(table, "\n"))
		}
	}
	if typ, _ := f.GetCellType("成员", "D3"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("成员 D3 is of type %v, want a number", typ)
	}
	if got, _ := f.GetCellValue("会议", "A2"); got != "2026-11-06" {
		t.Errorf("会议 A2 = %q", got)
	}
	if got, _ := f.GetCellValue("会议", "F2"); got != "66.7%" { // 张三 and 王芳 present, 李四 absent
		t.Errorf("the meeting's attendance shows %q, want 66.7%%", got)
	}
	if got, _ := f.GetCellValue("周报情况", "B2"); got != "按时" { // the supervisor does not report
		t.Errorf("张三's week 45: %q", got)
	}
	if got, _ := f.GetCellValue("亮点与活动", "C2"); got != "完成双十一主视觉" {
		t.Errorf("the highlight: %q", got)
	}
	parts := zipParts(t, data)
	for _, c := range []string{"xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"} {
		if _, ok := parts[c]; !ok {
			t.Errorf("no %s: 概览 wants the week, meeting and platform charts", c)
		}
	}
	for name, body := range parts {
		for _, secret := range monthSecrets {
			if strings.Contains(body, secret) {
				t.Errorf("%s holds the appendix's %q without --confidential", name, secret)
			}
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("the report's mode is %v", fi.Mode())
	}

	// With --confidential the appendix is its own sheet, the file is the
	// owner's alone, and the command says so.
	secret := filepath.Join(dir, "2026-11-附录.xlsx")
	_, stderr, err := exportMonthly(t, url, "--format", "xlsx", "--out", secret, "--confidential")
	if err != nil || !strings.Contains(stderr, "confidential appendix") {
		t.Fatalf("export --confidential: %v\n%s", err, stderr)
	}
	if fi, _ := os.Stat(secret); fi.Mode().Perm() != 0o600 {
		t.Errorf("the confidential workbook's mode is %v, want 0600", fi.Mode())
	}
	g, err := excelize.OpenFile(secret)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got := g.GetSheetList(); len(got) != 8 || got[7] != workbook.SheetAppendix {
		t.Fatalf("sheets %q: want 附录（保密） last", got)
	}
	rows, _ = g.GetRows(workbook.SheetAppendix)
	var all strings.Builder
	for _, r := range rows {
		all.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, s := range monthSecrets {
		if !strings.Contains(all.String(), s) {
			t.Errorf("附录（保密） lacks %q:\n%s", s, all.String())
		}
	}

	// --out - writes the workbook to standard output.
	stdout, _, err := exportMonthly(t, url, "--format", "xlsx", "--out", "-")
	if err != nil || !strings.HasPrefix(stdout, "PK") {
		t.Errorf("xlsx to standard output: %v, %q…", err, stdout[:min(len(stdout), 8)])
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the directory holds %d files, want the two workbooks and no temporary file", len(entries))
	}
}

func TestExportMonthlyConfidentialJSONAndCSV(t *testing.T) {
	url := seedMonth(t)
	plain, _, err := exportMonthly(t, url, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(monthSecrets, `"appendix"`) {
		if strings.Contains(plain, s) {
			t.Errorf("the JSON report holds %q", s)
		}
	}
	var rep struct {
		Month   string
		Members []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(plain), &rep); err != nil || rep.Month != "2026-11" || len(rep.Members) != 3 {
		t.Errorf("the JSON report: %v %+v", err, rep)
	}

	full, stderr, err := exportMonthly(t, url, "--format", "json", "--confidential")
	if err != nil || !strings.Contains(stderr, "confidential appendix") {
		t.Fatalf("json --confidential: %v %s", err, stderr)
	}
	var month struct {
		Report   struct{ Month string }
		Appendix struct {
			Ledger        []struct{ Reason string }
			RejectedLeave []struct{ Reason, Rejection string } `json:"rejected_leave"`
		}
	}
	if err := json.Unmarshal([]byte(full), &month); err != nil {
		t.Fatal(err)
	}
	if month.Report.Month != "2026-11" || len(month.Appendix.Ledger) != 1 || !strings.Contains(month.Appendix.Ledger[0].Reason, "秘密丁") ||
		len(month.Appendix.RejectedLeave) != 1 || !strings.Contains(month.Appendix.RejectedLeave[0].Rejection, "秘密乙") {
		t.Errorf("json --confidential: %+v\n%s", month, full)
	}

	// The CSV is the member table, written to a file as to the terminal.
	csvOut, _, err := exportMonthly(t, url)
	if err != nil || !strings.HasPrefix(csvOut, "\ufeff月份,姓名,角色,需交周报") {
		t.Fatalf("csv: %v %q", err, csvOut)
	}
	path := filepath.Join(t.TempDir(), "2026-11.csv")
	if _, _, err := exportMonthly(t, url, "--out", path); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != csvOut {
		t.Errorf("--out wrote %q, want %q", data, csvOut)
	}

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--confidential"}, []string{"--confidential does not go with csv", "--format xlsx", "--format json"}},
		{[]string{"--format", "csv", "--confidential", "--out", path}, []string{"a CSV is one table"}},
		{[]string{"--format", "xlsx"}, []string{"--format xlsx needs --out FILE"}},
		{[]string{"--format", "pdf"}, []string{"want csv, json or xlsx"}},
	} {
		_, _, err := exportMonthly(t, url, tc.args...)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("export monthly %q: %v, want it to say %q", tc.args, err, w)
			}
		}
	}
}
