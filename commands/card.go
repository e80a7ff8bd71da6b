// Cards (docs/cards.md): an area offers a kind of card — how it is built
// from the records and which command a click on it stands for — and a
// click runs that command as if the clicker had typed it, in their name,
// in one transaction: the same rows, the same checks of who may do what,
// the same refusals and the same audit, marked as from a card.

package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"teambot"
	"teambot/commands/lang"
)

// CardKind is a kind of card an area offers (teambot.CardVote, …).
type CardKind struct {
	Kind string
	// Build makes the card of subject as r's caller sees it now: their
	// ballot, or the decision once taken (Card.Done). r.Caller may be nil
	// (a reminder's card, seen by everyone).
	Build func(ctx context.Context, r *Request, subject int64) (*teambot.Card, error)
	// Command is the command a click with key and options stands for, as
	// the clicker would type it ("/请假 批准 12"); a refusal (a teambot
	// error) is shown on the card instead, nothing run.
	Command func(ctx context.Context, r *Request, subject int64, key string, options []string) (string, error)
	// AskReason names the keys whose command needs a reason: the click
	// asks for it (the value is the question) and the clicker's next
	// message in that chat is appended to the command.
	AskReason map[string]string
}

// RefreshKey is the key of a button that only shows the card as it now
// stands (the transport's "重新载入卡片" after a click that did not run).
const RefreshKey = "refresh"

// DoneKey is the key of the button that stands for a decision taken.
const DoneKey = "done"

// reasonWait is how long the answer to "why?" is waited for.
const reasonWait = 10 * time.Minute

// NewCard makes a card of kind for subject with a fresh task id, stored
// with what it stands for. It is nil when the engine has no such kind.
func NewCard(ctx context.Context, r *Request, kind string, subject int64) (*teambot.Card, error) {
	k, ok := r.Engine.cards[kind]
	if !ok || r.Team == nil {
		return nil, nil
	}
	card, err := k.Build(ctx, r, subject)
	if err != nil || card == nil {
		return nil, err
	}
	task := teambot.CardTask{TaskID: newTaskID(), TeamID: r.Team.ID, Kind: kind, Subject: subject, CreatedAt: r.Now}
	if err := r.Tx.NewCardTask(ctx, task); err != nil {
		return nil, err
	}
	card.Kind, card.Subject, card.TaskID = kind, subject, task.TaskID
	return card, nil
}

// newTaskID is a task id WeCom accepts (letters, digits, _-@; at most 128
// bytes) and never sees twice: it drops a card whose task id it has seen.
func newTaskID() string { return "tb-" + teambot.RandomHex(16) }

// PushCards says whether an outgoing message may carry a card: a channel
// that can show one reaches the team (the long connection).
func PushCards(r *Request) bool { return r.Engine.Config.PushCards }

func (e *Engine) handleClick(ctx context.Context, c teambot.Click) (teambot.Reply, error) {
	msg := c.Message
	if msg.ID == "" { // one click of one key by one member on one card
		msg.ID = "card " + c.TaskID + " " + c.UserID + " " + c.Key + " " + strings.Join(c.Options, ",")
	}
	// The answer to a click is the card updated for the clicker alone:
	// nothing of it is shown to the group.
	msg.Whisper, msg.Text = true, ""
	inv := teambot.Invocation{Message: msg, Word: "card"}
	var reply teambot.Reply
	command := "card"
	err := e.Config.Store.Update(ctx, func(tx Tx) error {
		r := &Request{Invocation: inv, Tx: tx, Now: e.Config.Now(), Engine: e}
		for _, a := range e.Config.Admins {
			r.IsAdmin = r.IsAdmin || a == msg.UserID
		}
		if err := checkHandled(ctx, tx, msg, false); err != nil {
			return err
		}
		if err := tx.Savepoint(ctx, "command"); err != nil {
			return err
		}
		var err error
		reply, err = e.click(ctx, r, c)
		if r.Command != nil {
			command = r.Command.Name
		}
		if err != nil && teambot.KindOf(err) == teambot.KindInternal {
			return err
		}
		if err != nil {
			if err := tx.RollbackTo(ctx, "command"); err != nil {
				return err
			}
			reply = teambot.Reply{Text: teambot.UserMessage(err)}
			if reply.Card, err = e.clickedCard(ctx, r, c, reply.Text); err != nil {
				return err
			}
		}
		reply.Private = true
		tx.Release("command") // the kept answer is not the command's to undo
		return e.recordHandled(ctx, tx, msg, reply, r.Now)
	})
	var dup *alreadyHandled
	switch {
	case errors.As(err, &dup):
		return e.keptReply(dup.kept), teambot.ErrAlreadyHandled
	case errors.Is(err, teambot.ErrUnavailable):
		e.observe(command, err)
		return teambot.Reply{}, e.notRunError(ctx, inv, err)
	case err != nil:
		e.observe(command, err)
		return teambot.Reply{Text: e.errorReply(ctx, inv, err).Text, Private: true}, nil
	}
	e.observe(command, nil)
	return reply, nil
}

// click resolves the card, checks the clicker is in its team, and runs
// what the click stands for. The reply carries the card as it now stands.
func (e *Engine) click(ctx context.Context, r *Request, c teambot.Click) (teambot.Reply, error) {
	task, kind, err := e.cardTask(ctx, r, c.TaskID)
	if err != nil {
		return teambot.Reply{}, err
	}
	card, err := kind.Build(ctx, r, task.Subject)
	if err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case c.Key == RefreshKey:
		return e.cardReply(ctx, r, c, "")
	case card.Done != "":
		// Decided already, on this card, another device or an old card.
		return teambot.Reply{}, teambot.Conflict("已处理：%s。", card.Done)
	}
	if question, ok := kind.AskReason[c.Key]; ok {
		w := teambot.CardReason{UserID: r.UserID, TaskID: task.TaskID, Key: c.Key, Until: r.Now.Add(reasonWait)}
		if err := r.Tx.AwaitCardReason(ctx, w); err != nil {
			return teambot.Reply{}, err
		}
		return e.cardReply(ctx, r, c, question)
	}
	text, err := kind.Command(ctx, r, task.Subject, c.Key, c.Options)
	if err != nil {
		return teambot.Reply{}, err
	}
	// A button pressed instead of answering "why?": the question is off.
	if err := r.Tx.DropCardReason(ctx, r.UserID); err != nil {
		return teambot.Reply{}, err
	}
	reply, err := e.runAs(ctx, r, text)
	if err != nil {
		return teambot.Reply{}, err
	}
	// The card says where the matter now stands (the clicker's ballot, the
	// decision) in its own words; the command's reply is the text.
	if card, err = e.clickedCard(ctx, r, c, ""); err != nil {
		return teambot.Reply{}, err
	}
	if card != nil && card.Note == "" {
		card.Note = clipNote(reply.Text)
	}
	reply.Card = card
	return reply, nil
}

// cardTask loads what a card stands for and the clicker's membership of
// its team: a click from outside the team is refused.
func (e *Engine) cardTask(ctx context.Context, r *Request, taskID string) (teambot.CardTask, CardKind, error) {
	task, err := r.Tx.CardTask(ctx, taskID)
	if errors.Is(err, teambot.ErrNotFound) {
		return task, CardKind{}, teambot.NotFound("这张卡片已失效（机器人不认识它）。请发送文字命令，发送 /帮助 查看。")
	} else if err != nil {
		return task, CardKind{}, err
	}
	kind, ok := e.cards[task.Kind]
	if !ok {
		return task, kind, teambot.NotFound("这种卡片已不再使用。请发送文字命令，发送 /帮助 查看。")
	}
	team, err := r.Tx.TeamByID(ctx, task.TeamID)
	if err != nil {
		return task, kind, err
	}
	r.Team, r.Clicked, r.Caller = &team, &task, nil
	if err := loadCaller(ctx, r); err != nil {
		return task, kind, err
	}
	if r.Caller == nil && !r.IsAdmin {
		return task, kind, teambot.Forbidden("你不是这个团队的成员，这张卡片不能由你操作。")
	}
	return task, kind, nil
}

// runAs runs text as the request's caller had typed it: parsed, routed,
// authorized and handled like any message.
func (e *Engine) runAs(ctx context.Context, r *Request, text string) (teambot.Reply, error) {
	p := lang.Parse(text, nil)
	msg := r.Message
	msg.Text = text
	r.Invocation = teambot.Invocation{Message: msg, Word: p.Word, Args: p.Args, Rest: p.Rest}
	return e.run(ctx, r)
}

// cardReply is the clicked card rebuilt from the records, with note below
// it when the card itself has none to show.
func (e *Engine) cardReply(ctx context.Context, r *Request, c teambot.Click, note string) (teambot.Reply, error) {
	card, err := e.clickedCard(ctx, r, c, note)
	if err != nil {
		return teambot.Reply{}, err
	}
	text := note
	if text == "" {
		text = card.Note
	}
	return teambot.Reply{Text: text, Card: card}, nil
}

// clickedCard rebuilds the card c was on, under its own task id; note, when
// set, replaces the card's own. It is nil when the card is not known (the
// transport then leaves the card as it is).
func (e *Engine) clickedCard(ctx context.Context, r *Request, c teambot.Click, note string) (*teambot.Card, error) {
	if r.Clicked == nil || r.Team == nil {
		return nil, nil
	}
	kind := e.cards[r.Clicked.Kind]
	card, err := kind.Build(ctx, r, r.Clicked.Subject)
	if err != nil || card == nil {
		return nil, err
	}
	card.Kind, card.Subject, card.TaskID = r.Clicked.Kind, r.Clicked.Subject, c.TaskID
	if note != "" {
		card.Note = clipNote(note)
	}
	return card, nil
}

// clipNote keeps a note to what a card shows well.
func clipNote(s string) string {
	const most = 200
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	return string([]rune(s)[:most-1]) + "…"
}

// reasonGiven runs the command a click asked a reason for, with the
// message the clicker wrote next in a single chat as that reason. It
// reports false when no reason is awaited from them (a message that names
// a command never is one).
func (e *Engine) reasonGiven(ctx context.Context, r *Request) (teambot.Reply, bool, error) {
	if !r.Single() || strings.TrimSpace(r.Text) == "" {
		return teambot.Reply{}, false, nil
	}
	if _, known := e.registry.Lookup(r.Word); known {
		return teambot.Reply{}, false, nil
	}
	w, ok, err := r.Tx.TakeCardReason(ctx, r.UserID, r.Now)
	if err != nil || !ok {
		return teambot.Reply{}, false, err
	}
	task, kind, err := e.cardTask(ctx, r, w.TaskID)
	if err != nil {
		return teambot.Reply{}, true, err
	}
	// Decided meanwhile (a typed command, another device): the question is
	// off and the message was not an answer to it.
	if card, err := kind.Build(ctx, r, task.Subject); err != nil {
		return teambot.Reply{}, true, err
	} else if card.Done != "" {
		return teambot.Reply{Text: fmt.Sprintf("这件事已经处理了（%s），这条消息没有当作理由。", card.Done)}, true, nil
	}
	text, err := kind.Command(ctx, r, task.Subject, w.Key, nil)
	if err != nil {
		return teambot.Reply{}, true, err
	}
	reason := strings.Join(strings.Fields(r.Text), " ")
	reply, err := e.runAs(ctx, r, text+" "+reason)
	return reply, true, err
}

// Decided is the line that replaces a decision card's buttons: what was
// decided, by whom (their name in the team, or the userid of someone no
// longer on it) and when, "已批准 · 王芳 12月3日 10:02".
func Decided(ctx context.Context, r *Request, what, userID string, at time.Time) (string, error) {
	who := userID
	if userID != "" {
		m, err := r.Tx.MemberByUser(ctx, r.Team.ID, userID)
		switch {
		case err == nil:
			who = m.Name
		case !errors.Is(err, teambot.ErrNotFound):
			return "", err
		}
	}
	parts := []string{what}
	if who != "" {
		parts = append(parts, who)
	}
	if !at.IsZero() {
		parts[len(parts)-1] += " " + at.In(r.Location()).Format("1月2日 15:04")
	}
	return strings.Join(parts, " · "), nil
}

// SupervisorViews reports whether what a card shows may include what only
// the supervisor and the member concerned see (a reason, R14): the card
// answering a click goes to the clicker, whoever they are.
func SupervisorViews(r *Request, userID string) bool {
	return r.Caller != nil && (r.Caller.IsSupervisor() || r.Caller.UserID == userID)
}
