package vote

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"teambot"
	"teambot/commands"
)

// Cards are this area's kind of card: a vote posted in the group (R11),
// each member choosing on it as with /投票 ID 序号.
func Cards() []commands.CardKind {
	return []commands.CardKind{{Kind: teambot.CardVote, Build: voteCard, Command: ballotOf}}
}

// cardSubmit is the vote card's submit key; its options are "o1", "o2", …
const cardSubmit = "ballot"

// voteCard is vote id as the caller sees it: the title, deadline, rule in
// one line and turnout, and their own choice (never anyone else's: an
// anonymous vote's card shows nothing more than its turnout). Once the
// vote is closed it shows the result and takes no more choices.
func voteCard(ctx context.Context, r *commands.Request, id int64) (*teambot.Card, error) {
	v, err := txOf(r).VoteByID(ctx, r.Team.ID, id)
	if errors.Is(err, teambot.ErrNotFound) {
		return nil, teambot.NotFound("没有编号为 #%d 的投票。发送 /投票 列表 查看进行中的投票。", id)
	} else if err != nil {
		return nil, err
	}
	c, err := count(ctx, r, v)
	if err != nil {
		return nil, err
	}
	card := &teambot.Card{
		Title: fmt.Sprintf("%s #%d：%s", voteKindCN(v), v.ID, v.Title),
		Desc:  "截止 " + r.Moment(v.Deadline),
		Lines: []teambot.CardLine{{Label: "规则", Value: ruleLine(r, v, c.q)}, {Label: "进度", Value: fmt.Sprintf("已投 %d/%d 人", c.q.cast(), len(c.q.in))}},
	}
	if v.Anonymous {
		card.Lines = append(card.Lines, teambot.CardLine{Label: "匿名", Value: "谁投了什么不公开"})
	}
	choice := &teambot.CardChoice{Submit: "投票", Key: cardSubmit}
	for i, o := range v.Options {
		choice.Options = append(choice.Options, teambot.CardOption{ID: "o" + strconv.Itoa(i+1), Text: o})
	}
	card.Choice = choice
	if r.Caller != nil {
		key := ballotKey(r, v, r.Caller.ID)
		bs, err := txOf(r).Ballots(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			if b.Voter == key && b.Choice < len(v.Options) {
				choice.Chosen = "o" + strconv.Itoa(b.Choice+1)
				card.Note = "已投：" + v.Options[b.Choice] + "，可在截止前更改"
			}
		}
	}
	if v.Status != teambot.VoteOpen || !r.Now.Before(v.Deadline) {
		choice.Closed = true
		card.Done = "已结束：" + resultBrief(v, c)
		card.Note = card.Done
	}
	return card, nil
}

// resultBrief is a closed vote's outcome and count in one line:
// 通过（同意 3 · 反对 1 · 弃权 0）.
func resultBrief(v teambot.Vote, c counted) string {
	if v.Status != teambot.VoteClosed {
		return "正在计票，结果马上公布"
	}
	parts := make([]string, len(v.Options))
	for i, o := range v.Options {
		n := 0
		if i < len(c.Counts) {
			n = c.Counts[i]
		}
		parts[i] = fmt.Sprintf("%s %d", o, n)
	}
	return teambot.OutcomeCN(v.Outcome) + "（" + strings.Join(parts, " · ") + "）"
}

// ballotOf is the command a choice on the card stands for: /投票 ID 序号.
func ballotOf(_ context.Context, _ *commands.Request, id int64, _ string, options []string) (string, error) {
	if len(options) != 1 {
		return "", teambot.Invalid("请先选一个选项，再点「投票」。")
	}
	n, err := strconv.Atoi(strings.TrimPrefix(options[0], "o"))
	if err != nil || n < 1 || !strings.HasPrefix(options[0], "o") {
		return "", teambot.Invalid("这个选项无法识别，请发送 /投票 %d 选项 投票。", id)
	}
	return fmt.Sprintf("/投票 %d %d", id, n), nil
}

// groupCard is the card of vote id as the group sees it, when a card can
// be shown there: in the reply (r.Cards) or, push, in a message the bot
// sends (commands.PushCards). The result follows a closed vote's card as
// a card of its own: WeCom lets a card change only in answer to a click.
//
// The card stands in for the text, so a result's card carries the whole
// result as its note.
func groupCard(ctx context.Context, r *commands.Request, id int64, push bool, result string) (*teambot.Card, error) {
	if (push && !commands.PushCards(r)) || (!push && !r.Cards) {
		return nil, nil
	}
	caller := r.Caller
	r.Caller = nil // seen by the whole group: nobody's own choice
	defer func() { r.Caller = caller }()
	card, err := commands.NewCard(ctx, r, teambot.CardVote, id)
	if card != nil && result != "" {
		card.Note = result
	}
	return card, err
}
