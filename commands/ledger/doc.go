// Package ledger is /嘉奖 and /惩处 with their list and revocation (R17-R19):
// the rewards and penalties at their fixed levels. 劝退 and 除名 take the
// member off the roster; two missed meetings in a row propose a warning
// (R12), which the supervisor confirms here.
package ledger
