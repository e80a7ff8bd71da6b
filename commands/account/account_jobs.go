package account

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// accountReminders are the account reminders' rows of the reminder table
// (R13): the quarterly check that owners still hold their accounts, its
// result for the supervisor, and the daily handover reminder.
func accountReminders() []commands.Reminder {
	return []commands.Reminder{
		{Name: "account_check", Chinese: "账号核对", Spec: "0 10 1-10 1,4,7,10 *",
			Summary: "每季度第一个工作日请账号负责人确认账号仍归自己管，都已确认就不发",
			Day:     lang.FirstWorkdayFrom(1), DayText: "每季度第一个工作日", Build: AccountCheck},
		{Name: "account_check_result", Chinese: "账号核对结果", Spec: "0 10 15-25 1,4,7,10 *",
			Summary: "季度首月 15 日起的第一个工作日，把本季度还没确认的账号告诉主管，都确认了就不发",
			Day:     lang.FirstWorkdayFrom(15), DayText: "季度首月 15 日起第一个工作日", Build: AccountCheckResult},
		{Name: "account_handover", Chinese: "账号移交", Spec: "0 10 * * MON-FRI",
			Summary: "提醒主管移交或注销已离开团队的成员负责的账号，没有就不发",
			Build:   AccountHandoverDue},
	}
}

// AccountCheck is 账号核对: on the first workday of a quarter, one group
// message that @mentions every active member who owns accounts not yet
// confirmed this quarter, says how many each has waiting and how to
// confirm. Account names are never in it (R14). Nothing is sent when every
// account is confirmed or the team has none.
func AccountCheck(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		pending, err := unconfirmedAccounts(ctx, r)
		if err != nil || len(pending) == 0 {
			return err
		}
		members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
		if err != nil {
			return err
		}
		count := map[int64]int{}
		for _, a := range pending {
			count[a.OwnerID]++
		}
		var parts, users []string
		for _, m := range members {
			if n := count[m.ID]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d 个", m.Name, n))
				users = append(users, m.UserID)
			}
		}
		if len(users) == 0 {
			return nil // only accounts waiting for a handover: 账号移交 covers them
		}
		today := r.Today()
		result := "本月中旬"
		if cal, err := r.Calendar(ctx); err != nil {
			return err
		} else if d, ok := lang.FirstWorkdayFrom(15)(cal, today.Year, today.Month); ok {
			result = lang.DescribeDay(d, today)
		}
		text := fmt.Sprintf("【账号核对】%s的账号核对开始了（R13）：请确认名下的账号仍由自己负责。待确认：%s。\n"+
			"全部确认：/账号 核对；只确认其中几个：/账号 核对 编号…；私聊我发送 /账号 列表 查看名下的账号。"+
			"不再由你负责的账号请告诉主管移交，停用的发送 /账号 注销 编号 原因。%s还没确认的账号会报给主管。",
			quarterLabel(today), strings.Join(parts, "、"), result)
		out = append(out, commands.GroupMessage(r, f, "account_check", text, users))
		return nil
	})
	return out, err
}

// AccountCheckResult is 账号核对结果: on the first workday from the 15th of
// a quarter's first month, the supervisor hears which active accounts were
// not confirmed since the quarter began. With app messages it is one
// private message listing each account in full; otherwise one group
// message that @mentions the supervisor with counts and owners' names only
// (R14). Nothing is sent when every account is confirmed or the team has
// no supervisor.
func AccountCheckResult(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		pending, err := unconfirmedAccounts(ctx, r)
		if err != nil || len(pending) == 0 {
			return err
		}
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		quarter := quarterLabel(r.Today())
		how := "请和负责人核实：换人负责的用 /账号 移交 编号 @新负责人，不再使用的用 /账号 注销 编号 原因。"
		if e.Config.DirectMessages {
			var b strings.Builder
			fmt.Fprintf(&b, "【账号核对结果】%s还有 %d 个账号没有确认：", quarter, len(pending))
			for _, a := range pending {
				fmt.Fprintf(&b, "\n· #%d %s「%s」· 负责人 %s%s · 上次确认 %s", a.ID, a.Platform, a.Name, a.OwnerName,
					leftMark(a), lastConfirmed(r, a))
			}
			b.WriteString("\n" + how)
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
				Text: b.String(), Origin: commands.Origin(f, "account_check_result")})
			return nil
		}
		text := fmt.Sprintf("【账号核对结果】主管 %s，%s还有 %d 个账号没有确认：%s。\n私聊我发送 /账号 列表 查看是哪些账号。%s",
			sup.Name, quarter, len(pending), ownerCounts(pending), how)
		out = append(out, commands.GroupMessage(r, f, "account_check_result", text, []string{sup.UserID}))
		return nil
	})
	return out, err
}

// AccountHandoverDue is 账号移交: on workdays, the supervisor hears which
// active accounts belong to someone no longer on the active roster, until
// each is transferred or removed. With app messages it is one private
// message with the accounts in full; otherwise one group message that
// @mentions the supervisor with ids, platforms and former owners only
// (R14). Nothing is sent when there are none or the team has no
// supervisor.
func AccountHandoverDue(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		active, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive})
		if err != nil {
			return err
		}
		var orphaned []teambot.Account
		for _, a := range active {
			if !a.OwnerActive {
				orphaned = append(orphaned, a)
			}
		}
		if len(orphaned) == 0 {
			return nil
		}
		sortAccounts(orphaned)
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		var b strings.Builder
		if e.Config.DirectMessages {
			fmt.Fprintf(&b, "【账号移交】有 %d 个账号的负责人已不在团队，需要移交或注销：", len(orphaned))
		} else {
			fmt.Fprintf(&b, "【账号移交】主管 %s，有 %d 个账号的负责人已不在团队，需要移交或注销：", sup.Name, len(orphaned))
		}
		for _, a := range orphaned {
			fmt.Fprintf(&b, "\n· #%d %s", a.ID, a.Platform)
			if e.Config.DirectMessages {
				b.WriteString("「" + a.Name + "」")
			}
			fmt.Fprintf(&b, "（原负责人 %s）", a.OwnerName)
		}
		b.WriteString("\n移交：/账号 移交 编号 @新负责人（新负责人要及时改密码）；不再使用：/账号 注销 编号 原因。")
		if e.Config.DirectMessages {
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
				Text: b.String(), Origin: commands.Origin(f, "account_handover")})
			return nil
		}
		b.WriteString("账号名不在群里显示：私聊我发送 /账号 列表 查看。")
		out = append(out, commands.GroupMessage(r, f, "account_handover", b.String(), []string{sup.UserID}))
		return nil
	})
	return out, err
}

// unconfirmedAccounts lists the team's active accounts not confirmed (nor
// registered) since the current quarter began, by id.
func unconfirmedAccounts(ctx context.Context, r *commands.Request) ([]teambot.Account, error) {
	active, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive})
	if err != nil {
		return nil, err
	}
	quarter := quarterStart(r.Today())
	var out []teambot.Account
	for _, a := range active {
		if !confirmedSince(r, a, quarter) {
			out = append(out, a)
		}
	}
	sortAccounts(out)
	return out, nil
}

// sortAccounts orders accounts by id, the order they were registered in.
func sortAccounts(list []teambot.Account) {
	slices.SortFunc(list, func(a, b teambot.Account) int { return cmp.Compare(a.ID, b.ID) })
}

// ownerCounts says how many of the accounts each owner has: 张三 2 个、李四
// 1 个（已离开团队）, in the order owners first appear.
func ownerCounts(list []teambot.Account) string {
	var order []int64
	count := map[int64]int{}
	byID := map[int64]teambot.Account{}
	for _, a := range list {
		if count[a.OwnerID] == 0 {
			order = append(order, a.OwnerID)
			byID[a.OwnerID] = a
		}
		count[a.OwnerID]++
	}
	parts := make([]string, len(order))
	for i, id := range order {
		parts[i] = fmt.Sprintf("%s %d 个%s", byID[id].OwnerName, count[id], leftMark(byID[id]))
	}
	return strings.Join(parts, "、")
}

// leftMark marks an account whose owner left the team.
func leftMark(a teambot.Account) string {
	if a.OwnerActive {
		return ""
	}
	return "（已离开团队）"
}

// lastConfirmed is when the owner last confirmed the account, or 从未.
func lastConfirmed(r *commands.Request, a teambot.Account) string {
	if a.ConfirmedAt.IsZero() {
		return "从未"
	}
	return r.DayOf(a.ConfirmedAt)
}

// accountHandover is the paragraph that tells the supervisor which active
// accounts m owns and must be handed over (R18: 劝退 and 除名 list them;
// /移除 too), or "" when m owns none. Account names are in it only in a
// single chat (R14); a private message can use handoverText with names.
func accountHandover(ctx context.Context, r *commands.Request, m teambot.Member) (string, error) {
	return handoverText(ctx, r, m, r.Single())
}

// handoverText is accountHandover's paragraph, with or without the
// accounts' names.
func handoverText(ctx context.Context, r *commands.Request, m teambot.Member, withNames bool) (string, error) {
	list, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, OwnerID: m.ID, Status: teambot.AccountActive})
	if err != nil || len(list) == 0 {
		return "", err
	}
	sortAccounts(list)
	text := fmt.Sprintf("%s 负责的 %d 个账号需要移交：%s。请主管用 /账号 移交 编号 @新负责人 指定新负责人（新负责人要及时改密码），不再使用的用 /账号 注销 编号 原因。",
		m.Name, len(list), accountItems(r, list, withNames))
	if !withNames {
		text += "账号名不在群里显示：主管私聊我发送 /账号 列表 可以查看。"
	}
	return text, nil
}

// AccountHandover is Rules.AccountHandover (see accountHandover).
func AccountHandover(ctx context.Context, r *commands.Request, m teambot.Member) (string, error) {
	return accountHandover(ctx, r, m)
}
