package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"teambot/bot/wecomtest"
	"teambot/commands/lang"
	"teambot/dashboard"
	"teambot/storage/storagetest"
)

// TEAMBOT_PUBLIC_URL is an absolute http(s) base that a link can be built
// on, and it needs a secret to sign the links with.
func TestPublicURLConfig(t *testing.T) {
	for _, tc := range []struct {
		value, secret string
		want          string // the error's words; "" for none
		url           string
	}{
		{value: "https://bot.example.com/", secret: testAESKey, url: "https://bot.example.com"},
		{value: "http://10.0.0.5:8080/teambot", secret: testAESKey, url: "http://10.0.0.5:8080/teambot"},
		{value: "bot.example.com", secret: testAESKey, want: "not an absolute http(s) URL"},
		{value: "/dashboard", secret: testAESKey, want: "not an absolute http(s) URL"},
		{value: "ftp://bot.example.com", secret: testAESKey, want: "not an absolute http(s) URL"},
		{value: "https://user:hunter2@bot.example.com", secret: testAESKey, want: "user name or password"},
		{value: "https://bot.example.com/?x=1", secret: testAESKey, want: "a query or a fragment"},
		{value: "https://bot.example.com/#top", secret: testAESKey, want: "a query or a fragment"},
		{value: "https://bot.example.com", want: "set one of them"},
	} {
		cfg, err := loadConfig(env("TEAMBOT_PUBLIC_URL", tc.value, "WECOM_ROBOT_TOKEN", tokenIf(tc.secret), "WECOM_ROBOT_AES_KEY", tc.secret))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.value, err)
		case tc.want == "" && cfg.PublicURL != tc.url:
			t.Errorf("%q: PublicURL %q, want %q", tc.value, cfg.PublicURL, tc.url)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), "TEAMBOT_PUBLIC_URL") || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: error %v, want one naming TEAMBOT_PUBLIC_URL with %q", tc.value, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("the error repeats the password: %v", err)
		}
	}
	cfg, err := loadConfig(env("TEAMBOT_PUBLIC_URL", "https://bot.example.com", "WECOM_BOT_ID", "bot", "WECOM_BOT_SECRET", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	key := cfg.dashboardKey()
	if len(key) != 32 || string(key) == string(cfg.ballotKey()) || strings.Contains(string(key), "s3cret") {
		t.Errorf("the dashboard key is not a key of its own: %x", key)
	}
}

func tokenIf(secret string) string {
	if secret == "" {
		return ""
	}
	return "token"
}

// openApp sets commands.Config.DashboardLink only when there is a public
// URL, and never in the console; the link is the current month's, signed
// with the key derived from the configured secret, which it does not hold.
func TestDashboardLinkHook(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) // 12-01 01:00 in Shanghai
	vars := []string{"TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t), "WECOM_ROBOT_TOKEN", "token", "WECOM_ROBOT_AES_KEY", testAESKey}
	for _, tc := range []struct {
		public  string
		console bool
		hook    bool
	}{{"", false, false}, {"https://bot.example.com/", true, false}, {"https://bot.example.com/", false, true}} {
		a, err := openApp(ctx, env(append(vars, "TEAMBOT_PUBLIC_URL", tc.public)...), slog.New(slog.DiscardHandler), func() time.Time { return now }, tc.console)
		if err != nil {
			t.Fatal(err)
		}
		hook := a.engine.Config.DashboardLink
		a.db.Close()
		if (hook != nil) != tc.hook {
			t.Fatalf("public URL %q, console %v: hook set %v, want %v", tc.public, tc.console, hook != nil, tc.hook)
		}
		if hook == nil {
			continue
		}
		link, err := hook(ctx, 3, "zhangsan")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link, "https://bot.example.com/dashboard?") || strings.Contains(link, testAESKey) {
			t.Errorf("link %s", link)
		}
		u, _ := url.Parse(link)
		cfg, _ := loadConfig(env(append(vars, "TEAMBOT_PUBLIC_URL", tc.public)...))
		s, _ := dashboard.NewSigner(cfg.dashboardKey(), cfg.PublicURL)
		g, err := s.Verify(u.Query(), now)
		if err != nil || g.TeamID != 3 || g.UserID != "zhangsan" || g.Month != (lang.Month{Year: 2026, Month: time.December}) ||
			!g.Expires.Equal(now.Add(24*time.Hour)) {
			t.Errorf("the link grants %+v (%v), want team 3, zhangsan, 2026-12 (Shanghai), a day", g, err)
		}
	}
}

// With TEAMBOT_PUBLIC_URL and only the long connection, serve still opens
// its public port, for the dashboard alone: a link opens the team's month
// as its user may see it, an altered one is refused with a page that says
// so, and a member removed since is refused too.
func TestServeDashboardWithOnlyTheLongConnection(t *testing.T) {
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	getenv := env("TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t), "TEAMBOT_LISTEN", "127.0.0.1:0", "TEAMBOT_ADMINS", "boss",
		"WECOM_BOT_ID", "bot-1", "WECOM_BOT_SECRET", "secret-1", "WECOM_BOT_WS_URL", fake.URL(),
		"TEAMBOT_PUBLIC_URL", "https://bot.example.com")
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	addr := waitForAddr(t, &stderr, done)
	if !fake.WaitSubscribed(1, 10*time.Second) {
		t.Fatalf("never subscribed:\n%s", stderr.String())
	}
	say(t, fake, "m1", "wrgroup", "wangfang", "@TeamBot /join 王芳", "已登记：王芳")
	say(t, fake, "m2", "wrgroup", "zhangsan", "@TeamBot /加入 张三 文案", "已登记：张三")
	say(t, fake, "m3", "wrgroup", "lisi", "@TeamBot /加入 李四 美工", "已登记：李四")
	say(t, fake, "m4", "wrgroup", "boss", "@TeamBot /主管 @王芳", "王芳 现在是主管")
	say(t, fake, "m5", "wrgroup", "zhangsan", "@TeamBot /周报 亮点：完成了看板的验收", "")

	cfg, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := dashboard.NewSigner(cfg.dashboardKey(), cfg.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	month := lang.MonthOf(time.Now().In(shanghai))
	open := func(user string) (int, string) {
		link := signer.Link(1, user, month, time.Now())
		return getPage(t, "http://"+addr+strings.TrimPrefix(link, "https://bot.example.com"))
	}
	status, page := open("wangfang")
	for _, want := range []string{"wrgroup", month.String(), `id="chart-ontime"`, "王芳（主管）", `<th scope="row">张三</th>`,
		`<th scope="row">李四</th>`, "完成了看板的验收"} {
		if status != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("the supervisor's page (%d) lacks %q:\n%s", status, want, page)
		}
	}
	status, page = open("lisi")
	if status != http.StatusOK || !strings.Contains(page, `<th scope="row">李四</th>`) || strings.Contains(page, `<th scope="row">张三</th>`) {
		t.Errorf("the member's page (%d) shows more than their own rows:\n%s", status, page)
	}
	link := strings.Replace(signer.Link(1, "lisi", month, time.Now()), "u=lisi", "u=wangfang", 1)
	if status, page := getPage(t, "http://"+addr+strings.TrimPrefix(link, "https://bot.example.com")); status != http.StatusForbidden ||
		!strings.Contains(page, "链接无效") {
		t.Errorf("an altered link: %d\n%s", status, page)
	}
	say(t, fake, "m6", "wrgroup", "wangfang", "@TeamBot /移除 @李四", "")
	if status, page := open("lisi"); status != http.StatusForbidden || !strings.Contains(page, "你已不在这个团队") {
		t.Errorf("a removed member's link: %d\n%s", status, page)
	}
	if log := stderr.String(); !strings.Contains(log, "dashboard mounted") || strings.Contains(log, "secret-1") {
		t.Errorf("serve's log:\n%s", log)
	}
}

func getPage(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
