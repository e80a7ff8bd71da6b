package longconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// readLimit bounds one inbound frame. Callbacks are small JSON, but a mixed
// message or a card event can exceed the library's 32 KiB default.
const readLimit = 1 << 20

// errConnLost is what a waiting request gets when its socket goes away.
var errConnLost = errors.New("longconn: connection lost before the ack")

// ack is an ack frame: errcode and errmsg for one req_id, and the body
// some commands' acks carry (an upload's upload_id and media_id,
// docs/wecom-longconn.md §2, §9).
type ack struct {
	code int
	msg  string
	body json.RawMessage
}

// conn is one WebSocket: a read loop that hands acks to their waiters and
// callbacks to the client, and a writer lock so that one frame is written at a
// time.
type conn struct {
	ws     *websocket.Conn
	log    *slog.Logger
	wlock  chan struct{} // holds a token while a frame is being written
	done   chan struct{} // closed when the read loop ends
	err    error         // why the read loop ended; read after done
	kicked atomic.Bool   // a disconnected_event arrived (docs/wecom-longconn.md §8)
	missed atomic.Int32  // pings sent since the last ping ack (docs/wecom-longconn.md §4)

	mu      sync.Mutex
	pending map[string][]chan ack // per req_id, waiters in the order they wrote
}

func newConn(ws *websocket.Conn, log *slog.Logger) *conn {
	ws.SetReadLimit(readLimit)
	return &conn{
		ws: ws, log: log,
		wlock:   make(chan struct{}, 1),
		done:    make(chan struct{}),
		pending: map[string][]chan ack{},
	}
}

// readLoop reads frames until the socket fails or a disconnected_event
// arrives. Callbacks other than disconnected_event go to onCallback.
func (cn *conn) readLoop(ctx context.Context, onCallback func(Callback)) {
	defer close(cn.done)
	for {
		typ, data, err := cn.ws.Read(ctx)
		if err != nil {
			cn.err = err
			return
		}
		if typ != websocket.MessageText {
			continue
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			cn.log.Warn("longconn: unreadable frame", "err", err, "len", len(data))
			continue
		}
		if f.Cmd == cmdMsgCallback || f.Cmd == cmdEvCallback {
			cb, err := parseCallback(f)
			if err != nil {
				cn.log.Warn("longconn: unreadable callback", "cmd", f.Cmd, "req_id", f.Headers.ReqID, "err", err)
				continue
			}
			if cb.Cmd == cmdEvCallback && cb.Event == eventDisconnected {
				cn.kicked.Store(true)
				cn.err = ErrReplaced
				return
			}
			onCallback(cb)
			continue
		}
		// Anything else is an ack, matched by req_id with or without a cmd
		// (docs/wecom-longconn.md §2).
		if !cn.deliver(f) {
			cn.log.Debug("longconn: frame for no one", "cmd", f.Cmd, "req_id", f.Headers.ReqID)
		}
	}
}

// deliver hands an ack to the oldest waiter on its req_id.
func (cn *conn) deliver(f frame) bool {
	a := ack{msg: f.Errmsg, body: f.Body}
	if f.Errcode != nil {
		a.code = *f.Errcode
	}
	cn.mu.Lock()
	q := cn.pending[f.Headers.ReqID]
	if len(q) == 0 {
		cn.mu.Unlock()
		return false
	}
	ch := q[0]
	if len(q) == 1 {
		delete(cn.pending, f.Headers.ReqID)
	} else {
		cn.pending[f.Headers.ReqID] = q[1:]
	}
	cn.mu.Unlock()
	ch <- a // buffered: never blocks
	return true
}

func (cn *conn) queue(reqID string, ch chan ack) {
	cn.mu.Lock()
	cn.pending[reqID] = append(cn.pending[reqID], ch)
	cn.mu.Unlock()
}

func (cn *conn) forget(reqID string, ch chan ack) {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	q := cn.pending[reqID]
	for i, c := range q {
		if c == ch {
			q = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	if len(q) == 0 {
		delete(cn.pending, reqID)
	} else {
		cn.pending[reqID] = q
	}
}

// write sends one frame, one writer at a time; both waiting for the turn and
// the write itself respect ctx. The frame's waiter, if any, is queued on its
// req_id during the turn, so that waiters on one req_id are queued in the
// order their frames go out; it is dropped again when the write fails.
func (cn *conn) write(ctx context.Context, f frame, waiter chan ack) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	select {
	case cn.wlock <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-cn.done:
		return errConnLost
	}
	defer func() { <-cn.wlock }()
	if waiter != nil {
		cn.queue(f.Headers.ReqID, waiter)
	}
	if err := cn.ws.Write(ctx, websocket.MessageText, data); err != nil {
		if waiter != nil {
			cn.forget(f.Headers.ReqID, waiter)
		}
		return err
	}
	return nil
}

// call writes a request and waits up to timeout for its ack. A non-zero
// errcode is an *AckError. When out is not nil, the ack's body is decoded
// into it.
func (cn *conn) call(ctx context.Context, timeout time.Duration, cmd, reqID string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ch := make(chan ack, 1)
	if err := cn.write(ctx, frame{Cmd: cmd, Headers: headers{ReqID: reqID}, Body: raw}, ch); err != nil {
		return fmt.Errorf("longconn: %s: %w", cmd, err)
	}
	select {
	case a := <-ch:
		if a.code != 0 {
			return &AckError{Code: a.code, Msg: a.msg}
		}
		if out != nil {
			if len(a.body) == 0 {
				return fmt.Errorf("longconn: %s: the ack has no body", cmd)
			}
			if err := json.Unmarshal(a.body, out); err != nil {
				return fmt.Errorf("longconn: %s: the ack's body: %w", cmd, err)
			}
		}
		return nil
	case <-ctx.Done():
		cn.forget(reqID, ch)
		return fmt.Errorf("longconn: %s: waiting for the ack: %w", cmd, ctx.Err())
	case <-cn.done:
		cn.forget(reqID, ch)
		return fmt.Errorf("longconn: %s: %w", cmd, errConnLost)
	}
}

// ping sends a heartbeat whose ack resets the missed count
// (docs/wecom-longconn.md §4). It does not wait for the ack; a waiter left
// without one is dropped after stale.
func (cn *conn) ping(ctx context.Context, stale time.Duration) error {
	reqID := newReqID(cmdPing)
	ch := make(chan ack, 1)
	cn.missed.Add(1)
	if err := cn.write(ctx, frame{Cmd: cmdPing, Headers: headers{ReqID: reqID}}, ch); err != nil {
		return err
	}
	go func() {
		t := time.NewTimer(stale)
		defer t.Stop()
		select {
		case <-ch:
			cn.missed.Store(0)
		case <-t.C:
			cn.forget(reqID, ch)
		case <-cn.done:
		}
	}()
	return nil
}
