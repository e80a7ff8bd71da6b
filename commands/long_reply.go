package commands

import (
	"context"
	"teambot/commands/lang"

	"teambot"
)

// What a cut answer says at its end: the rest follows, or it was cut.
const (
	continuedNote = "\n（未完，其余内容随后发出）"
	cutNote       = "\n（内容太长，这里只显示了前一部分。）"
)

// fitReply keeps an answer within what one answer carries on the
// message's transport (Message.ReplyLimit: a group robot's or an app's
// text is 2 048 bytes, and a week's report alone may be 12 KB). The first
// part is the answer; the rest is enqueued in the command's transaction to
// whoever sees the answer — the group, or the sender alone by app message
// — and the outbox splits it into messages WeCom takes. A private answer
// with no app to carry the rest (R14: never to the group) is cut, and says
// so.
func fitReply(ctx context.Context, r *Request, reply teambot.Reply) (teambot.Reply, error) {
	limit := r.ReplyLimit
	if limit <= 0 || len(reply.Text) <= limit {
		return reply, nil
	}
	out := teambot.Outgoing{Origin: "reply /" + commandName(r) + " (continued)"}
	switch {
	case r.Team == nil:
	case !reply.Private && !r.Single():
		out.TeamID, out.Channel = r.Team.ID, teambot.ToGroup
	case r.Engine.Config.DirectMessages:
		out.TeamID, out.Channel, out.Users = r.Team.ID, teambot.ToUsers, []string{r.UserID}
	}
	if out.Channel == "" {
		reply.Text, _ = lang.Cut(reply.Text, limit-len(cutNote))
		reply.Text += cutNote
		return reply, nil
	}
	head, rest := lang.Cut(reply.Text, limit-len(continuedNote))
	out.Text = rest
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{out}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	reply.Text = head + continuedNote
	return reply, nil
}
