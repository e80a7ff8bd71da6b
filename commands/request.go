// A request is one command being carried out: who sent it, in which chat,
// for which team, in which transaction. This file loads it (the team of the
// chat or of a single chat, the caller's membership) and keeps the caller's
// name and push key current.

package commands

import (
	"context"
	"errors"
	"slices"
	"time"

	"teambot"
)

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

	// Clicked is the card a click came from (or whose reason this message
	// gives): the command runs as typed, its audit marked as from a card.
	Clicked *teambot.CardTask

	TeamLabels []string // how Teams are named to the sender, in order
	// awaiting names the teams a single chat's sender, in no team yet,
	// has asked to join.
	awaiting []string
	Engine   *Engine
}

// Location is the team's time zone, or the default for a chat with no team.
func (r *Request) Location() *time.Location {
	if r.Team != nil {
		return r.Team.Location()
	}
	return r.Engine.loc
}

// Today is the current date in the team's time zone.
func (r *Request) Today() teambot.Date { return teambot.DateOf(r.Now.In(r.Location())) }

// Audit records a change made by this request (everything that changes a
// record writes one row: who, what, when, from which message).
func (r *Request) Audit(ctx context.Context, action, target, detail string) error {
	if r.Clicked != nil {
		detail += "（来自卡片 " + r.Clicked.TaskID + "）"
	}
	e := teambot.AuditEntry{Actor: r.UserID, Action: action, Target: target, Detail: detail, MsgID: r.Message.ID, At: r.Now}
	if r.Team != nil {
		e.TeamID = r.Team.ID
	}
	return r.Tx.Audit(ctx, &e)
}

// newRequest finds a message handled before (an *alreadyHandled), else
// loads (or, on a group's first contact, creates) the chat's team and the
// sender's membership, and keeps the team's push key and the sender's name
// current. The id is recorded at the end, with the answer (handled.go).
func (e *Engine) newRequest(ctx context.Context, tx Tx, inv teambot.Invocation) (*Request, error) {
	r := &Request{Invocation: inv, Tx: tx, Now: e.Config.Now(), IsAdmin: slices.Contains(e.Config.Admins, inv.UserID), Engine: e}
	if inv.Single() {
		if err := checkHandled(ctx, tx, inv.Message, false); err != nil {
			return nil, err
		}
		return r, loadSingleChatTeam(ctx, r)
	}
	// Whether the id was seen, the team and the sender in one round trip:
	// nearly every group message finds its team there.
	team, sender, first, err := tx.ArriveInGroup(ctx, inv.Message)
	switch {
	case errors.Is(err, teambot.ErrNotFound):
		if err := createTeam(ctx, r); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case !first:
		return nil, checkHandled(ctx, tx, inv.Message, true)
	default:
		r.Team = &team
		if sender.Active() {
			r.Caller = &sender
		}
	}
	if err := notePushKey(ctx, r); err != nil {
		return nil, err
	}
	return r, syncName(ctx, r)
}

// createTeam creates the team of a group chat that has none (R1: a team
// is one group chat, created on first contact), or loads the one a
// concurrent first message created.
func createTeam(ctx context.Context, r *Request) error {
	team := teambot.Team{ChatID: r.ChatID, TimeZone: r.Engine.Config.TimeZone, CreatedAt: r.Now}
	created, err := r.Tx.EnsureTeam(ctx, &team)
	if err != nil {
		return err
	}
	r.Team = &team
	if created {
		if err := r.Audit(ctx, "team.create", r.ChatID, "群里第一次联系机器人时建立团队"); err != nil {
			return err
		}
	}
	return loadCaller(ctx, r)
}

// loadSingleChatTeam picks the team a single chat acts for: the sender's
// only team, or, for a member of several, the one they chose with
// /团队 切换 while they are still in it.
func loadSingleChatTeam(ctx context.Context, r *Request) error {
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
		r.awaiting, err = TeamLabels(ctx, r.Tx, awaiting)
		return err
	case 1:
		r.Team = &teams[0]
		return loadCaller(ctx, r)
	}
	r.Teams = teams
	if r.TeamLabels, err = TeamLabels(ctx, r.Tx, teams); err != nil {
		return err
	}
	chosen, err := r.Tx.ChosenTeam(ctx, r.UserID)
	if err != nil {
		return err
	}
	for i := range teams {
		if teams[i].ID == chosen {
			r.Team = &teams[i]
			return loadCaller(ctx, r)
		}
	}
	return nil
}

func loadCaller(ctx context.Context, r *Request) error {
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
func notePushKey(ctx context.Context, r *Request) error {
	sealer := r.Engine.Config.Sealer
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
func syncName(ctx context.Context, r *Request) error {
	name := r.UserName
	if r.Caller == nil || name == "" || name == r.Caller.Name || CheckNameText(name) != nil {
		return nil
	}
	if err := r.LockTeam(ctx); err != nil || r.Caller == nil {
		return err
	}
	if err := NameFree(ctx, r, name, r.UserID); teambot.KindOf(err) == teambot.KindConflict {
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
