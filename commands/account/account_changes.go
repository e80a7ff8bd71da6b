// Changing a registered account (R13): 已改密 records a credential change,
// 移交 hands the account to another member and 注销 removes it; each is for
// the owner or the supervisor, runs with the account locked, and tells the
// Supervisor of what someone else did.

package account

import (
	"context"
	"errors"
	"fmt"
	"teambot/commands"
	"teambot/commands/lang"
	"unicode/utf8"

	"teambot"
)

// accountArg loads the account numbered by the n-th argument (3 or #3).
func accountArg(ctx context.Context, r *commands.Request, n int, how string) (teambot.Account, error) {
	if len(r.Args) <= n {
		return teambot.Account{}, teambot.Invalid("请写上账号编号，例如 %s。发送 /账号 列表 查看编号。", how)
	}
	id, ok := lang.RecordID(r.Args[n].Text)
	if !ok {
		return teambot.Account{}, teambot.Invalid("「%s」不是账号编号，编号是数字，例如 %s。发送 /账号 列表 查看编号。", r.Args[n].Text, how)
	}
	return lockAccount(ctx, r, id)
}

// lockAccount loads account id locked: the owner and status checked next
// stay true until commit.
func lockAccount(ctx context.Context, r *commands.Request, id int64) (teambot.Account, error) {
	a, err := txOf(r).LockAccount(ctx, r.Team.ID, id)
	if errors.Is(err, teambot.ErrNotFound) {
		return a, teambot.NotFound("没有编号 #%d 的账号。发送 /账号 列表 查看编号。", id)
	}
	return a, err
}

// accountChangeable refuses a change (what) to an account by someone other
// than its owner or the supervisor, or to a removed account.
func accountChangeable(ctx context.Context, r *commands.Request, a teambot.Account, what string) error {
	switch {
	case !a.Active():
		return teambot.Conflict("账号 #%d（%s）已在 %s注销，不能再%s。发送 /账号 列表 全部 查看。", a.ID, a.Platform, r.DayOf(a.RemovedAt), what)
	case r.Caller.IsSupervisor():
		return nil
	case a.OwnerID != r.Caller.ID:
		return teambot.Forbidden("账号 #%d 由 %s 负责，只有负责人本人或主管可以%s%s。", a.ID, a.OwnerName, what, r.SupervisorHint(ctx))
	}
	return nil
}

// accountChangeError words a change storage refused because the account
// was removed in the meantime.
func accountChangeError(ctx context.Context, r *commands.Request, a teambot.Account, what string, err error) error {
	if !errors.Is(err, teambot.ErrAccountRemoved) {
		return err
	}
	now, rerr := txOf(r).AccountByID(ctx, r.Team.ID, a.ID)
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	return accountChangeable(ctx, r, now, what)
}

// accountChanged is /账号 已改密 ID: the owner (or the supervisor) reports
// that the account's credential was changed today (R13: report changes
// promptly). Only the fact and the day are kept.
func accountChanged(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Params) > 0 {
		return teambot.Reply{}, commands.UsageError(r.Command, "已改密只写账号编号，不要写新密码。")
	}
	a, err := lockAccount(ctx, r, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := accountChangeable(ctx, r, a, "报备改密"); err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).MarkAccountChanged(ctx, r.Team.ID, a.ID, r.UserID, r.Now); err != nil {
		return teambot.Reply{}, accountChangeError(ctx, r, a, "报备改密", err)
	}
	if err := r.Audit(ctx, "account.changed", accountTarget(a.ID), fmt.Sprintf("%s，负责人 %s", a.Platform, a.OwnerName)); err != nil {
		return teambot.Reply{}, err
	}
	today := r.Day(r.Today())
	text := fmt.Sprintf("已记下：账号 #%d（%s）在今天 %s改了密码。新密码只由负责人保管，不用发给任何人。", a.ID, a.Platform, today)
	if r.Single() {
		text = fmt.Sprintf("已记下：账号 #%d %s「%s」在今天 %s改了密码。新密码只由负责人保管，不用发给任何人。", a.ID, a.Platform, a.Name, today)
	}
	told := []teambot.Member{}
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if ok {
		told = append(told, sup)
	}
	full := fmt.Sprintf("【账号改密】%s 报备：账号 #%d %s「%s」（负责人 %s）在 %s改了密码。", r.Caller.Name, a.ID, a.Platform, a.Name, a.OwnerName, today)
	summary := fmt.Sprintf("【账号改密】%s 报备：账号 #%d（%s）在 %s改了密码。", r.Caller.Name, a.ID, a.Platform, today)
	return accountNotice(ctx, r, text, told, full, summary, "account.changed")
}

// transferAccount is /账号 移交 ID @Name: the owner or the supervisor
// hands the account to another active member.
func transferAccount(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Params) > 0 {
		return teambot.Reply{}, teambot.Invalid("%s", transferMissing)
	}
	a, err := lockAccount(ctx, r, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := accountChangeable(ctx, r, a, "移交"); err != nil {
		return teambot.Reply{}, err
	}
	to := r.Target
	if to.ID == a.OwnerID {
		return teambot.Reply{}, teambot.Conflict("账号 #%d 已经由 %s 负责，不用移交。", a.ID, to.Name)
	}
	note := a.OwnerName + " → " + to.Name
	if err := txOf(r).TransferAccount(ctx, r.Team.ID, a.ID, to.ID, r.UserID, note, r.Now); err != nil {
		return teambot.Reply{}, accountChangeError(ctx, r, a, "移交", err)
	}
	if err := r.Audit(ctx, "account.transfer", accountTarget(a.ID), a.Platform+"，"+note); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已把账号 #%d（%s）从 %s 移交给 %s。", a.ID, a.Platform, a.OwnerName, to.Name)
	if r.Single() {
		text = fmt.Sprintf("已把账号 #%d %s「%s」从 %s 移交给 %s。", a.ID, a.Platform, a.Name, a.OwnerName, to.Name)
	}
	told := []teambot.Member{to}
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if ok {
		told = append(told, sup)
	}
	full := fmt.Sprintf("【账号移交】%s 把账号 #%d %s「%s」从 %s 移交给 %s。新负责人请及时修改密码，改好后发送 /账号 已改密 %d。",
		r.Caller.Name, a.ID, a.Platform, a.Name, a.OwnerName, to.Name, a.ID)
	summary := fmt.Sprintf("【账号移交】%s 把账号 #%d（%s）从 %s 移交给 %s。%s 请私聊我发送 /账号 列表 查看账号名，及时修改密码后发送 /账号 已改密 %d。",
		r.Caller.Name, a.ID, a.Platform, a.OwnerName, to.Name, to.Name, a.ID)
	return accountNotice(ctx, r, text, told, full, summary, "account.transfer")
}

// removeAccount is /账号 注销 ID REASON: the owner or the supervisor
// records that an account is no longer used.
func removeAccount(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	a, err := lockAccount(ctx, r, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	reason := lang.FreeText(r.Tail)
	switch n := utf8.RuneCountInString(reason); {
	case reason == "":
		return teambot.Reply{}, teambot.Invalid("请写上注销原因，例如 /账号 注销 %d 平台停用。", a.ID)
	case n > maxAccountNoteRunes:
		return teambot.Reply{}, teambot.Invalid("原因最多 %d 字，这条有 %d 字，请写简短些。", maxAccountNoteRunes, n)
	}
	if err := accountChangeable(ctx, r, a, "注销"); err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).RemoveAccount(ctx, r.Team.ID, a.ID, r.UserID, reason, r.Now); err != nil {
		return teambot.Reply{}, accountChangeError(ctx, r, a, "注销", err)
	}
	if err := r.Audit(ctx, "account.remove", accountTarget(a.ID), fmt.Sprintf("%s，负责人 %s", a.Platform, a.OwnerName)); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已注销账号 #%d（%s，负责人 %s），原因：%s。", a.ID, a.Platform, a.OwnerName, reason)
	if r.Single() {
		text = fmt.Sprintf("已注销账号 #%d %s「%s」（负责人 %s），原因：%s。", a.ID, a.Platform, a.Name, a.OwnerName, reason)
	}
	told := []teambot.Member{}
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if ok {
		told = append(told, sup)
	}
	if a.OwnerActive {
		told = append(told, teambot.Member{ID: a.OwnerID, UserID: a.OwnerUserID, Name: a.OwnerName})
	}
	full := fmt.Sprintf("【账号注销】%s 注销了账号 #%d %s「%s」（负责人 %s），原因：%s。", r.Caller.Name, a.ID, a.Platform, a.Name, a.OwnerName, reason)
	summary := fmt.Sprintf("【账号注销】%s 注销了账号 #%d（%s，负责人 %s）。", r.Caller.Name, a.ID, a.Platform, a.OwnerName)
	return accountNotice(ctx, r, text, told, full, summary, "account.remove")
}
