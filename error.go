package teambot

import (
	"errors"
	"fmt"
)

// ErrorKind decides how an error is worded to a user.
type ErrorKind int

const (
	KindInternal  ErrorKind = iota // a fault of ours: the user gets an apology, the log the detail
	KindInvalid                    // bad input: the message says how to do it right
	KindNotFound                   // the thing named does not exist
	KindForbidden                  // the caller may not do this: the message says who may
	KindConflict                   // the records disagree (already exists, already taken)
)

// Error is an error a user may see. Message is a complete Chinese sentence for
// the chat; Err, when set, is the detail for the log.
type Error struct {
	Kind    ErrorKind
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a user-facing error of the given kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid, NotFound, Forbidden and Conflict are shorthands for Errorf.
func Invalid(format string, args ...any) *Error   { return Errorf(KindInvalid, format, args...) }
func NotFound(format string, args ...any) *Error  { return Errorf(KindNotFound, format, args...) }
func Forbidden(format string, args ...any) *Error { return Errorf(KindForbidden, format, args...) }
func Conflict(format string, args ...any) *Error  { return Errorf(KindConflict, format, args...) }

// Sentinel errors that storage returns (wrapped) so that callers can test
// for them with errors.Is without knowing the driver.
var (
	ErrNotFound  = errors.New("not found")
	ErrDuplicate = errors.New("duplicate")
)

// ErrUnavailable is returned (wrapped) when a command could not run because
// of the infrastructure under it — the database unreachable, a connection
// broken, the disk full, the file read-only — and not because of anything
// the user wrote: nothing was recorded, and the same message may be tried
// again later with a fair chance to succeed.
var ErrUnavailable = errors.New("service unavailable")

// ErrAlreadyHandled is returned for a message whose (Source, ID) was handled
// before: a platform retry that must not run its command twice.
var ErrAlreadyHandled = errors.New("message already handled")

// KindOf is the kind of err: the kind of the first *Error in its chain,
// KindNotFound or KindConflict for the storage sentinels, else KindInternal.
func KindOf(err error) ErrorKind {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, ErrNotFound):
		return KindNotFound
	case errors.Is(err, ErrDuplicate):
		return KindConflict
	}
	return KindInternal
}

// UserMessage is what the chat is told about err. Internal errors never leak
// their detail: the user gets an apology and the detail goes to the log.
func UserMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal && e.Message != "" {
		return e.Message
	}
	switch KindOf(err) {
	case KindNotFound:
		return "没有找到要操作的记录。"
	case KindConflict:
		return "记录已存在或已被占用，操作未执行。"
	}
	return "抱歉，机器人内部出错，操作未执行，请稍后再试。"
}
