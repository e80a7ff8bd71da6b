// Reading the account register (R13, R14): /账号 列表 and the quarterly check
// (核对) in which owners confirm their accounts are still theirs.

package account

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// confirmAccounts is /账号 核对 [ID…]: the owner confirms that their
// accounts (all of them, or those named) are still theirs, for the
// quarterly check.
func confirmAccounts(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	var list []teambot.Account
	if len(r.Args) == 1 {
		mine, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, OwnerID: r.Caller.ID, Status: teambot.AccountActive})
		if err != nil {
			return teambot.Reply{}, err
		}
		if len(mine) == 0 {
			return teambot.Reply{}, teambot.NotFound("你名下没有登记的账号，不用核对。登记账号：/账号 登记 平台 账号名。")
		}
		list = mine
	}
	seen := map[int64]bool{}
	for i := 1; i < len(r.Args); i++ {
		a, err := accountArg(ctx, r, i, "/账号 核对 3 4")
		if err != nil {
			return teambot.Reply{}, err
		}
		switch {
		case seen[a.ID]:
			continue
		case !a.Active():
			return teambot.Reply{}, teambot.Conflict("账号 #%d（%s）已在 %s注销，不用核对。", a.ID, a.Platform, r.DayOf(a.RemovedAt))
		case a.OwnerID != r.Caller.ID:
			return teambot.Reply{}, teambot.Forbidden("账号 #%d 由 %s 负责，只有负责人本人可以核对。不再由你负责的账号请告诉主管移交。", a.ID, a.OwnerName)
		}
		seen[a.ID] = true
		list = append(list, a)
	}
	ids := make([]string, len(list))
	for i, a := range list {
		if err := txOf(r).ConfirmAccount(ctx, r.Team.ID, a.ID, r.UserID, r.Now); err != nil {
			return teambot.Reply{}, accountChangeError(ctx, r, a, "核对", err)
		}
		ids[i] = fmt.Sprintf("#%d", a.ID)
	}
	if err := r.Audit(ctx, "account.confirm", r.UserID, fmt.Sprintf("%d 个账号：%s", len(list), strings.Join(ids, " "))); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已确认 %d 个账号仍由你负责：%s。%s的核对已记下。",
		len(list), accountItems(r, list, r.Single()), quarterLabel(r.Today()))}, nil
}

// accountItems names accounts for a reply: "#3 微博" each, with the account
// name only when it may be shown (R14).
func accountItems(r *commands.Request, list []teambot.Account, withNames bool) string {
	parts := make([]string, len(list))
	for i, a := range list {
		parts[i] = fmt.Sprintf("#%d %s", a.ID, a.Platform)
		if withNames {
			parts[i] += "「" + a.Name + "」"
		}
	}
	return strings.Join(parts, "、")
}

// listAccounts is /账号 列表 [全部]: the supervisor sees every account, a
// Member their own; active ones, or removed ones too with 全部. Account
// names are shown in a single chat only (R14); the reply is for the caller.
func listAccounts(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	f := teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive}
	switch args := r.Args; {
	case len(args) > 2:
		return teambot.Reply{}, commands.UsageError(r.Command, "/账号 列表 后面最多写「全部」。")
	case len(args) == 2:
		if w := strings.ToLower(args[1].Text); w != "全部" && w != "all" {
			return teambot.Reply{}, commands.UsageError(r.Command, fmt.Sprintf("看不懂「%s」：/账号 列表 后面只能写「全部」（连已注销的一起看）。", lang.Clip(args[1].Text)))
		}
		f.Status = ""
	}
	whose := "团队"
	if !r.Caller.IsSupervisor() {
		f.OwnerID, whose = r.Caller.ID, "你名下"
	}
	list, err := txOf(r).Accounts(ctx, f)
	if err != nil {
		return teambot.Reply{}, err
	}
	what := "的账号"
	if f.Status == "" {
		what = "的账号，含已注销的"
	}
	var b strings.Builder
	b.WriteString(whose + what)
	if len(list) == 0 {
		b.WriteString("：没有。登记账号：/账号 登记 平台 账号名。")
		return teambot.Reply{Text: b.String(), Private: true}, nil
	}
	fmt.Fprintf(&b, "（%d 个）：", len(list))
	quarter := quarterStart(r.Today())
	for _, a := range list {
		b.WriteString("\n" + accountLine(r, a, r.Single(), quarter))
	}
	if !r.Single() {
		b.WriteString("\n账号名和备注只在私聊里显示：私聊我发送 /账号 列表。")
	}
	return teambot.Reply{Text: b.String(), Private: true}, nil
}

// accountLine is one account of a list: id, platform, (account name,)
// owner, its dates and state.
func accountLine(r *commands.Request, a teambot.Account, full bool, quarter teambot.Date) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s", a.ID, a.Platform)
	if full {
		b.WriteString("「" + a.Name + "」")
	}
	fmt.Fprintf(&b, " · 负责人 %s", a.OwnerName)
	if !a.OwnerActive {
		b.WriteString("（已离开团队，待移交）")
	}
	fmt.Fprintf(&b, " · 登记 %s", r.DayOf(a.RegisteredAt))
	if !a.ChangedAt.IsZero() {
		fmt.Fprintf(&b, " · 改密 %s", r.DayOf(a.ChangedAt))
	}
	switch {
	case !a.Active():
		fmt.Fprintf(&b, " · 已于 %s注销", r.DayOf(a.RemovedAt))
		if full {
			b.WriteString("：" + a.RemovedReason)
		}
	case confirmedSince(r, a, quarter):
		b.WriteString(" · 本季度已核对")
	default:
		b.WriteString(" · 本季度未核对")
	}
	if full && a.Note != "" {
		b.WriteString(" · 备注：" + a.Note)
	}
	return b.String()
}

// confirmedSince reports whether the account's owner confirmed it, or it
// was registered, on or after day in the team's time zone.
func confirmedSince(r *commands.Request, a teambot.Account, day teambot.Date) bool {
	from := day.In(r.Location())
	return !a.ConfirmedAt.Before(from) || !a.RegisteredAt.Before(from)
}

// quarterStart is the first day of the quarter of d.
func quarterStart(d teambot.Date) teambot.Date {
	return teambot.Date{Year: d.Year, Month: (d.Month-1)/3*3 + 1, Day: 1}
}

// quarterLabel names the quarter of d: 2027年第1季度.
func quarterLabel(d teambot.Date) string {
	return fmt.Sprintf("%d年第%d季度", d.Year, (int(d.Month)-1)/3+1)
}
