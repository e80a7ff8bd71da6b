package vote

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"teambot/commands"
	"time"

	"teambot"
)

// voteNagQuiet is how long after a vote is created 投票催促 stays silent.
const voteNagQuiet = 30 * time.Minute

// CloseDue closes every open vote whose deadline has come (R11,
// docs/product.md §6 "vote deadline"): one transaction per vote locks it, counts
// it, records the outcome and enqueues the announcement for the group. A
// vote another replica (or an earlier tick) closed is left alone, so each
// vote is closed and announced once — also when its deadline passed while
// the bot was down.
func (j Jobs) CloseDue(ctx context.Context, now time.Time) error {
	e := j.Engine
	var due []teambot.Vote
	err := e.Config.Store.Update(ctx, func(tx commands.Tx) (err error) {
		due, err = asTx(tx).Votes(ctx, teambot.VoteFilter{Status: teambot.VoteOpen, DeadlineBy: now})
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, v := range due {
		if err := closeAtDeadline(ctx, e, v, now); err != nil {
			errs = append(errs, fmt.Errorf("close vote %d of team %d: %w", v.ID, v.TeamID, err))
		}
	}
	return errors.Join(errs...)
}

func closeAtDeadline(ctx context.Context, e *commands.Engine, due teambot.Vote, now time.Time) error {
	return e.Config.Store.Update(ctx, func(tx commands.Tx) error {
		team, err := tx.TeamByID(ctx, due.TeamID)
		if err != nil {
			return err
		}
		r := &commands.Request{Tx: tx, Now: now, Team: &team, Engine: e}
		r.UserID = voteCloser
		v, err := asTx(tx).LockVote(ctx, team.ID, due.ID, now)
		if err != nil {
			return err
		}
		if v.Status != teambot.VoteOpen || now.Before(v.Deadline) {
			return nil // closed meanwhile
		}
		v, text, err := settle(ctx, r, v, "", v.Deadline) // as of the deadline, also when closed late (R11)
		if err != nil {
			return err
		}
		e.Config.Log.Info("vote closed at its deadline", "team", team.ID, "vote", v.ID, "outcome", v.Outcome)
		card, err := groupCard(ctx, r, v.ID, true, text)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, []teambot.Outgoing{{TeamID: team.ID, Channel: teambot.ToGroup, Text: text, Card: card,
			Origin: fmt.Sprintf("%s:%d %s", JobVoteClose, v.ID, v.Deadline.UTC().Format(time.RFC3339))}}, now)
	})
}

// Quiet hours of 投票催促 in the team's zone: a reminder that would fall
// from voteNightFrom to voteNightTo goes at voteEveningLast the evening
// before instead.
const (
	voteNightFrom   = 21
	voteNightTo     = 8
	voteEveningLast = 20*time.Hour + 59*time.Minute
	// voteNagEarliest bounds how long before a deadline a reminder may be
	// moved: a deadline at 09:59 is reminded at 20:59 the evening before.
	voteNagEarliest = NagBefore + 14*time.Hour
)

// voteNagAt is when 投票催促 goes out for a deadline in loc: 2 hours before,
// unless that is at night (21:00–08:00), then at 20:59 before the night.
func voteNagAt(deadline time.Time, loc *time.Location) time.Time {
	at := deadline.Add(-NagBefore).In(loc)
	if h := at.Hour(); h >= voteNightTo && h < voteNightFrom {
		return at
	}
	evening := at
	if at.Hour() < voteNightTo {
		evening = at.AddDate(0, 0, -1)
	}
	y, m, d := evening.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc).Add(voteEveningLast)
}

// Firings lists the 投票催促 reminders due at now: for every open vote
// whose reminder time (voteNagAt) has come, one firing named vote_nag:ID
// with the deadline as its Subject. A vote created less than voteNagQuiet
// before its reminder time gets none: it was just announced.
func (j Jobs) Firings(ctx context.Context, now time.Time) ([]teambot.Firing, error) {
	e := j.Engine
	var out []teambot.Firing
	err := e.Config.Store.Update(ctx, func(tx commands.Tx) error {
		votes, err := asTx(tx).Votes(ctx, teambot.VoteFilter{Status: teambot.VoteOpen, DeadlineBy: now.Add(voteNagEarliest)})
		if err != nil {
			return err
		}
		teams := map[int64]teambot.Team{}
		for _, v := range votes {
			team, ok := teams[v.TeamID]
			if !ok {
				if team, err = tx.TeamByID(ctx, v.TeamID); err != nil {
					return err
				}
				teams[v.TeamID] = team
			}
			at := voteNagAt(v.Deadline, team.Location())
			if now.Before(at) || !now.Before(v.Deadline) || at.Before(v.CreatedAt.Add(voteNagQuiet)) {
				continue
			}
			out = append(out, teambot.Firing{TeamID: team.ID, ChatID: team.ChatID, Job: JobVoteNag + ":" + strconv.FormatInt(v.ID, 10),
				At: at.UTC(), Subject: v.Deadline.UTC()})
		}
		return nil
	})
	return out, err
}

// Nag composes 投票催促 for the vote a VoteFirings firing names: one
// group message that @mentions the members of its electorate still in the
// team who have not voted and are not on leave at the deadline. Only
// whether someone voted is said, never what, so it is the same for
// anonymous votes. Nothing is sent when everyone counted has voted or the
// vote is no longer open.
func (j Jobs) Nag(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
	e := j.Engine
	id, err := strconv.ParseInt(strings.TrimPrefix(f.Job, JobVoteNag+":"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("vote reminder %q: no vote id", f.Job)
	}
	var out []teambot.Outgoing
	err = e.FiringRequest(ctx, f, func(r *commands.Request) error {
		r.Now = e.Config.Now()
		v, err := txOf(r).VoteByID(ctx, r.Team.ID, id)
		if err != nil || !v.Open(r.Now) {
			return err
		}
		q, err := quorumNow(ctx, r, v)
		if err != nil {
			return err
		}
		var names, mentions []string
		for _, m := range q.pending() {
			names = append(names, m.Name)
			mentions = append(mentions, m.UserID)
		}
		if len(names) == 0 {
			return nil
		}
		text := fmt.Sprintf("【投票催促】%s #%d「%s」将在 %s 截止，已投 %d/%d 人。尚未投票的 %d 人：%s。\n%s",
			voteKindCN(v), v.ID, v.Title, r.Moment(v.Deadline), q.cast(), len(q.in), len(names), commands.NameList(names), howToVote(v))
		out = append(out, commands.GroupMessage(r, f, JobVoteNag, text, mentions))
		return nil
	})
	return out, err
}

// Jobs are the votes' timed work, for the scheduler: closing votes at
// their deadline (R11) and reminding those who have not voted.
type Jobs struct{ Engine *commands.Engine }
