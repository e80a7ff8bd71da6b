package wecom

import (
	"errors"
	"fmt"
)

// Errcodes the client acts on (WeCom global error codes).
const (
	codeOK             = 0
	codeBusy           = -1
	codeInvalidParam   = 40058
	codeTokenInvalid   = 40014
	codeTokenExpired   = 42001
	codeRateLimited    = 45009
	codeIPNotTrusted   = 60020
	codeWebhookInvalid = 93000
	codeRobotDisabled  = 93004
	codeRobotNotInChat = 93008
)

// ErrAppNotConfigured is returned by SendApp when Config has no CorpID or no
// AppSecret.
var ErrAppNotConfigured = errors.New("wecom: the app is not configured (CorpID and AppSecret are required for direct messages)")

// APIError is a reply of WeCom with a non-zero errcode.
type APIError struct {
	Op   string // the API called, e.g. "webhook/send"
	Code int    // WeCom's errcode
	Msg  string // WeCom's errmsg, for people only: never branch on it
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wecom %s: errcode %d: %s", e.Op, e.Code, e.Msg)
}

// IsBrokenWebhook reports whether err says that the group robot behind a
// webhook was removed from its group or disabled (errcode 93000, 93004, 93008).
// The caller stops using that webhook and tells the admins.
func IsBrokenWebhook(err error) bool {
	switch apiCode(err) {
	case codeWebhookInvalid, codeRobotDisabled, codeRobotNotInChat:
		return true
	}
	return false
}

// IsRateLimited reports whether err is WeCom's rate limit (errcode 45009),
// still in force after the client's own waits and retries.
func IsRateLimited(err error) bool {
	return apiCode(err) == codeRateLimited
}

// apiCode is the errcode of the *APIError in err's chain, or 0.
func apiCode(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Code
	}
	return codeOK
}
