// Package commands is the core of the bot's surface: the engine that turns
// what members write into changes to the records and replies, the table
// where every command and subcommand is one row (Command), the request a
// handler runs with (one transaction, an injected clock), when reminders
// send, and cards: a click runs the command its card stands for (card.go).
// The areas of the rulebook are packages under it (roster, report, leave,
// meeting, vote, account, ledger, escalate, monthly, redact, holiday,
// remind, help) that import this core and never each other; what one needs
// of another goes through Rules. Package rulebook puts the table together;
// commands/lang reads dates, times and words, and commands/roll holds the
// readings every area shares (who is on leave, when a week's reports are
// due, where they stand).
package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"teambot/commands/lang"
	"time"
	"unicode/utf8"

	"teambot"
)

// MaxMessageBytes is the longest message the bot reads. Weekly reports may
// hold 4000 characters (up to 12 000 bytes of Chinese), so the limit sits
// above that.
const MaxMessageBytes = 16 << 10

// MaxReplyBytes is WeCom's limit for a text message (docs/wecom-protocol.md):
// a group robot's or an app's answer. A listing longer says less per line.
const MaxReplyBytes = 2048

// Config is what the engine needs from its surroundings.
type Config struct {
	Store    Store
	Now      func() time.Time // the clock; tests inject a fixed one
	Admins   []string         // userids from TEAMBOT_ADMINS (R1: may name a supervisor)
	TimeZone string           // IANA zone of new teams
	BotNames []string         // the bot's display names, stripped from the front of a message
	Sealer   Sealer           // seals webhook keys for storage; nil: push keys are not kept
	// DirectMessages says one member can be messaged privately (the app is
	// configured): digests with report texts then go to the supervisor alone.
	DirectMessages bool
	// Split cuts an outgoing message WeCom would refuse as too long into
	// parts, each enqueued as its own row; nil: no splitting.
	Split func(teambot.Outgoing) []string
	// BallotKey keys the HMAC that stands for a member in an anonymous
	// vote's ballots, so the stored ballots do not name their voters. It
	// must stay the same while anonymous votes are open.
	BallotKey []byte
	Log       *slog.Logger

	// Commands are the bot's table, in the order /帮助 lists them, and
	// Reminders its reminders, in the order /提醒 lists them: each area of
	// the rulebook brings its own (package rulebook puts them together).
	Commands  []*Command
	Reminders []Reminder
	// Rules are what one area needs to know of another's records.
	Rules Rules
	// Cards are the kinds of card the areas offer (card.go); PushCards
	// says an outgoing message can carry one (the long connection is
	// configured).
	Cards     []CardKind
	PushCards bool
	// DashboardLink, when set (TEAMBOT_PUBLIC_URL), is a signed link to
	// the team's month on the dashboard for userID, valid for a day.
	DashboardLink func(ctx context.Context, teamID int64, userID string) (string, error)

	// Observe, when set, is told each command's name ("none" for a
	// message that names no command) and outcome, for metrics: "handled",
	// "refused" (the reply says why: bad input, not allowed, not found, a
	// conflict) or "failed" (a bug or the database; logged).
	Observe func(command, outcome string)
}

// Engine parses messages, checks who may do what, and runs handlers.
type Engine struct {
	Config    Config // as New completed it; areas read DirectMessages, Store, Log from it
	loc       *time.Location
	registry  *Registry
	reminders []Reminder
	cards     map[string]CardKind
}

// New makes an engine with the commands and reminders of cfg.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Now == nil {
		return nil, errors.New("commands: Config needs Store and Now")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Split != nil {
		cfg.Store = splitStore{cfg.Store, cfg.Split}
	}
	if cfg.TimeZone == "" {
		cfg.TimeZone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("commands: time zone %q: %w", cfg.TimeZone, err)
	}
	e := &Engine{Config: cfg, loc: loc, reminders: cfg.Reminders}
	e.registry = NewRegistry(cfg.Commands...)
	e.cards = make(map[string]CardKind, len(cfg.Cards))
	for _, k := range cfg.Cards {
		e.cards[k.Kind] = k
	}
	return e, nil
}

// Registry is the engine's command table.
func (e *Engine) Registry() *Registry { return e.registry }

// Handle answers one message. Failures become a Chinese reply and internal
// detail goes to the log; the only errors returned are
// teambot.ErrAlreadyHandled, for a retry of a message whose command already
// ran (its (Source, ID) is recorded in the same transaction as the
// command's changes, so a command runs at most once and its changes are
// committed together or not at all). With it comes the answer of that run,
// kept with the id in the same transaction: WeCom retries a callback whose
// answer it did not get, so the retry is answered again. A message that
// could not run because the database could not be written returns
// teambot.ErrUnavailable: nothing of it was kept, its id included, so the
// platform's retry runs it.
func (e *Engine) Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error) {
	if len(msg.Text) > MaxMessageBytes {
		return teambot.Reply{Text: fmt.Sprintf("消息太长（%d 字节），上限是 %d KB，请分几条发送。", len(msg.Text), MaxMessageBytes>>10)}, nil
	}
	if !utf8.ValidString(msg.Text) {
		return teambot.Reply{Text: "消息里有无法识别的字符（不是有效的 UTF-8 文本），请重新输入。"}, nil
	}
	p := lang.Parse(msg.Text, e.Config.BotNames)
	inv := teambot.Invocation{Message: msg, Word: p.Word, Args: p.Args, Rest: p.Rest}

	var reply teambot.Reply
	var refusal error // a user-facing error: its writes are undone, the message is handled (its id recorded if it had written)
	// Named before the transaction, so a command that fails for want of a
	// database is counted under its own name.
	command := "none" // the message names no command
	if c, ok := e.registry.Lookup(p.Word); ok {
		command = c.Name
	}
	err := e.Config.Store.Update(ctx, func(tx Tx) error {
		r, err := e.newRequest(ctx, tx, inv)
		if err != nil {
			return err
		}
		if err := tx.Savepoint(ctx, "command"); err != nil {
			return err
		}
		var given bool
		reply, given, err = e.reasonGiven(ctx, r)
		if !given && err == nil {
			reply, err = e.run(ctx, r)
		}
		if r.Command != nil {
			command = r.Command.Name
		}
		if err == nil {
			reply, err = keepPrivate(ctx, r, reply)
		}
		if err == nil {
			reply, err = fitReply(ctx, r, reply)
		}
		if err != nil && teambot.KindOf(err) != teambot.KindInternal {
			refusal = err
			if err := tx.RollbackTo(ctx, "command"); err != nil {
				return err
			}
			reply = e.errorReply(ctx, inv, refusal)
		} else if err != nil {
			return err
		}
		if msg.Single() {
			reply.Private = true
		}
		// The answer is kept with the id, outside the command: a
		// command that wrote nothing never sends its savepoint, and
		// records nothing (handled.go).
		tx.Release("command")
		return e.recordHandled(ctx, tx, msg, reply, r.Now)
	})
	var dup *alreadyHandled
	if errors.As(err, &dup) {
		return e.keptReply(dup.kept), teambot.ErrAlreadyHandled
	}
	if errors.Is(err, teambot.ErrUnavailable) {
		e.observe(command, err)
		return teambot.Reply{}, e.notRunError(ctx, inv, err)
	}
	if err == nil {
		err = refusal
	}
	e.observe(command, err)
	if err != nil && err != refusal {
		reply = e.errorReply(ctx, inv, err)
		if msg.Single() {
			reply.Private = true
		}
	}
	return reply, nil
}

// run routes the request to its command, checks the caller may use it and
// runs the handler. A message that seems to carry a password is refused
// first, whatever it names (R13): no handler sees it.
func (e *Engine) run(ctx context.Context, r *Request) (teambot.Reply, error) {
	if lang.LooksLikePassword(r.Text) {
		return teambot.Reply{}, e.refusePassword(r)
	}
	c, err := e.route(r)
	if err != nil {
		return teambot.Reply{}, err
	}
	r.Command, r.Params, r.Tail = c, r.Args, r.Rest
	if c, err = descend(ctx, r, c); err != nil {
		return teambot.Reply{}, err
	}
	if c.Handler == nil {
		return teambot.Reply{}, UsageError(c, "")
	}
	if err := readArgs(ctx, r, c); err != nil {
		return teambot.Reply{}, err
	}
	return c.Handler(ctx, r)
}

// HandleEvent reacts to a chat event: a welcome when the robot joins a group
// (creating the team), a greeting when a member opens a single chat, and
// forgetting the push key when the robot is removed. Like Handle, it returns
// teambot.ErrAlreadyHandled with the kept answer for a retry, and
// teambot.ErrUnavailable when the database could not be written.
func (e *Engine) HandleEvent(ctx context.Context, ev teambot.Event) (teambot.Reply, error) {
	var reply teambot.Reply
	inv := teambot.Invocation{Message: ev.Message, Word: "event:" + ev.Kind}
	err := e.Config.Store.Update(ctx, func(tx Tx) error {
		if ev.Kind == teambot.EventDeleteFromChat {
			return e.robotRemoved(ctx, tx, ev)
		}
		r, err := e.newRequest(ctx, tx, teambot.Invocation{Message: ev.Message})
		if err != nil {
			return err
		}
		switch ev.Kind {
		case teambot.EventAddToChat:
			reply.Text = welcomeText
		case teambot.EventEnterChat:
			reply.Text = greeting(r)
		}
		return e.recordHandled(ctx, tx, ev.Message, reply, r.Now)
	})
	var dup *alreadyHandled
	if errors.As(err, &dup) {
		return e.keptReply(dup.kept), teambot.ErrAlreadyHandled
	}
	if errors.Is(err, teambot.ErrUnavailable) {
		return teambot.Reply{}, e.notRunError(ctx, inv, err)
	}
	if err != nil {
		return e.errorReply(ctx, inv, err), nil
	}
	return reply, nil
}

// PushBroken records that WeCom refused a group's webhook as removed or
// disabled (93000/93004/93008): pushes to that team stop using it until a
// callback brings a new key. It returns the team, for telling the admins.
func (e *Engine) PushBroken(ctx context.Context, chatID string) (teambot.Team, error) {
	var team teambot.Team
	err := e.Config.Store.Update(ctx, func(tx Tx) (err error) {
		if team, err = tx.TeamByChat(ctx, chatID); err != nil {
			return err
		}
		r := &Request{Tx: tx, Now: e.Config.Now(), Team: &team, Engine: e}
		r.UserID = "system"
		if err := tx.MarkPushBroken(ctx, team.ID, r.Now); err != nil {
			return err
		}
		return r.Audit(ctx, "team.push", chatID, "企业微信报告群机器人已被移出群或停用，推送暂停")
	})
	return team, err
}

// robotRemoved drops the push key of a group the robot was removed from.
func (e *Engine) robotRemoved(ctx context.Context, tx Tx, ev teambot.Event) error {
	r := &Request{Invocation: teambot.Invocation{Message: ev.Message}, Tx: tx, Now: e.Config.Now(), Engine: e}
	if err := checkHandled(ctx, tx, ev.Message, false); err != nil {
		return err
	}
	team, err := tx.TeamByChat(ctx, ev.ChatID)
	if errors.Is(err, teambot.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	r.Team = &team
	if err := tx.SetPushKey(ctx, team.ID, ""); err != nil {
		return err
	}
	if err := r.Audit(ctx, "team.push", ev.ChatID, "群机器人被移出群，推送地址已清除"); err != nil {
		return err
	}
	return e.recordHandled(ctx, tx, ev.Message, teambot.Reply{}, r.Now)
}

const welcomeText = "大家好，我是团队助手，帮团队记录名单、周报、会议和投票。\n" +
	"成员：@我 发送 /加入 你的名字 [角色]，角色有 文案、美工、技术、推广、客服。\n" +
	"管理员：成员登记后 @我 发送 /主管 @名字 指定主管。\n" +
	"发送 /帮助 查看全部命令。"

// greeting answers a member who opens a single chat with the bot.
func greeting(r *Request) string {
	if r.Caller != nil {
		return "你好，" + r.Caller.Name + "。发送 /帮助 查看你可以用的命令。"
	}
	return "你好，我是团队助手。请在团队的群聊里 @我 发送 /加入 你的名字 [角色] 登记；发送 /帮助 查看命令。"
}

// HandleClick runs a click on a card as the command it stands for
// (card.go).
func (e *Engine) HandleClick(ctx context.Context, c teambot.Click) (teambot.Reply, error) {
	return e.handleClick(ctx, c)
}
