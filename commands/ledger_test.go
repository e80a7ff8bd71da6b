package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// entries is the team's whole ledger, oldest first.
func (c *chat) entries() []teambot.LedgerEntry {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.LedgerEntry, error) {
		return tx.LedgerEntries(ctx, teambot.LedgerFilter{TeamID: team.ID})
	})
}

func (c *chat) isActive(user string) bool {
	for _, m := range c.members() {
		if m.UserID == user {
			return true
		}
	}
	return false
}

// R17: every reward level is recorded and announced in the group.
func TestEveryRewardLevelIsAnnounced(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		for _, level := range teambot.RewardLevels {
			reply := c.send(teambot.Message{ChatID: c.chatID, UserID: "wangfang", Text: "/嘉奖 @张三 " + level + " 依据1 双十一推文阅读量破十万"})
			if reply.Private || !strings.Contains(reply.Text, "【嘉奖】张三："+level+"（依据：完成重大或特殊任务）。理由：双十一推文阅读量破十万") ||
				strings.Join(reply.Mentions, ",") != "zhangsan" {
				t.Errorf("%s: %+v", level, reply)
			}
		}
		c.expect("wangfang", "/嘉奖 @李四 表扬 依据1 海报提前两天完成", "【嘉奖】李四：通报表扬")
		if n := len(c.entries()); n != len(teambot.RewardLevels)+1 {
			t.Errorf("%d entries, want %d", n, len(teambot.RewardLevels)+1)
		}
		if got := c.auditActions("ledger.reward"); len(got) != len(teambot.RewardLevels)+1 {
			t.Errorf("audit: %v", got)
		}
	})
}

// R18/R19: criticism is announced, a warning reaches the member alone, and
// 劝退/除名 take the member off the roster. The private levels are recorded
// in the supervisor's single chat; the group sees neither level nor reason.
func TestPenaltyLevels(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, clock := leaveTeam(t, db)
		admit(c, "wangwu", "王五 推广")
		admit(c, "zhaoliu", "赵六 客服")
		c.expectSingle("zhaoliu", "/账号 登记 抖音 zhaoliu_dy", "#1")
		c.outbox(*clock) // the supervisor's notice of the registration

		c.expect("wangfang", "/惩处 @张三 批评 依据2 推文错别字三处", "【通报批评】张三（依据：不服从合理指导）。理由：推文错别字三处")

		// A warning with app messages: private reply, an app message to the member.
		reply := single(dm, "wangfang", "/惩处 @李四 警告 依据2 连续两周未交周报")
		if !reply.Private || !strings.Contains(reply.Text, "已记录 #2：李四 警告") || !strings.Contains(reply.Text, "已私信通知 李四") {
			t.Errorf("warning reply: %+v", reply)
		}
		msgs := c.outbox(*clock)
		if len(msgs) != 1 || msgs[0].Channel != teambot.ToUsers || strings.Join(msgs[0].Users, ",") != "lisi" ||
			!strings.Contains(msgs[0].Text, "警告（记录 #2，依据：不服从合理指导），理由：连续两周未交周报") {
			t.Fatalf("warning notice: %+v", msgs)
		}
		// Without app messages the group sees only that a record waits.
		c.expectSingle("wangfang", "/惩处 @李四 警告 依据2 第三周仍未交", "已在群里提醒 李四 私聊查看")
		msgs = c.outbox(*clock)
		if len(msgs) != 1 || msgs[0].Channel != teambot.ToGroup || strings.Contains(msgs[0].Text, "第三周") ||
			strings.Join(msgs[0].Mentions, ",") != "lisi" {
			t.Fatalf("warning without app messages: %+v", msgs)
		}
		own := c.send(teambot.Message{ChatID: c.chatID, UserID: "lisi", Text: "/记录"})
		if !own.Private || !strings.Contains(own.Text, "惩处 警告（依据：不服从合理指导）：第三周仍未交") || !strings.Contains(own.Text, "惩处 警告（依据：不服从合理指导）：连续两周未交周报") {
			t.Errorf("own record: %+v", own)
		}

		for user, level := range map[string]string{"wangwu": "劝退", "zhaoliu": "除名"} {
			reply := single(c, "wangfang", "/惩处 @"+map[string]string{"wangwu": "王五", "zhaoliu": "赵六"}[user]+" "+level+" 依据4 多次泄露客户信息")
			if !reply.Private || !strings.Contains(reply.Text, level) || !strings.Contains(reply.Text, "已移出团队名单") {
				t.Errorf("%s reply: %+v", level, reply)
			}
			if owns := user == "zhaoliu"; owns != strings.Contains(reply.Text, "负责的 1 个账号需要移交") {
				t.Errorf("%s: handover list %v, want %v:\n%s", level, !owns, owns, reply.Text)
			}
			if c.isActive(user) {
				t.Errorf("%s: %s is still on the roster", level, user)
			}
			// Without app messages nobody can tell a member who left in
			// private (they can no longer read /记录): the supervisor is asked to.
			if !strings.Contains(reply.Text, "请主管当面告知") {
				t.Errorf("%s: the supervisor is not asked to tell the member: %s", level, reply.Text)
			}
			out := c.outbox(*clock)
			if len(out) != 1 || out[0].Channel != teambot.ToGroup || !strings.Contains(out[0].Text, "【人员变动】") || len(out[0].Mentions) != 0 {
				t.Errorf("%s notices: %+v", level, out)
			}
			for _, m := range out {
				if strings.Contains(m.Text, "泄露") || strings.Contains(m.Text, level) {
					t.Errorf("the group hears the reason or level of %s: %s", level, m.Text)
				}
			}
		}
		c.expect("wangwu", "/周报 本周做了推广", "只有团队成员可以使用")
		// 除名 lists the accounts the member owned for handover, and the
		// handover reminder keeps asking until they have a new owner.
		handover := c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: "wangfang", Text: "/账号 列表"})
		if !strings.Contains(handover.Text, "zhaoliu_dy") {
			t.Errorf("the supervisor's account list lacks the dismissed member's account: %s", handover.Text)
		}
		*clock = now.Add(time.Hour)
		c.expect("wangfang", "/记录 全部", "张三 惩处 通报批评", "王五 惩处 劝退（依据：泄密或谋私）：多次泄露客户信息", "赵六 惩处 除名")
		c.expect("wangfang", "/记录 wangwu", "王五的嘉奖和惩处记录", "劝退")
		c.expect("wangfang", "/记录 @王五", "王五的嘉奖和惩处记录", "劝退") // by name, after leaving
		// With app messages, the member who leaves hears level and reason privately.
		admit(c, "sunqi", "孙七 技术")
		if r := single(dm, "wangfang", "/惩处 @孙七 劝退 依据5 长期不交周报"); !strings.Contains(r.Text, "已私信通知 孙七") {
			t.Errorf("劝退 with app messages: %+v", r)
		}
		var told bool
		for _, m := range c.outbox(*clock) {
			told = told || m.Channel == teambot.ToUsers && m.Users[0] == "sunqi" && strings.Contains(m.Text, "（记录 #6，依据：其它违法违规），理由：长期不交周报")
			if m.Channel == teambot.ToGroup && (strings.Contains(m.Text, "长期不交周报") || strings.Contains(m.Text, "劝退") || strings.Contains(m.Text, "依据")) {
				t.Errorf("the group hears the reason or level of 劝退: %s", m.Text)
			}
		}
		if !told {
			t.Error("with app messages the member who is 劝退 is not told privately")
		}
		// Reasons are private: the audit log keeps their length only.
		for _, a := range c.audit() {
			for _, reason := range []string{"推文错别字", "连续两周未交周报", "多次泄露客户信息", "长期不交周报"} {
				if strings.Contains(a.Detail, reason) {
					t.Errorf("the audit log holds a ledger reason: %s %s", a.Action, a.Detail)
				}
			}
		}
	})
}

func TestLedgerRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("zhangsan", "/嘉奖 @李四 三等功 依据1 帮我改了推文", "/嘉奖 只有主管可以使用")
		c.expectSingle("zhangsan", "/惩处 @李四 警告 依据2 迟到", "/惩处 只有主管可以使用")
		c.expect("wangfang", "/嘉奖 @张三 四等功 很好", "「四等功」不是嘉奖等级", "通报表扬、三等功、二等功、一等功、特等功")
		c.expect("wangfang", "/惩处 @张三 记过 迟到", "「记过」不是惩处等级", "通报批评、警告、劝退、除名")
		c.expectSingle("wangfang", "/惩处 @张三 警告 依据2", "请写上理由")
		c.expect("wangfang", "/嘉奖 @王芳 特等功 依据1 辛苦了", "主管不能给自己记录嘉奖")
		c.expectSingle("wangfang", "/惩处 @张3 警告 依据2 迟到", "没有名为「张3」的成员")
		c.expect("wangfang", "/惩处", "请写成 /惩处 @名字 等级 依据编号 理由")
		c.expect("wangfang", "/惩处 撤销 9 记错了", "没有编号为 #9 的记录")
		c.expect("wangfang", "/惩处 确认 7", "没有编号为 #7 的缺勤提醒")
		c.expect("zhangsan", "/记录 @李四", "只能查看自己的记录")
		c.expect("zhangsan", "/记录 全部", "全队的记录只有主管可以查看")
		if n := len(c.entries()); n != 0 {
			t.Errorf("refusals stored %d entries", n)
		}
	})
}

// Entries are append-only: a revocation is a new entry; an entry is revoked
// once; a revocation itself is never revoked.
func TestRevocation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		c.expect("wangfang", "/嘉奖 @张三 三等功 依据1 推文破十万", "记录 #1")
		c.expectSingle("wangfang", "/惩处 @李四 警告 依据2 未交周报", "已记录 #2")
		c.outbox(*clock)
		c.expect("wangfang", "/嘉奖 撤销 1 记错了人，应是李四", "【撤销】记录 #1（张三 三等功）已撤销。理由：记错了人，应是李四")
		c.expect("wangfang", "/惩处 撤销 1 再撤", "已经由 #3 撤销过了")
		c.expect("wangfang", "/惩处 撤销 3 撤销撤销", "本身是一条撤销记录")
		c.expect("wangfang", "/惩处 撤销 2", "请写上理由")
		reply := c.send(teambot.Message{ChatID: c.chatID, UserID: "wangfang", Text: "/惩处 撤销 2 已查明请过假"})
		if !reply.Private || !strings.Contains(reply.Text, "已撤销记录 #2（李四 警告），撤销记录 #4") {
			t.Errorf("revoking a warning: %+v", reply)
		}
		if msgs := c.outbox(*clock); len(msgs) != 1 || strings.Contains(msgs[0].Text, "请过假") {
			t.Errorf("a revoked warning is told privately: %+v", msgs)
		}
		c.expect("zhangsan", "/记录", "#1", "嘉奖 三等功（依据：完成重大或特殊任务）：推文破十万（已由 #3 撤销）", "撤销 #1：记错了人")
		es := c.entries()
		if len(es) != 4 || es[0].RevokedBy != 3 || es[2].Revokes != 1 || es[2].Kind != teambot.LedgerRevocation {
			t.Errorf("entries: %+v", es)
		}
	})
}

// R12 meets R18: the supervisor confirms a meeting-absence proposal as a
// warning, or dismisses it; either only once.
func TestConfirmAndDismissAbsenceProposals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, clock := leaveTeam(t, db)
		var lisi, zhangsan int64
		for _, m := range c.members() {
			switch m.UserID {
			case "lisi":
				lisi = m.ID
			case "zhangsan":
				zhangsan = m.ID
			}
		}
		c.inTeam(func(ctx context.Context, tx *storage.Tx, team teambot.Team) error {
			var ids []int64
			for _, at := range []time.Time{at(2026, 11, 13, 15, 0), at(2026, 11, 20, 15, 0)} {
				m := teambot.Meeting{TeamID: team.ID, StartsAt: at, Duration: time.Hour, CreatedBy: "wangfang", CreatedAt: at.Add(-48 * time.Hour)}
				if err := tx.CreateMeeting(ctx, &m); err != nil {
					return err
				}
				ids = append(ids, m.ID)
			}
			for _, member := range []int64{lisi, zhangsan} {
				p := teambot.MeetingProposal{TeamID: team.ID, MemberID: member, FirstMeetingID: ids[0], SecondMeetingID: ids[1], CreatedAt: now}
				if _, err := tx.CreateMeetingProposal(ctx, &p); err != nil {
					return err
				}
			}
			return nil
		})
		// An appeal against one of the absences is decided first (R12).
		c.inTeam(func(ctx context.Context, tx *storage.Tx, team teambot.Team) error {
			return tx.CreateMeetingDispute(ctx, &teambot.MeetingDispute{TeamID: team.ID, MeetingID: 2, MemberID: lisi, Reason: "那天在医院", CreatedAt: now})
		})
		c.expect("wangfang", "/惩处 确认 1", "李四 对 11月20日（周五）15:00 的缺席有待处理的申诉 #1", "/会议 申诉 批准 1")
		c.expect("wangfang", "/会议 申诉 驳回 1 没有病历", "已驳回")
		reply := dm.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: "wangfang", Text: "/惩处 确认 1"})
		if !strings.Contains(reply.Text, "已记录 #1：李四 警告（依据：连续两次缺席会议），理由：连续两次会议无故缺席：11月13日（周五）、11月20日（周五）（缺勤提醒 #1）") {
			t.Errorf("confirm: %+v", reply)
		}
		c.expect("wangfang", "/惩处 确认 1", "缺勤提醒 #1 已经确认了")
		c.expect("wangfang", "/惩处 驳回 2", "请写上理由")
		c.expect("wangfang", "/惩处 驳回 2 两次都在外地出差，事先说过", "已驳回缺勤提醒 #2（张三）")
		c.expect("wangfang", "/惩处 确认 2", "已经驳回或因申诉撤销了")
		es := c.entries()
		if len(es) != 1 || es[0].ProposalID != 1 || es[0].Level != teambot.LevelWarning || es[0].UserID != "lisi" {
			t.Errorf("entries: %+v", es)
		}
		var statuses []string
		c.inTeam(func(ctx context.Context, tx *storage.Tx, team teambot.Team) error {
			ps, err := tx.MeetingProposals(ctx, team.ID)
			for _, p := range ps {
				statuses = append(statuses, p.Status)
			}
			return err
		})
		if strings.Join(statuses, ",") != "confirmed,dismissed" {
			t.Errorf("proposal statuses: %v", statuses)
		}
		if msgs := c.outbox(*clock); len(msgs) != 1 || msgs[0].Channel != teambot.ToUsers || msgs[0].Users[0] != "lisi" {
			t.Errorf("the confirmed warning reaches 李四 privately: %+v", msgs)
		}
	})
}
