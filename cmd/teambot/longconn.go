package main

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/longconn"
	"teambot/bot/wecom"
	"teambot/storage"
)

// The AI bot's long connection (docs/wecom-longconn.md): the bot dials out,
// so a deployment needs no public address. WeCom keeps one connection per
// bot and kicks the older one (§8), so one replica holds it: the one
// holding a session lock on PostgreSQL (the others stand by and take over
// within standbyEvery of its death); on SQLite there is one process.

// standbyEvery is how often a replica without the socket tries to take it.
const standbyEvery = 10 * time.Second

// longConnBackoff is the first wait before a reconnect (doubling to 30 s);
// tests shorten it.
var longConnBackoff = time.Second

// unavailableReply answers a message the database could not record: over
// the socket nothing retries it, so the member is asked to send it again.
const unavailableReply = "数据库暂时不可用，这条消息没有执行。请稍后再发一次。"

// laterReply answers a message recorded but not run because the database
// failed meanwhile: the inbox runs it once the database is back, and the
// answer is pushed here.
const laterReply = "数据库暂时不可用，这条消息已记下，恢复后会自动执行，结果会发到这里。"

// longConn runs the long connection of one process.
type longConn struct {
	a       *app
	engine  bot.Engine // a.engine; tests put a fake in its place
	client  *longconn.Client
	log     *slog.Logger
	standby time.Duration
	now     func() time.Time
	// stopped is set when the connection stopped for good: the credentials
	// were refused, or another installation took the bot (/readyz false).
	stopped atomic.Pointer[string]
	state   atomic.Int32 // longconn.State
}

// newLongConn is the long connection of a, or nil when WECOM_BOT_ID is unset.
func (a *app) newLongConn(now func() time.Time) *longConn {
	if a.cfg.BotID == "" {
		return nil
	}
	l := &longConn{a: a, engine: a.engine, log: a.log.With("mode", "longconn"), standby: standbyEvery, now: now}
	l.client = longconn.New(longconn.Config{
		URL: a.cfg.BotWSURL, BotID: a.cfg.BotID, Secret: a.cfg.BotSecret,
		Handle: l.handle, Log: l.log, MinBackoff: longConnBackoff,
		OnState: func(s longconn.State) {
			l.state.Store(int32(s))
			if a.longConnState != nil {
				a.longConnState.Set(float64(s))
			}
		},
	})
	return l
}

// ready is nil unless the connection stopped for good.
func (l *longConn) ready() error {
	if why := l.stopped.Load(); why != nil {
		return errors.New(*why)
	}
	return nil
}

// run holds the connection while this replica holds the lock, until ctx
// ends or the connection stops for good.
func (l *longConn) run(ctx context.Context) {
	name := "teambot longconn " + l.a.cfg.BotID
	waited := false
	for ctx.Err() == nil {
		lock, err := l.a.db.TryLock(ctx, name)
		if err != nil {
			l.log.Error("cannot ask for the long connection's lock", "err", err)
		}
		if lock == nil {
			if !waited {
				l.log.Info("standing by: another replica holds the long connection")
				waited = true
			}
			if teambot.Sleep(ctx, l.standby) != nil {
				return
			}
			continue
		}
		waited = false
		l.log.Info("holding the long connection")
		runCtx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-lock.Lost():
				l.log.Warn("lost the long connection's lock (database connection gone): closing the socket")
				cancel()
			case <-runCtx.Done():
			}
		}()
		err = l.client.Run(runCtx)
		cancel()
		var why string
		switch {
		case errors.Is(err, longconn.ErrReplaced):
			why = "another connection of this bot took over (WECOM_BOT_ID is used by another installation): stopped, not reconnecting"
		case errors.Is(err, longconn.ErrBadCredentials):
			why = "WeCom refused WECOM_BOT_ID / WECOM_BOT_SECRET: check them and that the bot's API mode is 长连接"
		}
		if why == "" {
			lock.Release()
			continue
		}
		// Stopped for good: keep the lock, so that no other replica of
		// this installation dials in and the two kick each other.
		l.stopped.Store(&why)
		l.log.Error("long connection stopped", "why", why)
		<-ctx.Done()
		lock.Release()
		return
	}
}

// handle runs one callback: a message through the engine, answered on the
// socket; enter_chat with the welcome; a click on a card with the card's
// update.
func (l *longConn) handle(ctx context.Context, cb longconn.Callback) {
	in, err := bot.DecodeLongConn(cb.Body)
	if err != nil {
		l.log.Warn("unreadable long-connection callback", "cmd", cb.Cmd, "err", err)
		return
	}
	msg, msgType, event := in.Msg, in.MsgType, in.Event
	switch {
	case in.Click != nil:
		l.click(ctx, cb.ReqID, *in.Click)
		return
	case msgType == "event":
		// enter_chat gets the engine's greeting, as over HTTP; the other
		// events (disconnected_event is the client's) ask for nothing.
		if event != teambot.EventEnterChat {
			return
		}
		if reply, _ := bot.RunLongConn(ctx, l.engine, l.log, msg, msgType, event); reply.Text != "" {
			if err := l.client.Welcome(ctx, cb.ReqID, reply.Text); err != nil {
				l.log.Warn("welcome not sent", "err", err)
			}
		}
		return
	case msgType != "text":
		// An image, a file, a voice message: answered with how to write a
		// command, as over HTTP; nothing to keep.
		if reply, _ := bot.RunLongConn(ctx, l.engine, l.log, msg, msgType, event); reply.Text != "" {
			if err := l.client.Respond(ctx, cb.ReqID, bot.MarkdownOf(reply)); err != nil {
				l.log.Warn("reply not sent", "err", err)
			}
		}
		return
	}
	chat, kind := msg.ChatID, storage.LongConnGroup
	if msg.Single() {
		chat, kind = msg.UserID, storage.LongConnSingle
	}
	msg.At = l.now()
	// The conversation wrote to the bot: from now on it may be pushed into.
	if err := l.a.db.Update(ctx, func(tx *storage.Tx) error { return tx.NoteLongConnChat(ctx, chat, kind, msg.At) }); err != nil {
		l.log.Error("cannot note the conversation", "err", err)
	}
	// Recorded before it runs: if this process dies mid-command another
	// replica finishes it (inboxJob) and pushes the answer.
	inbox, token := dbInbox{db: l.a.db, now: l.now}, teambot.RandomHex(16)
	late := l.late()
	if err := late.KeepLongConn(ctx, inbox, msg, token, msg.At.Add(l.a.cfg.InboxLease)); err != nil {
		l.log.Error("cannot record the message; not running it", "msgid", msg.ID, "err", err)
		if err := l.client.Respond(ctx, cb.ReqID, unavailableReply); err != nil {
			l.log.Warn("apology not sent", "err", err)
		}
		return
	}
	// A replay after a reconnect of a command that wrote gets the first
	// answer again; one that only read runs again (commands/handled.go).
	reply, again := bot.RunLongConn(ctx, l.engine, l.log, msg, msgType, event)
	if again {
		// Left pending in the inbox: run again after its lease.
		if err := l.client.Respond(ctx, cb.ReqID, laterReply); err != nil {
			l.log.Warn("notice not sent", "err", err)
		}
		return
	}
	var answers []teambot.Outgoing
	if reply.Text != "" {
		if parts := l.respond(ctx, cb.ReqID, msg, reply); len(parts) > 0 {
			answers, err = late.LongConnAnswers(msg, reply)
			if err != nil || len(answers) != 1 {
				l.log.Error("reply lost", "msgid", msg.ID, "err", err)
				answers = nil
			} else {
				one := answers[0]
				answers = nil
				for _, p := range parts {
					one.Text = p
					answers = append(answers, one)
				}
			}
		}
	}
	if _, err := inbox.Done(context.WithoutCancel(ctx), msg.Source, msg.ID, token, msg.ChatID, answers); err != nil {
		l.log.Error("cannot finish the message's record; another replica will answer it again", "msgid", msg.ID, "err", err)
	}
}

// respond answers a message on its req_id: with the reply's card where the
// chat shows cards, else with the first 20480 bytes of its markdown. It
// returns the markdown still to push: the rest, or all of it when the
// socket dropped while the command ran or WeCom refused the answer.
func (l *longConn) respond(ctx context.Context, reqID string, msg teambot.Message, reply teambot.Reply) []string {
	parts := wecom.Split(bot.MarkdownOf(reply), longconn.MaxContentBytes)
	var err error
	if card := bot.RenderCard(reply.Card); card != nil && msg.Cards {
		if err = l.client.RespondCard(ctx, reqID, card); err == nil {
			return nil
		}
	} else if err = l.client.Respond(ctx, reqID, parts[0]); err == nil {
		return parts[1:]
	}
	// The answer goes through the outbox as a push, as text.
	l.log.Warn("reply not taken on the message's req_id; pushing it", "msgid", msg.ID, "err", err)
	return parts
}

// click runs a click on a card and replaces the clicker's card with the
// outcome, on the event's req_id within WeCom's 5 s (docs/cards.md §4). It
// is not recorded in the inbox: WeCom sends a card event once, and the
// engine keeps the click's id, so one seen again after a reconnect runs
// once.
func (l *longConn) click(ctx context.Context, reqID string, c teambot.Click) {
	c.At = l.now()
	card := bot.RunLongConnClick(ctx, l.engine, l.log, c)
	if card == nil {
		return
	}
	if err := l.client.UpdateCard(ctx, reqID, []string{c.UserID}, card); err != nil {
		l.log.Warn("card not updated after a click", "msgid", c.ID, "task_id", c.TaskID, "err", err)
	}
}

// late turns answers into outbox messages and resumes kept messages.
func (l *longConn) late() *bot.Late {
	return &bot.Late{Engine: l.engine, Sealer: l.a.botSealer(), AppMessages: l.a.appMessages(), Log: l.log}
}

// send pushes into a conversation for the outbox (bot.Socket); while this
// replica does not hold the socket the message waits for the one that does.
func (l *longConn) send(ctx context.Context, chatID string, single bool, markdown string) error {
	return outboxError(l.client.Send(ctx, chatID, chatType(single), markdown))
}

// chatType is aibot_send_msg's chat_type of a single chat or a group.
func chatType(single bool) int {
	if single {
		return longconn.ChatSingle
	}
	return longconn.ChatGroup
}

// outboxError is a push's error as the outbox takes it: while this replica
// does not hold the socket the message waits for the one that does; one
// WeCom refused is given up.
func outboxError(err error) error {
	if errors.Is(err, longconn.ErrNotConnected) {
		return &teambot.RetryAfterError{Wait: 5 * time.Second, Err: err}
	}
	var ack *longconn.AckError
	if errors.As(err, &ack) || errors.Is(err, longconn.ErrInvalidMedia) {
		return &teambot.PermanentError{Err: err}
	}
	return err
}

// uploadFile uploads a file for the outbox (bot.Socket) over the socket.
func (l *longConn) uploadFile(ctx context.Context, filename string, data []byte) (string, error) {
	id, err := l.client.UploadMedia(ctx, longconn.MediaFile, filename, data)
	return id, outboxError(err)
}

// sendFile pushes an uploaded file into a conversation, as send pushes
// markdown.
func (l *longConn) sendFile(ctx context.Context, chatID string, single bool, mediaID string) error {
	return outboxError(l.client.SendFile(ctx, chatID, chatType(single), mediaID))
}

// sendCard pushes a card into a conversation for the outbox (bot.Socket),
// as send pushes markdown.
func (l *longConn) sendCard(ctx context.Context, chatID string, single bool, card *bot.TemplateCard) error {
	err := outboxError(l.client.SendCard(ctx, chatID, chatType(single), card))
	var refused *teambot.PermanentError
	if errors.As(err, &refused) {
		l.log.Warn("card refused; it goes as its text", "task_id", card.TaskID, "err", err)
	}
	return err
}

// socket wraps next (the webhook and app pusher) with the long connection.
func (l *longConn) socket(next bot.Deliverer) *bot.Socket {
	db := l.a.db
	return &bot.Socket{
		Next: next, Send: l.send, SendCard: l.sendCard, Now: l.now, AppMessages: l.a.appMessages(),
		Files: l.a.makeFile, UploadFile: l.uploadFile, SendFile: l.sendFile,
		Reachable: func(ctx context.Context, chatID string, single bool) (ok bool, err error) {
			kind := storage.LongConnGroup
			if single {
				kind = storage.LongConnSingle
			}
			err = db.Update(ctx, func(tx *storage.Tx) (err error) {
				ok, err = tx.LongConnChat(ctx, chatID, kind)
				return err
			})
			return ok, err
		},
		Slots: func(ctx context.Context, chatID string, n int) (ok bool, next time.Time, err error) {
			err = db.Update(ctx, func(tx *storage.Tx) (err error) {
				ok, next, err = tx.TakeConversationSlots(ctx, chatID, n, l.now())
				return err
			})
			return ok, next, err
		},
		Names: func(ctx context.Context, team teambot.Team, ids []string) ([]string, error) {
			names := make([]string, len(ids))
			err := db.Update(ctx, func(tx *storage.Tx) error {
				for i, id := range ids {
					names[i] = id
					if m, err := tx.MemberByUser(ctx, team.ID, id); err == nil {
						names[i] = m.Name
					} else if !errors.Is(err, teambot.ErrNotFound) {
						return err
					}
				}
				return nil
			})
			return names, err
		},
	}
}
