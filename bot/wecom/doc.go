// Package wecom is the bot's outbound WeCom client: group robot webhook pushes
// (消息推送), one-shot AI bot replies through a response_url (智能机器人主动回复)
// and direct messages through the self-built app (message/send), files among
// them once uploaded (media/upload, UploadMedia). It also holds
// the wire details both directions share: WeCom markdown escaping
// (EscapeMarkdown, EscapeMarkdownInline), the guard on the XML WeCom sends
// (NewXMLDecoder) and the group robot's limit (WebhookLimit, WebhookWindow).
// See docs/wecom-protocol.md.
//
// Every call goes to Config.APIBase, whatever host a webhook or response_url
// names, so tests and proxies see all traffic and nothing leaves the configured
// base. WeCom answers HTTP 200 with {"errcode","errmsg"}; the client branches on
// errcode only:
//
//	0                    delivered
//	-1                   system busy: retried after 1 s, 2 s, 4 s
//	45009                rate limited: retried after 60 s, up to 3 times (IsRateLimited after that)
//	93000, 93004, 93008  the robot is gone or disabled: returned at once (IsBrokenWebhook)
//	42001, 40014         access_token expired or invalid: refetched once, the message retried once
//	40058                invalid parameter: logged as a bug of ours, not retried
//	60020                server IP not trusted: logged as a configuration error, not retried
//	anything else        returned as an *APIError
//
// A message is sent at most once. A POST is repeated only when it cannot have
// been delivered: WeCom answered -1 or 45009, or the connection failed before the
// request was written (connection refused, DNS failure). An HTTP error status, a
// reply that is not JSON, or a timeout after the request went out is returned
// as an error without a retry, since the message may already be in the chat.
//
// Webhook sends are paced at 20 per minute per robot (a sliding window over
// the last 60 s, shared by all goroutines of one process). This is a
// pre-filter: across replicas the limit is kept in the database, where the
// outbox reserves every send before it calls the Client (bot.Pusher.Slots).
// Text longer than WeCom accepts is
// split at line boundaries (see Split). Logs name the operation, the errcode and
// a redacted target (KeyID); they never carry keys, tokens, secrets or message
// contents.
package wecom
