package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"unicode/utf8"

	"teambot"
)

// Platform accounts (R13): each owner reports the accounts they administer
// to the supervisor, reports every change of a credential, and hands an
// account over when they leave. The bot keeps the register; it never takes
// a password.
//
// Decisions:
//   - A member registers their own accounts; only the supervisor registers
//     one for someone else (@负责人), who must be an active member.
//   - A platform is free text. When the team already has an account on a
//     platform spelled the same ignoring case and spaces, that spelling is
//     kept, so 微博 and " 微博 " or Douyin and douyin are one platform.
//   - The same platform and account name (ignoring case) can be registered
//     once while active: a second registration names the first one's id.
//   - 已改密, 移交 and 注销 are for the owner and the supervisor; an account
//     whose owner left the team is the supervisor's to move.
//   - Account names are private (R14): group replies and group notices name
//     the platform, the id and people, never the account; the full record
//     is shown in a single chat, or sent by app message when the app is
//     configured. The audit log never holds an account name either.
//   - An account is registered in a single chat only: typed in a group the
//     registration is refused before anything is stored (NeedSingleChat).
//   - The supervisor hears of every registration, change, transfer and
//     removal someone else makes: by app message when possible, otherwise by
//     an @mention in the group that says only who did what on which
//     platform.
//   - For the quarterly check (核对) an account counts as confirmed when its
//     owner confirmed it, or it was registered, since the quarter began.
const (
	maxPlatformRunes    = 20
	maxAccountNameRunes = 64
	maxAccountNoteRunes = 200
)

// accountCommands are the account commands' rows of the command table.
func accountCommands() []*commands.Command {
	return []*commands.Command{
		{
			Name: "account", Chinese: "账号", Aliases: []string{"帐号", "accounts"},
			Summary:  "登记你负责的平台账号并报备主管（不收密码），报备改密，移交、注销、核对账号；主管查看全部账号",
			Usage:    "[列表 [全部]]",
			Examples: []string{"/账号 登记 微博 团队官方号", "/账号 登记 公众号 服务号 @张三 备注 主号", "/账号 已改密 3", "/账号 移交 3 @李四", "/账号 注销 3 平台停用", "/账号 核对", "/账号 列表"},
			Who:      commands.Member, Handler: account,
			Sub: []*commands.Command{
				{Name: "register", Chinese: "登记", Aliases: []string{"报备", "add"}, Usage: "平台 账号名 [@负责人] [备注 说明]",
					Summary: "登记你负责的账号（只在单聊里，不收密码）；主管可替成员登记",
					Who:     commands.Member, Handler: registerAccount},
				{Name: "changed", Chinese: "已改密", Aliases: []string{"改密", "改密码"}, Usage: "编号",
					Summary: "报备账号今天改了密码（负责人或主管）",
					Who:     commands.Member, Args: accountID("/账号 已改密 3"), Handler: accountChanged},
				{Name: "transfer", Chinese: "移交", Usage: "编号 @新负责人",
					Summary: "把账号交给另一位成员负责（负责人或主管）",
					Who:     commands.Member, Args: append(accountID(transferHow), commands.ArgSpec{Kind: commands.ArgMember, Missing: transferMissing}),
					Handler: transferAccount},
				{Name: "remove", Chinese: "注销", Aliases: []string{"删除"}, Usage: "编号 原因",
					Summary: "记下账号不再使用（负责人或主管）",
					Who:     commands.Member, Args: accountID("/账号 注销 3 平台停用"), Handler: removeAccount},
				{Name: "confirm", Chinese: "核对", Aliases: []string{"确认"}, Usage: "[编号…]",
					Summary: "季度核对：确认名下的账号（或写上的那几个）仍由你负责",
					Who:     commands.Member, Handler: confirmAccounts},
			},
		},
	}
}

// transferHow is how /账号 移交 is written.
const transferHow = "/账号 移交 3 @李四"

// transferMissing is the refusal of /账号 移交 without its id or new owner.
const transferMissing = "请写上账号编号和新负责人，例如 " + transferHow + "。"

// accountID is the account number argument of a /账号 row, how it is
// written in the refusals.
func accountID(how string) []commands.ArgSpec {
	return []commands.ArgSpec{{Kind: commands.ArgID,
		Missing: "请写上账号编号，例如 " + how + "。发送 /账号 列表 查看编号。",
		Bad:     "「%s」不是账号编号，编号是数字，例如 " + how + "。发送 /账号 列表 查看编号。"}}
}

// account is /账号 with no row named: with no arguments, or 列表 [全部],
// it lists accounts; any other first word is no action.
func account(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	// 列表 stays the default form rather than a row, so the usage still
	// reads /账号 [列表 [全部]].
	if w := r.Subcommand(); w != "" && !slices.Contains([]string{"列表", "查看", "list"}, w) {
		return teambot.Reply{}, commands.UsageError(r.Command, fmt.Sprintf("没有「%s」这个账号操作。", lang.Clip(r.Args[0].Text)))
	}
	return listAccounts(ctx, r)
}

// placedArg is an argument with where it starts and ends in the text it was
// cut from, so that free text after it can be taken as written.
type placedArg struct {
	teambot.Arg
	start, end int
}

// placedArgs splits s as the parser splits a command's arguments.
func placedArgs(s string) []placedArg {
	var out []placedArg
	rest := s
	for {
		rest = lang.TrimLeftSpace(rest)
		if rest == "" {
			return out
		}
		start := len(s) - len(rest)
		var a teambot.Arg
		a, rest = lang.NextArg(rest)
		out = append(out, placedArg{Arg: a, start: start, end: len(s) - len(rest)})
	}
}

// noteKeyword reports whether a starts the note of /账号 登记 (备注, note,
// 备注：…) and returns the original text of the note after it.
func noteKeyword(rest string, a placedArg) (string, bool) {
	if a.Quoted || a.Mention {
		return "", false
	}
	for _, kw := range []string{"备注", "note"} {
		if len(rest)-a.start >= len(kw) && strings.EqualFold(rest[a.start:a.start+len(kw)], kw) {
			after := rest[a.start+len(kw):]
			if next, _ := utf8.DecodeRuneInString(after); after == "" || lang.IsSpace(next) || lang.IsColon(next) {
				return lang.FreeText(after), true
			}
		}
	}
	return "", false
}

// registerAccount is /账号 登记 PLATFORM ACCOUNT [@Owner] [备注 NOTE], in a
// single chat only: the account name is private (R13, R14).
func registerAccount(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedSingleChat("账号名", "/账号 登记 平台 账号名"); err != nil {
		return teambot.Reply{}, err
	}
	args := placedArgs(r.Rest)[1:] // after 登记
	if len(args) < 2 {
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上平台和账号名（不要写密码）。")
	}
	platform, err := checkPlatform(args[0].Arg)
	if err != nil {
		return teambot.Reply{}, err
	}
	name := args[1].Text
	if args[1].Mention {
		name = "@" + name // a Weibo-style handle, not a member
	}
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return teambot.Reply{}, commands.UsageError(r.Command, "账号名不能为空。")
	case n > maxAccountNameRunes:
		return teambot.Reply{}, teambot.Invalid("账号名最多 %d 字，这个有 %d 字。", maxAccountNameRunes, n)
	}
	owner := *r.Caller
	rest := args[2:]
	if len(rest) > 0 && rest[0].Mention {
		if owner, err = r.Member(ctx, rest[0].Arg); err != nil {
			return teambot.Reply{}, err
		}
		rest = rest[1:]
	}
	var note string
	if len(rest) > 0 {
		var ok bool
		if note, ok = noteKeyword(r.Rest, rest[0]); !ok {
			return teambot.Reply{}, teambot.Invalid("看不懂「%s」：负责人请写成 @名字，备注请写在「备注」后面，例如 /账号 登记 %s 账号名 @%s 备注 主号。",
				lang.Clip(rest[0].Text), platform, owner.Name)
		}
		if n := utf8.RuneCountInString(note); n > maxAccountNoteRunes {
			return teambot.Reply{}, teambot.Invalid("备注最多 %d 字，这条有 %d 字，请写简短些。", maxAccountNoteRunes, n)
		}
	}
	if owner.ID != r.Caller.ID && !r.Caller.IsSupervisor() {
		return teambot.Reply{}, teambot.Forbidden("只有主管可以替别人登记账号。请 %s 自己发送 /账号 登记 %s 账号名，或请主管登记。", owner.Name, platform)
	}
	active, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive})
	if err != nil {
		return teambot.Reply{}, err
	}
	platform = registryPlatform(active, platform)
	for _, a := range active {
		if teambot.SamePlatform(a.Platform, platform) && strings.EqualFold(a.Name, name) {
			return teambot.Reply{}, teambot.Conflict("这个账号已经登记过了：#%d（%s，负责人 %s）。不用重复登记；换人负责请用 /账号 移交 %d @名字。",
				a.ID, a.Platform, a.OwnerName, a.ID)
		}
	}
	a := teambot.Account{TeamID: r.Team.ID, Platform: platform, Name: name, Note: note, OwnerID: owner.ID,
		RegisteredAt: r.Now, RegisteredBy: r.UserID}
	if err := txOf(r).CreateAccount(ctx, &a); errors.Is(err, teambot.ErrDuplicate) {
		return teambot.Reply{}, teambot.Conflict("这个%s账号刚刚已被登记，不用重复登记。发送 /账号 列表 查看编号。", platform)
	} else if err != nil {
		return teambot.Reply{}, err
	}
	// The audit names the platform and the owner, never the account (R14).
	if err := r.Audit(ctx, "account.add", accountTarget(a.ID), fmt.Sprintf("%s，负责人 %s", platform, owner.Name)); err != nil {
		return teambot.Reply{}, err
	}
	// A single chat: the sender alone reads the whole record.
	text := fmt.Sprintf("已登记账号 #%d：%s「%s」，负责人 %s%s。", a.ID, platform, name, owner.Name, accountNoteSuffix(note))
	told := []teambot.Member{}
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if ok {
		told = append(told, sup)
	} else {
		text += "团队还没有主管：指定主管后，主管发送 /账号 列表 就能看到它。"
	}
	if owner.ID != r.Caller.ID {
		told = append(told, owner)
	}
	full := fmt.Sprintf("【账号报备】%s 登记了账号 #%d：%s「%s」，负责人 %s%s。", r.Caller.Name, a.ID, platform, name, owner.Name, accountNoteSuffix(note))
	summary := fmt.Sprintf("【账号报备】%s 登记了账号 #%d（%s，负责人 %s）。", r.Caller.Name, a.ID, platform, owner.Name)
	return accountNotice(ctx, r, text, told, full, summary, "account.add")
}

// checkPlatform reads a platform name: free text, trimmed, not too long.
func checkPlatform(a teambot.Arg) (string, error) {
	p := lang.TrimSpace(a.Text)
	switch n := utf8.RuneCountInString(p); {
	case a.Mention:
		return "", teambot.Invalid("平台名前不用加 @，例如 微博、公众号、抖音。")
	case p == "":
		return "", teambot.Invalid("请写上平台，例如 微博、公众号、抖音。")
	case n > maxPlatformRunes:
		return "", teambot.Invalid("平台名最多 %d 字，「%s」有 %d 字。", maxPlatformRunes, lang.Clip(p), n)
	}
	return p, nil
}

// registryPlatform is the spelling the team's accounts use for platform,
// or platform itself when no account is on it.
func registryPlatform(accounts []teambot.Account, platform string) string {
	for _, a := range accounts {
		if teambot.SamePlatform(a.Platform, platform) {
			return a.Platform
		}
	}
	return platform
}

// accountNoteSuffix is a note for a full record: "，备注：…", or nothing.
func accountNoteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return "，备注：" + note
}

func accountTarget(id int64) string { return fmt.Sprintf("account#%d", id) }

// accountNotice makes the reply text and tells the members in told (but
// not the caller) about a change to an account: with app messages each
// gets full privately; otherwise the group sees summary with @mentions, as
// this reply when the command came from the group, or as a group message
// when it came from a single chat (R14: no account name in the group).
func accountNotice(ctx context.Context, r *commands.Request, text string, told []teambot.Member, full, summary, origin string) (teambot.Reply, error) {
	var users, names []string
	seen := map[int64]bool{r.Caller.ID: true}
	for _, m := range told {
		if !seen[m.ID] {
			seen[m.ID] = true
			users, names = append(users, m.UserID), append(names, m.Name)
		}
	}
	reply := teambot.Reply{Text: text}
	switch {
	case len(users) == 0:
		return reply, nil
	case r.Engine.Config.DirectMessages:
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: users, Text: full, Origin: origin}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		reply.Text += fmt.Sprintf("已私信告知 %s。", strings.Join(names, "、"))
	case r.Single():
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: summary, Mentions: users, Origin: origin}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		reply.Text += fmt.Sprintf("已在群里告知 %s（群里不显示账号名）。", strings.Join(names, "、"))
	default:
		reply.Text += fmt.Sprintf("已告知 %s。", strings.Join(names, "、"))
		reply.Mentions = users
	}
	return reply, nil
}

// Commands are /账号 (R13) and /平台 (R7, R15).
func Commands() []*commands.Command { return append(accountCommands(), platformCommands()...) }

// Reminders are the account and platform reminders.
func Reminders() []commands.Reminder { return append(accountReminders(), platformReminders()...) }
