package wxcrypt

import "fmt"

// Error is one of WeCom's official crypto error codes (-40001 … -40011).
//
// Functions of this package return *Error values whose Msg may carry detail;
// errors.Is matches them against the exported sentinels by Code, and
// errors.As recovers the Code.
type Error struct {
	Code int
	Msg  string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("wxcrypt %d: %s", e.Code, e.Msg)
}

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && t.Code == e.Code
}

// The official error codes, in the official order.
var (
	ErrSignature    = &Error{-40001, "signature mismatch"}
	ErrParse        = &Error{-40002, "cannot parse envelope"}
	ErrSHA          = &Error{-40003, "cannot compute signature"}
	ErrAESKey       = &Error{-40004, "invalid EncodingAESKey"}
	ErrReceiveID    = &Error{-40005, "receiveid mismatch"}
	ErrEncrypt      = &Error{-40006, "AES encryption failed"}
	ErrDecrypt      = &Error{-40007, "AES decryption failed"}
	ErrBuffer       = &Error{-40008, "illegal plaintext buffer"}
	ErrBase64Encode = &Error{-40009, "base64 encoding failed"}
	ErrBase64Decode = &Error{-40010, "base64 decoding failed"}
	ErrBuildReply   = &Error{-40011, "cannot build reply"}
)

// wrap returns an error with base's code and a message naming the detail.
func wrap(base *Error, format string, args ...any) *Error {
	return &Error{Code: base.Code, Msg: base.Msg + ": " + fmt.Sprintf(format, args...)}
}
