package bot

import (
	"context"
	"log/slog"

	"teambot"
)

// requestKey is the context key of a callback's request id.
type requestKey struct{}

// WithRequestID returns ctx carrying id; every line logged with it through a
// handler made by LogRequests carries request=id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestKey{}, id)
}

// RequestID is the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestKey{}).(string)
	return id
}

// newRequestID names one callback for the logs: WeCom's message id, so an
// operator can find the message WeCom shows, plus a short random suffix,
// because WeCom's retries of a message carry the same id; a random id for a
// callback without one.
func newRequestID(msgID string) string {
	if msgID == "" {
		return teambot.RandomHex(6)
	}
	const maxMsgID = 64 // WeCom's ids are far shorter; a forged one must not flood the log
	if len(msgID) > maxMsgID {
		msgID = msgID[:maxMsgID]
	}
	return msgID + "-" + teambot.RandomHex(3)
}

// LogRequests wraps h so that a record logged with a context that carries a
// request id (the *Context methods of slog.Logger) gets the attribute
// request=id. Wrapping twice adds it once.
func LogRequests(h slog.Handler) slog.Handler {
	if _, ok := h.(requestHandler); ok {
		return h
	}
	return requestHandler{h}
}

type requestHandler struct{ slog.Handler }

func (h requestHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone() // the caller's record may share its attributes
		r.AddAttrs(slog.String("request", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestHandler) WithGroup(name string) slog.Handler {
	return requestHandler{h.Handler.WithGroup(name)}
}
