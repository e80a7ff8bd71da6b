package wecomtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// API paths the Server answers. Any other path under AIBotPrefix is taken for
// an AI bot response_url.
const (
	WebhookPath     = "/cgi-bin/webhook/send"
	GetTokenPath    = "/cgi-bin/gettoken"
	MessageSendPath = "/cgi-bin/message/send"
	MediaUploadPath = "/cgi-bin/media/upload"
	AIBotPrefix     = "/cgi-bin/aibot/"
)

// TokenTTL is the expires_in, in seconds, of the tokens Server issues.
const TokenTTL = 7200

// Content limits, in bytes, that Server enforces as WeCom does (errcode 40058).
const (
	limitText     = 2048
	limitMarkdown = 4096
	limitRespond  = 20480
)

// Errcodes the Server answers on its own.
const (
	ecInvalidParam   = 40058
	ecInvalidType    = 40005 // media/upload: no such type
	ecInvalidSize    = 40006 // media/upload: too small or too large
	ecInvalidMediaID = 40007 // a file message names no uploaded medium
	ecNoToken        = 41001
	ecNoCorpID       = 41002
	ecNoSecret       = 41004
	ecTokenExpired   = 42001
	ecWebhookInvalid = 93000
)

// Server is a fake WeCom API on an httptest.Server. It records every call and
// can be told to fail. It is safe for concurrent use.
type Server struct {
	URL string // base URL, for wecom.Config.APIBase

	srv  *httptest.Server
	done chan struct{} // closed when the test ends: delayed answers stop waiting

	mu      sync.Mutex
	calls   []Call
	changed chan struct{}          // closed and replaced whenever a call is recorded
	next    map[string][]apiAnswer // per path: forced answers for the next calls, in order
	delays  map[string]time.Duration
	tokens  map[string]bool // access tokens issued: true while valid
	issued  int
	media   map[string]bool // media ids issued by media/upload
}

// Call is one request the Server received.
type Call struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         []byte
	At           time.Time

	// Upload is what a call to MediaUploadPath carried, as the Server read
	// it from the multipart body; nil for other calls and for a body
	// without a "media" file part.
	Upload *Upload

	// What the Server answered: an HTTP status, and the errcode when the
	// status was 200.
	Status  int
	Errcode int
}

// JSON decodes the call's body into v.
func (c Call) JSON(v any) error { return json.Unmarshal(c.Body, v) }

// OK reports whether the Server accepted the call: HTTP 200 with errcode 0.
// For a message, that is a delivery.
func (c Call) OK() bool { return c.Status == http.StatusOK && c.Errcode == 0 }

// apiAnswer is what the Server replies to one call.
type apiAnswer struct {
	status  int            // HTTP status; not 200: a plain-text body
	errcode int            // with status 200
	errmsg  string         // with status 200
	extra   map[string]any // more fields of the JSON reply
}

// NewServer starts a fake WeCom API that closes itself when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		done:    make(chan struct{}),
		changed: make(chan struct{}),
		next:    make(map[string][]apiAnswer),
		delays:  make(map[string]time.Duration),
		tokens:  make(map[string]bool),
		media:   make(map[string]bool),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// Calls returns all calls received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsFrom returns the calls received after the first k, in order: a
// test that follows thousands of deliveries reads only what is new
// instead of copying every call again.
func (s *Server) CallsFrom(k int) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k >= len(s.calls) {
		return nil
	}
	return append([]Call(nil), s.calls[k:]...)
}

// WaitMore waits until more than k calls were received or timeout passed,
// without copying any.
func (s *Server) WaitMore(k int, timeout time.Duration) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		n, changed := len(s.calls), s.changed
		s.mu.Unlock()
		if n > k {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			return
		}
	}
}

// CallsTo returns the calls to path (e.g. WebhookPath), in order.
func (s *Server) CallsTo(path string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsTo(path)
}

// Delivered returns the calls to path that the Server accepted (Call.OK).
func (s *Server) Delivered(path string) []Call {
	var ok []Call
	for _, c := range s.CallsTo(path) {
		if c.OK() {
			ok = append(ok, c)
		}
	}
	return ok
}

// WaitCalls waits until at least n calls to path were received or timeout
// passed, and returns the calls to path received by then. It is for
// asynchronous deliveries; check the length of what it returns.
func (s *Server) WaitCalls(path string, n int, timeout time.Duration) []Call {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		calls, changed := s.callsTo(path), s.changed
		s.mu.Unlock()
		if len(calls) >= n {
			return calls
		}
		select {
		case <-changed:
		case <-deadline.C:
			return calls
		}
	}
}

// FailNext makes the next n calls to path answer HTTP 200 with errcode
// (e.g. 45009, 93000, -1, 42001).
func (s *Server) FailNext(path string, errcode, n int) {
	s.force(path, apiAnswer{status: http.StatusOK, errcode: errcode, errmsg: "forced by test"}, n)
}

// StatusNext makes the next n calls to path answer with the HTTP status and
// a plain-text body (e.g. 500).
func (s *Server) StatusNext(path string, status, n int) {
	s.force(path, apiAnswer{status: status}, n)
}

// Delay makes every call to path wait d before it is answered, like a slow
// WeCom. A call is recorded when it arrives. Zero removes the delay.
func (s *Server) Delay(path string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays[path] = d
}

// ExpireTokens invalidates the access tokens issued so far: message/send
// with one of them answers errcode 42001.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.tokens {
		s.tokens[tok] = false
	}
}

func (s *Server) force(path string, a apiAnswer, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.next[path] = append(s.next[path], a)
	}
}

func (s *Server) callsTo(path string) []Call {
	var out []Call
	for _, c := range s.calls {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// serve records the call, decides the answer, waits any delay and replies.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	call := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body, At: time.Now()}
	if call.Path == MediaUploadPath {
		if call.Upload = readUpload(r.Header.Get("Content-Type"), body); call.Upload != nil {
			call.Upload.Type = call.Query.Get("type")
		}
	}

	s.mu.Lock()
	a, forced := s.forced(call.Path)
	if !forced {
		a = s.respond(call)
	}
	call.Status, call.Errcode = a.status, a.errcode
	if call.Upload != nil && call.OK() {
		call.Upload.MediaID, _ = a.extra["media_id"].(string)
	}
	s.calls = append(s.calls, call)
	close(s.changed)
	s.changed = make(chan struct{})
	delay := s.delays[call.Path]
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	writeAnswer(w, a)
}

// forced pops the next forced answer for path. s.mu is held.
func (s *Server) forced(path string) (apiAnswer, bool) {
	q := s.next[path]
	if len(q) == 0 {
		return apiAnswer{}, false
	}
	s.next[path] = q[1:]
	return q[0], true
}

// respond is WeCom's answer to c. s.mu is held.
func (s *Server) respond(c Call) apiAnswer {
	switch {
	case c.Path == WebhookPath && c.Method == http.MethodPost:
		if c.Query.Get("key") == "" {
			return apiResult(ecWebhookInvalid, "invalid webhook url")
		}
		return checkContent(c.Body, limitText, limitMarkdown)
	case c.Path == GetTokenPath && c.Method == http.MethodGet:
		return s.getToken(c.Query)
	case c.Path == MessageSendPath && c.Method == http.MethodPost:
		if a, ok := s.checkToken(c); !ok {
			return a
		}
		if a, file := s.checkFile(c.Body); file {
			return a
		}
		return checkContent(c.Body, limitText, limitText)
	case c.Path == MediaUploadPath && c.Method == http.MethodPost:
		if a, ok := s.checkToken(c); !ok {
			return a
		}
		return s.upload(c)
	case strings.HasPrefix(c.Path, AIBotPrefix) && c.Method == http.MethodPost:
		return checkContent(c.Body, limitText, limitRespond)
	case c.Path == WebhookPath, c.Path == GetTokenPath, c.Path == MessageSendPath, c.Path == MediaUploadPath,
		strings.HasPrefix(c.Path, AIBotPrefix):
		return apiAnswer{status: http.StatusMethodNotAllowed}
	}
	return apiAnswer{status: http.StatusNotFound}
}

// checkToken refuses an app call without a valid access token, as WeCom
// does. s.mu is held.
func (s *Server) checkToken(c Call) (apiAnswer, bool) {
	switch tok := c.Query.Get("access_token"); {
	case tok == "":
		return apiResult(ecNoToken, "access_token missing"), false
	case !s.tokens[tok]:
		return apiResult(ecTokenExpired, "access_token expired"), false
	}
	return apiAnswer{}, true
}

// getToken issues a new access token. s.mu is held.
func (s *Server) getToken(q url.Values) apiAnswer {
	switch {
	case q.Get("corpid") == "":
		return apiResult(ecNoCorpID, "corpid missing")
	case q.Get("corpsecret") == "":
		return apiResult(ecNoSecret, "corpsecret missing")
	}
	s.issued++
	tok := "TOKEN-" + strconv.Itoa(s.issued)
	s.tokens[tok] = true
	a := apiResult(0, "ok")
	a.extra = map[string]any{"access_token": tok, "expires_in": TokenTTL}
	return a
}

// checkContent accepts a text or markdown message whose content is not empty
// and within its limit, as WeCom does, and answers 40058 otherwise.
func checkContent(body []byte, maxText, maxMarkdown int) apiAnswer {
	var m struct {
		MsgType  string `json:"msgtype"`
		Text     struct{ Content string }
		Markdown struct{ Content string }
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return apiResult(ecInvalidParam, "invalid json")
	}
	var content string
	var limit int
	switch m.MsgType {
	case "text":
		content, limit = m.Text.Content, maxText
	case "markdown":
		content, limit = m.Markdown.Content, maxMarkdown
	default:
		return apiResult(0, "ok") // other kinds are recorded, not checked
	}
	switch {
	case content == "":
		return apiResult(ecInvalidParam, m.MsgType+".content missing")
	case len(content) > limit:
		return apiResult(ecInvalidParam, m.MsgType+".content exceed max length "+strconv.Itoa(limit))
	}
	return apiResult(0, "ok")
}

// apiResult is an HTTP 200 answer with errcode and errmsg.
func apiResult(errcode int, errmsg string) apiAnswer {
	return apiAnswer{status: http.StatusOK, errcode: errcode, errmsg: errmsg}
}

// writeAnswer writes a as WeCom would: JSON for HTTP 200, else plain text.
func writeAnswer(w http.ResponseWriter, a apiAnswer) {
	if a.status != http.StatusOK {
		http.Error(w, http.StatusText(a.status), a.status)
		return
	}
	out := map[string]any{"errcode": a.errcode, "errmsg": a.errmsg}
	for k, v := range a.extra {
		out[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(out)
}
