package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"
)

const (
	maxRetries    = 3                // per kind of retryable failure
	busyBackoff   = time.Second      // after errcode -1 or an unsent request: 1 s, 2 s, 4 s
	rateLimitWait = 60 * time.Second // after errcode 45009
)

// request is one WeCom API call. Only op and target are ever logged; query
// and body may hold secrets and message contents.
type request struct {
	op     string            // the API, e.g. "webhook/send"
	target string            // a redacted destination for logs and errors
	method string            // resty.MethodGet or resty.MethodPost
	path   string            // relative to APIBase; may end in a query
	query  map[string]string // added to the query; may hold secrets
	body   []byte            // for POST: JSON unless contentType says otherwise
	// contentType is the body's Content-Type when it is not JSON (a
	// multipart upload).
	contentType string

	// before runs before every attempt; the webhook rate limit waits here.
	before func(context.Context) error
}

// envelope is the part of every WeCom reply that decides what happened.
type envelope struct {
	Errcode *int   `json:"errcode"`
	Errmsg  string `json:"errmsg"`
}

// call performs req, retrying only what cannot have been delivered (see the
// package documentation), and decodes a successful reply into out when out
// is not nil.
func (c *Client) call(ctx context.Context, req request, out any) error {
	var busy, limited, unsent int
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("wecom %s (%s): %w", req.op, req.target, err)
		}
		if req.before != nil {
			if err := req.before(ctx); err != nil {
				return fmt.Errorf("wecom %s (%s): %w", req.op, req.target, err)
			}
		}
		code, msg, err := c.exchange(ctx, req, out)
		c.observe(req.op, code, err)
		var wait time.Duration
		why := slog.Int("errcode", code)
		switch {
		case err != nil:
			if !notSent(err) || ctx.Err() != nil || unsent == maxRetries {
				c.log.WarnContext(ctx, "wecom call failed", "op", req.op, "target", req.target, "error", err)
				return err
			}
			unsent++
			wait = busyBackoff << (unsent - 1)
			why = slog.Any("error", err)
		case code == codeOK:
			return nil
		case code == codeBusy && busy < maxRetries:
			busy++
			wait = busyBackoff << (busy - 1)
		case code == codeRateLimited && limited < maxRetries:
			limited++
			wait = rateLimitWait
		default:
			return c.fail(ctx, req, code, msg)
		}
		c.log.InfoContext(ctx, "wecom call will be retried", "op", req.op, "target", req.target, why, "wait", wait)
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("wecom %s (%s): waiting to retry: %w", req.op, req.target, err)
		}
	}
}

// observe reports one attempt's result to Config.Observe: WeCom's errcode,
// or "error" when there was no errcode (no connection, an HTTP error, not
// JSON).
func (c *Client) observe(op string, code int, err error) {
	if c.cfg.Observe == nil {
		return
	}
	result := strconv.Itoa(code)
	if err != nil {
		result = "error"
	}
	c.cfg.Observe(op, result)
}

// exchange sends req once and returns WeCom's errcode and errmsg. The error
// is for a failure below WeCom's protocol: no connection, an HTTP error
// status, a reply that is not JSON.
func (c *Client) exchange(ctx context.Context, req request, out any) (int, string, error) {
	r := c.http.R().SetContext(ctx).SetQueryParams(req.query)
	if req.body != nil {
		ct := req.contentType
		if ct == "" {
			ct = "application/json; charset=utf-8"
		}
		r.SetHeader("Content-Type", ct).SetBody(req.body)
	}
	resp, err := r.Execute(req.method, req.path)
	if err != nil {
		return 0, "", fmt.Errorf("wecom %s (%s): %w", req.op, req.target, redactURL(err))
	}
	if !resp.IsSuccess() {
		return 0, "", fmt.Errorf("wecom %s (%s): HTTP %s", req.op, req.target, resp.Status())
	}
	var env envelope
	if err := json.Unmarshal(resp.Body(), &env); err != nil {
		return 0, "", fmt.Errorf("wecom %s (%s): reply is not JSON (HTTP %d, Content-Type %q): %w",
			req.op, req.target, resp.StatusCode(), resp.Header().Get("Content-Type"), err)
	}
	if env.Errcode == nil {
		return 0, "", fmt.Errorf("wecom %s (%s): reply has no errcode", req.op, req.target)
	}
	if *env.Errcode == codeOK && out != nil {
		if err := json.Unmarshal(resp.Body(), out); err != nil {
			return 0, "", fmt.Errorf("wecom %s (%s): decoding reply: %w", req.op, req.target, err)
		}
	}
	return *env.Errcode, env.Errmsg, nil
}

// fail logs a non-zero errcode as what it means for the operator and returns
// it as an *APIError. ctx carries the request id of a callback's late
// answer for the log.
func (c *Client) fail(ctx context.Context, req request, code int, msg string) error {
	l := c.log.With("op", req.op, "target", req.target, "errcode", code)
	switch code {
	case codeWebhookInvalid, codeRobotDisabled, codeRobotNotInChat:
		l.WarnContext(ctx, "wecom webhook is no longer usable: the robot was removed from its group or disabled")
	case codeRateLimited:
		l.WarnContext(ctx, "wecom rate limit still in force after retries")
	case codeInvalidParam:
		l.ErrorContext(ctx, "wecom rejected the request as invalid: a bug in the bot, not retried")
	case codeIPNotTrusted:
		l.ErrorContext(ctx, "wecom refuses calls from this server's IP address: add it to the app's trusted IPs (企业可信IP) in the WeCom admin console")
	case codeTokenExpired, codeTokenInvalid:
		l.InfoContext(ctx, "wecom access_token rejected")
	default:
		l.WarnContext(ctx, "wecom call failed")
	}
	return &APIError{Op: req.op, Code: code, Msg: msg}
}

// notSent reports whether err happened before the request could reach the
// server: the connection was never established.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// redactURL drops the query, which may hold a webhook key or a token, from
// the URL that net/http puts into its errors.
func redactURL(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	safe := "(unparsable URL)"
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.RawQuery, u.Fragment, u.User = "", "", nil
		safe = u.String()
	}
	return &url.Error{Op: ue.Op, URL: safe, Err: ue.Err}
}

// encodeJSON marshals v without escaping <, > and &, which WeCom's markdown
// uses (<@userid>, <font>).
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// post is a request for a JSON POST to path.
func post(op, target, path string, body any) (request, error) {
	b, err := encodeJSON(body)
	if err != nil {
		return request{}, fmt.Errorf("wecom %s: encoding the message: %w", op, err)
	}
	return request{op: op, target: target, method: resty.MethodPost, path: path, body: b}, nil
}
