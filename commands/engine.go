// Package commands turns what members write into changes to the records and
// replies: a pure parser, a registry where every command is one row, and
// handlers that run inside one transaction with an injected clock.
package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"teambot"
)

// MaxMessageBytes is the longest message the bot reads. Weekly reports may
// hold 4000 characters (up to 12 000 bytes of Chinese), so the limit sits
// above that.
const MaxMessageBytes = 16 << 10

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

	// Observe, when set, is told each command's name ("none" for a
	// message that names no command) and outcome, for metrics: "handled",
	// "refused" (the reply says why: bad input, not allowed, not found, a
	// conflict) or "failed" (a bug or the database; logged).
	Observe func(command, outcome string)
}

// Engine parses messages, checks who may do what, and runs handlers.
type Engine struct {
	cfg      Config
	loc      *time.Location
	registry *Registry
}

// New makes an engine with every built-in command.
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
	e := &Engine{cfg: cfg, loc: loc}
	e.registry = NewRegistry(builtins()...)
	return e, nil
}

// Registry is the engine's command table.
func (e *Engine) Registry() *Registry { return e.registry }

// Request is one command being handled: the invocation, the transaction it
// runs in, the moment it runs (read once from the clock) and who sent it.
type Request struct {
	teambot.Invocation
	Tx      Tx
	Now     time.Time
	Team    *teambot.Team   // nil in a single chat whose sender is in no team, or in several and chose none
	Teams   []teambot.Team  // a single chat's sender's teams, when there are several
	Caller  *teambot.Member // nil when the sender is not an active member
	IsAdmin bool            // the sender is in TEAMBOT_ADMINS
	Command *Command        // the command the word names
	Sub     *Command        // the row of Command.Sub the next word names, if any
	// Params are the arguments after the command's and subcommand's words
	// and the typed ones (Command.Args); Tail is the text they come from,
	// as written.
	Params []teambot.Arg
	Tail   string
	ID     int64          // an ArgID argument
	Target teambot.Member // an ArgMember argument

	teamLabels []string // how Teams are named to the sender, in order
	// awaiting names the teams a single chat's sender, in no team yet,
	// has asked to join.
	awaiting []string
	engine   *Engine
}

// Location is the team's time zone, or the default for a chat with no team.
func (r *Request) Location() *time.Location {
	if r.Team != nil {
		return r.Team.Location()
	}
	return r.engine.loc
}

// Today is the current date in the team's time zone.
func (r *Request) Today() teambot.Date { return teambot.DateOf(r.Now.In(r.Location())) }

// Audit records a change made by this request (everything that changes a
// record writes one row: who, what, when, from which message).
func (r *Request) Audit(ctx context.Context, action, target, detail string) error {
	e := teambot.AuditEntry{Actor: r.UserID, Action: action, Target: target, Detail: detail, MsgID: r.Message.ID, At: r.Now}
	if r.Team != nil {
		e.TeamID = r.Team.ID
	}
	return r.Tx.Audit(ctx, &e)
}

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
	p := Parse(msg.Text, e.cfg.BotNames)
	inv := teambot.Invocation{Message: msg, Word: p.Word, Args: p.Args, Rest: p.Rest}

	var reply teambot.Reply
	var refusal error // a user-facing error: its writes are undone, the message stays handled
	// Named before the transaction, so a command that fails for want of a
	// database is counted under its own name.
	command := "none" // the message names no command
	if c, ok := e.registry.Lookup(p.Word); ok {
		command = c.Name
	}
	err := e.cfg.Store.Update(ctx, func(tx Tx) error {
		r, err := e.newRequest(ctx, tx, inv)
		if err != nil {
			return err
		}
		if err := tx.Savepoint(ctx, "command"); err != nil {
			return err
		}
		reply, err = e.run(ctx, r)
		if r.Command != nil {
			command = r.Command.Name
		}
		if err == nil {
			reply, err = r.keepPrivate(ctx, reply)
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
		return e.keepReply(ctx, tx, msg, reply)
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
	if looksLikePassword(r.Text) {
		return teambot.Reply{}, e.refusePassword(r)
	}
	c, err := e.route(r)
	if err != nil {
		return teambot.Reply{}, err
	}
	r.Command, r.Params, r.Tail = c, r.Args, r.Rest
	if c, err = r.descend(ctx, c); err != nil {
		return teambot.Reply{}, err
	}
	if c.Handler == nil {
		return teambot.Reply{}, usageError(c, "")
	}
	if err := r.readArgs(ctx, c); err != nil {
		return teambot.Reply{}, err
	}
	return c.Handler(ctx, r)
}

// descend checks the caller may use c, then walks down the rows the next
// words name (/会议 申诉 批准 3), checking each row's Who in turn, so a
// stranger hears they must join before a member hears only the supervisor
// may. It returns the row that runs.
func (r *Request) descend(ctx context.Context, c *Command) (*Command, error) {
	for {
		if err := r.authorize(ctx, c); err != nil {
			return nil, err
		}
		s, after, colon, ok := c.subFor(r.Params)
		if !ok {
			return c, nil
		}
		switch {
		case s.OnMention: // the mention stays an argument of the row
		case colon:
			_, tail, _ := strings.Cut(strings.Replace(r.Tail, "：", ":", 1), ":")
			r.Params, r.Tail = append(splitArgs(after), r.Params[1:]...), trimSpace(tail)
		default:
			r.Params, r.Tail = r.Params[1:], restAfter(r.Tail, 1)
		}
		r.Sub, c = s, s
	}
}

// readArgs reads the typed arguments of c from r.Params into r.ID and
// r.Target, leaving in r.Params and r.Tail what follows them.
func (r *Request) readArgs(ctx context.Context, c *Command) error {
	for _, spec := range c.Args {
		if len(r.Params) == 0 {
			if spec.Optional {
				continue
			}
			return teambot.Invalid("%s", spec.Missing)
		}
		a := r.Params[0]
		switch spec.Kind {
		case ArgID:
			id, ok := recordID(a.Text)
			if !ok {
				if spec.Optional {
					continue
				}
				return teambot.Invalid(spec.Bad, clip(a.Text))
			}
			r.ID = id
		case ArgMember:
			m, err := r.member(ctx, a)
			if err != nil {
				return err
			}
			r.Target = m
		}
		r.Params, r.Tail = r.Params[1:], restAfter(r.Tail, 1)
	}
	return nil
}

// newRequest records the message as handled, then loads (or, on a group's
// first contact, creates) the chat's team and the sender's membership, and
// keeps the team's push key and the sender's name current.
func (e *Engine) newRequest(ctx context.Context, tx Tx, inv teambot.Invocation) (*Request, error) {
	r := &Request{Invocation: inv, Tx: tx, Now: e.cfg.Now(), IsAdmin: slices.Contains(e.cfg.Admins, inv.UserID), engine: e}
	if err := markHandled(ctx, tx, inv.Message, r.Now); err != nil {
		return nil, err
	}
	if inv.Single() {
		return r, r.loadSingleChatTeam(ctx)
	}
	// R1: a team is one group chat, created on first contact.
	team := teambot.Team{ChatID: inv.ChatID, TimeZone: e.cfg.TimeZone, CreatedAt: r.Now}
	created, err := tx.EnsureTeam(ctx, &team)
	if err != nil {
		return nil, err
	}
	r.Team = &team
	if created {
		if err := r.Audit(ctx, "team.create", inv.ChatID, "群里第一次联系机器人时建立团队"); err != nil {
			return nil, err
		}
	}
	if err := r.notePushKey(ctx); err != nil {
		return nil, err
	}
	if err := r.loadCaller(ctx); err != nil {
		return nil, err
	}
	return r, r.syncName(ctx)
}

// loadSingleChatTeam picks the team a single chat acts for: the sender's
// only team, or, for a member of several, the one they chose with
// /团队 切换 while they are still in it.
func (r *Request) loadSingleChatTeam(ctx context.Context) error {
	teams, err := r.Tx.TeamsOfUser(ctx, r.UserID)
	if err != nil {
		return err
	}
	switch len(teams) {
	case 0:
		// Someone whose request to join waits is told so, not to join.
		awaiting, err := r.Tx.TeamsAwaitingUser(ctx, r.UserID)
		if err != nil {
			return err
		}
		r.awaiting, err = teamLabels(ctx, r.Tx, awaiting)
		return err
	case 1:
		r.Team = &teams[0]
		return r.loadCaller(ctx)
	}
	r.Teams = teams
	if r.teamLabels, err = teamLabels(ctx, r.Tx, teams); err != nil {
		return err
	}
	chosen, err := r.Tx.ChosenTeam(ctx, r.UserID)
	if err != nil {
		return err
	}
	for i := range teams {
		if teams[i].ID == chosen {
			r.Team = &teams[i]
			return r.loadCaller(ctx)
		}
	}
	return nil
}

func (r *Request) loadCaller(ctx context.Context) error {
	m, err := r.Tx.MemberByUser(ctx, r.Team.ID, r.UserID)
	switch {
	case errors.Is(err, teambot.ErrNotFound):
		return nil
	case err != nil:
		return err
	case m.Active():
		r.Caller = &m
	}
	return nil
}

// notePushKey makes the webhook key a group robot callback carried the
// team's push target, when it differs from the stored one.
func (r *Request) notePushKey(ctx context.Context) error {
	sealer := r.engine.cfg.Sealer
	if r.WebhookKey == "" || sealer == nil {
		return nil
	}
	if r.Team.PushKey != "" && r.Team.PushBrokenAt.IsZero() {
		if old, err := sealer.Open(r.Team.PushKey); err == nil && old == r.WebhookKey {
			return nil
		}
	}
	sealed, err := sealer.Seal(r.WebhookKey)
	if err != nil {
		return err
	}
	if err := r.Tx.SetPushKey(ctx, r.Team.ID, sealed); err != nil {
		return err
	}
	r.Team.PushKey, r.Team.PushBrokenAt = sealed, time.Time{}
	return r.Audit(ctx, "team.push", r.ChatID, "推送改用群机器人回调带来的 webhook")
}

// syncName keeps a member's name equal to their WeCom display name when the
// platform sends one (the group robot does), unless it is another active
// member's name or userid (names can't impersonate).
func (r *Request) syncName(ctx context.Context) error {
	name := r.UserName
	if r.Caller == nil || name == "" || name == r.Caller.Name || checkNameText(name) != nil {
		return nil
	}
	if err := r.lockTeam(ctx); err != nil || r.Caller == nil {
		return err
	}
	if err := r.nameFree(ctx, name, r.UserID); teambot.KindOf(err) == teambot.KindConflict {
		return nil
	} else if err != nil {
		return err
	}
	if err := r.Tx.RenameMember(ctx, r.Caller.ID, name); err != nil {
		return err
	}
	if err := r.Audit(ctx, "member.rename", r.UserID, "原名 "+r.Caller.Name+"；企业微信显示名 "+name); err != nil {
		return err
	}
	r.Caller.Name = name
	return nil
}

// HandleEvent reacts to a chat event: a welcome when the robot joins a group
// (creating the team), a greeting when a member opens a single chat, and
// forgetting the push key when the robot is removed. Like Handle, it returns
// teambot.ErrAlreadyHandled with the kept answer for a retry, and
// teambot.ErrUnavailable when the database could not be written.
func (e *Engine) HandleEvent(ctx context.Context, ev teambot.Event) (teambot.Reply, error) {
	var reply teambot.Reply
	inv := teambot.Invocation{Message: ev.Message, Word: "event:" + ev.Kind}
	err := e.cfg.Store.Update(ctx, func(tx Tx) error {
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
			reply.Text = r.greeting()
		}
		return e.keepReply(ctx, tx, ev.Message, reply)
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
	err := e.cfg.Store.Update(ctx, func(tx Tx) (err error) {
		if team, err = tx.TeamByChat(ctx, chatID); err != nil {
			return err
		}
		r := &Request{Tx: tx, Now: e.cfg.Now(), Team: &team, engine: e}
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
	r := &Request{Invocation: teambot.Invocation{Message: ev.Message}, Tx: tx, Now: e.cfg.Now(), engine: e}
	if err := markHandled(ctx, tx, ev.Message, r.Now); err != nil {
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
	return r.Audit(ctx, "team.push", ev.ChatID, "群机器人被移出群，推送地址已清除")
}

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
		kept, err := tx.KeptReplyOf(ctx, msg.Source, msg.ID)
		if err != nil {
			return err
		}
		return &alreadyHandled{kept: kept}
	}
	return nil
}

// alreadyHandled is teambot.ErrAlreadyHandled with the answer kept for the
// message.
type alreadyHandled struct{ kept teambot.KeptReply }

func (*alreadyHandled) Error() string        { return teambot.ErrAlreadyHandled.Error() }
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
		if e.cfg.Sealer == nil {
			kept = teambot.KeptReply{Reply: teambot.Reply{Private: true}}
		} else {
			sealed, err := e.cfg.Sealer.Seal(reply.Text)
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
		if e.cfg.Sealer == nil {
			return teambot.Reply{Text: notKept, Private: true}
		}
		text, err := e.cfg.Sealer.Open(k.Text)
		if err != nil {
			e.cfg.Log.Warn("a kept answer does not open (the sealing secret changed?)", "err", err)
			return teambot.Reply{Text: notKept, Private: true}
		}
		k.Text = text
	}
	return k.Reply
}

const welcomeText = "大家好，我是团队助手，帮团队记录名单、周报、会议和投票。\n" +
	"成员：@我 发送 /加入 你的名字 [角色]，角色有 文案、美工、技术、推广、客服。\n" +
	"管理员：成员登记后 @我 发送 /主管 @名字 指定主管。\n" +
	"发送 /帮助 查看全部命令。"

// greeting answers a member who opens a single chat with the bot.
func (r *Request) greeting() string {
	if r.Caller != nil {
		return "你好，" + r.Caller.Name + "。发送 /帮助 查看你可以用的命令。"
	}
	return "你好，我是团队助手。请在团队的群聊里 @我 发送 /加入 你的名字 [角色] 登记；发送 /帮助 查看命令。"
}

// route finds the command for the invocation's word, or explains why there
// is none with a suggestion.
func (e *Engine) route(r *Request) (*Command, error) {
	if r.Word == "" {
		return nil, teambot.Invalid("你好，我是团队助手。发送 /帮助 查看可用的命令。")
	}
	if c, ok := e.registry.Lookup(r.Word); ok {
		return c, nil
	}
	return nil, e.unknownCommand(r, r.Word)
}

func (e *Engine) unknownCommand(r *Request, word string) error {
	if c, ok := e.registry.Suggest(word, r.permits); ok {
		return teambot.Invalid("没有「%s」这个命令。你是不是想用 /%s（%s）？用法：%s", clip(word), c.Chinese, c.Name, c.UsageLine())
	}
	return teambot.Invalid("没有「%s」这个命令。发送 /帮助 查看可用的命令。", clip(word))
}

// permits reports whether the caller may run c (c.Who against the caller).
func (r *Request) permits(c *Command) bool { return r.permitsWho(c.Who) }

// permitsWho reports whether the caller is among who.
func (r *Request) permitsWho(who Who) bool {
	switch who {
	case Anyone:
		return true
	case Member:
		return r.Caller != nil
	case Supervisor:
		return r.Caller != nil && r.Caller.IsSupervisor()
	case SupervisorOrAdmin:
		return r.IsAdmin || (r.Caller != nil && r.Caller.IsSupervisor())
	}
	return false
}

// authorize refuses a caller who may not run c, saying who may: c.Who,
// and c.Change when arguments follow.
func (r *Request) authorize(ctx context.Context, c *Command) error {
	if c.Change != Anyone && len(r.Params) > 0 && r.permits(c) && !r.permitsWho(c.Change) {
		c = &Command{Who: c.Change, Forbidden: c.Forbidden, Chinese: c.Chinese, parent: c.parent, OnMention: c.OnMention}
	}
	if r.permits(c) {
		return nil
	}
	if r.Team == nil && r.Single() {
		// Not "only members may": the sender may be a member of no team,
		// or of several and not yet have chosen one for this chat.
		if err := r.needTeam(); err != nil {
			return err
		}
	}
	name := c.Path()
	if c.Forbidden != "" {
		return teambot.Forbidden(c.Forbidden, r.supervisorHint(ctx))
	}
	switch c.Who {
	case Member:
		return r.notMemberHint(ctx, name)
	case Supervisor:
		return teambot.Forbidden("%s%s 只有主管可以使用%s。", r.exSupervisor(ctx), name, r.supervisorHint(ctx))
	case SupervisorOrAdmin:
		return teambot.Forbidden("%s%s 只有主管或管理员可以使用%s。", r.exSupervisor(ctx), name, r.supervisorHint(ctx))
	}
	return fmt.Errorf("command %s: unknown Who %d", c.Name, c.Who)
}

// supervisorHint names the current supervisor, or says there is none yet.
func (r *Request) supervisorHint(ctx context.Context) string {
	if r.Team == nil {
		return "，本群还没有团队：先发送 /加入 你的名字 [角色] 登记"
	}
	if sup, ok := r.supervisor(ctx); ok {
		return "（现任主管：" + sup.Name + "）"
	}
	return "，本团队还没有主管：请管理员发送 /主管 @名字 指定"
}

// supervisor is the team's supervisor, if it has one.
func (r *Request) supervisor(ctx context.Context) (teambot.Member, bool) {
	if r.Team == nil {
		return teambot.Member{}, false
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return teambot.Member{}, false
	}
	for _, m := range members {
		if m.IsSupervisor() {
			return m, true
		}
	}
	return teambot.Member{}, false
}

// observe reports a command's outcome to Config.Observe.
func (e *Engine) observe(command string, err error) {
	if e.cfg.Observe == nil {
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
	e.cfg.Observe(command, outcome)
}

// notRunError is the error Handle returns for a message the database could
// not take: no reply, since an apology would tell the platform the message
// was taken and end its retries (the transport answers so that it tries
// again).
func (e *Engine) notRunError(ctx context.Context, inv teambot.Invocation, err error) error {
	if errors.Is(err, teambot.ErrUnavailable) {
		e.cfg.Log.WarnContext(ctx, "command not run: the database cannot be written; the platform may retry",
			"command", inv.Word, "chat", inv.ChatID, "user", inv.UserID, "msgid", inv.Message.ID, "err", err)
	}
	return err
}

// errorReply words err for the chat and logs what the chat must not see.
// ctx carries the callback's request id for the log line.
func (e *Engine) errorReply(ctx context.Context, inv teambot.Invocation, err error) teambot.Reply {
	if teambot.KindOf(err) == teambot.KindInternal {
		// Never log the message text: it may hold anything, passwords included.
		e.cfg.Log.ErrorContext(ctx, "command failed", "command", inv.Word, "chat", inv.ChatID, "user", inv.UserID, "msgid", inv.Message.ID, "err", err)
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
		return "「" + clip(inner) + "」"
	})
}

// usageError is the reply for a command written wrongly: what was wrong, then
// how to write it and an example.
func usageError(c *Command, problem string) error {
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
