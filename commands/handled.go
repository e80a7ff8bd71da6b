// A message is handled once. Its id is recorded with its answer in the
// transaction that made its changes, at the end, and only when the command
// wrote something: a retry of one that wrote finds the id and gets the
// answer kept from the first time. A command that only read records
// nothing — a retry runs it again, to the same answer or a fresher one — so
// a read costs the database no write and no commit.
//
// WeCom retries while the first run may still be going (no answer within
// 5 s), possibly on another replica, so the two can overlap:
//   - both write: each records the id last, in its own transaction; the
//     second to record waits for the first to end and, finding the id, is
//     rolled back whole and answers with the first's answer;
//   - the retry writes nothing because it read the first's changes (a
//     leave that now overlaps itself, a supervisor already appointed): the
//     id committed with them, so looking once more before answering finds
//     it, and the retry answers with the first's answer, not a refusal of
//     the first's own work.

package commands

import (
	"context"
	"time"

	"teambot"
)

// checkHandled is an *alreadyHandled, carrying the answer kept, for a
// message whose id was recorded before (or is known to be: seen).
// Messages without an id (the console's are unique anyway) are never
// recorded.
func checkHandled(ctx context.Context, tx Tx, msg teambot.Message, seen bool) error {
	if msg.Source == "" || msg.ID == "" {
		return nil
	}
	kept, found, err := tx.HandledBefore(ctx, msg.Source, msg.ID)
	if err != nil || !found && !seen {
		return err
	}
	return &alreadyHandled{kept: kept}
}

// alreadyHandled is teambot.ErrAlreadyHandled with the answer kept for the
// message.
type alreadyHandled struct{ kept teambot.KeptReply }

func (*alreadyHandled) Error() string { return teambot.ErrAlreadyHandled.Error() }

func (*alreadyHandled) Is(target error) bool { return target == teambot.ErrAlreadyHandled }

// recordHandled records a message's id with its answer when the
// command's transaction wrote anything (see the top of this file), as the
// last statement before the commit; a run of the same message that
// recorded it first makes this one an *alreadyHandled, to be rolled back.
// When nothing was written it only looks whether such a run committed.
// A private answer is kept sealed (R14); with no sealer it is not kept,
// only that there was one.
func (e *Engine) recordHandled(ctx context.Context, tx Tx, msg teambot.Message, reply teambot.Reply, now time.Time) error {
	if msg.Source == "" || msg.ID == "" {
		return nil
	}
	if !tx.Wrote() { // a run of the same message may have committed meanwhile
		return checkHandled(ctx, tx, msg, false)
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
	first, err := tx.RecordHandled(ctx, msg.Source, msg.ID, now, kept)
	if err != nil || first {
		return err
	}
	return checkHandled(ctx, tx, msg, true)
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
