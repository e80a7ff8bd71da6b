package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecom"
	"teambot/commands"
	"teambot/commands/approval"
	"teambot/commands/leave"
	"teambot/commands/meeting"
	"teambot/commands/vote"
	"teambot/scheduler"
	"teambot/storage"
)

// tickEvery is how often the scheduler looks for due work; outboxEvery how
// often the outbox looks for messages to send (an idle look is one indexed
// query), so a reply enqueued by a command or a reminder leaves within
// seconds.
const (
	tickEvery   = 15 * time.Second
	outboxEvery = 2 * time.Second
)

// Windows of the one-off firings for Scheduler.Play: how long each stays
// due at least. A meeting's 30-minute reminder is due until the meeting
// starts, and its close for a week after its end (so the console closes
// it at most this late); a vote's reminder until its deadline, at least
// VoteNagBefore after it.
const (
	meetingFiringWindow = 30 * time.Minute
	voteFiringWindow    = vote.NagBefore
	// approvalFiringWindow: a post's 30-minute reminder is due until its
	// planned time; the day-after questions for a week.
	approvalFiringWindow = 30 * time.Minute
)

// newScheduler assembles the timed work of a process: reminders claimed
// once per firing, the outbox delivered through deliverer, and pruning of
// old message ids.
func (a *app) newScheduler(now func() time.Time, deliverer scheduler.Deliverer) *scheduler.Scheduler {
	store := scheduler.StoreOf(a.db.Update)
	defs := a.engine.JobDefs()
	s := &scheduler.Scheduler{
		Every:   tickEvery,
		Now:     now,
		Log:     a.log,
		Metrics: a.schedMetrics,
		Jobs: []scheduler.Job{
			&scheduler.Reminders{Store: store, Jobs: defs, Admins: a.cfg.Admins, Skipped: a.engine.SkippedNote, Log: a.log,
				Metrics: a.schedMetrics, Split: func(text string) []string { return wecom.Split(text, wecom.MaxTextBytes) },
				ComposeIn: composeIn},
			&scheduler.Oneoffs{Label: "meeting-reminders", Store: store, Due: meeting.Jobs{Engine: a.engine}.ReminderFirings, Compose: meeting.Jobs{Engine: a.engine}.Remind, Log: a.log,
				Window:  meetingFiringWindow,
				Metrics: a.schedMetrics, Split: func(text string) []string { return wecom.Split(text, wecom.MaxTextBytes) }},
			// R12: a meeting closes itself at its end, in the claim's transaction.
			&scheduler.Oneoffs{Label: "meeting-close", Store: store, Due: meeting.Jobs{Engine: a.engine}.CloseFirings, Log: a.log, Metrics: a.schedMetrics,
				Window: meetingFiringWindow,
				Act: func(ctx context.Context, tx scheduler.Tx, f teambot.Firing) ([]teambot.Outgoing, error) {
					stx, ok := tx.(*storage.Tx)
					if !ok {
						return nil, fmt.Errorf("meeting close: transaction %T is not the database's", tx)
					}
					return meeting.Jobs{Engine: a.engine}.CloseEnded(ctx, stx, f)
				},
				Split: func(text string) []string { return wecom.Split(text, wecom.MaxTextBytes) }},
			// R11: votes close at their deadline, also one missed while down.
			scheduler.FuncNext("vote-deadlines", vote.Jobs{Engine: a.engine}.CloseDue, a.nextVoteDeadline),
			// Leave still pending after its last day expires, whether or not
			// the 待审批 reminder is on.
			scheduler.Func("leave-expiry", leave.Jobs{Engine: a.engine}.Expire),
			&scheduler.Oneoffs{Label: "vote-reminders", Store: store, Due: vote.Jobs{Engine: a.engine}.Firings, Compose: vote.Jobs{Engine: a.engine}.Nag, Log: a.log,
				Window:  voteFiringWindow,
				Metrics: a.schedMetrics, Split: func(text string) []string { return wecom.Split(text, wecom.MaxTextBytes) }},
			// R7, R15: an approved post's reminders to its requester, and a
			// placement's request for results after its end day.
			&scheduler.Oneoffs{Label: "approval-reminders", Store: store, Due: approval.Jobs{Engine: a.engine}.Firings, Compose: approval.Jobs{Engine: a.engine}.Remind, Log: a.log,
				Window:  approvalFiringWindow,
				Metrics: a.schedMetrics, Split: func(text string) []string { return wecom.Split(text, wecom.MaxTextBytes) }},
			&scheduler.Outbox{Store: store, Deliverer: deliverer, Broken: a.webhookBroken, Log: a.log, Metrics: a.schedMetrics,
				Every: outboxEvery, Now: now, Slots: robotSlots(deliverer)},
			&pruneJob{app: a},
		},
	}
	if sealer := a.botSealer(); sealer != nil {
		s.Jobs = append(s.Jobs, &inboxJob{inbox: dbInbox{db: a.db, now: now}, lease: a.cfg.InboxLease, every: outboxEvery, log: a.log,
			late: &bot.Late{Engine: a.engine, Sealer: sealer, AppMessages: a.appMessages(), Log: a.log}})
	}
	return s
}

// robotSlots makes the outbox take the group robots' sends (WeCom's 20 a
// minute per robot) with each leased batch, when deliverer is the WeCom
// pusher that keeps the limit.
func robotSlots(deliverer scheduler.Deliverer) *scheduler.Slots {
	p, ok := deliverer.(*bot.Pusher)
	if !ok || p.Slots == nil {
		return nil
	}
	return &scheduler.Slots{Robot: p.Robot, Limit: wecom.WebhookLimit, Window: wecom.WebhookWindow}
}

// composeIn makes the reminders' composers read in the scheduler's
// transaction, which is the database's, and reads ahead in one statement
// per kind of record what the composers of a chunk's teams read
// (storage.Ahead): a 周报提醒 composed alone is seven statements.
func composeIn(ctx context.Context, tx scheduler.Tx, teams []int64, now time.Time) (func(context.Context, scheduler.Tx) context.Context, error) {
	var ahead *storage.Ahead
	if stx, ok := tx.(*storage.Tx); ok {
		var err error
		if ahead, err = stx.ReadAhead(ctx, teams, now); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context, tx scheduler.Tx) context.Context {
		stx, ok := tx.(*storage.Tx)
		if !ok {
			return ctx
		}
		if ahead == nil {
			return commands.WithTx(ctx, stx)
		}
		return commands.WithTx(ctx, ahead.With(stx))
	}, nil
}

// nextVoteDeadline is the earliest deadline in (after, until] of an open
// vote, when the vote-deadlines job next has work (Scheduler.Play).
func (a *app) nextVoteDeadline(ctx context.Context, after, until time.Time) (next time.Time, ok bool, err error) {
	err = a.db.Update(ctx, func(tx *storage.Tx) error {
		open, err := tx.Votes(ctx, teambot.VoteFilter{Status: teambot.VoteOpen, DeadlineBy: until})
		for _, v := range open {
			if v.Deadline.After(after) && (!ok || v.Deadline.Before(next)) {
				next, ok = v.Deadline, true
			}
		}
		return err
	})
	return next, ok, err
}

// replayInOrder makes s print the same way on every replay (the console's
// :time): the reminders of one tick one after another in a fixed order, and
// the outbox sending with one sender.
func replayInOrder(s *scheduler.Scheduler) {
	for _, j := range s.Jobs {
		switch j := j.(type) {
		case *scheduler.Reminders:
			j.Ordered = true
		case *scheduler.Outbox:
			j.Workers = 1
		}
	}
}

// wecomPusher delivers the outbox through WeCom. Its client defers its
// waits to the outbox instead of holding the sender, so one slow robot, or
// WeCom being down, never delays the others.
func (a *app) wecomPusher(now func() time.Time) *bot.Pusher {
	client := wecom.New(wecom.Config{
		APIBase: a.cfg.APIBase, CorpID: a.cfg.CorpID, AppSecret: a.cfg.AppSecret, AgentID: a.agentID(),
		Now: now, Log: a.log, Observe: a.observeSend,
		// A long wait (45009's minute, the robot's limit) goes back to the
		// outbox as a deferral, not counted as an attempt. The short waits
		// between the client's own retries (1, 2, 4 s) are slept here: a
		// send that still fails is then one failed attempt, retried with
		// the outbox's backoff and given up after MaxAttempts, and the parts
		// of a long message are retried part by part, never resent whole.
		// The outbox's own loop and senders keep these waits from holding
		// the reminders.
		Sleep: func(ctx context.Context, d time.Duration) error {
			if d > 5*time.Second {
				return &teambot.RetryAfterError{Wait: d, Err: errors.New("WeCom asked to wait, or is unreachable")}
			}
			return teambot.Sleep(ctx, d)
		},
	})
	// WeCom takes 20 messages a minute per group robot: the sends of every
	// replica are counted together in the database. This is the limit; the
	// client's own window (bot/wecom's limiter) is only a pre-filter.
	p := &bot.Pusher{Client: client, Now: now, Files: a.makeFile, Slots: func(ctx context.Context, robot string, n int) (ok bool, next time.Time, err error) {
		err = a.db.Update(ctx, func(tx *storage.Tx) (err error) {
			ok, next, err = tx.TakeRobotSlots(ctx, robot, n, now(), wecom.WebhookLimit, wecom.WebhookWindow)
			return err
		})
		return ok, next, err
	}}
	if a.sealer != nil {
		p.Open = a.sealer.Open
	}
	if a.cfg.WebhookURL != "" {
		p.DefaultKey, _ = wecom.WebhookKey(a.cfg.WebhookURL) // validated by loadConfig
	}
	return p
}

// pruneJob forgets message ids older than processedRetention, robot sends
// older than their window and the bodies of messages sent longer ago than
// TEAMBOT_OUTBOX_RETENTION (R14), once an hour.
type pruneJob struct {
	app  *app
	last time.Time
}

func (j *pruneJob) Name() string { return "prune-processed-messages" }

func (j *pruneJob) Run(ctx context.Context, now time.Time) error {
	if !j.last.IsZero() && now.Sub(j.last) < time.Hour {
		return nil
	}
	err := j.app.db.Update(ctx, func(tx *storage.Tx) error {
		n, err := tx.PruneProcessed(ctx, now.Add(-processedRetention))
		if n > 0 {
			j.app.log.Info("pruned processed message ids", "count", n)
		}
		if err != nil {
			return err
		}
		if _, err = tx.PruneRobotSends(ctx, now.Add(-time.Hour)); err != nil { // the long connection counts an hour per conversation
			return err
		}
		if _, err = tx.PruneInbox(ctx, now.Add(-processedRetention)); err != nil {
			return err
		}
		n, err = tx.ForgetOutboxBodies(ctx, now.Add(-j.app.cfg.OutboxRetention))
		if n > 0 {
			j.app.log.Info("forgot the bodies of sent messages", "count", n)
		}
		return err
	})
	if err == nil {
		j.last = now
	}
	return err
}

// splitOutgoing cuts a message into the parts WeCom takes: text up to
// 2048 bytes, a group robot's markdown up to 4096, an app's up to 2048.
func splitOutgoing(m teambot.Outgoing) []string {
	limit := wecom.MaxTextBytes
	if m.Markdown && m.Channel == teambot.ToGroup {
		limit = wecom.MaxMarkdownBytes
	}
	return wecom.Split(m.Text, limit)
}
