// Package dashboard is the month of a team as a web page (R5): what the
// supervisor reports to leadership — the summary and its changes from last
// month, charts of on-time reports, attendance and platform updates, the
// member × week grid, the member table, votes, highlights and campaigns —
// opened from a signed link that /看板 and /月报 send privately.
//
// A link names one team, one user and one month, expires after a day and
// is signed with a key derived from the deployment's secret; an altered or
// expired link gets a 403 page that says why. The supervisor sees the
// whole team; a member sees the team's figures and only their own rows.
// The confidential appendix never reaches this package: the view it is
// given returns a Report alone.
//
// The page is rendered on the server (html/template, SVG charts), with its
// stylesheet inline and nothing fetched from anywhere, so it works on an
// intranet and in WeCom's built-in browser.
package dashboard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"teambot/commands/lang"
	"teambot/commands/monthly"
)

// ErrNotMember is what a View returns when the link's user is no longer
// on the team (or the team is gone): the page is refused.
var ErrNotMember = errors.New("dashboard: not a member of the team")

// View reads teamID's month m as userID may see it: the report (never the
// appendix) and who they are. It returns ErrNotMember when they are not an
// active member of the team.
type View func(ctx context.Context, teamID int64, userID string, m lang.Month) (monthly.Report, Viewer, error)

// Config is what the handler needs.
type Config struct {
	Signer *Signer
	View   View
	Now    func() time.Time
	// Location is the time zone the page writes the link's expiry in.
	Location *time.Location
	Log      *slog.Logger
}

// Handler serves GET /dashboard.
type Handler struct {
	cfg Config
}

// NewHandler makes the dashboard's handler.
func NewHandler(cfg Config) (*Handler, error) {
	if cfg.Signer == nil || cfg.View == nil {
		return nil, errors.New("dashboard: Config needs Signer and View")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{cfg: cfg}, nil
}

//go:embed assets
var assets embed.FS

// css is the stylesheet, written inline into every page; cspStyle is its
// hash for the Content-Security-Policy, which allows nothing else.
var (
	css      = mustRead("assets/style.css")
	cspStyle = func() string {
		sum := sha256.Sum256([]byte(css))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}()
	funcs     = template.FuncMap{"css": func() template.CSS { return template.CSS(css) }}
	pageTmpl  = template.Must(template.New("page.html").Funcs(funcs).ParseFS(assets, "assets/page.html"))
	errorTmpl = template.Must(template.New("denied.html").Funcs(funcs).ParseFS(assets, "assets/denied.html"))
)

func mustRead(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// The refusals, as the page says them.
var (
	deniedExpired = denial{"链接已过期", "链接已过期，请在群里重新发送 /看板 获取新的链接。"}
	deniedInvalid = denial{"链接无效", "链接无效：它不完整或被改动过。请在群里发送 /看板 获取新的链接。"}
	deniedMember  = denial{"无法查看", "你已不在这个团队，无法查看它的看板。"}
	deniedBusy    = denial{"暂时无法打开", "暂时读不到数据，请稍后再试。"}
)

type denial struct{ Title, Text string }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	now := h.cfg.Now()
	g, err := h.cfg.Signer.Verify(r.URL.Query(), now)
	switch {
	case errors.Is(err, ErrExpired):
		h.cfg.Log.Info("dashboard: expired link", "team", g.TeamID, "user", g.UserID)
		h.deny(w, http.StatusForbidden, deniedExpired)
		return
	case err != nil:
		h.cfg.Log.Info("dashboard: invalid link")
		h.deny(w, http.StatusForbidden, deniedInvalid)
		return
	}
	rep, viewer, err := h.cfg.View(r.Context(), g.TeamID, g.UserID, g.Month)
	switch {
	case errors.Is(err, ErrNotMember):
		h.cfg.Log.Info("dashboard: not on the team", "team", g.TeamID, "user", g.UserID)
		h.deny(w, http.StatusForbidden, deniedMember)
		return
	case err != nil:
		h.cfg.Log.Error("dashboard: cannot read the month", "team", g.TeamID, "month", g.Month.String(), "err", err)
		h.deny(w, http.StatusServiceUnavailable, deniedBusy)
		return
	}
	p := newPage(rep, viewer)
	p.Expires = g.Expires.In(h.cfg.Location).Format("2006-01-02 15:04")
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, p); err != nil {
		h.cfg.Log.Error("dashboard: rendering the page", "err", err)
		h.deny(w, http.StatusServiceUnavailable, deniedBusy)
		return
	}
	h.write(w, http.StatusOK, buf.Bytes())
}

// deny answers with a small page that says why.
func (h *Handler) deny(w http.ResponseWriter, status int, d denial) {
	var buf bytes.Buffer
	if err := errorTmpl.Execute(&buf, d); err != nil {
		h.cfg.Log.Error("dashboard: rendering a refusal", "err", err)
		http.Error(w, d.Text, status)
		return
	}
	h.write(w, status, buf.Bytes())
}

// write sends a page with headers that keep it private: not cached, the
// link (which is the credential) never sent on as a referrer, nothing
// loaded or run but the inline stylesheet, never framed.
func (h *Handler) write(w http.ResponseWriter, status int, body []byte) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src "+cspStyle+"; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	w.Write(body)
}
