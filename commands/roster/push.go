package roster

import (
	"context"
	"net/url"
	"strings"
	"teambot/commands"

	"teambot"
)

// setPush gives the team a group robot webhook for pushes: /团队 推送 URL,
// for the supervisor (the row's Who).
// The URL's key is a secret, so it is accepted only in a single chat, stored
// sealed, and never echoed back whole.
func setPush(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if !r.Single() {
		return teambot.Reply{}, teambot.Invalid("推送地址里有密钥，请在和我的单聊里发送 /团队 推送 URL，不要发在群里。" +
			"如果这条消息里已经带了地址，它已在群里公开：请到群机器人设置里重新生成 webhook 地址。")
	}
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Params) != 1 {
		return teambot.Reply{}, teambot.Invalid("用法：/团队 推送 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…（群机器人的 webhook 地址）")
	}
	key, err := webhookKey(r.Params[0].Text)
	if err != nil {
		return teambot.Reply{}, err
	}
	if r.Engine.Config.Sealer == nil {
		return teambot.Reply{}, teambot.Invalid("机器人没有配置加密密钥（WECOM_ROBOT_AES_KEY 等），不能保存推送地址，请联系管理员。")
	}
	sealed, err := r.Engine.Config.Sealer.Seal(key)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Tx.SetPushKey(ctx, r.Team.ID, sealed); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "team.push", r.Team.ChatID, "主管在单聊里设置推送地址"); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: "已设置本团队的推送地址（key …" + tail(key, 4) + "）。提醒和通知会发到这个群机器人。", Private: true}, nil
}

// webhookKey is the key of a group robot webhook URL.
func webhookKey(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err == nil && (u.Scheme == "https" || u.Scheme == "http") && strings.HasSuffix(u.Path, "/cgi-bin/webhook/send") {
		if key := u.Query().Get("key"); key != "" {
			return key, nil
		}
	}
	return "", teambot.Invalid("这不是群机器人的 webhook 地址：应形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…")
}

// tail is the last n runes of s, for showing a secret without revealing it.
func tail(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return ""
	}
	return string(r[len(r)-n:])
}
