package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"teambot/bot"
	"teambot/bot/longconn"
	"teambot/storage"
)

// config is the effective configuration, read from the environment
// (docs/product.md §2) and validated before anything starts.
type config struct {
	DatabaseURL string
	Listen      string
	// AdminListen serves /metrics, /healthz and /readyz; "" when off.
	AdminListen string
	// MaxBody caps a callback's body (413 beyond); MaxInflight the
	// callbacks in flight in the process (503 beyond).
	MaxBody     int64
	MaxInflight int
	TimeZone    string
	Admins      []string
	BotNames    []string

	APIBase    string
	MaxSkew    time.Duration
	WebhookURL string
	// OutboxRetention is how long a sent message keeps its body (R14).
	OutboxRetention time.Duration
	// InboxLease is how long a callback answered late is its replica's
	// before another finishes it; its command may run for half of it.
	InboxLease time.Duration
	// PublicURL is where people reach the bot from their browsers
	// (TEAMBOT_PUBLIC_URL), without a trailing slash: the dashboard's
	// links start with it. "" when the dashboard is off.
	PublicURL string

	BotToken, BotAESKey string
	// BotID and BotSecret turn on the AI bot's long connection; BotWSURL
	// is its address (docs/wecom-longconn.md §2).
	BotID, BotSecret, BotWSURL string
	RobotToken, RobotAESKey    string
	CorpID                     string
	AppToken, AppAESKey        string
	AppAgentID, AppSecret      string
}

// loadConfig reads and validates the configuration. Each error names the
// variable at fault and never repeats a secret's value.
func loadConfig(getenv func(string) string) (config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := config{
		DatabaseURL: get("TEAMBOT_DATABASE_URL", "sqlite://teambot.db"),
		Listen:      get("TEAMBOT_LISTEN", ":8080"),
		TimeZone:    get("TEAMBOT_TIMEZONE", "Asia/Shanghai"),
		Admins:      splitList(get("TEAMBOT_ADMINS", "")),
		BotNames:    splitList(get("TEAMBOT_BOT_NAMES", "")),
		APIBase:     strings.TrimRight(get("WECOM_API_BASE", "https://qyapi.weixin.qq.com"), "/"),
		WebhookURL:  get("WECOM_WEBHOOK_URL", ""),
		PublicURL:   strings.TrimRight(get("TEAMBOT_PUBLIC_URL", ""), "/"),
		BotToken:    get("WECOM_BOT_TOKEN", ""), BotAESKey: get("WECOM_BOT_AES_KEY", ""),
		BotID: get("WECOM_BOT_ID", ""), BotSecret: get("WECOM_BOT_SECRET", ""), BotWSURL: get("WECOM_BOT_WS_URL", longconn.DefaultURL),
		RobotToken: get("WECOM_ROBOT_TOKEN", ""), RobotAESKey: get("WECOM_ROBOT_AES_KEY", ""),
		CorpID:   get("WECOM_CORP_ID", ""),
		AppToken: get("WECOM_APP_TOKEN", ""), AppAESKey: get("WECOM_APP_AES_KEY", ""),
		AppAgentID: get("WECOM_APP_AGENT_ID", ""), AppSecret: get("WECOM_APP_SECRET", ""),
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	if _, _, err := storage.ParseURL(c.DatabaseURL); err != nil {
		fail("TEAMBOT_DATABASE_URL: %v", err)
	}
	_, listenPort, err := net.SplitHostPort(c.Listen)
	if err != nil {
		fail("TEAMBOT_LISTEN %q: want HOST:PORT or :PORT, e.g. :8080", c.Listen)
	}
	admin := get("TEAMBOT_ADMIN_LISTEN", defaultAdminListen)
	_, _, adminErr := net.SplitHostPort(admin)
	switch {
	case admin == "off":
	case adminErr != nil:
		fail("TEAMBOT_ADMIN_LISTEN %q: want HOST:PORT such as %s, or off", admin, defaultAdminListen)
	case samePort(admin, listenPort):
		fail("TEAMBOT_ADMIN_LISTEN %q: the callback port of TEAMBOT_LISTEN; use another port, such as %s", admin, defaultAdminListen)
	default:
		c.AdminListen = admin
	}
	maxBody := get("TEAMBOT_MAX_BODY", "64KiB")
	if n, ok := parseSize(maxBody); !ok || n < 32<<10 || n > 16<<20 {
		fail("TEAMBOT_MAX_BODY %q: want a size from 32KiB to 16MiB, such as 64KiB or 65536 (bytes)", maxBody)
	} else {
		c.MaxBody = n
	}
	inflight := get("TEAMBOT_MAX_INFLIGHT", "64")
	if n, err := strconv.Atoi(inflight); err != nil || n < 1 || n > 4096 {
		fail("TEAMBOT_MAX_INFLIGHT %q: want a number of callbacks from 1 to 4096, such as 64", inflight)
	} else {
		c.MaxInflight = n
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		fail("TEAMBOT_TIMEZONE %q: not a known IANA time zone, e.g. Asia/Shanghai", c.TimeZone)
	}
	if err := checkURL(c.APIBase); err != nil {
		fail("WECOM_API_BASE: %v", err)
	}
	if c.WebhookURL != "" {
		if err := checkURL(c.WebhookURL); err != nil {
			fail("WECOM_WEBHOOK_URL: %v", err)
		}
	}
	if c.PublicURL != "" {
		if err := checkPublicURL(c.PublicURL); err != nil {
			fail("TEAMBOT_PUBLIC_URL: %v", err)
		} else if c.sealingSecret() == "" {
			fail("TEAMBOT_PUBLIC_URL: the dashboard's links are signed with a key derived from an EncodingAESKey or WECOM_BOT_SECRET; set one of them, or unset TEAMBOT_PUBLIC_URL")
		}
	}
	skew := get("WECOM_MAX_SKEW", "5m")
	if skew == "0" {
		c.MaxSkew = 0
	} else if d, err := time.ParseDuration(skew); err != nil || d < 0 {
		fail("WECOM_MAX_SKEW %q: want a duration such as 5m, or 0 to disable", skew)
	} else {
		c.MaxSkew = d
	}
	retention := get("TEAMBOT_OUTBOX_RETENTION", "168h")
	if d, err := time.ParseDuration(retention); err != nil || d < time.Hour {
		fail("TEAMBOT_OUTBOX_RETENTION %q: want a duration of at least 1h, such as 168h (7 days)", retention)
	} else {
		c.OutboxRetention = d
	}
	lease := get("TEAMBOT_INBOX_LEASE", "2m")
	if d, err := time.ParseDuration(lease); err != nil || d < 10*time.Second {
		fail("TEAMBOT_INBOX_LEASE %q: want a duration of at least 10s, such as 2m", lease)
	} else {
		c.InboxLease = d
	}
	checkPair := func(tokenVar, token, keyVar, key string) {
		switch {
		case token == "" && key == "":
		case token == "" || key == "":
			fail("%s and %s: set both or neither", tokenVar, keyVar)
		default:
			if err := checkAESKey(key); err != nil {
				fail("%s: %v", keyVar, err)
			}
		}
	}
	checkPair("WECOM_BOT_TOKEN", c.BotToken, "WECOM_BOT_AES_KEY", c.BotAESKey)
	if (c.BotID == "") != (c.BotSecret == "") {
		fail("WECOM_BOT_ID and WECOM_BOT_SECRET: set both or neither (the AI bot's long connection)")
	}
	if u, err := url.Parse(c.BotWSURL); err != nil || (u.Scheme != "wss" && u.Scheme != "ws") || u.Host == "" {
		fail("WECOM_BOT_WS_URL %q: want a wss:// address", c.BotWSURL)
	}
	checkPair("WECOM_ROBOT_TOKEN", c.RobotToken, "WECOM_ROBOT_AES_KEY", c.RobotAESKey)
	checkPair("WECOM_APP_TOKEN", c.AppToken, "WECOM_APP_AES_KEY", c.AppAESKey)
	if (c.AppToken != "" || c.AppSecret != "") && c.CorpID == "" {
		fail("WECOM_CORP_ID: required when WECOM_APP_TOKEN or WECOM_APP_SECRET is set")
	}
	if (c.AppAgentID == "") != (c.AppSecret == "") {
		fail("WECOM_APP_AGENT_ID and WECOM_APP_SECRET: set both or neither")
	}
	if c.AppAgentID != "" {
		if _, err := strconv.ParseInt(c.AppAgentID, 10, 64); err != nil {
			fail("WECOM_APP_AGENT_ID %q: want the app's numeric AgentId", c.AppAgentID)
		}
	}
	if len(errs) > 0 {
		return config{}, fmt.Errorf("configuration:\n  %s", strings.Join(errs, "\n  "))
	}
	return c, nil
}

// defaultAdminListen keeps the operations endpoints on the machine itself.
const defaultAdminListen = "127.0.0.1:9090"

// samePort reports whether addr listens on port, a fixed one (port 0 picks
// a free port each time).
func samePort(addr, port string) bool {
	_, p, _ := net.SplitHostPort(addr)
	return p != "0" && p == port
}

// parseSize reads a size in bytes: 65536, 64KiB or 1MiB.
func parseSize(s string) (int64, bool) {
	s = strings.ReplaceAll(s, " ", "")
	unit := int64(1)
	for suffix, u := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20} {
		if rest, ok := strings.CutSuffix(s, suffix); ok {
			s, unit = rest, u
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 1<<40/unit {
		return 0, false
	}
	return n * unit, true
}

// checkAESKey checks an EncodingAESKey: 43 characters that decode, with "="
// appended, to 32 bytes (docs/wecom-protocol.md §3; real keys need the non-strict
// decoder).
func checkAESKey(key string) error {
	if len(key) != 43 {
		return fmt.Errorf("want the 43-character EncodingAESKey from the WeCom admin console, got %d characters", len(key))
	}
	b, err := base64.StdEncoding.DecodeString(key + "=")
	if err != nil || len(b) != 32 {
		return fmt.Errorf("not a valid EncodingAESKey (must be base64 of 32 bytes)")
	}
	return nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", redactURL(raw))
	}
	return nil
}

// checkPublicURL checks the dashboard's base: an absolute http(s) URL
// with a host, and nothing a link could not be built on (a query, a
// fragment, a user name or password).
func checkPublicURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		return fmt.Errorf("%q is not an absolute http(s) URL; want the address people open in their browsers, such as https://teambot.example.com", redactURL(raw))
	case u.User != nil:
		return fmt.Errorf("%q holds a user name or password; the links would show it to everyone", redactURL(raw))
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "#"):
		return fmt.Errorf("%q has a query or a fragment; want a base such as https://teambot.example.com or https://example.com/teambot", redactURL(raw))
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// LogValue prints the configuration with every secret redacted: tokens, AES
// keys and the app secret show only whether they are set, the webhook URL
// loses its key and the database URL its password.
func (c config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("database", storage.Redact(c.DatabaseURL)),
		slog.String("listen", c.Listen),
		slog.String("admin_listen", c.AdminListen),
		slog.Int64("max_body", c.MaxBody),
		slog.Int("max_inflight", c.MaxInflight),
		slog.String("timezone", c.TimeZone),
		slog.Any("admins", c.Admins),
		slog.Any("bot_names", c.BotNames),
		slog.String("wecom_api_base", c.APIBase),
		slog.Duration("wecom_max_skew", c.MaxSkew),
		slog.Duration("outbox_retention", c.OutboxRetention),
		slog.String("public_url", redactURL(c.PublicURL)),
		slog.String("wecom_webhook_url", redactURL(c.WebhookURL)),
		slog.String("wecom_bot_token", secret(c.BotToken)),
		slog.String("wecom_bot_aes_key", secret(c.BotAESKey)),
		slog.String("wecom_bot_id", c.BotID),
		slog.String("wecom_bot_secret", secret(c.BotSecret)),
		slog.String("wecom_bot_ws_url", redactURL(c.BotWSURL)),
		slog.String("wecom_robot_token", secret(c.RobotToken)),
		slog.String("wecom_robot_aes_key", secret(c.RobotAESKey)),
		slog.String("wecom_corp_id", c.CorpID),
		slog.String("wecom_app_token", secret(c.AppToken)),
		slog.String("wecom_app_aes_key", secret(c.AppAESKey)),
		slog.String("wecom_app_agent_id", c.AppAgentID),
		slog.String("wecom_app_secret", secret(c.AppSecret)),
	)
}

func secret(v string) string {
	if v == "" {
		return "(unset)"
	}
	return "(set, redacted)"
}

// redactURL hides a URL's query values (a webhook key lives there) and its
// password.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL, redacted)"
	}
	q := u.Query()
	for k := range q {
		q.Set(k, "REDACTED")
	}
	u.RawQuery = q.Encode()
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// endpoint is one WeCom callback path and what it needs (docs/product.md §2).
type endpoint struct {
	path                     string
	mode                     bot.Mode
	token, aesKey, receiveID string
	missing                  []string // variables that are unset: the endpoint is not mounted
}

// endpoints lists the three callback endpoints with their settings.
func (c config) endpoints() []endpoint {
	eps := []endpoint{
		{path: "/wecom/bot", mode: "bot", token: c.BotToken, aesKey: c.BotAESKey},
		{path: "/wecom/robot", mode: "robot", token: c.RobotToken, aesKey: c.RobotAESKey},
		{path: "/wecom/app", mode: "app", token: c.AppToken, aesKey: c.AppAESKey, receiveID: c.CorpID},
	}
	vars := map[bot.Mode][]string{
		"bot":   {"WECOM_BOT_TOKEN", "WECOM_BOT_AES_KEY"},
		"robot": {"WECOM_ROBOT_TOKEN", "WECOM_ROBOT_AES_KEY"},
		"app":   {"WECOM_CORP_ID", "WECOM_APP_TOKEN", "WECOM_APP_AES_KEY"},
	}
	for i, ep := range eps {
		values := []string{ep.token, ep.aesKey}
		if ep.mode == "app" {
			values = []string{ep.receiveID, ep.token, ep.aesKey}
		}
		for j, v := range values {
			if v == "" {
				eps[i].missing = append(eps[i].missing, vars[ep.mode][j])
			}
		}
	}
	return eps
}

// ballotKey keys anonymous ballots: derived from the sealing secret, so a
// copy of the database alone does not tell who voted what. nil when no
// EncodingAESKey is set (the console): the README says what that means.
func (c config) ballotKey() []byte {
	secret := c.sealingSecret()
	if secret == "" {
		return nil
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("teambot anonymous ballots"))
	return mac.Sum(nil)
}

// dashboardKey keys the dashboard's signed links, derived from the
// sealing secret for this use alone: neither the key nor the secret is in
// a link, and a link's MAC tells nothing of the keys that seal webhook
// addresses or stand for voters. nil without a secret.
func (c config) dashboardKey() []byte {
	secret := c.sealingSecret()
	if secret == "" {
		return nil
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("teambot dashboard link v1"))
	return mac.Sum(nil)
}

// sealingSecret is the secret webhook keys are sealed under before they are
// stored: the first configured EncodingAESKey, preferring the group robot's
// (whose callbacks bring the keys). "" when none is set.
func (c config) sealingSecret() string {
	for _, k := range []string{c.RobotAESKey, c.BotAESKey, c.AppAESKey, c.BotSecret} {
		if k != "" {
			return k
		}
	}
	return ""
}
