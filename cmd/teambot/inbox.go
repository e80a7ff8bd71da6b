package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/storage"
)

// maxInboxAttempts is how often a recorded callback is taken over before it
// is given up (logged as "inbox message given up"): a message whose sealed
// record no longer opens, or that fails every time.
const maxInboxAttempts = 10

// dbInbox is the durable inbox of callbacks answered late (bot.Inbox).
type dbInbox struct {
	db  *storage.DB
	now func() time.Time
}

func (b dbInbox) Keep(ctx context.Context, source, msgID, payload, token string, until time.Time) error {
	return b.db.Update(ctx, func(tx *storage.Tx) error {
		return tx.KeepInbox(ctx, source, msgID, payload, token, b.now(), until)
	})
}

// Done enqueues the answers and marks the record done in one transaction,
// only while token holds the record: one message, one answer. An answer to
// a group is the group's team's.
func (b dbInbox) Done(ctx context.Context, source, msgID, token, chatID string, answers []teambot.Outgoing) (ok bool, err error) {
	err = b.db.Update(ctx, func(tx *storage.Tx) error {
		now := b.now()
		if ok, err = tx.FinishInbox(ctx, source, msgID, token, now); err != nil || !ok {
			return err
		}
		if chatID != "" {
			team, err := tx.TeamByChat(ctx, chatID)
			if err != nil && !errors.Is(err, teambot.ErrNotFound) {
				return err
			}
			for i := range answers {
				answers[i].TeamID = team.ID
			}
		}
		return tx.Enqueue(ctx, answers, now)
	})
	return ok, err
}

// inboxJob finishes the recorded callbacks whose owner died (or whose
// command could not run): once a record's lease has run out, any replica
// takes it, runs the message through the engine — which runs the command,
// or gives the answer kept if the first run committed — and enqueues the
// answer with the record done.
type inboxJob struct {
	inbox dbInbox
	late  *bot.Late
	lease time.Duration
	every time.Duration
	log   *slog.Logger
}

func (j *inboxJob) Name() string            { return "inbox" }
func (j *inboxJob) Interval() time.Duration { return j.every }

func (j *inboxJob) Run(ctx context.Context, now time.Time) error {
	token := teambot.RandomHex(12)
	var recs []storage.InboxRecord
	err := j.inbox.db.Update(ctx, func(tx *storage.Tx) (err error) {
		recs, err = tx.LeaseInbox(ctx, now, j.lease, 10, token)
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.Attempts > maxInboxAttempts {
			j.log.Error("inbox message given up", "source", r.Source, "msgid", r.MsgID, "attempts", r.Attempts-1)
			if err := j.inbox.db.Update(ctx, func(tx *storage.Tx) error { return tx.FailInbox(ctx, r.Source, r.MsgID, token) }); err != nil {
				return err
			}
			continue
		}
		work, cancel := context.WithTimeout(ctx, j.lease/2)
		res, err := j.late.Resume(work, r.Payload)
		cancel()
		if err != nil {
			j.log.Warn("inbox message not finished; tried again when its lease runs out", "source", r.Source, "msgid", r.MsgID, "err", err)
			continue
		}
		ok, err := j.inbox.Done(ctx, r.Source, r.MsgID, token, res.ChatID, res.Answers)
		if err != nil {
			return err
		}
		if ok {
			j.log.Info("inbox message finished by this replica", "source", r.Source, "msgid", r.MsgID, "answers", len(res.Answers))
		}
	}
	return nil
}
