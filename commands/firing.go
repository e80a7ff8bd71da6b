// Helpers every scheduled job uses: the request a cron firing runs in, the
// message it posts to the group and the origin tag that ties a push back to
// the firing (R12: a firing is claimed once; its pushes are kept in the outbox).

package commands

import (
	"context"
	"fmt"
	"time"

	"teambot"
)

// FiringRequest runs fn with a request for the firing's team, acting as
// "system" at the firing's scheduled instant: in the transaction ctx carries
// (see withTx), else in its own.
func (e *Engine) FiringRequest(ctx context.Context, f teambot.Firing, fn func(r *Request) error) error {
	return e.inTx(ctx, func(tx Tx) error { return e.FiringIn(ctx, tx, f, fn) })
}

// inTx runs fn in the transaction ctx carries (WithTx), or in a new one.
func (e *Engine) inTx(ctx context.Context, fn func(Tx) error) error {
	if tx, ok := ctx.Value(txKey{}).(Tx); ok {
		return fn(tx)
	}
	return e.Config.Store.Update(ctx, fn)
}

// GroupMessage is a message to the team's group.
func GroupMessage(r *Request, f teambot.Firing, job, text string, mentions []string) teambot.Outgoing {
	return teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: text, Mentions: mentions, Origin: Origin(f, job)}
}

// Origin names the firing a message came from, for logs and audits.
func Origin(f teambot.Firing, job string) string {
	if f.Job != "" {
		job = f.Job
	}
	return job + " " + f.At.UTC().Format(time.RFC3339)
}

// WithTx makes composers called with ctx read in tx instead of opening a
// transaction of their own: on SQLite's single connection a second
// transaction would wait for the first forever.
func WithTx(ctx context.Context, tx Tx) context.Context { return context.WithValue(ctx, txKey{}, tx) }

func (e *Engine) FiringIn(ctx context.Context, tx Tx, f teambot.Firing, fn func(r *Request) error) error {
	{
		team, err := tx.TeamByChat(ctx, f.ChatID)
		if err != nil {
			return err
		}
		if f.TeamID != 0 && f.TeamID != team.ID {
			return fmt.Errorf("firing %s: chat %q belongs to team %d, not %d", f.Job, f.ChatID, team.ID, f.TeamID)
		}
		r := &Request{Tx: tx, Now: f.At, Team: &team, Engine: e}
		r.UserID = "system"
		return fn(r)
	}
}

// txKey carries a handler's transaction to a composer it calls (/提醒 测试).
type txKey struct{}
