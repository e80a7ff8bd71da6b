package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot/bot/wecomtest"
)

// A callback body is capped at 64 KiB unless configured otherwise: one
// byte more is 413 before anything is decrypted, whatever the signature;
// a body at the cap is read (and here refused for its signature).
func TestCallbackBodyIsCapped(t *testing.T) {
	for _, tc := range []struct {
		max, want int64
	}{{0, 64 << 10}, {32 << 10, 32 << 10}} {
		cb, err := NewCallback(Config{Mode: ModeRobot, Token: "tok", AESKey: vecKey, Engine: &engine{}, MaxBody: tc.max})
		if err != nil {
			t.Fatal(err)
		}
		pad := func(n int64) string {
			const head, tail = "<xml><Encrypt><![CDATA[", "]]></Encrypt></xml>"
			return head + strings.Repeat("A", int(n)-len(head)-len(tail)) + tail
		}
		if rec := do(cb, http.MethodPost, "msg_signature=x&timestamp=1&nonce=1", pad(tc.want+1)); rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("MaxBody %d: a body of %d bytes = HTTP %d, want 413", tc.max, tc.want+1, rec.Code)
		}
		if rec := do(cb, http.MethodPost, "msg_signature=x&timestamp=1&nonce=1", pad(tc.want)); rec.Code != http.StatusUnauthorized {
			t.Errorf("MaxBody %d: a body of %d bytes = HTTP %d, want it read and refused as unsigned (401)", tc.max, tc.want, rec.Code)
		}
	}
}

// The gate bounds the bodies being read and checked: with its one slot
// taken by a callback whose body is still arriving, the next callback, on
// any endpoint, is answered 503 at once and unread. A signed message
// waiting on the engine (the database) has given its slot back, so an
// outage does not turn WeCom's other callbacks away.
func TestCallbacksInFlightAreCapped(t *testing.T) {
	gate := NewGate(1)
	e := &engine{block: make(chan struct{})}
	robot, err := NewCallback(Config{Mode: ModeRobot, Token: "tok", AESKey: vecKey, Engine: e, Gate: gate, AnswerWithin: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := NewCallback(Config{Mode: ModeBot, Token: "tok", AESKey: vecKey, Engine: e, Gate: gate, AnswerWithin: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	robotSender := &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "tok", AESKey: vecKey}
	botSender := &wecomtest.Callbacks{Mode: wecomtest.ModeBot, Token: "tok", AESKey: vecKey}

	// A body that is still arriving holds the only slot.
	arriving, more := io.Pipe()
	slow := httptest.NewRequest(http.MethodPost, "/wecom/robot?msg_signature=x&timestamp=1&nonce=1", arriving)
	var wg sync.WaitGroup
	held := httptest.NewRecorder()
	wg.Go(func() { robot.ServeHTTP(held, slow) })
	for !gate.full() {
		time.Sleep(time.Millisecond) // the slow callback takes the only slot
	}
	body := &countingReader{r: strings.NewReader("<xml>anything</xml>")}
	over := httptest.NewRequest(http.MethodPost, "/wecom/robot?msg_signature=x&timestamp=1&nonce=1", body)
	rec := httptest.NewRecorder()
	start := time.Now()
	robot.ServeHTTP(rec, over)
	if rec.Code != http.StatusServiceUnavailable || rec.Body.Len() != 0 || body.n != 0 || time.Since(start) > time.Second {
		t.Errorf("a callback beyond the cap: HTTP %d %q after %v, %d body bytes read; want 503, no body, at once, unread",
			rec.Code, rec.Body.String(), time.Since(start), body.n)
	}
	second := botSender.Post("/wecom/bot", botSender.TextMessage(wecomtest.Text{MsgID: "m2", ChatID: "c", UserID: "u", Content: "/团队"}))
	rec = httptest.NewRecorder()
	bot.ServeHTTP(rec, second)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("another endpoint beyond the shared cap: HTTP %d, want 503", rec.Code)
	}
	more.Write([]byte("<xml>not a callback</xml>"))
	more.Close()
	wg.Wait()
	if held.Code == http.StatusServiceUnavailable || gate.full() {
		t.Errorf("the slow callback: HTTP %d, gate full %v; want it answered and its slot free", held.Code, gate.full())
	}

	// A signed message blocked in the engine does not hold a slot.
	first := robotSender.Post("/wecom/robot", robotSender.TextMessage(wecomtest.Text{MsgID: "m1", ChatID: "c", UserID: "u", Content: "/团队"}))
	blocked := httptest.NewRecorder()
	wg.Go(func() { robot.ServeHTTP(blocked, first) })
	for deadline := time.Now().Add(5 * time.Second); !inFlight(robot, "robot/m1"); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first message never reached the engine")
		}
	}
	if gate.full() {
		t.Error("a message waiting on the engine holds a slot of the gate")
	}
	second = botSender.Post("/wecom/bot", botSender.TextMessage(wecomtest.Text{MsgID: "m3", ChatID: "c", UserID: "u", Content: "/团队"}))
	passed := make(chan int, 1)
	go func() {
		rec := httptest.NewRecorder()
		bot.ServeHTTP(rec, second)
		passed <- rec.Code
	}()
	close(e.block)
	wg.Wait()
	if blocked.Code != http.StatusOK {
		t.Errorf("the callback that waited on the engine: HTTP %d", blocked.Code)
	}
	if code := <-passed; code != http.StatusOK {
		t.Errorf("a callback while another waits on the engine: HTTP %d, want 200", code)
	}
}

// inFlight reports whether the callback is handling the message key
// ("source/id").
func inFlight(h *Callback, key string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.inflight[key]
	return ok
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// A message without a message id is known by the SHA-256 of its signed
// envelope (msg_signature, timestamp, nonce, the encrypted body): WeCom's
// retry of it carries the same id, and so runs once; the same text sent
// again is a new envelope, a new id.
func TestMessageWithoutIDIsKnownByItsEnvelope(t *testing.T) {
	e := &engine{}
	cb, err := NewCallback(Config{Mode: ModeBot, Token: "tok", AESKey: vecKey, Engine: e})
	if err != nil {
		t.Fatal(err)
	}
	sender := &wecomtest.Callbacks{Mode: wecomtest.ModeBot, Token: "tok", AESKey: vecKey}
	inner := []byte(`{"chatid":"c","chattype":"group","from":{"userid":"u"},"msgtype":"text","text":{"content":"/团队"}}`)
	req := sender.Post("/wecom/bot", inner)
	q := req.URL.Query()
	var envelope struct{ Encrypt string }
	raw, _ := io.ReadAll(req.Body)
	if err := json.Unmarshal(raw, &envelope); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(q.Get("msg_signature") + q.Get("timestamp") + q.Get("nonce") + envelope.Encrypt))
	want := hex.EncodeToString(sum[:])

	for range 2 { // WeCom's retry is the same request
		rec := httptest.NewRecorder()
		cb.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, req.URL.String(), strings.NewReader(string(raw))))
		if rec.Code != http.StatusOK {
			t.Fatalf("HTTP %d", rec.Code)
		}
	}
	if len(e.msgs) != 1 || e.msgs[0].ID != want {
		t.Fatalf("engine ran %d messages (%+v), want one with id %s", len(e.msgs), e.msgs, want)
	}
	again := httptest.NewRecorder()
	cb.ServeHTTP(again, sender.Post("/wecom/bot", inner))
	if len(e.msgs) != 2 || e.msgs[1].ID == want || len(e.msgs[1].ID) != 64 {
		t.Errorf("the same text in a new envelope: %+v, want a second message with its own id", e.msgs)
	}
}
