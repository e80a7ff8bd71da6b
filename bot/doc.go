// Package bot is the WeCom transport: it verifies and decrypts callbacks,
// hands the text to the command engine and encrypts the reply (docs/product.md
// §2, docs/wecom-protocol.md). It holds no business rules.
//
// Each of the three ways in — the AI bot, the group robot callback and the
// self-built app — is a Callback mounted at its own path when its variables
// are set. A reply that is not ready within the passive budget is answered
// with an empty 200 once the message is recorded in the Inbox, and is
// delivered later through the durable outbox (Late, Pusher). Subpackages:
// wxcrypt (WXBizMsgCrypt), wecom (the outbound API client) and wecomtest (a
// fake WeCom for tests).
package bot
