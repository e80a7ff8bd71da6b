package commands_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands/lang"
	"teambot/commands/monthly"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// R17, R18: a reward or penalty names one of the rulebook's grounds, by
// number after 依据 or by its label; a missing or wrong ground is refused
// with the numbered list and an example, and nothing is stored.
func TestLedgerGrounds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("wangfang", "/嘉奖 @张三 三等功 依据2 带新人做完了双十一选题", "【嘉奖】张三：三等功（依据：表率作用）。理由：带新人做完了双十一选题")
		c.expect("wangfang", "/嘉奖 @李四 通报表扬 特殊贡献 修好了后台", "【嘉奖】李四：通报表扬（依据：特殊贡献）。理由：修好了后台")
		c.expect("wangfang", "/嘉奖 @李四 通报表扬 依据 合理化建议被采纳 改了排版流程", "（依据：合理化建议被采纳）。理由：改了排版流程")
		c.expect("wangfang", "/嘉奖 @张三 通报表扬 依据：第5条 3 篇推文破万", "（依据：其它）。理由：3 篇推文破万")
		c.expect("wangfang", "/惩处 @张三 批评 不服从合理指导 海报三次没按意见改", "【通报批评】张三（依据：不服从合理指导）。理由：海报三次没按意见改")

		var grounds []int
		for _, e := range c.entries() {
			grounds = append(grounds, e.Ground)
		}
		if want := []int{2, 4, 3, 5, 2}; !slices.Equal(grounds, want) {
			t.Fatalf("stored grounds %v, want %v", grounds, want)
		}

		for _, x := range []struct{ text, want string }{
			{"/嘉奖 @张三 三等功 带新人很用心", "请在等级后写上嘉奖依据"},
			{"/嘉奖 @张三 三等功 依据9 带新人", "「9」不是嘉奖依据"},
			{"/嘉奖 @张三 三等功 依据 泄密或谋私 带新人", "「泄密或谋私」不是嘉奖依据"},
			{"/嘉奖 @张三 三等功 2 带新人", "依据的编号前请写「依据」，例如 依据2"},
			{"/嘉奖 @张三 三等功 依据", "请在等级后写上嘉奖依据"},
		} {
			c.expect("wangfang", x.text, x.want, "1. 完成重大或特殊任务\n2. 表率作用\n3. 合理化建议被采纳\n4. 特殊贡献\n5. 其它",
				"例如 /嘉奖 @张三 三等功 依据1 ")
		}
		c.expect("wangfang", "/惩处 @张三 批评 依据6 迟到", "「6」不是惩处依据", "1. 恶意攻击诬陷\n2. 不服从合理指导\n3. 造谣生事造成损失\n4. 泄密或谋私\n5. 其它违法违规",
			"例如 /惩处 @王五 警告 依据2 ")
		c.expect("wangfang", "/嘉奖 @张三 三等功 依据1", "请写上理由")
		if n := len(c.entries()); n != 5 {
			t.Errorf("refusals stored entries: %d, want 5", n)
		}

		// The list with the rulebook's wording.
		c.expect("wangfang", "/嘉奖 依据", "规章规定的嘉奖依据", "2. 表率作用（规章原文：热心服务，在工作中起到表率作用，有具体事绩者）")
		c.expect("wangfang", "/惩处 依据", "4. 泄密或谋私（规章原文：利用职务便利对外泄密或私下操作谋取私利者）")
		c.expect("zhangsan", "/惩处 依据", "只有主管可以使用")

		// /记录 shows the ground with the reason, to the member alone (R14).
		r := c.send(msgFrom(c, "zhangsan", "/记录"))
		if !r.Private || !strings.Contains(r.Text, "嘉奖 三等功（依据：表率作用）：带新人做完了双十一选题") ||
			!strings.Contains(r.Text, "惩处 通报批评（依据：不服从合理指导）：海报三次没按意见改") {
			t.Errorf("/记录: %+v", r)
		}
	})
}

// An entry recorded before grounds were shows 未注明, in /记录 and in the
// month's counts by ground; the report counts by ground without names or
// reasons, the appendix lists each entry's ground.
func TestLedgerGroundsOfOldEntriesAndTheMonth(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		var lisi int64
		for _, m := range c.members() {
			if m.UserID == "lisi" {
				lisi = m.ID
			}
		}
		c.inTeam(func(ctx context.Context, tx *storage.Tx, team teambot.Team) error {
			return tx.AddLedgerEntry(ctx, &teambot.LedgerEntry{TeamID: team.ID, MemberID: lisi, Kind: teambot.LedgerReward,
				Level: teambot.LevelCommendation, Reason: "旧记录没有依据", By: "wangfang", At: now.Add(-time.Hour)})
		})
		c.expect("wangfang", "/嘉奖 @张三 三等功 依据2 带新人", "（依据：表率作用）")
		c.expect("wangfang", "/嘉奖 @张三 通报表扬 依据2 周报写得清楚", "（依据：表率作用）")
		c.expect("wangfang", "/惩处 @李四 批评 依据1 在群里诬陷同事", "（依据：恶意攻击诬陷）")
		c.expect("wangfang", "/惩处 撤销 4 误会已澄清", "已撤销")
		c.expectSingle("lisi", "/记录", "嘉奖 通报表扬（依据：未注明）：旧记录没有依据")

		d, err := monthly.Build(context.Background(), c.engine, c.chatID, lang.Month{Year: 2026, Month: 11})
		if err != nil {
			t.Fatal(err)
		}
		want := []monthly.GroundCount{{Kind: "嘉奖", Ground: "表率作用", Count: 2}, {Kind: "嘉奖", Ground: teambot.GroundUnstated, Count: 1}}
		if got := d.Report.Grounds; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("counts by ground %+v, want %+v (the revoked penalty not counted)", got, want)
		}
		text := d.Report.Text()
		if !strings.Contains(text, "- 嘉奖依据：表率作用 2、未注明 1") {
			t.Errorf("the report lacks the counts by ground:\n%s", text)
		}
		for _, secret := range []string{"旧记录没有依据", "带新人", "诬陷同事", "恶意攻击诬陷"} {
			if strings.Contains(text, secret) {
				t.Errorf("the report holds %q:\n%s", secret, text)
			}
		}
		app := d.Appendix.Text()
		for _, line := range []string{"李四 通报表扬（依据：未注明）：旧记录没有依据", "张三 三等功（依据：表率作用）：带新人", "李四 通报批评（依据：恶意攻击诬陷）：在群里诬陷同事（已撤销）"} {
			if !strings.Contains(app, line) {
				t.Errorf("the appendix lacks %q:\n%s", line, app)
			}
		}
	})
}
