package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"teambot"
	"teambot/bot/wecom"
	"teambot/bot/wxcrypt"
)

// maxBody is the largest callback body read; WeCom's are a few KB.
const maxBody = 1 << 20

// Engine answers messages and events; *commands.Engine satisfies it. Both
// return teambot.ErrAlreadyHandled for a retry whose command already ran.
type Engine interface {
	Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error)
	HandleEvent(ctx context.Context, ev teambot.Event) (teambot.Reply, error)
}

// Sender delivers answers that missed the passive reply; *wecom.Client
// satisfies it.
type Sender interface {
	SendText(ctx context.Context, key, content string, mentions []string) error
	Respond(ctx context.Context, responseURL, markdown string) error
	SendApp(ctx context.Context, userIDs []string, text string) error
}

// Config sets up one callback endpoint.
type Config struct {
	Mode                     Mode
	Token, AESKey, ReceiveID string // receiveid: "" for the AI bot and group robot, the CorpID for the app
	Engine                   Engine
	Sender                   Sender
	Now                      func() time.Time
	MaxSkew                  time.Duration // reject timestamps further than this from now; 0 disables
	AnswerWithin             time.Duration // passive-reply budget; default 3 s (WeCom waits 5 s)
	WorkTimeout              time.Duration // how long a command may run in all; default 60 s
	Metrics                  *Metrics      // optional
	Log                      *slog.Logger

	// LateTimeout bounds a late answer's delivery, waits for WeCom's rate
	// limit included; default 5 min.
	LateTimeout time.Duration

	// WebhookBroken, when set, is told that WeCom refused a group's webhook
	// as removed or disabled (93000/93004/93008).
	WebhookBroken func(ctx context.Context, chatID string)
}

// Callback is the HTTP handler of one WeCom callback endpoint: URL
// verification on GET, messages on POST (PROTOCOL.md §2-§5).
type Callback struct {
	cfg    Config
	crypto *wxcrypt.Crypto

	mu       sync.Mutex
	inflight map[string]bool // messages being handled here: a retry gets an empty 200
	wg       sync.WaitGroup  // late deliveries still running
}

// NewCallback checks the endpoint's keys and builds its handler.
func NewCallback(cfg Config) (*Callback, error) {
	c, err := wxcrypt.New(cfg.Token, cfg.AESKey, cfg.ReceiveID)
	if err != nil {
		return nil, fmt.Errorf("%s endpoint: %w", cfg.Mode, err)
	}
	if cfg.AnswerWithin <= 0 {
		cfg.AnswerWithin = 3 * time.Second
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = time.Minute
	}
	if cfg.LateTimeout <= 0 {
		cfg.LateTimeout = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	// Every line of one callback, the engine's and the late delivery's
	// included, carries its request id from the context.
	cfg.Log = slog.New(LogRequests(cfg.Log.Handler())).With("endpoint", string(cfg.Mode))
	return &Callback{cfg: cfg, crypto: c, inflight: map[string]bool{}}, nil
}

// Wait blocks until late deliveries have finished, for a graceful shutdown.
func (h *Callback) Wait() { h.wg.Wait() }

func (h *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.cfg.Now()
	outcome := h.serve(w, r)
	h.cfg.Metrics.callback(h.cfg.Mode, outcome, h.cfg.Now().Sub(start))
}

// serve answers one request and names its outcome for the metrics. Bad
// input never gets a 5xx, and the response never says why a signature
// failed.
func (h *Callback) serve(w http.ResponseWriter, r *http.Request) string {
	switch r.Method {
	case http.MethodGet:
		return h.verifyURL(w, r)
	case http.MethodPost:
		return h.message(w, r)
	}
	w.Header().Set("Allow", "GET, POST")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return "bad_method"
}

// verifyURL answers WeCom's URL check with the bare decrypted echostr.
func (h *Callback) verifyURL(w http.ResponseWriter, r *http.Request) string {
	q := r.URL.Query() // decodes %2B %2F %3D in echostr
	if !h.fresh(q.Get("timestamp")) {
		return unauthorized(w, "stale")
	}
	plain, err := h.crypto.VerifyURL(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), q.Get("echostr"))
	if errors.Is(err, wxcrypt.ErrSignature) {
		return unauthorized(w, "bad_signature")
	}
	if err != nil {
		h.cfg.Log.Warn("URL verification: cannot decrypt echostr", "err", err)
		http.Error(w, "bad request", http.StatusBadRequest)
		return "undecryptable"
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(plain)
	return "verified"
}

func unauthorized(w http.ResponseWriter, outcome string) string {
	http.Error(w, "unauthorized", http.StatusUnauthorized)
	return outcome
}

// fresh reports whether a callback timestamp is within MaxSkew of now.
func (h *Callback) fresh(ts string) bool {
	if h.cfg.MaxSkew == 0 {
		return true
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	skew := h.cfg.Now().Sub(time.Unix(sec, 0))
	return skew <= h.cfg.MaxSkew && skew >= -h.cfg.MaxSkew
}

// message handles a POSTed callback: verify, decrypt, decode, answer.
func (h *Callback) message(w http.ResponseWriter, r *http.Request) string {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return "too_large"
	case err != nil:
		http.Error(w, "bad request", http.StatusBadRequest)
		return "bad_body"
	}
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !h.fresh(ts) {
		return unauthorized(w, "stale")
	}
	jsonFormat := h.cfg.Mode == ModeBot || (h.cfg.Mode == ModeRobot && q.Get("robot_callback_format") == "json")
	parse := wxcrypt.ParseXML
	if jsonFormat {
		parse = wxcrypt.ParseJSON
	}
	encrypted, err := parse(body)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return "bad_envelope"
	}
	plain, err := h.crypto.Open(q.Get("msg_signature"), ts, nonce, encrypted)
	if errors.Is(err, wxcrypt.ErrSignature) {
		return unauthorized(w, "bad_signature")
	}
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return "undecryptable"
	}
	in, err := decode(h.cfg.Mode, plain, jsonFormat)
	if err != nil {
		h.cfg.Log.Warn("callback: cannot decode the decrypted message", "err", err) // never the plaintext
		http.Error(w, "bad request", http.StatusBadRequest)
		return "bad_message"
	}
	in.msg.At = h.cfg.Now()
	ctx := WithRequestID(r.Context(), newRequestID(in.msg.ID))
	reply, outcome := h.answer(ctx, in)
	if outcome == outcomeUnavailable {
		// The command did not run and nothing of it was kept: no 200, so
		// that WeCom tries again.
		w.WriteHeader(http.StatusServiceUnavailable)
		return outcome
	}
	if reply == nil {
		w.WriteHeader(http.StatusOK)
		return outcome
	}
	h.writeReply(ctx, w, in, *reply, nonce, jsonFormat)
	return outcome
}

// writeReply encrypts a passive reply in the mode's envelope.
func (h *Callback) writeReply(ctx context.Context, w http.ResponseWriter, in inbound, reply teambot.Reply, nonce string, jsonFormat bool) {
	now := h.cfg.Now().Unix()
	plain, err := passive(h.cfg.Mode, h.cfg.ReceiveID, in, reply, now, jsonFormat)
	if err == nil {
		if h.cfg.Mode != ModeBot { // the AI bot reuses the callback's nonce; the others get a fresh one
			nonce = newNonce()
		}
		var body []byte
		if jsonFormat {
			body, err = h.crypto.SealJSON(plain, timestamp(now), nonce)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		} else {
			body, err = h.crypto.SealXML(plain, timestamp(now), nonce)
			w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		}
		if err == nil {
			w.Write(body)
			return
		}
	}
	// The command ran; only the envelope failed. WeCom must not retry it.
	h.cfg.Log.ErrorContext(ctx, "callback: cannot build the encrypted reply", "err", err)
	w.WriteHeader(http.StatusOK)
}

func newNonce() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// answer runs the message through the engine within the passive budget.
// It returns the passive reply, or nil for an empty 200 (nothing to say, a
// retry, or an answer that will be delivered late), and the outcome.
func (h *Callback) answer(ctx context.Context, in inbound) (*teambot.Reply, string) {
	key := in.msg.Source + "/" + in.msg.ID
	if in.msg.ID == "" {
		key = "" // nothing identifies it: no retry can be recognized
	} else if !h.begin(key) {
		return nil, "retry_in_flight"
	}
	done := make(chan result, 1)
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.WorkTimeout)
	go func() {
		defer h.end(key)
		done <- h.run(work, in)
	}()
	timer := time.NewTimer(h.cfg.AnswerWithin)
	defer timer.Stop()
	select {
	case res := <-done:
		cancel()
		return res.passive()
	case <-timer.C:
		h.cfg.Log.InfoContext(ctx, "callback: answer not ready within the passive budget; it will be delivered late",
			"msgid", in.msg.ID, "budget", h.cfg.AnswerWithin)
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			defer cancel()
			res := <-done
			// The command's deadline must not cut short the delivery,
			// which may wait a minute for WeCom's rate limit.
			send, stop := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.LateTimeout)
			defer stop()
			h.deliverLate(send, in, res)
		}()
		return nil, "late"
	}
}

// begin marks a message in flight on this process; false if it already is.
func (h *Callback) begin(key string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.inflight[key] {
		return false
	}
	h.inflight[key] = true
	return true
}

func (h *Callback) end(key string) {
	if key == "" {
		return
	}
	h.mu.Lock()
	delete(h.inflight, key)
	h.mu.Unlock()
}

// outcomeUnavailable is a callback whose command could not run because the
// database could not be written (teambot.ErrUnavailable): answered 503.
const outcomeUnavailable = "unavailable"

// result is what the engine made of a callback.
type result struct {
	reply   teambot.Reply
	outcome string
}

func (res result) passive() (*teambot.Reply, string) {
	if res.reply.Text == "" {
		return nil, res.outcome
	}
	return &res.reply, res.outcome
}

// unavailableRetryEvery is how soon a command the database could not take
// is tried again within the passive budget.
const unavailableRetryEvery = 100 * time.Millisecond

// run hands a callback to the engine. While the database is unavailable it
// tries again until just before the passive budget ends — a database that
// restarts within WeCom's three tries (each answered within the budget,
// then tried again by WeCom) loses nothing — and then gives up with
// outcomeUnavailable, for a 503.
func (h *Callback) run(ctx context.Context, in inbound) result {
	giveUp := time.NewTimer(h.cfg.AnswerWithin - h.cfg.AnswerWithin/20)
	defer giveUp.Stop()
	for {
		res := h.runOnce(ctx, in)
		if res.outcome != outcomeUnavailable {
			return res
		}
		select {
		case <-giveUp.C:
			return res
		case <-ctx.Done():
			return res
		case <-time.After(unavailableRetryEvery):
		}
	}
}

// runOnce hands a callback to the engine once. A panic is contained: the
// chat gets an apology and the process stays up.
func (h *Callback) runOnce(ctx context.Context, in inbound) (res result) {
	defer func() {
		if p := recover(); p != nil {
			h.cfg.Log.ErrorContext(ctx, "callback: handler panicked", "panic", p, "msgid", in.msg.ID)
			res = result{reply: teambot.Reply{Text: teambot.UserMessage(fmt.Errorf("panic"))}, outcome: "panic"}
		}
	}()
	var reply teambot.Reply
	var err error
	switch in.msgType {
	case "text":
		reply, err = h.cfg.Engine.Handle(ctx, in.msg)
	case "event":
		reply, err = h.cfg.Engine.HandleEvent(ctx, teambot.Event{Message: in.msg, Kind: in.event})
	default:
		return result{reply: teambot.Reply{Text: "我只看得懂文字命令。发送 /帮助 查看可用的命令。"}, outcome: "not_text"}
	}
	if errors.Is(err, teambot.ErrAlreadyHandled) {
		return result{outcome: "duplicate"}
	}
	if errors.Is(err, teambot.ErrUnavailable) {
		return result{outcome: outcomeUnavailable}
	}
	return result{reply: reply, outcome: "handled"}
}

// deliverLate sends an answer that missed the passive reply the way the
// mode allows: the AI bot's response_url, the group's webhook, or an app
// message.
func (h *Callback) deliverLate(ctx context.Context, in inbound, res result) {
	if res.reply.Text == "" || h.cfg.Sender == nil {
		return
	}
	var err error
	switch h.cfg.Mode {
	case ModeBot:
		err = h.cfg.Sender.Respond(ctx, in.responseURL, markdownOf(res.reply))
	case ModeRobot:
		if res.reply.Private && in.msg.ChatType == teambot.ChatGroup {
			// The group's webhook would show it to everyone (R14): only an
			// app message reaches the sender alone.
			err = h.cfg.Sender.SendApp(ctx, []string{in.msg.UserID}, res.reply.Text)
			break
		}
		var key string
		if key, err = wecom.WebhookKey(in.webhookURL); err == nil {
			err = h.cfg.Sender.SendText(ctx, key, res.reply.Text, mentionList(in.msg.UserID, res.reply.Mentions))
		}
	case ModeApp:
		err = h.cfg.Sender.SendApp(ctx, []string{in.msg.UserID}, res.reply.Text)
	}
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "callback: late answer not delivered", "msgid", in.msg.ID, "err", err)
	} else {
		h.cfg.Log.InfoContext(ctx, "callback: late answer delivered", "msgid", in.msg.ID)
	}
	if wecom.IsBrokenWebhook(err) && h.cfg.WebhookBroken != nil && in.msg.ChatID != "" {
		h.cfg.WebhookBroken(ctx, in.msg.ChatID)
	}
}
