package longconn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/coder/websocket"
)

// dialTimeout bounds one WebSocket handshake.
const dialTimeout = 15 * time.Second

// missedPings is how many pings in a row may go without an ack before the
// socket is taken for dead (docs/wecom-longconn.md §4).
const missedPings = 2

// Config is what a Client needs. Only BotID and Secret are required.
type Config struct {
	URL    string // DefaultURL when ""
	BotID  string
	Secret string // never logged

	// Handle is called in its own goroutine for each callback, so that a slow
	// command does not block the read loop. It is not called for
	// disconnected_event, which Run handles itself.
	Handle func(ctx context.Context, cb Callback)

	Log *slog.Logger // discard when nil

	PingEvery       time.Duration // 30 s when 0 (docs/wecom-longconn.md §4)
	AckTimeout      time.Duration // 5 s when 0: how long Send/Respond/Welcome/subscribe wait for their ack
	MinBackoff      time.Duration // 1 s when 0
	MaxBackoff      time.Duration // 30 s when 0
	MaxAuthFailures int           // 5 when 0 (docs/wecom-longconn.md §3)

	// OnState, when set, is told each state change (for metrics and
	// readiness), in order, from Run's goroutine.
	OnState func(State)
}

func (cfg *Config) defaults() {
	if cfg.URL == "" {
		cfg.URL = DefaultURL
	}
	if cfg.PingEvery <= 0 {
		cfg.PingEvery = 30 * time.Second
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = 5 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = cfg.MinBackoff
	}
	if cfg.MaxAuthFailures <= 0 {
		cfg.MaxAuthFailures = 5
	}
}

// authError is a refused subscribe.
type authError struct{ ack *AckError }

func (e *authError) Error() string { return "subscribe refused: " + e.ack.Error() }

// errDead: two pings in a row went without an ack.
var errDead = errors.New("no ack to the last pings: socket taken for dead")

// Run dials, subscribes, pings and reads until ctx ends (returns nil), the
// credentials are refused MaxAuthFailures times in a row (ErrBadCredentials),
// or a disconnected_event arrives (ErrReplaced: Run closes the socket itself
// and never reconnects, docs/wecom-longconn.md §8). Any other failure (dial
// error, dropped socket, two pings without ack, read error) reconnects after a
// back-off doubling from MinBackoff to MaxBackoff with jitter, reset after a
// successful subscribe.
func (c *Client) Run(ctx context.Context) error {
	c.setState(Connecting)
	authFailures, attempt := 0, 0
	for {
		subscribed, err := c.session(ctx)
		if ctx.Err() != nil {
			c.setState(Stopped)
			c.log.Info("longconn: stopped", "reason", ctx.Err())
			return nil
		}
		if subscribed {
			authFailures, attempt = 0, 0
		}
		var ae *authError
		switch {
		case errors.Is(err, ErrReplaced):
			c.setState(Replaced)
			c.log.Error("longconn: stopped: another connection of this bot subscribed and took over; not reconnecting, so that the two do not kick each other (run one instance per bot)",
				"bot_id", c.cfg.BotID)
			return ErrReplaced
		case errors.As(err, &ae):
			authFailures++
			c.log.Warn("longconn: subscribe refused", "bot_id", c.cfg.BotID, "errcode", ae.ack.Code, "errmsg", ae.ack.Msg,
				"failures", authFailures, "max", c.cfg.MaxAuthFailures)
			if authFailures >= c.cfg.MaxAuthFailures {
				c.setState(BadCredentials)
				c.log.Error("longconn: stopped: bot_id or secret refused; check WECOM_BOT_ID and WECOM_BOT_SECRET (the long-connection Secret, not the callback Token/EncodingAESKey) and that the bot's API mode is 长连接 in the admin console",
					"bot_id", c.cfg.BotID, "failures", authFailures)
				return ErrBadCredentials
			}
		}
		c.setState(Reconnecting)
		wait := c.backoff(attempt)
		attempt++
		c.log.Warn("longconn: reconnecting", "err", err, "wait", wait, "attempt", attempt)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			c.setState(Stopped)
			c.log.Info("longconn: stopped", "reason", ctx.Err())
			return nil
		case <-t.C:
		}
	}
}

// backoff is MinBackoff doubled attempt times, at most MaxBackoff, with ±20 %
// jitter kept within [MinBackoff, MaxBackoff].
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.MinBackoff
	for i := 0; i < attempt && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return min(max(d, c.cfg.MinBackoff), c.cfg.MaxBackoff)
}

// session runs one socket from dial to its end. subscribed tells whether it
// got that far. The error says why it ended: an *authError, ErrReplaced, or
// any other failure; it is meaningless once ctx has ended.
func (c *Client) session(ctx context.Context) (subscribed bool, err error) {
	c.log.Info("longconn: connecting", "url", c.cfg.URL)
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	ws, _, err := websocket.Dial(dctx, c.cfg.URL, nil)
	cancel()
	if err != nil {
		return false, fmt.Errorf("dial: %w", err)
	}
	c.log.Info("longconn: connected", "url", c.cfg.URL)

	cn := newConn(ws, c.log)
	// The read loop has a context of its own: when ctx ends, the socket is
	// closed with a close frame below rather than torn down by the library.
	rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	go cn.readLoop(rctx, func(cb Callback) { c.dispatch(context.WithValue(ctx, connKey{}, cn), cb) })

	body := map[string]string{"bot_id": c.cfg.BotID, "secret": c.cfg.Secret}
	if err := cn.call(ctx, c.cfg.AckTimeout, cmdSubscribe, newReqID(cmdSubscribe), body, nil); err != nil {
		var ae *AckError
		if errors.As(err, &ae) {
			// WeCom leaves the socket open after a refusal: close it
			// (docs/wecom-longconn.md §3).
			c.closeConn(cn, "subscribe refused")
			return false, &authError{ack: ae}
		}
		if cn.kicked.Load() {
			c.dropConn(cn)
			return false, ErrReplaced
		}
		if ctx.Err() != nil {
			c.closeConn(cn, "stopping")
			return false, ctx.Err()
		}
		_ = ws.CloseNow()
		return false, err
	}
	c.setConn(cn)
	defer c.setConn(nil)
	c.setState(Subscribed)
	c.log.Info("longconn: subscribed", "bot_id", c.cfg.BotID)

	// Pings start after subscribe (docs/wecom-longconn.md §4).
	tick := time.NewTicker(c.cfg.PingEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			c.setConn(nil)
			c.closeConn(cn, "stopping")
			return true, ctx.Err()
		case <-cn.done:
			c.setConn(nil)
			if cn.kicked.Load() {
				c.dropConn(cn)
				return true, ErrReplaced
			}
			_ = ws.CloseNow()
			return true, fmt.Errorf("read: %w", cn.err)
		case <-tick.C:
			if cn.missed.Load() >= missedPings {
				c.setConn(nil)
				_ = ws.CloseNow()
				return true, errDead
			}
			if err := cn.ping(ctx, missedPings*c.cfg.PingEvery+c.cfg.AckTimeout); err != nil {
				c.setConn(nil)
				_ = ws.CloseNow()
				return true, fmt.Errorf("ping: %w", err)
			}
		}
	}
}

// closeConn closes the socket with a close frame and waits for the read loop.
func (c *Client) closeConn(cn *conn, reason string) {
	_ = cn.ws.Close(websocket.StatusNormalClosure, reason)
	<-cn.done
}

// dropConn closes cn at once, without the close handshake: the server
// closes a kicked connection itself, in its own time (docs/wecom-longconn.md
// §8), and the kicked side must not wait for it.
func (c *Client) dropConn(cn *conn) {
	_ = cn.ws.CloseNow()
	<-cn.done
}

// dispatch runs Handle for a callback in a goroutine of its own.
func (c *Client) dispatch(ctx context.Context, cb Callback) {
	if c.cfg.Handle == nil {
		return
	}
	go func() {
		defer func() {
			if p := recover(); p != nil {
				c.log.Error("longconn: callback handler panicked", "cmd", cb.Cmd, "msgid", cb.MsgID, "panic", p)
			}
		}()
		c.cfg.Handle(ctx, cb)
	}()
}
