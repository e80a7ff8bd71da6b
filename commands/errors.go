// What a failed command tells the member and the metrics: the Chinese error
// reply, usage errors that say how to write the command, and quoted input
// clipped so a reply never repeats a long message.

package commands

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"teambot/commands/lang"

	"teambot"
)

// observe reports a command's outcome to Config.Observe.
func (e *Engine) observe(command string, err error) {
	if e.Config.Observe == nil {
		return
	}
	outcome := "handled"
	switch {
	case err == nil:
	case teambot.KindOf(err) == teambot.KindInternal:
		outcome = "failed"
	default: // the user is told why: bad input, not allowed, not found, a conflict
		outcome = "refused"
	}
	e.Config.Observe(command, outcome)
}

// notRunError is the error Handle returns for a message the database could
// not take: no reply, since an apology would tell the platform the message
// was taken and end its retries (the transport answers so that it tries
// again).
func (e *Engine) notRunError(ctx context.Context, inv teambot.Invocation, err error) error {
	if errors.Is(err, teambot.ErrUnavailable) {
		e.Config.Log.WarnContext(ctx, "command not run: the database cannot be written; the platform may retry",
			"command", inv.Word, "chat", inv.ChatID, "user", inv.UserID, "msgid", inv.Message.ID, "err", err)
	}
	return err
}

// errorReply words err for the chat and logs what the chat must not see.
// ctx carries the callback's request id for the log line.
func (e *Engine) errorReply(ctx context.Context, inv teambot.Invocation, err error) teambot.Reply {
	if teambot.KindOf(err) == teambot.KindInternal {
		// Never log the message text: it may hold anything, passwords included.
		e.Config.Log.ErrorContext(ctx, "command failed", "command", inv.Word, "chat", inv.ChatID, "user", inv.UserID, "msgid", inv.Message.ID, "err", err)
	}
	return teambot.Reply{Text: clipQuotes(teambot.UserMessage(err))}
}

// quotedInput is what an error quotes back of the user's input, 「…」.
var quotedInput = regexp.MustCompile(`「[^」]*」`)

// clipQuotes shortens every quotation of the user's input in an error, so a
// 16 KB word can neither swamp the reply nor push it past WeCom's limits,
// whichever handler quoted it.
func clipQuotes(msg string) string {
	return quotedInput.ReplaceAllStringFunc(msg, func(q string) string {
		inner := strings.TrimSuffix(strings.TrimPrefix(q, "「"), "」")
		return "「" + lang.Clip(inner) + "」"
	})
}

// UsageError is the reply for a command written wrongly: what was wrong, then
// how to write it and an example.
func UsageError(c *Command, problem string) error {
	var b strings.Builder
	b.WriteString(problem)
	b.WriteString("用法：")
	b.WriteString(c.UsageLine())
	if len(c.Examples) > 0 {
		b.WriteString("，例如 ")
		b.WriteString(c.Examples[0])
	}
	return teambot.Invalid("%s", b.String())
}
