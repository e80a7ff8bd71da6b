package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot/storage/storagetest"
)

// env builds a getenv from pairs; everything else is unset.
// env is an environment of the pairs given. Unless they name it, the admin
// port is a free one, so that serves of tests running side by side never
// contend for the default.
func env(pairs ...string) func(string) string {
	m := map[string]string{"TEAMBOT_ADMIN_LISTEN": "127.0.0.1:0"}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(k string) string { return m[k] }
}

func consoleRun(t *testing.T, getenv func(string) string, input string, args ...string) string {
	t.Helper()
	var out, errOut strings.Builder
	err := run(context.Background(), append([]string{"console"}, args...), getenv, strings.NewReader(input), &out, &errOut)
	if err != nil {
		t.Fatalf("console: %v\nstderr: %s", err, errOut.String())
	}
	return out.String()
}

// The console needs no configuration: in an empty directory it creates
// teambot.db and answers the scripted session of the README.
func TestConsoleOnTheEmbeddedDefault(t *testing.T) {
	t.Chdir(t.TempDir())
	got := consoleRun(t, env(), "/join 张三 文案\n/team\n", "--as", "zhangsan")
	want := "已登记：张三，角色：文案。\n团队名单（1 人）\n"
	if !strings.HasPrefix(got, want) || !strings.Contains(got, "文案：张三") {
		t.Errorf("console printed:\n%s\nwant it to start with:\n%s", got, want)
	}
	if _, err := os.Stat("teambot.db"); err != nil {
		t.Errorf("the default database was not created: %v", err)
	}
	// A second run sees the same records.
	if got := consoleRun(t, env(), "/团队\n", "--as", "someone"); !strings.Contains(got, "文案：张三") {
		t.Errorf("records did not survive a restart:\n%s", got)
	}
}

// The acceptance session of the foundation issue, on SQLite and PostgreSQL.
func TestConsoleAdminSession(t *testing.T) {
	script := strings.Join([]string{
		":time 2026-11-25T12:00", // a Wednesday noon: no reminder falls in this session
		":as wangfang", "/join 王芳", ":as zhangsan", "/加入 张三 文案", ":as boss", "/主管 @王芳",
		":as wangfang", "/角色 @张三 文案 美工", ":as zhangsan", "/移除 @王芳", "/团队", ":quit", "/团队",
	}, "\n")
	for name, url := range map[string]func(testing.TB) string{"sqlite": storagetest.SQLiteURL, "postgres": storagetest.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", url(t)), script)
			replies := strings.SplitN(out, "\n", 7)
			if len(replies) < 7 {
				t.Fatalf("want the time and 6 replies, got:\n%s", out)
			}
			if !strings.Contains(replies[5], "只有主管可以使用（现任主管：王芳）") {
				t.Errorf("/移除 by a member was not refused: %s", replies[5])
			}
			roster := replies[6]
			if !strings.Contains(roster, "主管：王芳（任期 11月25日（周三）至 2027年11月25日（周四））") || !strings.Contains(roster, "文案：张三") || !strings.Contains(roster, "美工：张三") {
				t.Errorf("last reply:\n%s\nwant 王芳 as 主管 with a one-year term from today, 张三 under 文案 and 美工", roster)
			}
			if strings.Count(out, "团队名单") != 1 {
				t.Errorf("input after :quit was read:\n%s", out)
			}
		})
	}
}

func TestConsoleMetaCommands(t *testing.T) {
	url := storagetest.SQLiteURL(t)
	out := consoleRun(t, env("TEAMBOT_DATABASE_URL", url), ":as\n:nope\n:chat other\n/团队\n:help\n")
	for _, want := range []string{"用法：:as ID", "不认识的控制台命令 :nope", "团队里还没有人登记", "当前：other"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
}

func TestUsageAndBadConfiguration(t *testing.T) {
	var out, errOut strings.Builder
	if err := run(context.Background(), nil, env(), strings.NewReader(""), &out, &errOut); !errors.Is(err, errUsage) {
		t.Errorf("no command: err = %v, want usage", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, env(), nil, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "usage: teambot") {
		t.Errorf("unknown command: err = %v, stderr %q", err, errOut.String())
	}
	const secretKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2" // 42 characters: one short
	const secretTok = "tok-do-not-print"
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"TEAMBOT_TIMEZONE", "Mars/Olympus"}, "TEAMBOT_TIMEZONE"},
		{[]string{"TEAMBOT_DATABASE_URL", "mysql://x"}, "TEAMBOT_DATABASE_URL"},
		{[]string{"TEAMBOT_LISTEN", "8080"}, "TEAMBOT_LISTEN"},
		{[]string{"WECOM_MAX_SKEW", "soon"}, "WECOM_MAX_SKEW"},
		{[]string{"WECOM_API_BASE", "ftp://x"}, "WECOM_API_BASE"},
		{[]string{"WECOM_BOT_TOKEN", secretTok}, "WECOM_BOT_TOKEN and WECOM_BOT_AES_KEY: set both or neither"},
		{[]string{"WECOM_ROBOT_TOKEN", secretTok, "WECOM_ROBOT_AES_KEY", secretKey}, "WECOM_ROBOT_AES_KEY: want the 43-character"},
		{[]string{"WECOM_APP_TOKEN", secretTok, "WECOM_APP_AES_KEY", secretKey + "C"}, "WECOM_CORP_ID: required"},
		{[]string{"WECOM_APP_AGENT_ID", "abc", "WECOM_APP_SECRET", secretTok, "WECOM_CORP_ID", "wx1"}, "WECOM_APP_AGENT_ID \"abc\""},
	} {
		var out, errOut strings.Builder
		err := run(context.Background(), []string{"migrate"}, env(tc.env...), nil, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to name %q", tc.env, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), secretKey) || strings.Contains(err.Error(), secretTok) {
			t.Errorf("%v: the error repeats a secret: %v", tc.env, err)
		}
	}
}

func TestMigrate(t *testing.T) {
	url := storagetest.SQLiteURL(t)
	var out, errOut strings.Builder
	if err := run(context.Background(), []string{"migrate"}, env("TEAMBOT_DATABASE_URL", url), nil, &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	if err := run(context.Background(), []string{"migrate"}, env("TEAMBOT_DATABASE_URL", url), nil, &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	if got := out.String(); !strings.Contains(got, "applied migrations [1 2 ") || !strings.Contains(got, "is up to date") {
		t.Errorf("migrate printed:\n%s", got)
	}
}

// syncBuffer is a goroutine-safe writer whose lines tests can wait for.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serve answers WeCom on one random port and /healthz, /readyz and /metrics
// on another (the admin port), and nothing but /wecom/… on the first; prints its
// configuration with every secret redacted, and shuts down cleanly when its
// context ends.
func TestServe(t *testing.T) {
	const token, webhookKey = "s3cret-token", "hook-key-123"
	getenv := env(
		"TEAMBOT_DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "serve.db"),
		"TEAMBOT_LISTEN", "127.0.0.1:0",
		"WECOM_ROBOT_TOKEN", token,
		"WECOM_ROBOT_AES_KEY", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
		"WECOM_WEBHOOK_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="+webhookKey,
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()

	addr := waitForAddr(t, &stderr, done)
	admin := waitForAdminAddr(t, &stderr, done)
	for path, want := range map[string]string{"/healthz": "ok\n", "/readyz": "ready\n", "/metrics": "teambot_build_info"} {
		resp, err := http.Get("http://" + admin + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), want) && !strings.Contains(string(body), want) {
			t.Errorf("GET %s on the admin port = %d %q, want 200 %q", path, resp.StatusCode, body, want)
		}
		// The callback port, which WeCom reaches, serves only /wecom/….
		resp, err = http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s on the callback port = %d, want 404", path, resp.StatusCode)
		}
	}
	resp, err := http.Get("http://" + addr + "/wecom/bot")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /wecom/bot (not configured) = %d, want 404", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	logs := stderr.String()
	for _, secret := range []string{token, webhookKey, "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains a secret %q:\n%s", secret, logs)
		}
	}
	for _, want := range []string{"wecom_robot_token=\"(set, redacted)\"", "WeCom endpoint not mounted", "stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
}

var (
	listeningRE      = regexp.MustCompile(`msg=listening addr=(\S+)`)
	adminListeningRE = regexp.MustCompile(`msg="admin listening" addr=(\S+)`)
)

// waitForAddr reads serve's log until it says where it listens for WeCom.
func waitForAddr(t *testing.T, log *syncBuffer, done <-chan error) string {
	t.Helper()
	return waitForLogged(t, log, done, listeningRE)
}

// waitForAdminAddr reads serve's log until it says where it serves /metrics,
// /healthz and /readyz.
func waitForAdminAddr(t *testing.T, log *syncBuffer, done <-chan error) string {
	t.Helper()
	return waitForLogged(t, log, done, adminListeningRE)
}

// waitForLogged reads serve's log until a line matches re and returns the
// first group.
func waitForLogged(t *testing.T, log *syncBuffer, done <-chan error, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(log.String()))
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				return m[1]
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited before listening: %v\n%s", err, log.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not report its address:\n%s", log.String())
	return ""
}

// A week in the console: :time steps from Monday 08:59 to the next Monday
// 09:31 with two members submitting. The Monday reminder, the Friday nag
// naming only the member still missing, and the Monday digest appear as
// they fire, each once.
func TestConsoleWeek(t *testing.T) {
	script := strings.Join([]string{
		":time 2026-11-30T08:50",
		":as wangfang", "/join 王芳", ":as zhangsan", "/加入 张三 文案", ":as lisi", "/加入 李四 美工",
		":as zhaoliu", "/加入 赵六 技术", ":as boss", "/主管 @王芳",
		":time 2026-11-30T08:59", ":time 2026-11-30T09:00", ":time 2026-11-30T09:05",
		":time 2026-12-02T10:00", ":as zhangsan", "/周报 完成了公众号三篇推文",
		":time 2026-12-03T11:00", ":as zhaoliu", "/周报 修好了小程序的支付",
		":time 2026-12-04T15:00", ":time 2026-12-04T15:30",
		":time 2026-12-07T09:31",
	}, "\n")
	out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), script)

	open := "【群 console】【周报提醒】本周 2026-W49（11月30日–12月6日）的周报开始提交"
	nag := "【群 console】【周报催交】本周 2026-W49（11月30日–12月6日）还有 1 人没交周报：李四。"
	digest := "【私信 → wangfang】【周报汇总】上周 2026-W49（11月30日–12月6日）"
	for _, want := range []string{open, nag, digest} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("%q appears %d times, want once; console:\n%s", want, n, out)
		}
	}
	if !strings.Contains(out, nag+"截止 12月4日（周五）18:00，请尽快 @我 发送 /周报 内容 提交。（@lisi）") {
		t.Errorf("the nag must @mention only 李四:\n%s", out)
	}
	// Each appears under the line of its own time.
	if !under(out, "⏰ 2026-11-30 09:00 周一", open) || !under(out, "⏰ 2026-12-04 15:00 周五", nag) ||
		!under(out, "⏰ 2026-12-07 09:30 周一", digest) {
		t.Errorf("a reminder appeared before its time:\n%s", out)
	}
	if !strings.Contains(out, "· 张三（12月2日（周三）10:00）：完成了公众号三篇推文") || !strings.Contains(out, "未交：李四") {
		t.Errorf("the digest lacks the reports or the missing member:\n%s", out)
	}
}

// The meeting reminders in the console: the weekly meeting set on
// Wednesday is announced on Friday at 17:00 and again 30 minutes before it
// starts on Monday, each once, naming who has not handed in the report.
func TestConsoleMeeting(t *testing.T) {
	script := strings.Join([]string{
		":time 2026-11-25T12:00",
		":as wangfang", "/join 王芳", ":as zhangsan", "/加入 张三 文案", ":as lisi", "/加入 李四 美工",
		":as boss", "/主管 @王芳", ":as wangfang", "/会议 设置 周一 10:00",
		":as zhangsan", "/周报 完成了公众号三篇推文",
		":time 2026-11-27T16:59", ":time 2026-11-27T17:00", ":time 2026-11-27T17:05",
		":time 2026-11-30T09:29", ":time 2026-11-30T09:30", ":time 2026-11-30T09:40",
	}, "\n")
	out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), script)
	notice := "【群 console】【会议通知】11月30日（周一）10:00–11:00（每周例会）"
	soon := "【群 console】【会前提醒】30 分钟后开会：11月30日（周一）10:00–11:00（每周例会）"
	for _, want := range []string{notice, soon} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("%q appears %d times, want once; console:\n%s", want, n, out)
		}
	}
	if !under(out, "⏰ 2026-11-27 17:00 周五", notice) || !under(out, "⏰ 2026-11-30 09:30 周一", soon) {
		t.Errorf("a meeting reminder appeared before its time:\n%s", out)
	}
	if !strings.Contains(out, "还没交 2026-W48（11月23日–11月29日）周报的 1 人：李四。") {
		t.Errorf("the notice does not name the missing report:\n%s", out)
	}
}

// The whole meeting flow in the console: schedule, notice and reminder,
// leave asked and approved, check-ins, closing, and after a second
// unexcused absence the proposal, seen by the supervisor in a single chat.
func TestConsoleMeetingFlow(t *testing.T) {
	script := strings.Join([]string{
		":time 2026-11-23T09:00",
		":as wangfang", "/join 王芳", ":as zhangsan", "/加入 张三 文案", ":as lisi", "/加入 李四 美工",
		":as zhaoliu", "/加入 赵六 技术", ":as boss", "/主管 @王芳",
		":as wangfang", "/会议 设置 周五 15:00", "/会议 议程 本周推广复盘",
		":as zhaoliu", "/请假 会议 外出拜访客户", ":as wangfang", "/请假 批准 1",
		":time 2026-11-26T17:00", ":time 2026-11-27T14:30",
		":time 2026-11-27T14:50", ":as zhangsan", "/签到", ":as wangfang", "/签到",
		":time 2026-11-27T15:55", "/会议 结束",
		":time 2026-12-03T17:00", ":time 2026-12-04T14:50", ":as zhangsan", "/签到", ":as wangfang", "/签到", ":as zhaoliu", "/签到",
		":time 2026-12-04T15:55", ":as wangfang", "/会议 结束",
		":chat -", "/会议 建议",
	}, "\n")
	out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), script)
	for _, want := range []string{
		"【群 console】【会议通知】", "本周推广复盘", // the notice the workday before
		"【群 console】【会前提醒】", // 30 minutes before
		"这是 11月27日（周五）15:00 那次会议的请假",
		"张三 已签到", "请假 1 人：赵六", "缺席 1 人：李四", // the first meeting
		"缺勤提醒已私信发给主管", // the second: 李四 absent twice
		"【私信 → wangfang】缺勤提醒 #1：李四 连续两次会议无故缺席",
		"缺勤提醒 #1：李四 连续两次会议无故缺席",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "【会议通知】") != 2 || strings.Count(out, "【会前提醒】") != 2 {
		t.Errorf("want one notice and one reminder per meeting:\n%s", out)
	}
}

// The vote of the issue in the console: a motion, four members vote, the
// supervisor vetoes and the group sees the result; a second motion closes
// at its deadline and the result reaches the group once.
func TestConsoleVote(t *testing.T) {
	script := strings.Join([]string{
		":time 2026-11-25T10:00",
		":as wangfang", "/join 王芳", ":as zhangsan", "/加入 张三 文案", ":as lisi", "/加入 李四 美工",
		":as wangwu", "/加入 王五 推广", ":as boss", "/主管 @王芳",
		":as zhangsan", "/投票 发起 是否参加双十二大促 截止 明天 18:00", "/同意 1",
		":as lisi", "/同意 1", ":as wangwu", "/反对 1", ":as wangfang", "/弃权 1",
		"/投票 否决 1 预算不够，下月再议",
		":as zhangsan", "/投票 发起 周五团建 截止 2小时", "/同意 2", ":as lisi", "/同意 2", ":as wangwu", "/同意 2",
		":time 2026-11-25T12:01", ":time 2026-11-25T12:30",
	}, "\n")
	out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), script)
	for _, want := range []string{
		"已发起表决 #1：「是否参加双十二大促」", "需 3 人投票（4 人中过半数）",
		"已投 4/4 人",
		"【投票结果】表决 #1「是否参加双十二大促」：被主管否决", "计票：同意 2，反对 1，弃权 1（共 4 票）",
		"主管 王芳 行使否决权，理由：预算不够，下月再议",
		"【投票催促】", // 2 hours before #2's deadline, that is right away: none, it was just announced
		"【群 console】【投票结果】表决 #2「周五团建」：通过",
	} {
		if want == "【投票催促】" {
			if strings.Contains(out, want) {
				t.Errorf("a vote shorter than the reminder's lead got a reminder:\n%s", out)
			}
			continue
		}
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "【投票结果】表决 #2"); n != 1 {
		t.Errorf("the deadline's result appears %d times, want once:\n%s", n, out)
	}
}

// A month in the console (R5, R6, R12, R13, R17-R19): accounts registered
// and transferred, updates logged, the Friday check, a commendation, a
// warning confirmed from an absence proposal, and the monthly digest, which
// `teambot export monthly` then writes for spreadsheets.
func TestConsoleMonth(t *testing.T) {
	url := storagetest.SQLiteURL(t)
	script := strings.Join([]string{
		":time 2026-11-02T09:00",
		":as wangfang", "/join 王芳", ":as zhangsan", "/加入 张三 文案", ":as lisi", "/加入 李四 美工", ":as boss", "/主管 @王芳",
		// Account names are private: registered in the single chat.
		":chat -", ":as zhangsan", "/账号 登记 公众号 team_gzh", ":as lisi", "/账号 登记 抖音 lisi_dy", ":chat console",
		":as wangfang", "/会议 设置 周五 15:00",
		":as zhangsan", "/更新 公众号 双十一预热推文",
		":time 2026-11-06T14:50", "/签到", ":as wangfang", "/签到",
		":time 2026-11-06T16:05", "/会议 结束",
		":time 2026-11-13T14:50", ":as zhangsan", "/签到", ":as wangfang", "/签到",
		":time 2026-11-13T16:05", "/会议 结束",
		":chat -", "/会议 建议", "/惩处 确认 1", ":chat console",
		"/嘉奖 @张三 三等功 依据1 双十一推文阅读量破十万",
		"/账号 移交 2 @张三",
		":as zhangsan", "/更新 抖音 活动 双十二预热",
		":time 2026-11-30T10:00",
		":as wangfang", ":chat -", "/月报",
	}, "\n")
	out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", url), script)
	for _, want := range []string{
		"【群 console】【平台更新检查】", // Friday 16:00: 抖音 had no update
		"缺勤提醒 #1：李四 连续两次会议无故缺席",
		"已记录 #1：李四 警告",
		"【嘉奖】张三：三等功",
		"2026-11 的月度工作报告和保密附录已分开私信发给你", "【私信 → wangfang】# console 2026-11 月度工作报告", // to the supervisor alone
		"**李四**（美工）：周报", "【私信 → wangfang】# 2026-11 月报附录（保密）",
		"#1 2026-11-13 李四 警告（依据：连续两次缺席会议）：连续两次会议无故缺席",
		"移交（李四 → 张三） 抖音 lisi_dy（张三）",
		"**抖音**（张三）更新 1 次",
		"抖音：双十二预热",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "@lisi") {
		t.Errorf("the Friday check does not @mention 抖音's owner:\n%s", out)
	}
	if !strings.Contains(out, "已登记账号 #2：抖音「lisi_dy」，负责人 李四。已私信告知 王芳。") ||
		!strings.Contains(out, "【私信 → wangfang】【账号报备】李四 登记了账号 #2：抖音「lisi_dy」") {
		t.Errorf("the supervisor is not told of the registration privately:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "【群 console】") && (strings.Contains(line, "team_gzh") || strings.Contains(line, "lisi_dy")) {
			t.Errorf("the group sees an account name: %s", line)
		}
	}

	csvOut, err := exportMonthlyRun(t, url, "--team", "console", "--month", "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	reader := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvOut, "\ufeff")))
	reader.FieldsPerRecord = -1 // blocks of different widths
	recs, err := reader.ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, csvOut)
	}
	var lisi []string
	for _, r := range recs {
		if len(r) > 2 && r[1] == "李四" {
			lisi = r
		}
	}
	// 月份,姓名,角色,需交周报,按时,迟交,未交,请假,出席,迟到,请假,缺席,请假天数;
	// the export runs on the real clock, so the last week may not be due yet.
	// The Fridays nobody closed (11-20, 11-27) closed themselves at their end,
	// so 李四 missed four meetings.
	if len(lisi) != 13 || strings.Join(lisi[:6], "|") != "2026-11|李四|美工|是|0|0" || (lisi[6] != "3" && lisi[6] != "4") ||
		strings.Join(lisi[7:], "|") != "0|0|0|0|4|0" {
		t.Errorf("李四's row: %q\n%s", lisi, csvOut)
	}
	for _, secret := range []string{"双十一推文阅读量破十万", "lisi_dy", "team_gzh", "连续两次会议无故缺席"} {
		if strings.Contains(csvOut, secret) {
			t.Errorf("the export holds %q, of the appendix:\n%s", secret, csvOut)
		}
	}
	jsonOut, err := exportMonthlyRun(t, url, "--team", "console", "--month", "2026-11", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Month   string
		Members []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(jsonOut), &d); err != nil || d.Month != "2026-11" || len(d.Members) != 3 {
		t.Errorf("JSON: %v %+v\n%s", err, d, jsonOut)
	}
	if _, err := exportMonthlyRun(t, url, "--team", "console", "--month", "November"); err == nil || !strings.Contains(err.Error(), "want YYYY-MM") {
		t.Errorf("a bad month: %v", err)
	}
}

func exportMonthlyRun(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr strings.Builder
	err := run(context.Background(), append([]string{"export", "monthly"}, args...), env("TEAMBOT_DATABASE_URL", url),
		strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), err
}

func TestVersion(t *testing.T) {
	var stdout, stderr strings.Builder
	if err := run(context.Background(), []string{"version"}, env(), strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if line := stdout.String(); !strings.HasPrefix(line, "teambot ") || !strings.Contains(line, "go1.") {
		t.Errorf("version: %q", line)
	}
}
