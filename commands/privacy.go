package commands

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"teambot"
)

// What each chat type shows (R13, R14). A reply marked Private is for the
// sender alone:
//   - in a single chat every reply is private;
//   - in a group through the group robot, a private reply is shown to the
//     sender only (VisibleToUser: Message.Whisper);
//   - in a group through the AI bot every reply is seen by the whole group,
//     so a private reply is never posted there: the group gets a one-line
//     pointer to the single chat, and the content goes to the sender by app
//     message when the app is configured.
//
// Input that is itself private (an escalation, an account name, the reason
// of a warning or a removal) is refused in any group before anything is
// stored or echoed: the group has read it already, and the bot must not
// make a record of it there.

// shownToGroupOnly reports whether a private reply to this message would be
// seen by the whole group.
func shownToGroupOnly(r *Request) bool { return !r.Single() && !r.Whisper }

// keepPrivate makes sure a private reply reaches nobody but the sender. In a
// chat that can show it to the sender alone it is returned as it is;
// otherwise the content goes by app message (in this transaction, through
// the outbox) when one can be sent, and the group gets a pointer.
func keepPrivate(ctx context.Context, r *Request, reply teambot.Reply) (teambot.Reply, error) {
	if !reply.Private || !shownToGroupOnly(r) {
		return reply, nil
	}
	if r.Engine.Config.DirectMessages && r.Team != nil {
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{r.UserID}, Text: reply.Text,
			Origin: "private reply /" + commandName(r)}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: "内容只在单聊中显示，已私信发给你。"}, nil
	}
	return teambot.Reply{Text: fmt.Sprintf("内容只在单聊中显示，请私聊我发送 %s。", commandLine(r))}, nil
}

// commandName is the Chinese name of the command being run.
func commandName(r *Request) string {
	if r.Command == nil {
		return r.Word
	}
	return r.Command.Chinese
}

// commandLine is the command as the sender may repeat it in the single
// chat: its Chinese name and, when short, what they wrote after it (they
// wrote it in this group already).
func commandLine(r *Request) string {
	line := "/" + commandName(r)
	if rest := strings.TrimSpace(r.Rest); rest != "" && utf8.RuneCountInString(rest) <= 20 && !strings.ContainsAny(rest, "\r\n") {
		line += " " + rest
	}
	return line
}

// ToGroup makes text a message the group sees: the reply itself when the
// command came from the group, else a group message and a private reply.
func (r *Request) ToGroup(ctx context.Context, text, origin string, mentions []string) (teambot.Reply, error) {
	if !r.Single() {
		return teambot.Reply{Text: text, Mentions: mentions}, nil
	}
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: text, Mentions: mentions, Origin: origin}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: text + "\n（已发到群里）"}, nil
}

// refusePassword is the engine's answer to a message that seems to carry a
// password (R13, docs/product.md §5), before any command runs: nothing of it is
// stored and nothing logged (the reply never quotes it), and the sender is
// told to change the password and how to send again without it. The
// command it named, if any, is noted for the metrics.
func (e *Engine) refusePassword(r *Request) error {
	again := "删掉密码后重新发送。"
	if c, ok := e.registry.Lookup(r.Word); ok {
		r.Command = c
		again = fmt.Sprintf("删掉密码后重新发送「/%s」。", c.Chinese)
		if c.Name == "account" {
			again += "账号密码由负责人自己保管，不用报备给机器人；改好密码后发送 /账号 已改密 编号 报备（不要写新密码）。"
		}
	}
	return teambot.Invalid("这条消息里像是写了密码，没有保存。密码不能发在聊天里，也不能交给机器人保存（R13）："+
		"它已经留在聊天记录里，请立即修改这个密码。要记下的内容请%s", again)
}
