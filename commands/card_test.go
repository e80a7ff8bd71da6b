package commands_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// cardTeam is voteTeam (王芳 supervising 张三, 李四, 王五) on an engine that
// can push cards (the long connection is configured).
func cardTeam(t *testing.T, db *storage.DB) (*chat, *time.Time) {
	t.Helper()
	c, clock := voteTeam(t, db)
	e, err := rulebook.New(commands.Config{
		Store: commands.StoreOf(db.Update), Now: func() time.Time { return *clock },
		Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"},
		DirectMessages: true, PushCards: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.engine = e
	return c, clock
}

// botSay sends text as user in the group through the AI bot, which shows
// cards, and returns the reply.
func (c *chat) botSay(user, text string) teambot.Reply {
	c.t.Helper()
	return c.send(teambot.Message{Source: "bot", ChatID: c.chatID, ChatType: teambot.ChatGroup, UserID: user, Text: text, Cards: true})
}

// click is user clicking key (and options) on card in chatID ("" for
// their single chat), as a fresh event.
func (c *chat) click(user, chatID string, card *teambot.Card, key string, options ...string) teambot.Reply {
	c.t.Helper()
	if card == nil {
		c.t.Fatal("no card to click")
	}
	c.seq++
	msg := teambot.Message{Source: "bot", ID: fmt.Sprint("click", c.seq), ChatID: chatID, ChatType: teambot.ChatGroup, UserID: user, Cards: true}
	if chatID == "" {
		msg.ChatType = teambot.ChatSingle
	}
	r, err := c.engine.HandleClick(context.Background(), teambot.Click{Message: msg, TaskID: card.TaskID, Key: key, Options: options})
	if err != nil {
		c.t.Fatalf("click %s on %s: %v", key, card.TaskID, err)
	}
	if r.Card != nil && r.Card.TaskID != card.TaskID {
		c.t.Errorf("the updated card has task id %q, want the clicked one %q", r.Card.TaskID, card.TaskID)
	}
	return r
}

// choices is the vote's stored ballots as member id → option text.
func (c *chat) choices(v teambot.Vote) map[int64]string {
	c.t.Helper()
	out := map[int64]string{}
	for _, b := range c.ballots(v.ID) {
		out[b.MemberID] = v.Options[b.Choice]
	}
	return out
}

// R11 on a card: the vote card is posted with the rule and the options;
// clicks cast and change ballots exactly as /投票 ID 序号 would (checked
// against a twin vote typed by the same members); the clicker's card shows
// their own choice; the supervisor's typed veto closes it with a result
// card; a click afterwards is told it is over; someone outside the team is
// refused; the audit marks the ballots as from a card.
func TestVoteCardClicks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := cardTeam(t, db)
		r := c.botSay("zhangsan", "/投票 发起 是否参加双十二大促 截止 明天 18:00")
		card := r.Card
		if card == nil || card.Kind != teambot.CardVote || card.Choice == nil || card.TaskID == "" {
			t.Fatalf("no vote card in the reply: %+v", r)
		}
		if got := optionTexts(card.Choice.Options); got != "同意|反对|弃权" {
			t.Errorf("options %q", got)
		}
		if !strings.Contains(card.Title, "是否参加双十二大促") || !strings.Contains(cardText(card), "过半数同意即通过") || !strings.Contains(cardText(card), "已投 0/4 人") {
			t.Errorf("card lacks title, rule or turnout: %+v", card)
		}
		if !strings.Contains(r.Text, "/同意") {
			t.Errorf("the text fallback does not name the command: %s", r.Text)
		}
		twin := c.botSay("zhangsan", "/投票 发起 双十二预算 截止 明天 18:00").Card

		got := c.click("zhangsan", c.chatID, card, "ballot", "o1")
		if got.Card.Choice.Chosen != "o1" || !strings.Contains(got.Card.Note, "已投：同意，可在截止前更改") {
			t.Errorf("clicker's card: %+v", got.Card)
		}
		c.click("lisi", c.chatID, card, "ballot", "o2")
		c.click("wangwu", c.chatID, card, "ballot", "o1")
		changed := c.click("lisi", c.chatID, card, "ballot", "o1") // 李四 changes his mind
		if changed.Card.Choice.Chosen != "o1" || !strings.Contains(changed.Card.Note, "已投：同意") {
			t.Errorf("changed ballot's card: %+v", changed.Card)
		}
		c.expect("zhangsan", fmt.Sprintf("/投票 %d 1", twin.Subject), "已记录")
		c.expect("lisi", fmt.Sprintf("/投票 %d 2", twin.Subject), "已记录")
		c.expect("wangwu", fmt.Sprintf("/投票 %d 1", twin.Subject), "已记录")
		c.expect("lisi", fmt.Sprintf("/投票 %d 1", twin.Subject), "已改票")

		votes := c.votes()
		clicked, typed := withID(c, votes, card.Subject, "vote", voteID), withID(c, votes, twin.Subject, "vote", voteID)
		if a, b := fmt.Sprint(c.choices(clicked)), fmt.Sprint(c.choices(typed)); a != b || strings.Count(a, "同意") != 3 {
			t.Errorf("ballots by card %s, typed %s", a, b)
		}

		refused := c.click("stranger", c.chatID, card, "ballot", "o2")
		if !strings.Contains(refused.Text, "不是这个团队的成员") {
			t.Errorf("a stranger's click: %q", refused.Text)
		}
		if n := len(c.ballots(card.Subject)); n != 3 {
			t.Errorf("%d ballots after a stranger's click, want 3", n)
		}

		// A member removed meanwhile (R18) is outside the team: refused too.
		c.expect("wangfang", "/移除 @王五", "已将 王五 移出团队名单")
		if r := c.click("wangwu", c.chatID, card, "ballot", "o2"); !strings.Contains(r.Text, "不是这个团队的成员") {
			t.Errorf("a removed member's click: %q", r.Text)
		}

		veto := c.botSay("wangfang", fmt.Sprintf("/投票 否决 %d 预算不够", card.Subject))
		if veto.Card == nil || !strings.Contains(veto.Card.Done, "被主管否决") || !veto.Card.Choice.Closed || veto.Card.TaskID == card.TaskID || veto.Card.Note != veto.Text {
			t.Errorf("the result card: %+v", veto.Card)
		}
		if !strings.Contains(veto.Text, "预算不够") {
			t.Errorf("the result lacks the veto's reason: %q", veto.Text)
		}
		late := c.click("zhangsan", c.chatID, card, "ballot", "o2")
		if !strings.Contains(late.Text, "已处理") || !strings.Contains(late.Text, "被主管否决") || late.Card == nil || !late.Card.Choice.Closed {
			t.Errorf("a click after the veto: %+v", late)
		}

		var fromCard int
		for _, a := range c.audit() {
			if a.Action == "vote.ballot" && strings.Contains(a.Detail, "来自卡片 "+card.TaskID) {
				fromCard++
			}
		}
		if fromCard != 4 {
			t.Errorf("%d ballots audited as from the card, want 4", fromCard)
		}
	})
}

func voteID(v teambot.Vote) int64 { return v.ID }

// cardIn is the one card of kind among out.
func cardIn(t *testing.T, out []teambot.Outgoing, kind string) *teambot.Card {
	t.Helper()
	var found []*teambot.Card
	for _, m := range out {
		if m.Card != nil && m.Card.Kind == kind {
			found = append(found, m.Card)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s card among %+v", kind, out)
	}
	return found[0]
}

func optionTexts(os []teambot.CardOption) string {
	var s []string
	for _, o := range os {
		s = append(s, o.Text)
	}
	return strings.Join(s, "|")
}

// cardText is everything a card says, for searching.
func cardText(card *teambot.Card) string {
	s := []string{card.Title, card.Desc, card.Note, card.Done}
	for _, l := range card.Lines {
		s = append(s, l.Label+"："+l.Value)
	}
	return strings.Join(s, "\n")
}

// R9 on a card: a leave request brings the supervisor a card in the single
// chat (with the reason, R14); a member clicking it is refused and nothing
// changes; the supervisor's click approves it and the buttons become the
// decision; a second click, from the same or an old card, is 已处理. 驳回
// asks for the reason and takes the next message.
func TestLeaveCardDecision(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := cardTeam(t, db)
		c.expect("zhangsan", "/请假 11月27日 看牙医", "#1", "等待主管 王芳 批准")
		out := c.outbox(now)
		if len(out) != 1 || out[0].Card == nil || out[0].Card.Kind != teambot.CardLeave || fmt.Sprint(out[0].Users) != "[wangfang]" {
			t.Fatalf("want one leave card for the supervisor, got %+v", out)
		}
		card := out[0].Card
		if !strings.Contains(cardText(card), "理由：看牙医") || len(card.Buttons) != 2 || !strings.Contains(out[0].Text, "/请假 批准 1") {
			t.Errorf("leave card: %+v, text %q", card, out[0].Text)
		}

		refused := c.click("lisi", "", card, "approve")
		if !strings.Contains(refused.Text, "主管") || refused.Card == nil || len(refused.Card.Buttons) != 2 {
			t.Errorf("a member's click: %+v", refused)
		}
		if strings.Contains(cardText(refused.Card), "看牙医") {
			t.Errorf("a member who clicked sees the reason: %+v", refused.Card)
		}
		if l := c.leave(1); l.Status != teambot.LeavePending {
			t.Errorf("after a member's click the leave is %s", l.Status)
		}

		ok := c.click("wangfang", "", card, "approve")
		if ok.Card == nil || ok.Card.Done != "已批准 · 王芳 11月25日 10:00" || len(ok.Card.Buttons) != 0 {
			t.Errorf("after approving: %+v", ok.Card)
		}
		if l := c.leave(1); l.Status != teambot.LeaveApproved || l.DecidedBy != "wangfang" {
			t.Errorf("leave after the click: %+v", l)
		}
		again := c.click("wangfang", "", card, "reject")
		if !strings.Contains(again.Text, "已处理") || again.Card.Done == "" {
			t.Errorf("a second click: %+v", again)
		}

		// 驳回 asks why; the next message is the reason.
		c.expect("lisi", "/请假 11月30日 家里有事", "#2")
		card2 := cardIn(t, c.outbox(now), teambot.CardLeave)
		ask := c.click("wangfang", "", card2, "reject")
		if !strings.Contains(ask.Card.Note, "驳回的理由") {
			t.Errorf("驳回 does not ask why: %+v", ask.Card)
		}
		c.expectSingle("wangfang", "月底上线，请改到下周", "已驳回")
		l := c.leave(2)
		if l.Status != teambot.LeaveRejected || l.DecisionNote != "月底上线，请改到下周" {
			t.Errorf("rejected leave: %+v", l)
		}
		c.expectSingle("wangfang", "月底上线", "") // no reason waited for any more: an ordinary message
		if l := c.leave(2); l.DecisionNote != "月底上线，请改到下周" {
			t.Errorf("a later message changed the reason: %+v", l)
		}

		// 驳回 and then 批准 instead: the question is off, and the next
		// message is an ordinary one, not a reason.
		c.expect("wangwu", "/请假 12月2日 看病", "#3")
		card4 := cardIn(t, c.outbox(now), teambot.CardLeave)
		c.click("wangfang", "", card4, "reject")
		c.click("wangfang", "", card4, "approve")
		if got := c.expectSingle("wangfang", "好的收到", ""); !strings.Contains(got, "没有「好的收到」这个命令") {
			t.Errorf("a message after 批准 was taken as a reason: %q", got)
		}
		if l := c.leave(3); l.Status != teambot.LeaveApproved {
			t.Errorf("leave #3 after 驳回 then 批准: %+v", l)
		}

		// 驳回 clicked, then the request decided by a typed command: the
		// next message says so, once, and is not a reason.
		c.expect("zhangsan", "/请假 12月3日 搬家", "#4")
		card5 := cardIn(t, c.outbox(now), teambot.CardLeave)
		c.click("wangfang", "", card5, "reject")
		c.expect("wangfang", "/请假 批准 4", "已批准")
		c.expectSingle("wangfang", "稍后再说", "这件事已经处理了（已批准 · 王芳")
		c.expectSingle("wangfang", "稍后再说", "没有「稍后再说」这个命令")

		// The same click event twice (a replay) runs once.
		c.expect("wangwu", "/请假 12月1日 体检", "#5")
		card3 := cardIn(t, c.outbox(now), teambot.CardLeave)
		ev := teambot.Click{Message: teambot.Message{Source: "bot", ID: "ev-1", ChatType: teambot.ChatSingle, UserID: "wangfang", Cards: true}, TaskID: card3.TaskID, Key: "approve"}
		if _, err := c.engine.HandleClick(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		if _, err := c.engine.HandleClick(context.Background(), ev); !errors.Is(err, teambot.ErrAlreadyHandled) {
			t.Errorf("a replayed click: %v, want ErrAlreadyHandled", err)
		}
	})
}

// An unknown task id (a card of another installation, or of a database
// restored from before it) is refused with how to go on; nothing runs.
func TestUnknownCard(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := cardTeam(t, db)
		r := c.click("zhangsan", c.chatID, &teambot.Card{TaskID: "tb-unknown"}, "ballot", "o1")
		if !strings.Contains(r.Text, "这张卡片已失效") || r.Card != nil {
			t.Errorf("unknown card: %+v", r)
		}
	})
}

// R10 on a card: 会前提醒 carries a 签到 button for its meeting; a click
// before the check-in window says when it opens, one inside checks in as
// /签到 does (late after 10 minutes), a second says it is done, and one
// after the meeting says check-in is over.
func TestCheckInCard(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		e, err := rulebook.New(commands.Config{
			Store: commands.StoreOf(db.Update), Now: func() time.Time { return *clock },
			Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"}, DirectMessages: true, PushCards: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		c.engine = e
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		var rec enqueued
		replica := meetingReplica(c, &rec)
		*clock = at(2026, 11, 30, 9, 30)
		if err := replica.Run(context.Background(), *clock); err != nil {
			t.Fatal(err)
		}
		out := rec.take()
		if len(out) != 1 || out[0].Card == nil || out[0].Card.Kind != teambot.CardCheckIn || !strings.Contains(out[0].Text, "会前提醒") {
			t.Fatalf("会前提醒 without a check-in card: %+v", out)
		}
		card := out[0].Card
		if len(card.Buttons) != 1 || card.Buttons[0].Text != "签到" {
			t.Errorf("check-in card: %+v", card)
		}
		early := c.click("lisi", c.chatID, card, "checkin")
		if !strings.Contains(early.Text, "未到签到时间") || !strings.Contains(early.Text, "09:45") {
			t.Errorf("a click before the window: %q", early.Text)
		}
		*clock = at(2026, 11, 30, 10, 12)
		in := c.click("lisi", c.chatID, card, "checkin")
		if !strings.Contains(in.Text, "李四 已签到") || !strings.Contains(in.Text, "迟到 12 分钟") || !strings.Contains(in.Card.Done, "李四 已签到 10:12") {
			t.Errorf("a click in the window: %+v", in)
		}
		twice := c.click("lisi", c.chatID, card, "checkin")
		if !strings.Contains(twice.Text, "已处理") {
			t.Errorf("a second click: %q", twice.Text)
		}
		*clock = at(2026, 11, 30, 11, 5)
		over := c.click("wangwu", c.chatID, card, "checkin")
		if !strings.Contains(over.Text, "签到已结束") {
			t.Errorf("a click after the meeting: %q", over.Text)
		}
		var audited bool
		for _, a := range c.audit() {
			audited = audited || (a.Action == "meeting.checkin" && a.Actor == "lisi" && strings.Contains(a.Detail, "来自卡片"))
		}
		if !audited {
			t.Error("the check-in is not audited as from a card")
		}
	})
}

// R2 and R12 on cards, in the supervisor's single chat: a request to join
// and a two-absences proposal each come as a card; a member's click is
// refused and changes nothing; the supervisor's decides once, and a click
// on a decided card is 已处理. 驳回 of a proposal takes the next message
// as its reason.
func TestJoinAndProposalCards(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := cardTeam(t, db)
		c.expect("qianqi", "/加入 钱七 客服", "等待主管 王芳 批准")
		join := cardIn(t, c.outbox(now), teambot.CardJoin)
		if !strings.Contains(cardText(join), "客服") || len(join.Buttons) != 2 {
			t.Errorf("join card: %+v", join)
		}
		if r := c.click("zhangsan", "", join, "approve"); !strings.Contains(r.Text, "只有主管") {
			t.Errorf("a member approving: %q", r.Text)
		}
		if n := len(c.members()); n != 4 {
			t.Fatalf("%d members after a member's click, want 4", n)
		}
		if r := c.click("wangfang", "", join, "approve"); !strings.HasPrefix(r.Card.Done, "已批准 · 王芳") {
			t.Errorf("approved join card: %+v", r.Card)
		}
		if n := len(c.members()); n != 5 {
			t.Errorf("%d members after the approval, want 5", n)
		}
		if r := c.click("wangfang", "", join, "reject"); !strings.Contains(r.Text, "已处理") {
			t.Errorf("a second click on the join card: %q", r.Text)
		}

		// Two weekly meetings nobody but the supervisor checks in to: a
		// proposal each for the four others, as cards.
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会")
		for _, day := range []int{30, 7} {
			month := time.November
			if day == 7 {
				month = time.December
			}
			*clock = at(2026, month, day, 9, 50)
			c.expect("wangfang", "/签到", "已签到")
			*clock = at(2026, month, day, 11, 0)
			c.expect("wangfang", "/会议 结束", "的会议已结束")
		}
		var cards []*teambot.Card
		for _, m := range c.outbox(*clock) {
			if m.Card != nil && m.Card.Kind == teambot.CardProposal && fmt.Sprint(m.Users) == "[wangfang]" {
				cards = append(cards, m.Card)
			}
		}
		if len(cards) != 4 {
			t.Fatalf("%d proposal cards, want 4", len(cards))
		}
		if r := c.click("lisi", "", cards[0], "confirm"); !strings.Contains(r.Text, "主管") {
			t.Errorf("a member confirming: %q", r.Text)
		}
		c.click("wangfang", "", cards[0], "confirm")
		c.click("wangfang", "", cards[1], "dismiss")
		c.expectSingle("wangfang", "那天在外地拍摄，已补假", "驳回")
		byStatus := map[string]int{}
		for _, p := range c.proposals() {
			byStatus[p.Status]++
		}
		if byStatus[teambot.ProposalConfirmed] != 1 || byStatus[teambot.ProposalDismissed] != 1 || byStatus[teambot.ProposalProposed] != 2 {
			t.Errorf("proposals by status %v", byStatus)
		}
		if r := c.click("wangfang", "", cards[0], "dismiss"); !strings.Contains(r.Text, "已处理：已确认警告 · 王芳") {
			t.Errorf("a click on the confirmed proposal: %q", r.Text)
		}
	})
}
