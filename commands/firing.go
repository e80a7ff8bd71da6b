// Helpers every scheduled job uses: the request a cron firing runs in, the
// message it posts to the group and the origin tag that ties a push back to
// the firing (R12: a firing is claimed once; its pushes are kept in the outbox).

package commands

import (
	"context"
	"time"

	"teambot"
)

// firingRequest runs fn with a request for the firing's team, acting as
// "system" at the firing's scheduled instant: in the transaction ctx carries
// (see withTx), else in its own.
func (e *Engine) firingRequest(ctx context.Context, f teambot.Firing, fn func(r *Request) error) error {
	if tx, ok := ctx.Value(txKey{}).(Tx); ok {
		return e.firingIn(ctx, tx, f, fn)
	}
	return e.cfg.Store.Update(ctx, func(tx Tx) error { return e.firingIn(ctx, tx, f, fn) })
}

// groupMessage is a message to the team's group.
func groupMessage(r *Request, f teambot.Firing, job, text string, mentions []string) teambot.Outgoing {
	return teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: text, Mentions: mentions, Origin: origin(f, job)}
}

// origin names the firing a message came from, for logs and audits.
func origin(f teambot.Firing, job string) string {
	if f.Job != "" {
		job = f.Job
	}
	return job + " " + f.At.UTC().Format(time.RFC3339)
}
