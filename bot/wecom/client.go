package wecom

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"teambot"
)

// DefaultAPIBase is WeCom's production API host.
const DefaultAPIBase = "https://qyapi.weixin.qq.com"

const (
	defaultTimeout = 10 * time.Second
	maxReplyBytes  = 1 << 20 // WeCom's replies are small JSON objects
)

// Config configures a Client. Only APIBase and, for SendApp, the app's
// credentials need setting; the rest has defaults.
type Config struct {
	// APIBase is where every call goes, e.g. https://qyapi.weixin.qq.com
	// (the default when empty) or a test server's URL.
	APIBase string

	// CorpID and AppSecret fetch the self-built app's access_token. When
	// either is empty, SendApp returns ErrAppNotConfigured.
	CorpID, AppSecret string
	AgentID           int64 // the app's agentid, sent with every app message

	Timeout time.Duration    // per HTTP request; default 10 s
	Now     func() time.Time // default time.Now

	// Sleep waits d or until ctx is done, whichever comes first, and returns
	// ctx's error in the second case. Default: a timer. Tests inject one that
	// returns at once (and advances their clock).
	Sleep func(ctx context.Context, d time.Duration) error

	// Observe, when set, is told the result of every attempt to call WeCom:
	// the operation and the errcode ("0" for success) or "error" when the
	// call failed below WeCom's protocol. For metrics.
	Observe func(op, result string)

	// Log receives operational messages; default: discarded. It never sees
	// tokens, secrets, webhook keys or message contents.
	Log *slog.Logger
}

// Client sends messages to WeCom. It is safe for concurrent use; one Client
// serves all webhooks, the AI bot and the app.
type Client struct {
	cfg    Config
	http   *resty.Client
	log    *slog.Logger
	token  tokenCache
	limits limiter
}

// New returns a Client for cfg, filling in defaults.
func New(cfg Config) *Client {
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = teambot.Sleep
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	hc := resty.New().
		SetBaseURL(cfg.APIBase).
		SetTimeout(cfg.Timeout).
		SetRetryCount(0). // retries are decided here, per errcode; see call
		SetRedirectPolicy(resty.RedirectPolicyFunc(keepRedirect)).
		SetResponseBodyLimit(maxReplyBytes).
		SetLogger(quietLogger{})
	return &Client{
		cfg:    cfg,
		http:   hc,
		log:    cfg.Log,
		token:  newTokenCache(),
		limits: limiter{sends: make(map[string][]time.Time)},
	}
}

// keepRedirect stops at a redirect, which is then reported as an HTTP error:
// a query holding a key or token must not follow it to another host.
func keepRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// quietLogger silences resty's own logging, which may print request URLs and
// with them webhook keys and tokens. Everything worth saying is logged here.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
