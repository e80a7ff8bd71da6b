// Package approval is what goes out needing the supervisor (R7, R15): a
// post or campaign before it is published (/发布), a partner account or
// platform (/合作) and a paid placement (/投放) are asked for, and the
// supervisor approves, rejects (with a reason) or returns them for changes
// (with remarks), which the requester answers with a new version. Every
// version and every decision is kept (append-only). The supervisor hears
// of a request privately (a card where cards can be pushed), the
// requester of the decision, the reason included, privately too (R14).
//
// One design for all three kinds: each kind is its own command with the
// same rows (申请, 修改, 批准, 驳回, 退回, 查看), and ids are shared by the
// three (one numbering for the whole installation, as leave's): an id
// given under the wrong command is answered with the right one.
package approval
