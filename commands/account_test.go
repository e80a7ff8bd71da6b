package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/account"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// accounts is every account of the chat's team, removed ones included.
func (c *chat) accounts() []teambot.Account {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Account, error) {
		return tx.Accounts(ctx, teambot.AccountFilter{TeamID: team.ID})
	})
}

// account is the account with the given id.
func (c *chat) account(id int64) teambot.Account {
	c.t.Helper()
	return withID(c, c.accounts(), id, "account", func(a teambot.Account) int64 { return a.ID })
}

// accountEvents is the team's account history of 2020 to 2030.
func (c *chat) accountEvents() []teambot.AccountEvent {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.AccountEvent, error) {
		return tx.AccountEvents(ctx, team.ID, at(2020, 1, 1, 0, 0), at(2030, 1, 1, 0, 0))
	})
}

// reminderJob is the reminder named name as the scheduler runs it, with
// its month-day gate.
func reminderJob(t *testing.T, name string) job {
	t.Helper()
	for _, rm := range rulebook.Reminders() {
		if rm.Name == name {
			return job{name, rm.Compose}
		}
	}
	t.Fatalf("no reminder %s", name)
	return job{}
}

// noAccountName fails the test when a group-visible text holds one of the
// account names (R14).
func noAccountName(t *testing.T, where, text string, names ...string) {
	t.Helper()
	for _, n := range names {
		if strings.Contains(text, n) {
			t.Errorf("%s shows the account name %q:\n%s", where, n, text)
		}
	}
}

// R13: a member registers their own account, the supervisor one for anyone,
// in a single chat (typed in the group it is refused); the supervisor hears
// of it, what the group sees never names the account, and the audit log
// holds no account name either.
func TestRegisterAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		r := c.send(msgFrom(c, "zhangsan", "/账号 登记 微博 TeamOfficial 备注 主号，粉丝 3 万"))
		if !strings.Contains(r.Text, "请在和我的单聊里发送 /账号 登记 平台 账号名") || len(r.Mentions) != 0 {
			t.Errorf("registration in the group: %+v", r)
		}
		noAccountName(t, "the group reply", r.Text, "TeamOfficial", "粉丝")
		if as := c.accounts(); len(as) != 0 {
			t.Errorf("a registration in the group was stored: %+v", as)
		}

		r = single(c, "zhangsan", "/账号 登记 微博 TeamOfficial 备注 主号，粉丝 3 万")
		if !r.Private || len(r.Mentions) != 0 ||
			r.Text != "已登记账号 #1：微博「TeamOfficial」，负责人 张三，备注：主号，粉丝 3 万。已在群里告知 王芳（群里不显示账号名）。" {
			t.Errorf("registration reply: %+v", r)
		}
		out := c.outbox(now)
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[wangfang]" ||
			out[0].Text != "【账号报备】张三 登记了账号 #1（微博，负责人 张三）。" {
			t.Errorf("outbox %+v, want the group notice to the supervisor", out)
		}
		a := c.account(1)
		if a.Platform != "微博" || a.Name != "TeamOfficial" || a.Note != "主号，粉丝 3 万" || a.OwnerName != "张三" ||
			a.RegisteredBy != "zhangsan" || !a.Active() || !a.RegisteredAt.Equal(now) {
			t.Errorf("stored %+v", a)
		}

		// The same account again, in any case, is refused and names the first.
		c.expectSingle("lisi", "/账号 登记 微博 teamofficial", "这个账号已经登记过了：#1（微博，负责人 张三）", "/账号 移交 1 @名字")
		// A platform spelled like a registered one takes its spelling.
		c.expectSingle("lisi", "/账号 登记 Douyin dy001", "#2：Douyin「dy001」，负责人 李四")
		c.expectSingle("lisi", "/账号 登记 douyin dy002", "#3：Douyin「dy002」，负责人 李四")
		c.expectSingle("lisi", "/账号 登记 DOUYIN DY001", "这个账号已经登记过了：#2")

		// Only the supervisor registers for someone else, and only for a member.
		c.expectSingle("zhangsan", "/账号 登记 公众号 服务号 @李四", "只有主管可以替别人登记账号")
		c.expectSingle("wangfang", "/账号 登记 公众号 服务号 @王五", "没有名为「王五」的成员", "团队成员有：王芳、张三、李四")
		r = single(c, "wangfang", "/账号 登记 公众号 服务号 @李四 备注：订阅号已停")
		if r.Text != "已登记账号 #4：公众号「服务号」，负责人 李四，备注：订阅号已停。已在群里告知 李四（群里不显示账号名）。" || len(r.Mentions) != 0 {
			t.Errorf("registration for 李四: %+v", r)
		}
		// The group hears of 李四's two and of the one for 李四, never what
		// the accounts are called.
		out = c.outbox(now)
		if len(out) != 3 || out[2].Text != "【账号报备】王芳 登记了账号 #4（公众号，负责人 李四）。" || fmt.Sprint(out[2].Mentions) != "[lisi]" {
			t.Errorf("outbox %+v, want the notices of #2, #3 and #4", out)
		}
		for _, m := range out {
			if m.Channel != teambot.ToGroup {
				t.Errorf("a notice without app messages went elsewhere than the group: %+v", m)
			}
			noAccountName(t, "a group notice", m.Text, "dy00", "服务号", "订阅号")
		}
		if a := c.account(4); a.OwnerName != "李四" || a.Note != "订阅号已停" || a.RegisteredBy != "wangfang" {
			t.Errorf("stored %+v", a)
		}
		c.expectSingle("zhangsan", "/账号 登记 公众号", "请写上平台和账号名", "用法：/账号")
		c.expectSingle("zhangsan", "/账号 登记 公众号 服务号2 张三", "看不懂「张三」：负责人请写成 @名字，备注请写在「备注」后面")
		c.expectSingle("zhangsan", "/账号 登记 "+strings.Repeat("平", 21)+" x", "平台名最多 20 字")
		c.expectSingle("zhangsan", "/账号 登记 微博 "+strings.Repeat("a", 65), "账号名最多 64 字")
		c.expect("zhangsan", "/账号 开通 微博", "没有「开通」这个账号操作")
		if n := len(c.accounts()); n != 4 {
			t.Errorf("%d accounts stored, want 4", n)
		}

		var adds []string
		for _, e := range c.audit() {
			if strings.HasPrefix(e.Action, "account.") {
				adds = append(adds, e.Action+" "+e.Target+" "+e.Detail)
				noAccountName(t, "the audit log", e.Detail, "TeamOfficial", "dy00", "服务号", "主号")
			}
		}
		want := []string{"account.add account#1 微博，负责人 张三", "account.add account#2 Douyin，负责人 李四",
			"account.add account#3 Douyin，负责人 李四", "account.add account#4 公众号，负责人 李四"}
		if strings.Join(adds, "|") != strings.Join(want, "|") {
			t.Errorf("audit:\n got %q\nwant %q", adds, want)
		}
		if n := len(c.accountEvents()); n != 4 {
			t.Errorf("%d account events, want one registration each", n)
		}

		// Without a supervisor nobody is told, and the reply says so.
		c.chatID = "group-2"
		c.expect("zhaoliu", "/加入 赵六 推广", "已登记")
		c.outbox(now)
		r = single(c, "zhaoliu", "/账号 登记 微博 zl")
		if !strings.Contains(r.Text, "团队还没有主管：指定主管后，主管发送 /账号 列表 就能看到它") || len(r.Mentions) != 0 {
			t.Errorf("registration without a supervisor: %+v", r)
		}
		if out := c.outbox(now); len(out) != 0 {
			t.Errorf("a registration without a supervisor sent %+v", out)
		}
	})
}

// R13: a message that looks like it carries a password is refused, stored
// nowhere (accounts, history, update log, audit), and the sender is told to
// change that password.
func TestAccountPasswordRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, _ := leaveTeam(t, db)
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
		c.outbox(now) // the supervisor's notice of the registration
		auditBefore := len(c.audit())
		for _, text := range []string{
			"/账号 登记 微博 abc 密码 Abc12345",
			"/账号 登记 抖音 dy001 备注 密码：hunter2x",
			"/账号 登记 抖音 dy001 pwd=778899",
			"/账号 已改密 1 新密码是 Abc123456",
			"/账号 移交 1 @李四 口令 556677",
			"/更新 微博 密码 Abc12345",
			"/更新 微博 活动 抽奖 password: letmein1",
		} {
			for _, e := range []*chat{c, dm} {
				got := e.say("zhangsan", text)
				if !strings.Contains(got, "修改这个密码") {
					t.Errorf("%q: reply %q, want it refused with advice to change the password", text, got)
				}
				if strings.HasPrefix(text, "/账号") && !strings.Contains(got, "/账号 已改密 编号") {
					t.Errorf("%q: reply %q, want it to say how to report the change", text, got)
				}
				if strings.Contains(got, "Abc1") || strings.Contains(got, "hunter") || strings.Contains(got, "7788") {
					t.Errorf("%q: the reply repeats the password: %q", text, got)
				}
			}
			if r := single(c, "zhangsan", text); !strings.Contains(r.Text, "修改这个密码") {
				t.Errorf("%q in a single chat: %+v", text, r)
			}
		}
		if as := c.accounts(); len(as) != 1 || as[0].Name != "TeamOfficial" || !as[0].ChangedAt.IsZero() || as[0].OwnerName != "张三" {
			t.Errorf("accounts after the refusals: %+v", as)
		}
		if ev := c.accountEvents(); len(ev) != 1 {
			t.Errorf("account events after the refusals: %+v", ev)
		}
		if us := c.updates(); len(us) != 0 {
			t.Errorf("updates after the refusals: %+v", us)
		}
		if log := c.audit(); len(log) != auditBefore {
			t.Errorf("the refusals were audited: %+v", log[auditBefore:])
		}
		if out := c.outbox(now.Add(time.Hour)); len(out) != 0 {
			t.Errorf("the refusals sent messages: %+v", out)
		}
	})
}

// R14: account names are shown in full only in a single chat or an app
// message; in the group the bot gives platform, id and names. A member's
// list holds their own accounts only, the supervisor's all of them.
func TestAccountPrivacy(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, _ := leaveTeam(t, db)
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial 备注 主号", "#1")
		c.expectSingle("lisi", "/账号 登记 抖音 dy001", "#2")
		c.expectSingle("wangfang", "/账号 登记 公众号 服务号", "#3")
		// The supervisor hears of the members' two in the group, without
		// the account names; of her own, nobody is told.
		out := c.outbox(now)
		if len(out) != 2 || fmt.Sprint(out[0].Mentions) != "[wangfang]" || fmt.Sprint(out[1].Mentions) != "[wangfang]" {
			t.Errorf("outbox after the registrations: %+v", out)
		}
		for _, m := range out {
			if m.Channel != teambot.ToGroup || !strings.HasPrefix(m.Text, "【账号报备】") {
				t.Errorf("notice of a registration: %+v", m)
			}
			noAccountName(t, "a group notice", m.Text, "TeamOfficial", "主号", "dy001", "服务号")
		}
		c.expect("wangfang", "/账号 注销 3 平台停用", "已注销账号 #3（公众号，负责人 王芳），原因：平台停用")

		r := c.send(msgFrom(c, "zhangsan", "/账号"))
		if !r.Private || !strings.Contains(r.Text, "你名下的账号（1 个）：\n#1 微博 · 负责人 张三 · 登记 11月25日（周三） · 本季度已核对") ||
			!strings.Contains(r.Text, "账号名和备注只在私聊里显示") || strings.Contains(r.Text, "抖音") {
			t.Errorf("a member's list in the group: %+v", r)
		}
		noAccountName(t, "the group list", r.Text, "TeamOfficial", "主号")
		r = single(c, "zhangsan", "/账号 列表")
		if !strings.Contains(r.Text, "#1 微博「TeamOfficial」 · 负责人 张三") || !strings.Contains(r.Text, "备注：主号") || strings.Contains(r.Text, "dy001") {
			t.Errorf("a member's list in a single chat: %+v", r)
		}
		r = c.send(msgFrom(c, "wangfang", "/账号 列表"))
		if !strings.Contains(r.Text, "团队的账号（2 个）") || !strings.Contains(r.Text, "#2 抖音 · 负责人 李四") || strings.Contains(r.Text, "公众号") {
			t.Errorf("the supervisor's list in the group: %+v", r)
		}
		noAccountName(t, "the supervisor's group list", r.Text, "TeamOfficial", "dy001")
		r = single(c, "wangfang", "/账号 列表 全部")
		if !strings.Contains(r.Text, "团队的账号，含已注销的（3 个）") || !strings.Contains(r.Text, "dy001") ||
			!strings.Contains(r.Text, "#3 公众号「服务号」 · 负责人 王芳 · 登记 11月25日（周三） · 已于 11月25日（周三）注销：平台停用") {
			t.Errorf("the supervisor's full list in a single chat: %+v", r)
		}
		c.expect("wangfang", "/账号 列表 所有", "只能写「全部」")
		r = single(c, "zhangsan", "/账号 已改密 1")
		if !strings.Contains(r.Text, "账号 #1 微博「TeamOfficial」在今天 11月25日（周三）改了密码") {
			t.Errorf("a change in a single chat: %+v", r)
		}

		// From a single chat without app messages, the supervisor hears it
		// in the group, without the account name.
		out = c.outbox(now.Add(time.Hour))
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[wangfang]" ||
			out[0].Text != "【账号改密】张三 报备：账号 #1（微博）在 11月25日（周三）改了密码。" {
			t.Errorf("outbox: %+v", out)
		}
		// With app messages, the supervisor gets the whole record privately.
		r = single(dm, "lisi", "/账号 登记 小红书 xhs-team 备注 新开")
		if r.Text != "已登记账号 #4：小红书「xhs-team」，负责人 李四，备注：新开。已私信告知 王芳。" || len(r.Mentions) != 0 {
			t.Errorf("registration with app messages: %+v", r)
		}
		// Nothing for the group: the whole notice is the app message.
		private := c.outbox(now.Add(3 * time.Hour))
		if len(private) != 1 || private[0].Channel != teambot.ToUsers || fmt.Sprint(private[0].Users) != "[wangfang]" ||
			private[0].Text != "【账号报备】李四 登记了账号 #4：小红书「xhs-team」，负责人 李四，备注：新开。" {
			t.Errorf("app messages in the outbox: %+v", private)
		}
	})
}

// 已改密, 移交 and 注销: the owner or the supervisor changes an account and
// the supervisor hears of it; others, unknown ids, removed accounts, bad
// names and missing reasons are refused and change nothing.
func TestChangeTransferRemoveAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c)
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
		c.expectSingle("zhangsan", "/账号 登记 抖音 dy001", "#2")

		*clock = at(2026, 11, 26, 9, 0)
		r := c.send(msgFrom(c, "zhangsan", "/账号 已改密 #1"))
		if r.Text != "已记下：账号 #1（微博）在今天 11月26日（周四）改了密码。新密码只由负责人保管，不用发给任何人。已告知 王芳。" || fmt.Sprint(r.Mentions) != "[wangfang]" {
			t.Errorf("已改密: %+v", r)
		}
		if a := c.account(1); !a.ChangedAt.Equal(*clock) {
			t.Errorf("changed_at = %v, want %v", a.ChangedAt, *clock)
		}
		c.expect("lisi", "/账号 已改密 1", "账号 #1 由 张三 负责，只有负责人本人或主管可以报备改密")
		c.expect("zhangsan", "/账号 已改密 9", "没有编号 #9 的账号。发送 /账号 列表 查看编号")
		c.expect("zhangsan", "/账号 已改密 abc", "「abc」不是账号编号")
		c.expect("zhangsan", "/账号 已改密", "请写上账号编号，例如 /账号 已改密 3")
		c.expect("wangfang", "/账号 已改密 2", "已记下：账号 #2（抖音）")

		// Transfer: the owner or the supervisor, to an active member.
		c.expect("lisi", "/账号 移交 1 @李四", "账号 #1 由 张三 负责，只有负责人本人或主管可以移交")
		c.expect("zhangsan", "/账号 移交 1 @王五", "没有名为「王五」的成员")
		c.expect("zhangsan", "/账号 移交 1", "请写上账号编号和新负责人，例如 /账号 移交 3 @李四")
		c.expect("zhangsan", "/账号 移交 1 @张三", "账号 #1 已经由 张三 负责，不用移交")
		r = c.send(msgFrom(c, "zhangsan", "/账号 移交 1 @李四"))
		if r.Text != "已把账号 #1（微博）从 张三 移交给 李四。已告知 李四、王芳。" || fmt.Sprint(r.Mentions) != "[lisi wangfang]" {
			t.Errorf("移交: %+v", r)
		}
		if a := c.account(1); a.OwnerName != "李四" {
			t.Errorf("owner after the transfer: %+v", a)
		}
		c.expect("zhangsan", "/账号 已改密 1", "账号 #1 由 李四 负责")
		c.expect("wangfang", "/账号 移交 1 @张三", "已把账号 #1（微博）从 李四 移交给 张三")

		// Remove: a reason is required; a removed account takes no changes.
		c.expect("zhangsan", "/账号 注销 2", "请写上注销原因，例如 /账号 注销 2 平台停用")
		c.expect("lisi", "/账号 注销 2 不用了", "只有负责人本人或主管可以注销")
		c.expect("zhangsan", "/账号 注销 2 "+strings.Repeat("长", 201), "原因最多 200 字")
		r = c.send(msgFrom(c, "zhangsan", "/账号 注销 2 抖音号停用，内容迁到视频号"))
		if r.Text != "已注销账号 #2（抖音，负责人 张三），原因：抖音号停用，内容迁到视频号。已告知 王芳。" {
			t.Errorf("注销: %+v", r)
		}
		if a := c.account(2); a.Active() || a.RemovedReason != "抖音号停用，内容迁到视频号" || !a.RemovedAt.Equal(*clock) {
			t.Errorf("removed account: %+v", a)
		}
		for _, text := range []string{"/账号 注销 2 再来一次", "/账号 已改密 2", "/账号 移交 2 @李四"} {
			c.expect("zhangsan", text, "账号 #2（抖音）已在 11月26日（周四）注销，不能再")
		}
		c.expect("zhangsan", "/账号 核对 2", "账号 #2（抖音）已在 11月26日（周四）注销，不用核对")
		// A removed account's name is free again.
		c.expectSingle("zhangsan", "/账号 登记 抖音 dy001", "#3：抖音「dy001」，负责人 张三")

		var kinds []string
		for _, e := range c.accountEvents() {
			kinds = append(kinds, fmt.Sprintf("#%d %s %s→%s", e.AccountID, e.Kind, e.By, e.OwnerName))
		}
		want := []string{"#1 registered zhangsan→张三", "#2 registered zhangsan→张三", "#1 changed zhangsan→张三",
			"#2 changed wangfang→张三", "#1 transferred zhangsan→李四", "#1 transferred wangfang→张三",
			"#2 removed zhangsan→张三", "#3 registered zhangsan→张三"}
		if strings.Join(kinds, "|") != strings.Join(want, "|") {
			t.Errorf("history:\n got %q\nwant %q", kinds, want)
		}
		if got := c.auditActions("account."); len(got) != 8 || got[4] != "account.transfer 微博，张三 → 李四" || got[6] != "account.remove 抖音，负责人 张三" {
			t.Errorf("audit: %q", got)
		}
	})
}

// /账号 核对: an owner confirms their accounts, all or some; not someone
// else's.
func TestConfirmAccounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("zhangsan", "/账号 核对", "你名下没有登记的账号，不用核对")
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
		c.expectSingle("zhangsan", "/账号 登记 抖音 dy001", "#2")
		c.expectSingle("lisi", "/账号 登记 小红书 xhs", "#3")
		c.expect("zhangsan", "/账号 核对 3", "账号 #3 由 李四 负责，只有负责人本人可以核对")
		c.expect("zhangsan", "/账号 核对 2 2", "已确认 1 个账号仍由你负责：#2 抖音。2026年第4季度的核对已记下")
		c.expect("zhangsan", "/账号 核对", "已确认 2 个账号仍由你负责：#1 微博、#2 抖音")
		r := single(c, "lisi", "/账号 确认")
		if !strings.Contains(r.Text, "#3 小红书「xhs」") {
			t.Errorf("confirmation in a single chat: %+v", r)
		}
		if a := c.account(1); !a.ConfirmedAt.Equal(now) {
			t.Errorf("confirmed_at = %v", a.ConfirmedAt)
		}
		if got := c.auditActions("account.confirm"); fmt.Sprint(got) != "[account.confirm 1 个账号：#2 account.confirm 2 个账号：#1 #2 account.confirm 1 个账号：#3]" {
			t.Errorf("audit: %q", got)
		}
	})
}

// 账号核对 and 账号核对结果 (R13): on the first workday of the quarter the
// owners are asked to confirm; on the first workday from the 15th the
// Supervisor hears which accounts nobody confirmed — privately in full, or
// in the group with counts and names only. Neither sends on other days.
func TestQuarterlyAccountCheck(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, clock := leaveTeam(t, db)
		check, result := reminderJob(t, "account_check"), reminderJob(t, "account_check_result")
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
		c.expectSingle("lisi", "/账号 登记 抖音 dy001", "#2")
		c.expectSingle("lisi", "/账号 登记 小红书 xhs", "#3")

		// 2027-01-01 is New Year's Day: the first workday is Monday the 4th.
		for _, day := range []int{1, 5, 8} {
			if out := c.fire(check, at(2027, 1, day, 10, 0)); len(out) != 0 {
				t.Errorf("账号核对 on January %d: %+v", day, out)
			}
		}
		out := c.fire(check, at(2027, 1, 4, 10, 0))
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || fmt.Sprint(out[0].Mentions) != "[zhangsan lisi]" ||
			!strings.Contains(out[0].Text, "【账号核对】2027年第1季度的账号核对开始了（R13）") ||
			!strings.Contains(out[0].Text, "待确认：张三 1 个、李四 2 个") || !strings.Contains(out[0].Text, "1月15日（周五）还没确认的账号会报给主管") {
			t.Errorf("账号核对 on January 4: %+v", out)
		}
		noAccountName(t, "账号核对", out[0].Text, "TeamOfficial", "dy001", "xhs")

		// 张三 confirms, 李四 confirms one of two; 王芳 registers a new one.
		*clock = at(2027, 1, 5, 9, 0)
		c.expect("zhangsan", "/账号 核对", "已确认 1 个账号仍由你负责：#1 微博。2027年第1季度的核对已记下")
		c.expect("lisi", "/账号 核对 3", "已确认 1 个账号仍由你负责：#3 小红书")
		c.expectSingle("wangfang", "/账号 登记 公众号 服务号", "#4")

		// Friday 2027-01-15 is the first workday from the 15th.
		for _, day := range []int{14, 18} {
			if out := c.fire(result, at(2027, 1, day, 10, 0)); len(out) != 0 {
				t.Errorf("账号核对结果 on January %d: %+v", day, out)
			}
		}
		group := c.fire(result, at(2027, 1, 15, 10, 0))
		if len(group) != 1 || group[0].Channel != teambot.ToGroup || fmt.Sprint(group[0].Mentions) != "[wangfang]" ||
			!strings.HasPrefix(group[0].Text, "【账号核对结果】主管 王芳，2027年第1季度还有 1 个账号没有确认：李四 1 个。") {
			t.Errorf("账号核对结果 in the group: %+v", group)
		}
		noAccountName(t, "账号核对结果", group[0].Text, "dy001", "抖音")
		private := dm.fire(result, at(2027, 1, 15, 10, 0))
		if len(private) != 1 || private[0].Channel != teambot.ToUsers || fmt.Sprint(private[0].Users) != "[wangfang]" ||
			!strings.Contains(private[0].Text, "还有 1 个账号没有确认：\n· #2 抖音「dy001」· 负责人 李四 · 上次确认 从未") {
			t.Errorf("账号核对结果 by app message: %+v", private)
		}

		// Once everyone has confirmed, neither sends anything.
		*clock = at(2027, 1, 15, 11, 0)
		c.expect("lisi", "/账号 核对", "已确认 2 个账号")
		if out := c.fire(result, at(2027, 1, 15, 10, 0)); len(out) != 0 {
			t.Errorf("账号核对结果 with everything confirmed: %+v", out)
		}
		// The next quarter starts over: Thursday 2027-04-01 is a workday.
		if out := c.fire(check, at(2027, 4, 1, 10, 0)); len(out) != 1 || !strings.Contains(out[0].Text, "待确认：王芳 1 个、张三 1 个、李四 2 个") {
			t.Errorf("账号核对 of the second quarter: %+v", out)
		}
	})
}

// A member removed with /移除 leaves accounts behind: the handover
// paragraph lists them (names only in a single chat), and 账号移交 reminds
// the supervisor every workday until each is transferred or removed.
func TestAccountHandover(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, _ := leaveTeam(t, db)
		handover := reminderJob(t, "account_handover")
		c.expectSingle("zhangsan", "/账号 登记 微博 TeamOfficial", "#1")
		c.expectSingle("lisi", "/账号 登记 抖音 dy001", "#2")
		c.expectSingle("zhangsan", "/账号 登记 公众号 服务号", "#3")
		if out := c.fire(handover, at(2026, 11, 26, 10, 0)); len(out) != 0 {
			t.Errorf("账号移交 while every owner is a member: %+v", out)
		}
		c.expect("wangfang", "/移除 @张三", "已将 张三 移出团队名单")

		ctx := context.Background()
		text, err := c.handoverText(ctx, "zhangsan", false)
		if err != nil {
			t.Fatal(err)
		}
		if text != "张三 负责的 2 个账号需要移交：#1 微博、#3 公众号。请主管用 /账号 移交 编号 @新负责人 指定新负责人（新负责人要及时改密码），不再使用的用 /账号 注销 编号 原因。账号名不在群里显示：主管私聊我发送 /账号 列表 可以查看。" {
			t.Errorf("handover in the group:\n%s", text)
		}
		if text, err = c.handoverText(ctx, "zhangsan", true); err != nil || !strings.Contains(text, "#1 微博「TeamOfficial」、#3 公众号「服务号」") {
			t.Errorf("handover in a single chat: %q %v", text, err)
		}
		if text, err = c.handoverText(ctx, "wangfang", false); err != nil || text != "" {
			t.Errorf("handover of 王芳, who owns no account: %q %v", text, err)
		}

		group := c.fire(handover, at(2026, 11, 26, 10, 0))
		if len(group) != 1 || group[0].Channel != teambot.ToGroup || fmt.Sprint(group[0].Mentions) != "[wangfang]" ||
			!strings.Contains(group[0].Text, "【账号移交】主管 王芳，有 2 个账号的负责人已不在团队，需要移交或注销：\n· #1 微博（原负责人 张三）\n· #3 公众号（原负责人 张三）") {
			t.Errorf("账号移交 in the group: %+v", group)
		}
		noAccountName(t, "账号移交", group[0].Text, "TeamOfficial", "服务号")
		private := dm.fire(handover, at(2026, 11, 26, 10, 0))
		if len(private) != 1 || private[0].Channel != teambot.ToUsers || fmt.Sprint(private[0].Users) != "[wangfang]" ||
			!strings.Contains(private[0].Text, "· #1 微博「TeamOfficial」（原负责人 张三）") {
			t.Errorf("账号移交 by app message: %+v", private)
		}
		r := c.send(msgFrom(c, "wangfang", "/账号 列表"))
		if !strings.Contains(r.Text, "#1 微博 · 负责人 张三（已离开团队，待移交）") {
			t.Errorf("the supervisor's list: %+v", r)
		}

		// Only the supervisor moves them now.
		c.expect("lisi", "/账号 移交 1 @李四", "只有负责人本人或主管可以移交")
		c.expect("wangfang", "/账号 移交 1 @李四", "已把账号 #1（微博）从 张三 移交给 李四", "已告知 李四")
		c.expect("wangfang", "/账号 注销 3 随张三离职停用", "已注销账号 #3（公众号，负责人 张三）")
		if out := c.fire(handover, at(2026, 11, 27, 10, 0)); len(out) != 0 {
			t.Errorf("账号移交 after the handover: %+v", out)
		}
	})
}

// Concurrent transfers of one account run one after another: each sees the
// owner the one before left, so a former owner can no longer transfer it
// and the history is one unbroken chain (PostgreSQL, READ COMMITTED).
func TestConcurrentTransfersOnPostgres(t *testing.T) {
	db := storagetest.Postgres(t)
	c, _ := clockChat(t, db)
	reportTeam(c)
	c.expectSingle("zhangsan", "/账号 登记 公众号 team_gzh", "#1")
	var wg sync.WaitGroup
	for i := range 8 {
		for _, who := range []struct{ user, text string }{{"zhangsan", "/账号 移交 1 @李四"}, {"wangfang", "/账号 移交 1 @王芳"}, {"lisi", "/账号 移交 1 @张三"}} {
			wg.Go(func() {
				_, err := c.engine.Handle(context.Background(), teambot.Message{ID: fmt.Sprintf("t-%s-%d", who.user, i),
					ChatID: c.chatID, UserID: who.user, Text: who.text, At: now})
				if err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	owner := "张三"
	for _, e := range c.accountEvents() {
		if e.Kind != teambot.AccountEventTransferred {
			continue
		}
		from, to, _ := strings.Cut(e.Note, " → ")
		if from != owner {
			t.Errorf("transfer %q made when the owner was %s", e.Note, owner)
		}
		owner = to
	}
	if got := c.account(1).OwnerName; got != owner {
		t.Errorf("owner %s, the history ends at %s", got, owner)
	}
}

// handoverText runs account.AccountHandover for the member userID (active
// or removed) of the chat's team, as a request from that group chat or,
// with single, from a single chat.
func (c *chat) handoverText(ctx context.Context, userID string, single bool) (string, error) {
	var text string
	err := c.db.Update(ctx, func(tx *storage.Tx) error {
		team, err := tx.TeamByChat(ctx, c.chatID)
		if err != nil {
			return err
		}
		m, err := tx.MemberByUser(ctx, team.ID, userID)
		if err != nil {
			return err
		}
		r := &commands.Request{Tx: tx, Now: now, Team: &team, Engine: c.engine}
		r.ChatID, r.ChatType = c.chatID, teambot.ChatGroup
		if single {
			r.ChatID, r.ChatType = "", teambot.ChatSingle
		}
		text, err = account.AccountHandover(ctx, r, m)
		return err
	})
	return text, err
}
