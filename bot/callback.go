package bot

import (
	"context"
	"crypto/sha256"
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
	"teambot/bot/wxcrypt"
)

// DefaultMaxBody is the largest callback body read unless configured
// otherwise; WeCom's are a few KB, and a 16 KB message encrypted stays
// well under it.
const DefaultMaxBody = 64 << 10

// Engine answers messages, events and clicks on cards; *commands.Engine
// satisfies it. Each returns teambot.ErrAlreadyHandled for a retry whose
// command already ran, with the answer that run gave (kept with the
// message id). HandleClick's Reply.Card is the clicked card as it now
// stands for the clicker.
type Engine interface {
	Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error)
	HandleEvent(ctx context.Context, ev teambot.Event) (teambot.Reply, error)
	HandleClick(ctx context.Context, click teambot.Click) (teambot.Reply, error)
}

// Config sets up one callback endpoint.
type Config struct {
	Mode                     Mode
	Token, AESKey, ReceiveID string // receiveid: "" for the AI bot and group robot, the CorpID for the app
	Engine                   Engine
	Now                      func() time.Time
	MaxSkew                  time.Duration // reject timestamps further than this from now; 0 disables
	AnswerWithin             time.Duration // passive-reply budget; default 3 s (WeCom waits 5 s)
	Metrics                  *Metrics      // optional
	Log                      *slog.Logger
	MaxBody                  int64 // larger bodies are 413; default DefaultMaxBody
	Gate                     *Gate // caps callbacks in flight, shared by the endpoints; nil: no cap

	// Inbox records a callback whose answer misses the passive budget
	// before its empty 200, and takes the answer for the outbox; Sealer
	// seals what it keeps. Without both such a callback gets 503, so that
	// WeCom sends it again.
	Inbox  Inbox
	Sealer Sealer
	// Lease is how long an inbox record is this process's before another
	// replica may finish it; default 2 min. A command may run for half of
	// it, so a live owner has always finished before it runs out.
	Lease time.Duration
	// AppMessages says app messages can be sent: a late private answer in
	// a robot group goes to its sender alone.
	AppMessages bool
}

// Callback is the HTTP handler of one WeCom callback endpoint: URL
// verification on GET, messages on POST (docs/wecom-protocol.md §2-§5).
type Callback struct {
	cfg    Config
	crypto *wxcrypt.Crypto

	late *Late

	mu       sync.Mutex
	inflight map[string]*flight // messages being handled here
	running  sync.WaitGroup     // commands still running here
}

// NewCallback checks the endpoint's keys and builds its handler.
func NewCallback(cfg Config) (*Callback, error) {
	c, err := wxcrypt.New(cfg.Token, cfg.AESKey, cfg.ReceiveID)
	if err != nil {
		return nil, fmt.Errorf("%s endpoint: %w", cfg.Mode, err)
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.AnswerWithin <= 0 {
		cfg.AnswerWithin = 3 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
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
	late := &Late{Engine: cfg.Engine, Sealer: cfg.Sealer, AppMessages: cfg.AppMessages, Log: cfg.Log}
	return &Callback{cfg: cfg, crypto: c, late: late, inflight: map[string]*flight{}}, nil
}

// Wait blocks until the commands running here have finished (each within
// half the lease), for a graceful shutdown; a late one's answer is then in
// the outbox.
func (h *Callback) Wait() { h.running.Wait() }

func (h *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.cfg.Now()
	if !h.cfg.Gate.enter() {
		// Before the body is read: a flood holds no more memory than the
		// cap's worth of bodies. No body, so that WeCom simply retries.
		w.WriteHeader(http.StatusServiceUnavailable)
		h.cfg.Metrics.callback(h.cfg.Mode, "busy", h.cfg.Now().Sub(start))
		return
	}
	release := sync.OnceFunc(h.cfg.Gate.leave)
	defer release()
	outcome := h.serve(w, r, release)
	h.cfg.Metrics.callback(h.cfg.Mode, outcome, h.cfg.Now().Sub(start))
}

// serve answers one request and names its outcome for the metrics. Bad
// input never gets a 5xx, and the response never says why a signature
// failed.
func (h *Callback) serve(w http.ResponseWriter, r *http.Request, release func()) string {
	switch r.Method {
	case http.MethodGet:
		return h.verifyURL(w, r)
	case http.MethodPost:
		return h.message(w, r, release)
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

// message handles a POSTed callback: verify, decrypt, decode, answer. Its
// release gives back the callback's slot of the gate once the body is
// decoded: the slots bound the memory of bodies being read and checked,
// while a signed message waiting on the database (which may take the whole
// passive budget during an outage, at WeCom's rate) holds only its decoded
// text and must not turn later callbacks away.
func (h *Callback) message(w http.ResponseWriter, r *http.Request, release func()) string {
	if r.ContentLength > h.cfg.MaxBody { // refused unread
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return "too_large"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody))
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
	if in.msg.ID == "" {
		in.msg.ID = envelopeID(q.Get("msg_signature"), ts, nonce, encrypted)
	}
	release()
	in.msg.At = h.cfg.Now()
	ctx := WithRequestID(r.Context(), newRequestID(in.msg.ID))
	if in.click != nil {
		return h.click(ctx, w, in, nonce)
	}
	reply, outcome := h.answer(ctx, in)
	if outcome == "unavailable" || outcome == "unrecorded" || outcome == "retry_unrecorded" {
		// Not run, or not durably recorded: WeCom must send it again.
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

// envelopeID stands for the message id of a message that carries none: the
// SHA-256 of its signed envelope, which WeCom's retries repeat byte for
// byte, so a retry is recognized and the command runs once.
func envelopeID(signature, timestamp, nonce, encrypted string) string {
	sum := sha256.Sum256([]byte(signature + timestamp + nonce + encrypted))
	return hex.EncodeToString(sum[:])
}

// writeReply encrypts a passive reply in the mode's envelope.
func (h *Callback) writeReply(ctx context.Context, w http.ResponseWriter, in inbound, reply teambot.Reply, nonce string, jsonFormat bool) {
	now := h.cfg.Now().Unix()
	plain, err := passive(h.cfg.Mode, h.cfg.ReceiveID, in, reply, now, jsonFormat)
	if err == nil {
		err = h.writeSealed(w, plain, now, nonce, jsonFormat)
	}
	if err != nil {
		// The command ran; only the envelope failed. WeCom must not retry it.
		h.cfg.Log.ErrorContext(ctx, "callback: cannot build the encrypted reply", "err", err)
		w.WriteHeader(http.StatusOK)
	}
}

// writeSealed writes plain, encrypted and signed, in the mode's envelope.
func (h *Callback) writeSealed(w http.ResponseWriter, plain []byte, now int64, nonce string, jsonFormat bool) error {
	if h.cfg.Mode != ModeBot { // the AI bot reuses the callback's nonce; the others get a fresh one
		nonce = newNonce()
	}
	seal, contentType := h.crypto.SealXML, "application/xml; charset=utf-8"
	if jsonFormat {
		seal, contentType = h.crypto.SealJSON, "application/json; charset=utf-8"
	}
	body, err := seal(plain, timestamp(now), nonce)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Write(body)
	return nil
}

func newNonce() string { return teambot.RandomHex(8) }

// answer runs the message through the engine within the passive budget.
// It returns the passive reply, or nil for an empty 200 (nothing to say, or
// an answer that will be delivered late), and the outcome; "unavailable"
// (the command could not run), "unrecorded" and "retry_unrecorded" (a late
// message could not be recorded) mean 503.
func (h *Callback) answer(ctx context.Context, in inbound) (*teambot.Reply, string) {
	key := in.msg.Source + "/" + in.msg.ID
	if in.msg.ID == "" {
		key = "" // nothing identifies it: no retry can be recognized
	} else if outcome, ok := h.begin(key); !ok {
		return nil, outcome
	} else if outcome == runAlongside {
		key = "" // the first attempt keeps its own bookkeeping
	}
	done, cancel := h.start(ctx, in, func() { h.end(key) })
	if res, ok := h.await(done); ok {
		cancel()
		return res.passive()
	}
	token, err := h.record(ctx, in)
	h.settle(key, err == nil)
	if err != nil {
		// If the command commits, WeCom's retry gets its kept answer.
		h.cfg.Log.ErrorContext(ctx, "callback: answer not ready within the passive budget and the message cannot be recorded; answering 503",
			"msgid", in.msg.ID, "err", err)
		go func() { <-done; cancel() }()
		return nil, "unrecorded"
	}
	h.cfg.Log.InfoContext(ctx, "callback: answer not ready within the passive budget; recorded in the inbox, it will be delivered late",
		"msgid", in.msg.ID, "budget", h.cfg.AnswerWithin)
	h.running.Add(1)
	go func() {
		defer h.running.Done()
		defer cancel()
		h.finish(context.WithoutCancel(ctx), in, token, <-done)
	}()
	return nil, "late"
}

// start runs a callback through the engine in a goroutine of its own, for
// at most half the lease (so that it has finished before the lease runs
// out), and calls then once it has.
func (h *Callback) start(ctx context.Context, in inbound, then func()) (<-chan result, context.CancelFunc) {
	done := make(chan result, 1)
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.Lease/2)
	h.running.Add(1)
	go func() {
		defer h.running.Done()
		defer then()
		done <- h.run(work, in)
	}()
	return done, cancel
}

// await waits for what the engine made of a callback within the passive
// budget; false when the budget ran out first.
func (h *Callback) await(done <-chan result) (result, bool) {
	timer := time.NewTimer(h.cfg.AnswerWithin)
	defer timer.Stop()
	select {
	case res := <-done:
		return res, true
	case <-timer.C:
		return result{}, false
	}
}

// unavailableRetryEvery is how soon a command the database could not take
// is tried again within the passive budget.
const unavailableRetryEvery = 100 * time.Millisecond

// run hands a callback to the engine. While the database is unavailable it
// tries again until just before the passive budget ends — answering 503 at
// once would spend WeCom's three tries, a second apart, within a few
// seconds of an outage — and then gives up: a 503 within the budget, or,
// once the message is recorded late, another try from the inbox.
func (h *Callback) run(ctx context.Context, in inbound) result {
	giveUp := time.NewTimer(h.cfg.AnswerWithin - h.cfg.AnswerWithin/20)
	defer giveUp.Stop()
	for {
		res := runEngine(ctx, h.cfg.Engine, h.cfg.Log, in)
		if !res.unavailable {
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

// recordTimeout bounds writing the inbox row (a few milliseconds when the
// database is well): after the 3 s budget the empty 200, or the 503, must
// still reach WeCom well within its 5 s.
const recordTimeout = 900 * time.Millisecond

// record writes the message to the inbox, leased to this process, in its
// own short transaction.
func (h *Callback) record(ctx context.Context, in inbound) (string, error) {
	if h.cfg.Inbox == nil || h.cfg.Sealer == nil || in.msg.ID == "" {
		return "", errors.New("no inbox to record the message in (or the message has no id)")
	}
	payload, err := h.late.seal(h.cfg.Mode, in)
	if err != nil {
		return "", err
	}
	token := newToken()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	// Waited for here, not inside the driver: a database that accepts a
	// connection and never answers may not heed the deadline.
	kept := make(chan error, 1)
	go func() {
		kept <- h.cfg.Inbox.Keep(ctx, in.msg.Source, in.msg.ID, payload, token, h.cfg.Now().Add(h.cfg.Lease))
	}()
	select {
	case err := <-kept:
		return token, err
	case <-ctx.Done():
		// Should the row still be written, it is finished like one whose
		// owner died, once its lease runs out.
		return "", fmt.Errorf("record in the inbox: %w", ctx.Err())
	}
}

// finish hands a late command's answer to the inbox, which enqueues it and
// marks the record done at once. A command that could not run is left
// recorded: a replica runs it again once the lease runs out.
func (h *Callback) finish(ctx context.Context, in inbound, token string, res result) {
	if res.unavailable {
		h.cfg.Log.WarnContext(ctx, "callback: late command did not run; left in the inbox for another try", "msgid", in.msg.ID)
		return
	}
	answers, err := h.late.answers(h.cfg.Mode, in, res.reply)
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "callback: late answer cannot be built; left in the inbox", "msgid", in.msg.ID, "err", err)
		return
	}
	ok, err := h.cfg.Inbox.Done(ctx, in.msg.Source, in.msg.ID, token, in.msg.ChatID, answers)
	switch {
	case err != nil:
		h.cfg.Log.ErrorContext(ctx, "callback: late answer not enqueued; left in the inbox for another try", "msgid", in.msg.ID, "err", err)
	case !ok:
		h.cfg.Log.WarnContext(ctx, "callback: late message was finished by another replica", "msgid", in.msg.ID)
	default:
		h.cfg.Log.InfoContext(ctx, "callback: late answer enqueued", "msgid", in.msg.ID, "answers", len(answers))
	}
}

// newToken identifies one lease of an inbox record.
func newToken() string { return teambot.RandomHex(12) }

// flight is a message being handled here. settled is closed once it is
// answered, recorded in the inbox, or could not be recorded.
type flight struct {
	settled  chan struct{}
	once     sync.Once
	recorded bool
}

func (f *flight) settle() { f.once.Do(func() { close(f.settled) }) }

// runAlongside is begin's word for a retry to run while an earlier attempt
// of the same message is still stuck here, unanswered and unrecorded.
const runAlongside = "run_alongside"

// begin marks a message in flight on this process. A retry of one already
// in flight waits (within the passive budget) until the first is settled:
// then it is run again if the first has finished (the engine gives the
// kept answer), answered as in flight (an empty 200) once the first is in
// the inbox, or — when the first was answered 503, neither run nor
// recorded, and is still stuck (on a connection that went silent, say) —
// run alongside it (runAlongside): the message id recorded with the
// command in the database lets only one of the two run it. Answering 503
// again would spend WeCom's three tries while the stuck attempt waits out
// its deadline, and lose the message.
func (h *Callback) begin(key string) (outcome string, ok bool) {
	if key == "" {
		return "", true
	}
	for range 2 {
		h.mu.Lock()
		f, busy := h.inflight[key]
		if !busy {
			h.inflight[key] = &flight{settled: make(chan struct{})}
			h.mu.Unlock()
			return "", true
		}
		h.mu.Unlock()
		wait := time.NewTimer(h.cfg.AnswerWithin)
		select {
		case <-f.settled:
		case <-wait.C:
		}
		wait.Stop()
		h.mu.Lock()
		again, recorded := h.inflight[key], f.recorded
		h.mu.Unlock()
		switch {
		case again != f: // the first has finished
			continue
		case recorded:
			return "retry_in_flight", false // in the inbox: it will be answered
		case settledUnrecorded(f):
			return runAlongside, true
		}
		return "retry_unrecorded", false
	}
	return "retry_unrecorded", false
}

// settledUnrecorded reports whether a flight was settled without getting
// into the inbox: its callback was answered 503.
func settledUnrecorded(f *flight) bool {
	select {
	case <-f.settled:
		return true
	default:
		return false
	}
}

// settle notes whether an in-flight message got into the inbox.
func (h *Callback) settle(key string, recorded bool) {
	if key == "" {
		return
	}
	h.mu.Lock()
	f := h.inflight[key]
	if f != nil {
		f.recorded = recorded
	}
	h.mu.Unlock()
	if f != nil {
		f.settle()
	}
}

func (h *Callback) end(key string) {
	if key == "" {
		return
	}
	h.mu.Lock()
	f := h.inflight[key]
	delete(h.inflight, key)
	h.mu.Unlock()
	if f != nil {
		f.settle()
	}
}
