package commands_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/vote"
	"teambot/rulebook"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// voteTeam is 王芳 (supervisor), 张三, 李四 and 王五 on a clock the test
// moves, starting Wednesday 2026-11-25 10:00.
func voteTeam(t *testing.T, db *storage.DB) (*chat, *time.Time) {
	t.Helper()
	c, clock := clockChat(t, db)
	reportTeam(c)
	admit(c, "wangwu", "王五 推广")
	return c, clock
}

// votes is the team's votes, by deadline.
func (c *chat) votes() []teambot.Vote {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Vote, error) {
		return tx.Votes(ctx, teambot.VoteFilter{TeamID: team.ID})
	})
}

// ballots is a vote's stored ballots.
func (c *chat) ballots(id int64) []teambot.Ballot {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Ballot, error) {
		return tx.Ballots(ctx, id)
	})
}

// outbox takes every message waiting in the outbox at t (and marks it
// sent).
func (c *chat) outbox(t time.Time) []teambot.Outgoing {
	c.t.Helper()
	// A team's group messages are leased one at a time, in order: take
	// each and mark it sent until none is left.
	var all []teambot.Outgoing
	for {
		var msgs []teambot.Outgoing
		err := c.db.Update(context.Background(), func(tx *storage.Tx) (err error) {
			if msgs, _, err = tx.LeaseOutbox(context.Background(), t, time.Hour, 1000, "test"); err != nil {
				return err
			}
			for _, m := range msgs {
				if err := tx.MarkSent(context.Background(), m.ID, "test", t); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			c.t.Fatal(err)
		}
		if len(msgs) == 0 {
			return all
		}
		all = append(all, msgs...)
	}
}

func (c *chat) auditActions(prefix string) []string {
	var out []string
	for _, e := range c.audit() {
		if strings.HasPrefix(e.Action, prefix) {
			out = append(out, e.Action+" "+e.Detail)
		}
	}
	return out
}

func TestMotionFromStartToResult(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 发起 是否参加双十二大促",
			"已发起表决 #1：「是否参加双十二大促」", "选项：1. 同意  2. 反对  3. 弃权", "截止：11月26日（周四）10:00",
			"规则：过半数同意即通过（弃权算作已投），需 3 人投票（4 人中过半数），主管有否决权", "/同意 1")

		c.expect("zhangsan", "/同意 1", "已记录：张三 在投票 #1「是否参加双十二大促」投了「同意」", "已投 1/4 人")
		c.expect("zhangsan", "/反对 1", "已改票", "改投「反对」（原为「同意」）", "已投 1/4 人")
		c.expect("zhangsan", "/反对 1", "已经投了「反对」，没有变化")
		c.expect("lisi", "/投票 1 赞成", "李四", "投了「同意」", "已投 2/4 人")
		c.expect("wangwu", "/弃权", "王五", "投了「弃权」", "已投 3/4 人") // the only open motion

		// The live view shows turnout, not the tally.
		show := c.expect("lisi", "/投票 查看 1", "进行中", "已投 3/4 人", "计入法定人数的 3/4，需 3", "计票结果在截止后公布")
		if strings.Contains(show, "计票：") || strings.Contains(show, "同意 1，") {
			t.Errorf("an open vote without 实时 shows its tally:\n%s", show)
		}

		// Bad input is refused with how to do it right.
		c.expect("lisi", "/投票 1 也许", "投票 #1 没有「也许」这个选项", "1. 同意")
		c.expect("lisi", "/投票 9 同意", "没有编号为 #9 的投票")
		c.expect("lisi", "/投票 1", "请写上你的选择")
		c.expect("outsider", "/同意 1", "只有团队成员可以使用")
		c.expect("lisi", "/投票 结束 1", "只有主管或发起人可以提前结束")

		// The creator may not close early while 王芳 has not voted; the
		// Supervisor may: 1 agree of 3 is not more than half.
		*clock = now.Add(time.Hour)
		c.expect("zhangsan", "/投票 结束 1", "还有 1 人没有投票：王芳")
		c.expect("wangfang", "/投票 结束 1", "【投票结果】表决 #1「是否参加双十二大促」：未通过",
			"计票：同意 1，反对 1，弃权 1（共 3 票）", "参与：应计 4 人中 3 人投票，需 3 人", "同意：李四；反对：张三；弃权：王五",
			"由主管 王芳 在 11月25日（周三）11:00 提前结束（原定截止 11月26日（周四）10:00）")
		c.expect("lisi", "/反对 1", "已经结束（未通过），不能再投、改票或撤回")
		c.expect("wangfang", "/投票 否决 1 不合适", "没有通过的决定需要否决")
		c.expect("lisi", "/投票 查看 1", "未通过", "结束于 11月25日（周三）11:00")
		c.expect("lisi", "/投票", "现在没有进行中的投票")

		if got := len(c.ballots(1)); got != 3 {
			t.Errorf("%d ballots stored, want one per member: 3", got)
		}
		audit := c.auditActions("vote.")
		want := []string{"vote.create", "vote.ballot 投「同意」", "vote.ballot 改投「反对」（原为「同意」）", "vote.ballot 改投「反对」（原为「反对」）",
			"vote.ballot 投「同意」", "vote.ballot 投「弃权」", "vote.close 未通过"}
		if len(audit) != len(want) {
			t.Fatalf("audit:\n%s\nwant %d rows", strings.Join(audit, "\n"), len(want))
		}
		for i, w := range want {
			if !strings.HasPrefix(audit[i], w) {
				t.Errorf("audit row %d = %q, want it to start with %q", i, audit[i], w)
			}
		}
	})
}

func TestVoteVeto(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 发起 双十二预算追加 5000 元 截止 2小时", "#1", "截止：11月25日（周三）12:00")
		for _, u := range []string{"zhangsan", "lisi", "wangwu"} {
			c.expect(u, "/同意 1", "投了「同意」")
		}
		c.expect("zhangsan", "/投票 否决 1 不行", "否决投票只有主管可以操作")
		c.expect("wangfang", "/投票 否决 1", "否决要写理由")
		// Before the deadline the veto closes it.
		c.expect("wangfang", "/投票 否决 1 预算不够，下月再议", "【投票结果】表决 #1「双十二预算追加 5000 元」：被主管否决",
			"计票：同意 3，反对 0，弃权 0（共 3 票）", "主管 王芳 行使否决权，理由：预算不够，下月再议")
		c.expect("wangfang", "/投票 否决 1 再否决", "已经被否决了")

		// After a pass: within 24 hours it may be vetoed, later not.
		c.expect("zhangsan", "/投票 发起 周五团建 截止 1小时", "#2")
		for _, u := range []string{"zhangsan", "lisi", "wangfang"} {
			c.expect(u, "/同意 2", "投了「同意」")
		}
		c.expect("zhangsan", "/投票 发起 换新海报 截止 1小时", "#3")
		for _, u := range []string{"zhangsan", "lisi", "wangfang"} {
			c.expect(u, "/同意 3", "投了「同意」")
		}
		*clock = now.Add(61 * time.Minute)
		if err := (vote.Jobs{Engine: c.engine}).CloseDue(context.Background(), *clock); err != nil {
			t.Fatal(err)
		}
		c.expect("lisi", "/投票 查看 2", "：通过")
		*clock = now.Add(23 * time.Hour)
		c.expect("wangfang", "/投票 否决 2 场地订不到", "被主管否决", "（原表决已通过）", "理由：场地订不到")
		*clock = now.Add(26 * time.Hour)
		c.expect("wangfang", "/投票 否决 3 太晚了", "已超过 24 小时，不能再否决")

		outcomes := map[int64]string{}
		for _, v := range c.votes() {
			outcomes[v.ID] = fmt.Sprint(v.Outcome, " ", v.PassedBeforeVeto)
		}
		if got := fmt.Sprint(outcomes); got != "map[1:vetoed false 2:vetoed true 3:passed false]" {
			t.Errorf("outcomes: %s", got)
		}
		vetoes := c.auditActions("vote.veto")
		if len(vetoes) != 2 {
			t.Errorf("veto audit rows: %v", vetoes)
		}
	})
}

// A member on approved leave may vote, and their ballot counts toward the
// quorum like any other (R11): leave excuses only those who do not vote.
func TestVoteQuorumWithLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("wangwu", "/请假 今天 家里有事", "#1")
		c.expect("wangfang", "/请假 批准 1", "已批准")
		c.expect("wangfang", "/投票 发起 新品定价 截止 1小时", "需 2 人投票（3 人中过半数，请假的 1 人不计入）")
		c.expect("wangwu", "/同意 1", "投了「同意」")
		c.expect("zhangsan", "/投票 查看 1", "已投 1/4 人", "计入法定人数的 1/4，需 3")
		*clock = now.Add(time.Hour)
		if err := (vote.Jobs{Engine: c.engine}).CloseDue(context.Background(), *clock); err != nil {
			t.Fatal(err)
		}
		msgs := c.outbox(*clock)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "投票人数不足，未通过") || !strings.Contains(msgs[0].Text, "应计 4 人中 1 人投票，需 3 人") {
			t.Fatalf("announcement: %+v", msgs)
		}
	})
}

func TestPollAndLiveAndAnonymous(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("wangfang", "/投票 发起 团建时间 选项 周五下午 | 周六上午|周日 截止 明天 18:00 实时",
			"已发起投票 #1：「团建时间」（实时计票）", "选项：1. 周五下午  2. 周六上午  3. 周日", "截止：11月26日（周四）18:00",
			"得票最多的选项胜出", "/投票 1 选项")
		c.expect("zhangsan", "/投票 1 周六上午", "投了「周六上午」")
		c.expect("lisi", "/投票 1 2", "投了「周六上午」")
		c.expect("wangwu", "/投票 1 1", "投了「周五下午」")
		c.expect("wangwu", "/投票 查看 1", "实时计票：周五下午 1，周六上午 2，周日 0（共 3 票）")

		// Anonymous: the group never learns who chose what.
		c.expect("wangfang", "/投票 发起 主管工作满意度 选项 满意 | 一般 | 不满意 匿名", "（匿名）", "匿名投票请私聊我发送")
		got := c.expect("zhangsan", "/投票 2 不满意", "已记录 张三 在投票 #2「主管工作满意度」的匿名选票（不公开选择）")
		if strings.Contains(got, "不满意") {
			t.Errorf("the group reply repeats an anonymous choice: %s", got)
		}
		dm := c.send(teambot.Message{ChatType: "single", UserID: "lisi", Text: "/投票 2 满意"})
		if !dm.Private || !strings.Contains(dm.Text, "投了「满意」") {
			t.Errorf("a single-chat ballot is confirmed privately with the choice: %+v", dm)
		}
		c.send(teambot.Message{ChatType: "single", UserID: "lisi", Text: "/投票 2 一般"})
		for _, b := range c.ballots(2) {
			if b.MemberID != 0 || strings.Contains(b.Voter, "m") && !strings.HasPrefix(b.Voter, "a") {
				t.Errorf("an anonymous ballot names its voter: %+v", b)
			}
		}
		if n := len(c.ballots(2)); n != 2 {
			t.Errorf("%d anonymous ballots, want 2 (one changed)", n)
		}
		for _, a := range c.auditActions("vote.ballot") {
			for _, opt := range []string{"满意", "一般"} {
				if strings.Contains(a, opt) && !strings.Contains(a, "周") {
					t.Errorf("the audit log records an anonymous choice: %s", a)
				}
			}
		}
		*clock = at(2026, 11, 26, 18, 0)
		if err := (vote.Jobs{Engine: c.engine}).CloseDue(context.Background(), *clock); err != nil {
			t.Fatal(err)
		}
		msgs := c.outbox(*clock)
		if len(msgs) != 2 || !strings.Contains(msgs[0].Text+msgs[1].Text, "【投票结果】投票 #2「主管工作满意度」") {
			t.Fatalf("want both results announced, got %+v", msgs)
		}
		poll := c.expect("zhangsan", "/投票 查看 1", "得票最多的是「周六上午」", "周五下午：王五；周六上午：张三、李四")
		_ = poll
		anon := c.expect("zhangsan", "/投票 查看 2", "计票：满意 0，一般 1，不满意 1（共 2 票）", "匿名投票，不公布个人选择")
		for _, name := range []string{"张三", "李四"} {
			if strings.Contains(anon, name) {
				t.Errorf("an anonymous result names %s:\n%s", name, anon)
			}
		}
	})
}

func TestNewVoteRefusesBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := voteTeam(t, db)
		for text, want := range map[string]string{
			"/投票 发起":                             "请写上投票的标题",
			"/投票 发起 截止 明天":                       "请写上投票的标题",
			"/投票 发起 团建 选项 只有一个":                  "选项至少两个",
			"/投票 发起 团建 选项 A | A":                 "选项「A」写了两次",
			"/投票 发起 团建 截止 昨天 10:00":              "已经过去了",
			"/投票 发起 团建 截止 5分钟":                   "不到 10 分钟",
			"/投票 发起 团建 截止 100天":                  "最多在 60 天以后",
			"/投票 发起 团建 截止 明天 二十点":                "看不懂截止时间",
			"/投票 发起 团建 匿名 是的":                    "「匿名」后面不用写内容",
			"/投票 发起 团建 截止 1天 截止 2天":              "「截止」写了两次",
			"/投票 发起 公众号 密码: abc12345 要不要改":       "像是写了密码，没有保存",
			"/投票 发起 " + strings.Repeat("长", 101): "标题最多 100 字",
			"/投票 发散":                             "没有「发散」这个投票操作",
			"/投票 发起 换供应商 匿名 实时":                  "匿名投票不能实时计票",
		} {
			c.expect("zhangsan", text, want)
		}
		if vs := c.votes(); len(vs) != 0 {
			t.Errorf("refused votes were stored: %+v", vs)
		}
	})
}

func TestVoteRuleChange(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 规则", "过半数同意即通过", "法定人数：发起时的成员中截止时仍在团队的人过半数投票（投了票的都算；没投票且截止时在请假的不计）")
		c.expect("zhangsan", "/投票 规则 通过 三分之二", "修改表决规则只有主管可以操作")
		c.expect("wangfang", "/投票 规则 通过 九成", "看不懂「九成」")
		c.expect("wangfang", "/投票 规则 通过 三分之二 法定 无", "已修改表决规则：三分之二以上同意即通过；法定人数：不设")
		c.expect("zhangsan", "/投票 规则", "三分之二以上同意即通过", "法定人数：不设；")
		c.expect("zhangsan", "/投票 发起 改版官网 截止 1小时", "三分之二以上同意即通过")
		c.expect("zhangsan", "/同意 1", "同意")
		c.expect("lisi", "/同意 1", "同意")
		c.expect("wangwu", "/反对 1", "反对")
		*clock = now.Add(time.Hour)
		if err := (vote.Jobs{Engine: c.engine}).CloseDue(context.Background(), *clock); err != nil {
			t.Fatal(err)
		}
		c.expect("zhangsan", "/投票 查看 1", "：通过", "同意 2，反对 1")
	})
}

// 投票催促 goes out 2 hours before the deadline, once, @mentioning the
// counted members who have not voted; a vote whose deadline passed while
// the bot was down is closed and announced once when it starts again.
func TestVoteReminderAndRestartAcrossTheDeadline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("wangwu", "/请假 今天 下午 看病", "#1")
		c.expect("wangfang", "/请假 批准 1", "已批准")
		c.expect("zhangsan", "/投票 发起 双十二主图风格 选项 红色 | 金色 匿名 截止 3小时", "截止：11月25日（周三）13:00")
		c.send(teambot.Message{ChatType: "single", UserID: "zhangsan", Text: "/投票 1 红色"})

		var rec enqueued
		nag := voteNagReplica(c, &rec)
		tick := func(t0 time.Time) []teambot.Outgoing {
			*clock = t0
			for range 2 { // two replicas' worth of ticks at one instant
				if err := nag.Run(context.Background(), t0); err != nil {
					t.Fatal(err)
				}
			}
			return rec.take()
		}
		if out := tick(at(2026, 11, 25, 10, 59)); len(out) != 0 {
			t.Fatalf("reminder before its time: %+v", out)
		}
		out := tick(at(2026, 11, 25, 11, 0))
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || strings.Join(out[0].Mentions, ",") != "wangfang,lisi" ||
			!strings.Contains(out[0].Text, "【投票催促】投票 #1「双十二主图风格」将在 11月25日（周三）13:00 截止，已投 1/4 人。尚未投票的 2 人：王芳、李四") {
			t.Fatalf("reminder: %+v", out)
		}
		if out := tick(at(2026, 11, 25, 11, 30)); len(out) != 0 {
			t.Fatalf("reminder sent twice: %+v", out)
		}

		// The bot is down from 12:00 to 15:00; a new engine starts after the deadline.
		restarted, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: func() time.Time { return *clock },
			TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"}})
		if err != nil {
			t.Fatal(err)
		}
		*clock = at(2026, 11, 25, 15, 0)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				if err := (vote.Jobs{Engine: restarted}).CloseDue(context.Background(), *clock); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		msgs := c.outbox(*clock)
		var results int
		for _, m := range msgs {
			if strings.Contains(m.Text, "【投票结果】") {
				results++
				if !strings.Contains(m.Text, "得票最多的是「红色」") || strings.Contains(m.Text, "张三") {
					t.Errorf("result: %s", m.Text)
				}
			}
		}
		if results != 1 {
			t.Errorf("%d announcements, want exactly one: %+v", results, msgs)
		}
		if err := (vote.Jobs{Engine: restarted}).CloseDue(context.Background(), *clock); err != nil {
			t.Fatal(err)
		}
		if again := c.outbox(*clock); len(again) != 0 {
			t.Errorf("announced again: %+v", again)
		}
		if got := c.auditActions("vote.close"); len(got) != 1 {
			t.Errorf("closed %d times: %v", len(got), got)
		}
	})
}

// 50 members casting and changing ballots at once through the engine end
// with one ballot each, equal to each member's last choice.
func TestConcurrentBallotsOnPostgres(t *testing.T) {
	db := storagetest.Postgres(t)
	c, _ := clockChat(t, db)
	const n = 50
	c.expect("u0", "/join 成员0", "已登记")
	for i := 1; i < n; i++ {
		c.expect(fmt.Sprint("u", i), fmt.Sprintf("/加入 成员%d", i), "已登记")
	}
	c.expect("u0", "/投票 发起 并发测试", "#1")

	choices := []string{"同意", "反对", "弃权"}
	last := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for k := range 3 {
				choice := rand.IntN(3)
				msg := teambot.Message{ID: fmt.Sprintf("c%d-%d", i, k), ChatID: c.chatID, UserID: fmt.Sprint("u", i),
					Text: "/" + choices[choice] + " 1", At: now}
				reply, err := c.engine.Handle(context.Background(), msg)
				if err != nil || !strings.Contains(reply.Text, "「"+choices[choice]+"」") {
					t.Errorf("member %d ballot %d: %v %q", i, k, err, reply.Text)
					return
				}
				last[i] = choice
			}
		})
	}
	wg.Wait()

	ballots := c.ballots(1)
	if len(ballots) != n {
		t.Fatalf("%d ballots, want %d", len(ballots), n)
	}
	members := map[int64]int{}
	for i, m := range c.members() {
		_ = i
		var idx int
		fmt.Sscanf(m.UserID, "u%d", &idx)
		members[m.ID] = idx
	}
	counts := make([]int, 3)
	for _, b := range ballots {
		if want := last[members[b.MemberID]]; b.Choice != want {
			t.Errorf("member u%d has %s, last cast %s", members[b.MemberID], choices[b.Choice], choices[want])
		}
	}
	for _, l := range last {
		counts[l]++
	}
	shown := c.expect("u0", "/投票 结束 1", fmt.Sprintf("计票：同意 %d，反对 %d，弃权 %d（共 %d 票）", counts[0], counts[1], counts[2], n))
	_ = shown
}

// voteNagReplica is one replica's 投票催促 over the chat's database.
func voteNagReplica(c *chat, rec *enqueued) *scheduler.Oneoffs {
	return &scheduler.Oneoffs{Store: storeRecording{scheduler.StoreOf(c.db.Update), rec},
		Due: vote.Jobs{Engine: c.engine}.Firings, Compose: vote.Jobs{Engine: c.engine}.Nag}
}

// A changed ballot key must not let a member vote twice in an anonymous
// vote: the second ballot is refused and the first still counts.
func TestAnonymousBallotAfterKeyChange(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _ := voteTeam(t, db)
		c.expect("wangfang", "/投票 发起 满意度 选项 满意 | 不满意 匿名", "#1")
		c.send(teambot.Message{ChatType: "single", UserID: "lisi", Text: "/投票 1 满意"})
		rekeyed, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: func() time.Time { return now },
			TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"}, BallotKey: []byte("another key")})
		if err != nil {
			t.Fatal(err)
		}
		c.engine = rekeyed
		c.expect("lisi", "/投票 1 不满意", "密钥更换过，这张票不能再改")
		if n := len(c.ballots(1)); n != 1 {
			t.Errorf("%d ballots after a key change, want the first one only", n)
		}
	})
}

// A long message a command queues becomes one outbox row per part, in
// order, so a failed part never resends the parts that went out.
func TestQueuedMessagesAreSplitIntoRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		split, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: func() time.Time { return *clock },
			TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"},
			Split: func(m teambot.Outgoing) []string {
				var parts []string
				for r := []rune(m.Text); len(r) > 0; r = r[min(len(r), 40):] {
					parts = append(parts, string(r[:min(len(r), 40)]))
				}
				return parts
			}})
		if err != nil {
			t.Fatal(err)
		}
		c.expect("zhangsan", "/投票 发起 是否参加双十二大促", "#1")
		c.engine = split
		c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: "wangfang", Text: "/投票 结束 1"})
		msgs := c.outbox(*clock)
		var joined string
		for _, m := range msgs {
			if len([]rune(m.Text)) > 40 {
				t.Errorf("a part longer than the limit: %q", m.Text)
			}
			joined += m.Text
		}
		if len(msgs) < 2 || !strings.HasPrefix(joined, "【投票结果】表决 #1「是否参加双十二大促」") {
			t.Errorf("%d rows: %q", len(msgs), joined)
		}
	})
}

// tick closes the votes due at the clock's time.
func (c *chat) closeDue(clock *time.Time) {
	c.t.Helper()
	if err := (vote.Jobs{Engine: c.engine}).CloseDue(context.Background(), *clock); err != nil {
		c.t.Fatal(err)
	}
}

// announced is the one vote result waiting in the outbox at t.
func (c *chat) announced(t time.Time) string {
	c.t.Helper()
	var results []string
	for _, m := range c.outbox(t) {
		if strings.Contains(m.Text, "【投票结果】") {
			results = append(results, m.Text)
		}
	}
	if len(results) != 1 {
		c.t.Fatalf("%d vote results announced, want one: %q", len(results), results)
	}
	return results[0]
}

// R11: the electorate is the active members when a vote opens. Someone
// who joins later is told why they may not vote and is not counted.
func TestVoteElectorateFixedAtOpen(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 发起 换供应商 截止 1小时", "需 3 人投票（4 人中过半数）")
		admit(c, "zhaoliu", "赵六 客服")
		c.expect("zhaoliu", "/同意 1", "赵六 在表决 #1 发起（11月25日（周三）10:00）之后才加入团队", "不能参加这次投票")
		c.expect("zhaoliu", "/投票 查看 1", "已投 0/4 人")
		c.expect("zhangsan", "/同意 1", "已投 1/4 人")
		c.expect("lisi", "/同意 1", "已投 2/4 人")
		c.expect("wangwu", "/反对 1", "已投 3/4 人")
		*clock = now.Add(time.Hour)
		c.closeDue(clock)
		result := c.announced(*clock)
		for _, want := range []string{"：通过", "同意 2，反对 1，弃权 0（共 3 票）", "应计 4 人中 3 人投票，需 3 人"} {
			if !strings.Contains(result, want) {
				t.Errorf("result lacks %q:\n%s", want, result)
			}
		}
		if n := len(c.ballots(1)); n != 3 {
			t.Errorf("%d ballots stored, want 3: the late joiner's was refused", n)
		}
	})
}

// R11: a ballot cast always counts toward the quorum; approved leave only
// excuses members who did not vote, and only when it covers the moment
// the vote closes (a half day: morning before 12:00, afternoon from 12:00).
func TestVoteBallotCountsDespiteLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		admit(c, "zhaoliu", "赵六 客服")
		c.expect("zhangsan", "/投票 发起 周末加班 截止 15:00", "需 3 人投票（5 人中过半数）")
		c.expect("wangfang", "/投票 发起 换海报 截止 11:00", "#2")
		c.expect("wangfang", "/投票 发起 年终总结 截止 16:00", "#3")
		for _, u := range []string{"zhangsan", "lisi", "wangwu"} {
			c.expect(u, "/同意 1", "投了「同意」")
			c.expect(u, "/同意 3", "投了「同意」")
		}
		for _, u := range []string{"zhangsan", "lisi", "wangfang"} {
			c.expect(u, "/同意 2", "投了「同意」")
		}
		// 王五 voted in the morning and takes the afternoon off.
		c.expect("wangwu", "/请假 今天 下午 看病", "#1")
		c.expect("wangfang", "/请假 批准 1", "已批准")

		// At 11:00 his afternoon has not begun: all five count.
		*clock = at(2026, 11, 25, 11, 0)
		c.closeDue(clock)
		if r := c.announced(*clock); !strings.Contains(r, "：通过") || !strings.Contains(r, "应计 5 人中 3 人投票，需 3 人") {
			t.Errorf("a morning close counts the afternoon's leave:\n%s", r)
		}
		// At 15:00 his ballot still counts toward the quorum: 3 of 5.
		*clock = at(2026, 11, 25, 15, 0)
		c.closeDue(clock)
		if r := c.announced(*clock); !strings.Contains(r, "：通过") || !strings.Contains(r, "应计 5 人中 3 人投票，需 3 人") {
			t.Errorf("a ballot from leave is not counted toward the quorum:\n%s", r)
		}
		// 赵六, who did not vote, takes the rest of the afternoon off: at
		// 16:00 he is excused, 王五 is not.
		c.expect("zhaoliu", "/请假 今天 下午 搬家", "#2")
		c.expect("wangfang", "/请假 批准 2", "已批准")
		*clock = at(2026, 11, 25, 16, 0)
		c.closeDue(clock)
		if r := c.announced(*clock); !strings.Contains(r, "：通过") || !strings.Contains(r, "应计 4 人中 3 人投票，需 3 人（请假 1 人不计入）") {
			t.Errorf("leave of a member who did not vote does not excuse them:\n%s", r)
		}
	})
}

// R11, R18: a member removed, advised to resign or dismissed while a vote
// is open leaves its electorate: their ballot leaves both the tally and
// the quorum. Taken back before the close, it counts again.
func TestVoteMemberWhoLeavesLeavesTheElectorate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		admit(c, "zhaoliu", "赵六 客服")
		c.expect("zhangsan", "/投票 发起 双十二主推款 截止 1小时", "#1")
		c.expect("wangfang", "/投票 发起 年会地点 选项 上海 | 杭州 匿名 截止 1小时", "#2")
		c.expect("wangfang", "/投票 发起 周报模板 截止 1小时", "#3")
		c.expect("lisi", "/同意 1", "同意")
		c.expect("wangwu", "/同意 1", "同意")
		c.expect("zhangsan", "/反对 1", "反对")
		c.expect("wangfang", "/反对 1", "反对")
		c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: "wangwu", Text: "/投票 2 杭州"})
		c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: "zhangsan", Text: "/投票 2 上海"})
		c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: "zhaoliu", Text: "/投票 2 杭州"})
		c.expect("zhaoliu", "/同意 3", "同意")
		c.expect("lisi", "/同意 3", "同意")
		c.expect("zhangsan", "/同意 3", "同意")

		c.expect("wangfang", "/移除 @王五", "已将 王五 移出团队名单")
		c.expectSingle("wangfang", "/惩处 @赵六 劝退 依据4 多次泄露客户信息", "已记录")
		c.expect("lisi", "/投票 查看 1", "已投 3/3 人")
		// 赵六 is taken back before the close: his ballots count again.
		c.inTeam(func(ctx context.Context, tx *storage.Tx, team teambot.Team) error {
			m, err := tx.MemberByUser(ctx, team.ID, "zhaoliu")
			if err != nil {
				return err
			}
			return tx.RejoinMember(ctx, m.ID, "赵六", now.Add(30*time.Minute))
		})

		*clock = now.Add(time.Hour)
		c.closeDue(clock)
		for _, v := range c.votes() {
			res := c.expect("lisi", fmt.Sprintf("/投票 查看 %d", v.ID))
			var want []string
			switch v.ID {
			case 1: // 王五's agree is gone: 1 to 2 of 4 counted.
				want = []string{"：未通过", "同意 1，反对 2，弃权 0（共 3 票）", "应计 4 人中 3 人投票", "反对：张三、王芳"}
			case 2: // anonymous: 王五's ballot found by its key and dropped.
				want = []string{"上海 1，杭州 1（共 2 票）"}
			case 3: // 赵六 was taken back: 3 of 4.
				want = []string{"：通过", "同意 3，反对 0，弃权 0（共 3 票）", "应计 4 人中 3 人投票"}
			}
			for _, w := range want {
				if !strings.Contains(res, w) {
					t.Errorf("vote #%d lacks %q:\n%s", v.ID, w, res)
				}
			}
			if strings.Contains(res, "王五") {
				t.Errorf("vote #%d still names the removed member:\n%s", v.ID, res)
			}
		}
	})
}

// R11: a vote closes as of its deadline, also when the bot was down then:
// the roster and leave as they were at the deadline, the result labelled
// with the deadline and announced late, the veto window from the
// announcement.
func TestVoteClosedLateCountsAsOfTheDeadline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 发起 春节值班表 截止 15:00", "截止：11月25日（周三）15:00")
		c.expect("wangfang", "/请假 今天 下午 体检", "#1")
		c.expect("wangfang", "/请假 批准 1", "已批准")
		c.expect("zhangsan", "/同意 1", "同意")
		c.expect("lisi", "/同意 1", "同意")
		// After the deadline, before the vote is closed, 李四 is removed.
		*clock = at(2026, 11, 25, 15, 5)
		c.expect("wangfang", "/移除 @李四", "已将 李四 移出团队名单")

		// The bot comes back the next morning: as of 15:00 王芳 was on
		// leave and 李四 in the team, so 2 of 3 took part.
		*clock = at(2026, 11, 26, 9, 0)
		c.closeDue(clock)
		result := c.announced(*clock)
		for _, want := range []string{"：通过", "同意 2，反对 0，弃权 0（共 2 票）", "应计 3 人中 2 人投票，需 2 人",
			"截止于 11月25日（周三）15:00", "延迟公布"} {
			if !strings.Contains(result, want) {
				t.Errorf("late result lacks %q:\n%s", want, result)
			}
		}
		v := c.votes()[0]
		if !v.ClosedAt.Equal(at(2026, 11, 26, 9, 0)) || !v.AsOf.Equal(at(2026, 11, 25, 15, 0)) {
			t.Errorf("closed at %v as of %v, want announced 11-26 09:00 as of the deadline", v.ClosedAt, v.AsOf)
		}
		// The veto window runs 24 hours from the announcement.
		*clock = at(2026, 11, 27, 8, 0)
		c.expect("wangfang", "/投票 否决 1 人手不够", "被主管否决", "（原表决已通过）")

		// A veto that comes after the deadline, before the vote was closed,
		// is not a late announcement.
		c.expect("zhangsan", "/投票 发起 元旦值班 截止 1小时", "#2")
		*clock = at(2026, 11, 27, 9, 30)
		if got := c.expect("wangfang", "/投票 否决 2 再议", "被主管否决"); strings.Contains(got, "延迟公布") {
			t.Errorf("a veto after the deadline reads as a late announcement:\n%s", got)
		}
	})
}

// R11: the supervisor may close a vote early; the creator only once every
// eligible member has voted. The announcement says who and that it was
// early.
func TestVoteClosedEarly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 发起 团建预算", "#1")
		c.expect("zhangsan", "/同意 1", "同意")
		c.expect("lisi", "/同意 1", "同意")
		c.expect("zhangsan", "/投票 结束 1", "发起人要等所有应投票的成员都投了票才能提前结束", "还有 2 人没有投票：王芳、王五", "主管可以随时提前结束")
		c.expect("wangwu", "/反对 1", "反对")
		c.expect("wangfang", "/反对 1", "反对")
		*clock = now.Add(time.Hour)
		c.expect("zhangsan", "/投票 结束 1", "：未通过", "由发起人 张三 在 11月25日（周三）11:00 提前结束（原定截止 11月26日（周四）10:00）")

		c.expect("zhangsan", "/投票 发起 换logo", "#2")
		c.expect("zhangsan", "/同意 2", "同意")
		c.expect("wangfang", "/投票 结束 2", "主管 王芳 在 11月25日（周三）11:00 提前结束", "投票人数不足")
		c.expect("lisi", "/投票 查看 2", "主管 王芳 在 11月25日（周三）11:00 提前结束")
	})
}

// R11, R12: /投票 列表 全部 is the record of closed votes and their
// outcomes; /投票 撤回 withdraws a ballot while the vote is open.
func TestVoteListAllAndWithdraw(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 发起 双十二大促 截止 1小时", "#1")
		c.expect("wangfang", "/投票 发起 团建地点 选项 海边 | 山里 匿名 截止 2小时", "#2")
		c.expect("lisi", "/同意 1", "已投 1/4 人")
		c.expect("lisi", "/投票 撤回 1", "已撤回 李四 在投票 #1「双十二大促」的选票", "已投 0/4 人")
		c.expect("lisi", "/投票 撤回 1", "你在投票 #1 还没有投票，没有可撤回的选票")
		c.expect("lisi", "/投票 撤回", "现在没有你投过票的进行中投票")
		c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: "wangwu", Text: "/投票 2 海边"})
		c.expect("wangwu", "/投票 撤回", "已撤回 王五 在投票 #2「团建地点」的选票")
		if n := len(c.ballots(2)); n != 0 {
			t.Errorf("%d anonymous ballots after the withdrawal, want 0", n)
		}
		if got := c.auditActions("vote.withdraw"); len(got) != 2 {
			t.Errorf("withdrawals audited: %v", got)
		}
		for _, u := range []string{"zhangsan", "lisi", "wangwu"} {
			c.expect(u, "/同意 1", "同意")
		}
		*clock = now.Add(2 * time.Hour)
		c.closeDue(clock)
		c.expect("lisi", "/投票 撤回 1", "已经结束（通过），不能再投、改票或撤回")
		c.expect("lisi", "/投票 列表", "现在没有进行中的投票")
		c.expect("lisi", "/投票 列表 全部", "已结束的投票 2 个", "#1 表决「双十二大促」", "通过", "#2 投票「团建地点」", "没有人投票")
		c.expect("lisi", "/投票 列表 全部了", "看不懂「全部了」")
	})
}

// 投票催促 is not sent at night: when two hours before the deadline falls
// between 21:00 and 08:00 in the team's zone, it goes at 20:59.
func TestVoteReminderNotAtNight(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 发起 早会改时间 截止 明天 08:30", "截止：11月26日（周四）08:30")
		var rec enqueued
		nag := voteNagReplica(c, &rec)
		tick := func(t0 time.Time) []teambot.Outgoing {
			*clock = t0
			if err := nag.Run(context.Background(), t0); err != nil {
				t.Fatal(err)
			}
			return rec.take()
		}
		if out := tick(at(2026, 11, 25, 20, 58)); len(out) != 0 {
			t.Fatalf("reminder before its time: %+v", out)
		}
		out := tick(at(2026, 11, 25, 20, 59))
		if len(out) != 1 || !strings.Contains(out[0].Text, "【投票催促】表决 #1「早会改时间」将在 11月26日（周四）08:30 截止") {
			t.Fatalf("evening reminder: %+v", out)
		}
		if out := tick(at(2026, 11, 26, 6, 30)); len(out) != 0 {
			t.Fatalf("reminder at night: %+v", out)
		}
	})
}

// A vote closed before electorates were kept (migration 0016 gives it
// none) still shows the result it was announced with.
func TestVoteClosedBeforeElectoratesKeepsItsResult(t *testing.T) {
	eachRaw(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		c, clock := voteTeam(t, db)
		c.expect("zhangsan", "/投票 发起 换供应商 截止 1小时", "#1")
		for _, u := range []string{"zhangsan", "lisi", "wangwu"} {
			c.expect(u, "/同意 1", "同意")
		}
		*clock = now.Add(time.Hour)
		c.closeDue(clock)
		c.outbox(*clock)
		c.expect("wangfang", "/移除 @王五", "已将 王五 移出团队名单")
		// What the migration leaves a vote closed before it: no electorate.
		if _, err := raw.Exec(`DELETE FROM vote_electorate`); err != nil {
			t.Fatal(err)
		}
		c.expect("lisi", "/投票 查看 1", "：通过", "同意 3，反对 0，弃权 0（共 3 票）", "应计 4 人中 3 人投票",
			"同意：张三、李四、（已离开团队的成员）")
	})
}
