package commands_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// aiBotGroup is a message in the group through the AI bot, whose replies
// the whole group sees (it has no visible-to-one reply).
func aiBotGroup(c *chat, user, text string) teambot.Message {
	return teambot.Message{Source: "bot", ChatID: c.chatID, ChatType: teambot.ChatGroup, UserID: user, Text: text}
}

// single is a message from user in their single chat with the bot.
func inSingle(user, text string) teambot.Message {
	return teambot.Message{ChatType: teambot.ChatSingle, UserID: user, Text: text}
}

// privateTexts are what the team of privacyTeam wrote that only its writer
// and the supervisor may read (R14).
var privateTexts = []string{"连续两周未交周报", "孩子生病要去医院", "本周完成了客户名单整理", "zhangsan_dy"}

// privacyTeam is the report team with a warning for 李四 recorded in a
// single chat, a leave request with its reason, 张三's report and account.
func privacyTeam(t *testing.T, db *storage.DB) (c, dm *chat) {
	t.Helper()
	c, dm, _ = leaveTeam(t, db)
	c.expect("zhangsan", "/请假 明天 孩子生病要去医院", "#1")
	c.expect("zhangsan", "/周报 本周完成了客户名单整理", "第 1 版")
	if r := c.send(inSingle("zhangsan", "/账号 登记 抖音 zhangsan_dy")); !strings.Contains(r.Text, "#1") {
		t.Fatalf("account: %q", r.Text)
	}
	if r := c.send(inSingle("wangfang", "/惩处 @李四 警告 依据2 连续两周未交周报")); !strings.Contains(r.Text, "已记录") {
		t.Fatalf("warning in a single chat: %q", r.Text)
	}
	return c, dm
}

// R14: in an AI-bot group every reply is seen by everyone, so a reply meant
// for one person is replaced by a pointer to the single chat; with app
// messages the content goes to the asker privately.
func TestPrivateRepliesNeverReachAnAIBotGroup(t *testing.T) {
	views := []struct{ user, text, pointer string }{
		{"wangfang", "/记录 全部", "/记录"},
		{"wangfang", "/请假 列表", "/请假"},
		{"wangfang", "/周报 查看 @张三", "/周报"},
		{"wangfang", "/月报", "/月报"},
		{"wangfang", "/账号 列表 全部", "/账号"},
		{"lisi", "/记录", "/记录"},
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm := privacyTeam(t, db)
		for _, v := range views {
			r := c.send(aiBotGroup(c, v.user, v.text))
			for _, p := range privateTexts {
				if strings.Contains(r.Text, p) {
					t.Errorf("%s in an AI-bot group shows %q to everyone: %q", v.text, p, r.Text)
				}
			}
			if !strings.Contains(r.Text, "内容只在单聊中显示") || !strings.Contains(r.Text, "请私聊我发送 "+v.pointer) {
				t.Errorf("%s: the group gets no pointer to the single chat: %q", v.text, r.Text)
			}
		}
		// The same view through the group robot is a visible-to-one reply.
		if r := c.send(msgFrom(c, "wangfang", "/记录 全部")); !r.Private || !strings.Contains(r.Text, "连续两周未交周报") {
			t.Errorf("robot group: %+v", r)
		}

		// With app messages the content reaches the asker alone.
		c.outbox(now)
		r := dm.send(aiBotGroup(c, "wangfang", "/请假 列表"))
		if strings.Contains(r.Text, "孩子生病") || !strings.Contains(r.Text, "已私信发给你") {
			t.Errorf("with app messages the group sees %q", r.Text)
		}
		msgs := c.outbox(now)
		if len(msgs) != 1 || msgs[0].Channel != teambot.ToUsers || strings.Join(msgs[0].Users, ",") != "wangfang" ||
			!strings.Contains(msgs[0].Text, "孩子生病要去医院") {
			t.Errorf("private copy: %+v", msgs)
		}
	})
}

// R13, R14: private content typed in a group is refused before anything is
// stored or echoed, and the reply says to use the single chat.
func TestPrivateInputIsRefusedInAGroup(t *testing.T) {
	cases := []struct{ user, text, secret string }{
		{"zhangsan", "/上报 客户投诉群里有人辱骂客服", "辱骂客服"},
		{"zhangsan", "/账号 登记 抖音 zhangsan_secret_dy", "zhangsan_secret_dy"},
		{"wangfang", "/惩处 @李四 警告 依据2 私下收受供应商礼品", "供应商礼品"},
		{"wangfang", "/惩处 @李四 劝退 依据4 多次泄露客户资料", "泄露客户资料"},
		{"wangfang", "/惩处 @李四 除名 依据4 伪造报销单据", "伪造报销"},
	}
	eachRaw(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		c, _, _ := leaveTeam(t, db)
		before := rowCounts(t, db.Dialect(), raw)
		for _, k := range cases {
			for _, msg := range []teambot.Message{msgFrom(c, k.user, k.text), aiBotGroup(c, k.user, k.text)} {
				r := c.send(msg)
				if !strings.Contains(r.Text, "请在和我的单聊里发送") || strings.Contains(r.Text, k.secret) {
					t.Errorf("%s (%s) in the group: %q", k.text, msg.Source, r.Text)
				}
			}
		}
		// Only the marks of handled messages grew: nothing stored, not even an audit row.
		if diff := countsDiffer(before, rowCounts(t, db.Dialect(), raw)); len(diff) > 0 && !onlyProcessed(diff) {
			t.Errorf("a refused command changed the records: %v", diff)
		}
		if !c.isActive("lisi") {
			t.Error("李四 was removed by a refused command")
		}
		// The same commands in a single chat work.
		if r := c.send(inSingle("zhangsan", "/上报 客户投诉群里有人辱骂客服")); !strings.Contains(r.Text, "编号 #1") {
			t.Errorf("escalation in a single chat: %q", r.Text)
		}
		// Public levels stay in the group.
		c.expect("wangfang", "/惩处 @张三 批评 依据2 推文错别字三处", "【通报批评】张三")
	})
}

// onlyProcessed reports whether every difference is in the marks of
// handled messages (one per message sent).
func onlyProcessed(diff []string) bool {
	for _, d := range diff {
		if !strings.HasPrefix(d, "processed_messages ") {
			return false
		}
	}
	return true
}

// A member of two teams chooses, in the single chat, which one it acts on;
// with one team the choice is implicit, with none the reply says so.
func TestSingleChatWithSeveralTeams(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("wangfang", "/团队 名称 市场部", "团队名称已改为 市场部")
		other := *c
		other.chatID = "group-2"
		other.expect("zhangsan", "/加入 张三 技术", "已登记")
		other.expect("zhaoliu", "/加入 赵六", "已登记")
		other.expect("boss", "/主管 @赵六", "赵六 现在是主管")

		r := c.send(inSingle("zhangsan", "/记录"))
		for _, want := range []string{"你在 2 个团队里", "1. 市场部", "2. ", "/团队 切换"} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("no choice yet: %q lacks %q", r.Text, want)
			}
		}
		if r := c.send(inSingle("zhangsan", "/团队 切换 3")); !strings.Contains(r.Text, "没有第 3 个") {
			t.Errorf("bad choice: %q", r.Text)
		}
		if r := c.send(inSingle("zhangsan", "/团队 切换 市场部")); !strings.Contains(r.Text, "单聊里的命令现在作用于 市场部") {
			t.Errorf("choose by name: %q", r.Text)
		}
		if r := c.send(inSingle("zhangsan", "/上报 客户群里有广告")); !strings.Contains(r.Text, "编号 #1") {
			t.Errorf("escalation after choosing: %q", r.Text)
		}
		if n := len(teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Escalation, error) {
			return tx.Escalations(ctx, teambot.EscalationFilter{TeamID: team.ID})
		})); n != 1 {
			t.Errorf("%d escalations in 市场部, want 1", n)
		}
		if r := c.send(inSingle("zhangsan", "/团队 切换 2")); !strings.Contains(r.Text, "单聊里的命令现在作用于") {
			t.Errorf("choose by number: %q", r.Text)
		}
		if r := c.send(inSingle("zhangsan", "/团队")); !strings.Contains(r.Text, "赵六") {
			t.Errorf("roster of the chosen team: %q", r.Text)
		}
		// Removed from the chosen team: the choice no longer holds, and
		// with one team left it is implicit.
		other.expect("zhaoliu", "/移除 @张三", "移出团队名单")
		if r := c.send(inSingle("zhangsan", "/团队")); !strings.Contains(r.Text, "王芳") {
			t.Errorf("after removal from the chosen team: %q", r.Text)
		}
		// Someone in no team is told exactly that.
		if r := c.send(inSingle("stranger", "/记录")); !strings.Contains(r.Text, "你还没有加入任何团队") {
			t.Errorf("stranger: %q", r.Text)
		}
		if r := c.send(inSingle("stranger", "/团队 切换 1")); !strings.Contains(r.Text, "你还没有加入任何团队") {
			t.Errorf("stranger switching: %q", r.Text)
		}
	})
}
