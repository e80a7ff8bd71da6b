package redact

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// Tx is what redaction needs from the transaction: the core's and the
// four redactions.
type Tx interface {
	commands.Tx
	RedactText(ctx context.Context, teamID int64, kind string, id int64) ([]string, error)
	RedactOutbox(ctx context.Context, teamID int64, text string) (int64, error)
	RedactAudit(ctx context.Context, teamID int64, target, text string) (int64, error)
	RedactKeptReplies(ctx context.Context, text string) (int64, error)
}

// redactKind is a kind of stored free text the supervisor can redact: its
// Chinese name, and where the supervisor finds its ids.
type redactKind struct {
	kind, name, where string
}

var redactKinds = []redactKind{
	{teambot.RedactReport, "周报", "/周报 查看 @名字 [周]"},
	{teambot.RedactUpdate, "更新", "/更新 状态 [周]"},
	{teambot.RedactEscalation, "上报", "/上报 列表 全部"},
	{teambot.RedactLeave, "请假", "/请假 列表"},
	{teambot.RedactVote, "投票", "/投票 列表 或 /投票 查看 编号"},
}

// redactWords are the words for each kind, Chinese and English.
var redactWords = map[string]string{
	"周报": teambot.RedactReport, "报告": teambot.RedactReport, "小结": teambot.RedactReport, "report": teambot.RedactReport,
	"更新": teambot.RedactUpdate, "update": teambot.RedactUpdate,
	"上报": teambot.RedactEscalation, "escalation": teambot.RedactEscalation, "escalate": teambot.RedactEscalation,
	"请假": teambot.RedactLeave, "leave": teambot.RedactLeave,
	"投票": teambot.RedactVote, "表决": teambot.RedactVote, "vote": teambot.RedactVote,
}

// Commands are redaction's rows of the command table.
func Commands() []*commands.Command {
	return []*commands.Command{
		{
			Name: "redact", Chinese: "删除内容", Aliases: []string{"清除内容"},
			Summary:  "把误写了密码等机密的一段文字换成 [已删除]：周报、更新、上报、请假理由、投票标题（最好私聊我发送）",
			Usage:    "类型 编号（类型：周报 更新 上报 请假 投票）",
			Examples: []string{"/删除内容 周报 12", "/删除内容 上报 3", "/redact vote 2"},
			Who:      commands.Supervisor, Handler: redact,
		},
	}
}

// redact is /删除内容 类型 编号 (R13, R14): a stored free text that turned
// out to hold a secret becomes teambot.Redacted, in one transaction —
// every version of a report's week, the messages not yet sent that quote
// it, and the audit row that quoted a vote's title. The redaction's own
// audit row names who, when, the kind and the id, never the text.
func redact(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Args) != 2 {
		return teambot.Reply{}, commands.UsageError(r.Command, "要写明内容的类型和编号。")
	}
	k, ok := redactKindOf(r.Args[0].Text)
	if !ok {
		return teambot.Reply{}, commands.UsageError(r.Command, fmt.Sprintf("不认识内容的类型「%s」，类型是 周报、更新、上报、请假、投票。", r.Args[0].Text))
	}
	// The number follows the kind, an argument no row names, so it is
	// read here rather than by the engine (Command.Args come first).
	id, ok := lang.RecordID(r.Args[1].Text)
	if !ok {
		return teambot.Reply{}, teambot.Invalid("「%s」不是%s编号，编号要写数字，例如 12。发送 %s 查看编号。", r.Args[1].Text, k.name, k.where)
	}
	texts, err := txOf(r).RedactText(ctx, r.Team.ID, k.kind, id)
	switch {
	case errors.Is(err, teambot.ErrNotFound):
		return teambot.Reply{}, teambot.NotFound("没有编号 #%d 的%s。发送 %s 查看编号。", id, k.name, k.where)
	case err != nil:
		return teambot.Reply{}, err
	case len(texts) == 0:
		return teambot.Reply{}, teambot.Conflict("%s #%d 的内容已经删除过了，记录里是 %s。", k.name, id, teambot.Redacted)
	}
	target := fmt.Sprintf("%s#%d", k.kind, id)
	var waiting int64
	for _, text := range texts {
		n, err := txOf(r).RedactOutbox(ctx, r.Team.ID, text)
		if err != nil {
			return teambot.Reply{}, err
		}
		waiting += n
		if _, err := txOf(r).RedactKeptReplies(ctx, text); err != nil {
			return teambot.Reply{}, err
		}
		if k.kind == teambot.RedactVote {
			if _, err := txOf(r).RedactAudit(ctx, r.Team.ID, target, text); err != nil {
				return teambot.Reply{}, err
			}
		}
	}
	detail := fmt.Sprintf("%s #%d 的内容换成 %s", k.name, id, teambot.Redacted)
	if waiting > 0 {
		detail += fmt.Sprintf("，未发出的消息 %d 条", waiting)
	}
	if err := r.Audit(ctx, "content.redact", target, detail); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已删除%s #%d 的内容，记录里现在是 %s", k.name, id, teambot.Redacted)
	if k.kind == teambot.RedactReport && len(texts) > 1 {
		text += fmt.Sprintf("（这一周的 %d 个版本都已删除）", len(texts))
	}
	if waiting > 0 {
		text += fmt.Sprintf("；还没发出的 %d 条消息里的这段文字也已删除", waiting)
	}
	text += "。已经发出的消息撤不回来：如果内容是密码，请让负责人立即修改。"
	// Only the supervisor sees it, in the group too: the others need not
	// learn which text held a secret.
	return teambot.Reply{Text: text, Private: true}, nil
}

// redactKindOf finds the kind of text a word names.
func redactKindOf(word string) (redactKind, bool) {
	kind, ok := redactWords[strings.ToLower(lang.Normalize(word))]
	for _, k := range redactKinds {
		if ok && k.kind == kind {
			return k, true
		}
	}
	return redactKind{}, false
}

// txOf is r's transaction with redaction's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }
