// A message is handled once: its id is marked in the same transaction as
// its changes, and a repeat gets the reply kept from the first time.

package commands

import (
	"context"
	"time"

	"teambot"
)

// markHandled records a message's (Source, ID) in the transaction that acts
// on it; a second sight is an *alreadyHandled carrying the answer kept for
// it. Messages without an id (the console's are unique anyway) are not
// recorded.
func markHandled(ctx context.Context, tx Tx, msg teambot.Message, now time.Time) error {
	if msg.Source == "" || msg.ID == "" {
		return nil
	}
	first, err := tx.MarkProcessed(ctx, msg.Source, msg.ID, now)
	switch {
	case err != nil:
		return err
	case !first:
		return handledBefore(ctx, tx, msg)
	}
	return nil
}

// handledBefore is the *alreadyHandled of a message whose id was recorded
// before, carrying the answer kept for it.
func handledBefore(ctx context.Context, tx Tx, msg teambot.Message) error {
	kept, err := tx.KeptReplyOf(ctx, msg.Source, msg.ID)
	if err != nil {
		return err
	}
	return &alreadyHandled{kept: kept}
}

// alreadyHandled is teambot.ErrAlreadyHandled with the answer kept for the
// message.
type alreadyHandled struct{ kept teambot.KeptReply }

func (*alreadyHandled) Error() string { return teambot.ErrAlreadyHandled.Error() }

func (*alreadyHandled) Is(target error) bool { return target == teambot.ErrAlreadyHandled }

// keepReply keeps a message's answer with its id, in the command's
// transaction. A private answer is kept sealed (R14); with no sealer it is
// not kept, only that there was one.
func (e *Engine) keepReply(ctx context.Context, tx Tx, msg teambot.Message, reply teambot.Reply) error {
	if msg.Source == "" || msg.ID == "" {
		return nil
	}
	kept := teambot.KeptReply{Reply: reply, Kept: true}
	if reply.Private && reply.Text != "" {
		if e.Config.Sealer == nil {
			kept = teambot.KeptReply{Reply: teambot.Reply{Private: true}}
		} else {
			sealed, err := e.Config.Sealer.Seal(reply.Text)
			if err != nil {
				return err
			}
			kept.Text, kept.Sealed = sealed, true
		}
	}
	return tx.KeepReply(ctx, msg.Source, msg.ID, kept)
}

// notKept answers the retry of a message whose private answer could not be
// kept, or no longer opens.
const notKept = "这条消息已经执行过。回复里有只给你看的内容，没有保存下来；需要时请再发一次查看的命令。"

// keptReply is the answer for a retry: the first run's, opened.
func (e *Engine) keptReply(k teambot.KeptReply) teambot.Reply {
	switch {
	case !k.Kept && k.Private:
		return teambot.Reply{Text: notKept, Private: true}
	case !k.Kept:
		return teambot.Reply{}
	case k.Sealed:
		if e.Config.Sealer == nil {
			return teambot.Reply{Text: notKept, Private: true}
		}
		text, err := e.Config.Sealer.Open(k.Text)
		if err != nil {
			e.Config.Log.Warn("a kept answer does not open (the sealing secret changed?)", "err", err)
			return teambot.Reply{Text: notKept, Private: true}
		}
		k.Text = text
	}
	return k.Reply
}
