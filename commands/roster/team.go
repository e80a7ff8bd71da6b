package roster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"time"

	"teambot"
)

// joinCommand is /加入: registering oneself, and the supervisor's rows
// that decide the requests to join (R1, R18).
func joinCommand() *commands.Command {
	return &commands.Command{
		Name: "join", Chinese: "加入", Aliases: []string{"注册"},
		Summary:  "登记为团队成员，可写上角色（团队有主管后由主管批准）；主管用 /加入 批准、拒绝、列表 处理申请",
		Usage:    "名字 [角色…]",
		Examples: []string{"/加入 张三 文案", "/加入 李四 美工 技术", "/join Alice designer", "/加入 批准 @李四", "/加入 拒绝 @王五 名字请用真名"},
		Who:      commands.Anyone, Handler: join,
		Sub: []*commands.Command{
			{Name: "approve", Chinese: "批准", Usage: "@名字", Summary: "批准加入申请，申请人按申请的名字和角色登记",
				Who: commands.Supervisor, Handler: approveJoin},
			{Name: "reject", Chinese: "拒绝", Usage: "@名字 [理由]", Summary: "拒绝加入申请（理由只私信给申请人）",
				Who: commands.Supervisor, Handler: rejectJoin},
			{Name: "list", Chinese: "列表", Summary: "查看待批准的加入申请",
				Who: commands.Supervisor, Handler: listJoinRequests},
		},
	}
}

// join registers the sender as a member of the chat's team, creating the
// team on first use (R1: a team is one group chat; R2: roles). Once the team
// has a supervisor the roster is theirs (R1, R18): a newcomer's /join is a
// request unless the supervisor opened the team, and someone who was
// removed always needs the supervisor's approval to come back.
func join(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if r.Single() {
		return teambot.Reply{}, teambot.Invalid("请在团队的群聊里 @我 发送 /加入 你的名字 [角色]：群聊决定你加入哪个团队。")
	}
	name, roles, err := joinArgs(r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.LockTeam(ctx); err != nil {
		return teambot.Reply{}, err
	}
	if r.Caller != nil {
		return teambot.Reply{}, teambot.Conflict("你已经登记为 %s（%s）。角色由主管用 /角色 @%s 角色… 调整。",
			r.Caller.Name, commands.RoleList(r.Caller.Roles), r.Caller.Name)
	}
	if err := commands.NameFree(ctx, r, name, r.UserID); err != nil {
		return teambot.Reply{}, err
	}
	// A member row of someone who is not the caller is one that was removed.
	_, err = r.Tx.MemberByUser(ctx, r.Team.ID, r.UserID)
	removed := err == nil
	if err != nil && !errors.Is(err, teambot.ErrNotFound) {
		return teambot.Reply{}, err
	}
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if ok && (removed || r.Team.JoinMode != teambot.JoinOpen) {
		return requestJoin(ctx, r, name, roles, removed, sup)
	}
	m, err := addOrRejoin(ctx, r, r.UserID, name, roles)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "member.join", m.UserID, "名字 "+m.Name+"；角色 "+commands.RoleList(m.Roles)); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已登记：%s，角色：%s。", m.Name, commands.RoleList(m.Roles))
	if len(m.Roles) == 0 {
		text = fmt.Sprintf("已登记：%s，暂无角色。主管可以用 /角色 @%s 文案 指派角色。", m.Name, m.Name)
	}
	return teambot.Reply{Text: text}, nil
}

// joinArgs reads /join's name and roles. The name may be left out when the
// platform sent the sender's display name: "/加入 文案" then means "me, as
// copywriter".
func joinArgs(r *commands.Request) (string, []teambot.Role, error) {
	args := r.Args
	name := r.UserName
	if len(args) > 0 {
		if _, isRole := teambot.ParseRole(args[0].Text); !isRole || name == "" {
			var err error
			if name, err = checkName(args[0]); err != nil {
				return "", nil, err
			}
			args = args[1:]
		}
	}
	if name == "" {
		// The newcomer's own form only: the supervisor's rows are not
		// how to join.
		c := r.Command
		return "", nil, teambot.Invalid("请写上你的名字。用法：%s %s，例如 %s", c.Path(), c.Usage, c.Examples[0])
	}
	if err := commands.CheckNameText(name); err != nil {
		return "", nil, err
	}
	roles, err := parseRoles(args)
	return name, roles, err
}

// addOrRejoin puts userID on the roster: a new member, or one who was
// removed coming back.
func addOrRejoin(ctx context.Context, r *commands.Request, userID, name string, roles []teambot.Role) (teambot.Member, error) {
	old, err := r.Tx.MemberByUser(ctx, r.Team.ID, userID)
	switch {
	case errors.Is(err, teambot.ErrNotFound):
		m := teambot.Member{TeamID: r.Team.ID, UserID: userID, Name: name, Roles: roles, JoinedAt: r.Now}
		return m, txOf(r).AddMember(ctx, &m)
	case err != nil:
		return teambot.Member{}, err
	}
	if err := txOf(r).RejoinMember(ctx, old.ID, name, r.Now); err != nil {
		return teambot.Member{}, err
	}
	if err := txOf(r).SetMemberRoles(ctx, r.Team.ID, old.ID, roles); err != nil {
		return teambot.Member{}, err
	}
	old.Name, old.Roles, old.Status = name, teambot.SortRoles(roles), teambot.MemberActive
	return old, nil
}

// checkName validates a display name given as an argument.
func checkName(a teambot.Arg) (string, error) {
	if a.Mention {
		return "", teambot.Invalid("名字前不用加 @，直接写名字即可，例如 /加入 张三 文案。")
	}
	return a.Text, commands.CheckNameText(a.Text)
}

// parseRoles reads role words (R2: Chinese or English). The supervisor role
// is never taken this way: it is handed over with /主管.
func parseRoles(args []teambot.Arg) ([]teambot.Role, error) {
	var roles []teambot.Role
	for _, a := range args {
		role, ok := teambot.ParseRole(a.Text)
		if !ok || a.Mention {
			return nil, teambot.Invalid("不认识的角色「%s」。可选的角色：%s。", a.Text, validRoles())
		}
		if role == teambot.RoleSupervisor {
			return nil, teambot.Invalid("主管不能自己登记：由管理员或现任主管发送 /主管 @名字 指定。可选的角色：%s。", validRoles())
		}
		roles = append(roles, role)
	}
	return teambot.SortRoles(roles), nil
}

func validRoles() string {
	parts := make([]string, len(teambot.MemberRoles))
	for i, r := range teambot.MemberRoles {
		parts[i] = r.Chinese() + "（" + string(r) + "）"
	}
	return strings.Join(parts, "、")
}

// teamCommand is /团队: the roster, and the rows that choose, name and
// configure the team.
func teamCommand() *commands.Command {
	return &commands.Command{
		Name: "team", Chinese: "团队", Aliases: []string{"名单", "roster"},
		Summary:  "按角色列出团队名单、主管和任期；主管可设置加入方式（自由或审批）；在多个团队里的成员在单聊里选择团队",
		Examples: []string{"/团队", "/团队 切换 2", "/团队 名称 市场部", "/团队 加入方式 审批"},
		Who:      commands.Anyone, Handler: roster,
		Sub: []*commands.Command{
			{Name: "switch", Chinese: "切换", Usage: "序号或名称", Summary: "在单聊里选择命令作用于哪个团队（在多个团队里时）",
				Who: commands.Anyone, Handler: switchTeam},
			{Name: "name", Chinese: "名称", Aliases: []string{"改名"}, Usage: "新名称", Summary: "给团队命名，方便在多个团队里的成员区分",
				Who: commands.Supervisor, Forbidden: "只有主管可以给团队命名%s。", Handler: nameTeam},
			// Anyone sees the join mode; changing it is checked in joinMode,
			// since the same row shows it (R1).
			{Name: "join", Chinese: "加入方式", Usage: "自由或审批", Summary: "查看加入方式；主管可改为自由（直接登记）或审批",
				Who: commands.Anyone, Handler: joinMode},
			{Name: "push", Chinese: "推送", Usage: "webhook地址", Summary: "设置提醒和通知发到的群机器人地址（只在单聊里发送）",
				Who: commands.Supervisor, Forbidden: "只有主管可以设置推送地址%s。", Handler: setPush},
			// R3: the roster as the "about us" page shows it (public.go).
			{Name: "export", Chinese: "导出", Summary: "导出对外公开的团队名单（按角色，只列名字），用于公司网站的「关于我们」页",
				Who: commands.Supervisor, Forbidden: "只有主管可以导出团队名单%s。", Handler: exportRoster},
		},
	}
}

// roster prints the team grouped by role, with the supervisor and the term
// (R3: the roster is what the "about us" page shows).
func roster(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(members) == 0 {
		return teambot.Reply{Text: "团队里还没有人登记。发送 /加入 你的名字 [角色] 登记，角色有 文案、美工、技术、推广、客服。"}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "团队名单（%d 人）\n", len(members))
	sup := namesWith(members, teambot.RoleSupervisor)
	if len(sup) == 0 {
		b.WriteString("主管：（未指定，管理员可发送 /主管 @名字 指定）\n")
	} else {
		fmt.Fprintf(&b, "主管：%s（%s）\n", strings.Join(sup, "、"), termText(r))
	}
	for _, role := range teambot.MemberRoles {
		var names []string
		switch role {
		case teambot.RoleCopywriter:
			names = copywriters(members)
		case teambot.RoleCopyBase, teambot.RoleCopyCampaign:
			continue // listed under 文案
		default:
			names = namesWith(members, role)
		}
		if len(names) == 0 {
			names = []string{"—"}
		}
		fmt.Fprintf(&b, "%s：%s\n", role.Chinese(), strings.Join(names, "、"))
	}
	var none []string
	for _, m := range members {
		if len(m.Roles) == 0 {
			none = append(none, m.Name)
		}
	}
	if len(none) > 0 {
		fmt.Fprintf(&b, "未分配角色：%s\n", strings.Join(none, "、"))
	}
	return teambot.Reply{Text: strings.TrimSuffix(b.String(), "\n")}, nil
}

// copywriters lists everyone holding a copywriter role (R2), with 基础文案
// or 策划文案 after the name of those who hold one.
func copywriters(members []teambot.Member) []string {
	var names []string
	for _, m := range members {
		var subs []string
		isCopy := false
		for _, role := range teambot.CopyRoles {
			if m.Has(role) {
				isCopy = true
				if role != teambot.RoleCopywriter {
					subs = append(subs, role.Chinese())
				}
			}
		}
		switch {
		case len(subs) > 0:
			names = append(names, m.Name+"（"+strings.Join(subs, "、")+"）")
		case isCopy:
			names = append(names, m.Name)
		}
	}
	return names
}

func namesWith(members []teambot.Member, role teambot.Role) []string {
	var names []string
	for _, m := range members {
		if m.Has(role) {
			names = append(names, m.Name)
		}
	}
	return names
}

// termDetail is the team's term for the audit log: 任期 2026-11-25 至 2027-11-25.
func termDetail(t teambot.Team) string {
	if t.TermStart.IsZero() {
		return "任期未设置"
	}
	return "任期 " + t.TermStart.String() + " 至 " + t.TermEnd.String()
}

// termText is the team's term for a reply: 任期 11月25日（周三）至 2027年11月25日（周四）.
func termText(r *commands.Request) string {
	if r.Team.TermStart.IsZero() {
		return "任期未设置"
	}
	return "任期 " + commands.DescribeRange(r.Team.TermStart, r.Team.TermEnd, r.Today())
}

// setRoles replaces a member's roles (R1: only the supervisor assigns them).
func setRoles(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Args) < 2 {
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上成员和至少一个角色。")
	}
	if err := r.LockTeam(ctx); err != nil {
		return teambot.Reply{}, err
	}
	m, err := r.Member(ctx, r.Args[0])
	if err != nil {
		return teambot.Reply{}, err
	}
	roles, err := parseRoles(r.Args[1:])
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).SetMemberRoles(ctx, r.Team.ID, m.ID, roles); err != nil {
		return teambot.Reply{}, err
	}
	if m.IsSupervisor() {
		roles = teambot.SortRoles(append(roles, teambot.RoleSupervisor))
	}
	if err := r.Audit(ctx, "role.set", m.UserID, "原角色 "+commands.RoleList(m.Roles)+"；新角色 "+commands.RoleList(roles)); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已将 %s 的角色设为：%s（原来：%s）。", m.Name, commands.RoleList(roles), commands.RoleList(m.Roles))}, nil
}

// remove takes a member off the active roster.
func remove(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Args) != 1 {
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上一位要移除的成员。")
	}
	if err := r.LockTeam(ctx); err != nil {
		return teambot.Reply{}, err
	}
	m, err := r.Member(ctx, r.Args[0])
	if err != nil {
		return teambot.Reply{}, err
	}
	if m.IsSupervisor() {
		return teambot.Reply{}, teambot.Invalid("不能移除主管。请先用 /主管 @名字 移交主管，再移除。")
	}
	if err := txOf(r).RemoveMember(ctx, m.ID, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "member.remove", m.UserID, "名字 "+m.Name+"；原角色 "+commands.RoleList(m.Roles)); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已将 %s 移出团队名单（原角色：%s）。", m.Name, commands.RoleList(m.Roles))
	handover, err := r.Rules().AccountHandover(ctx, r, m) // R13: their accounts need a new owner
	if err != nil {
		return teambot.Reply{}, err
	}
	if handover != "" {
		text += "\n" + handover
	}
	return teambot.Reply{Text: text}, nil
}

// setSupervisor names the supervisor: an admin bootstraps the team, or the
// current supervisor hands over. The term is one year from today (R1).
func setSupervisor(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Args) != 1 {
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上一位成员。")
	}
	if err := r.LockTeam(ctx); err != nil {
		return teambot.Reply{}, err
	}
	m, err := r.Member(ctx, r.Args[0])
	if err != nil {
		return teambot.Reply{}, err
	}
	if m.IsSupervisor() {
		return teambot.Reply{}, teambot.Conflict("%s 已经是主管（%s）。调整任期请用 /任期 开始日期 [结束日期]。", m.Name, termText(r))
	}
	prev, hadPrev, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).SetSupervisor(ctx, r.Team.ID, m.ID); err != nil {
		return teambot.Reply{}, err
	}
	start := r.Today()
	end := start.AddDate(1, 0, 0)
	if err := txOf(r).SetTerm(ctx, r.Team.ID, start, end); err != nil {
		return teambot.Reply{}, err
	}
	r.Team.TermStart, r.Team.TermEnd = start, end
	detail := "任期 " + start.String() + " 至 " + end.String()
	if hadPrev {
		detail = "由 " + prev.Name + " 移交；" + detail
	}
	if err := r.Audit(ctx, "supervisor.set", m.UserID, detail); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("%s 现在是主管，任期 %s。", m.Name, commands.DescribeRange(start, end, r.Today()))
	if hadPrev {
		text = fmt.Sprintf("主管已由 %s 移交给 %s，任期 %s。", prev.Name, m.Name, commands.DescribeRange(start, end, r.Today()))
	}
	return teambot.Reply{Text: text, Mentions: []string{m.UserID}}, nil
}

// term shows the supervisor's term, or lets the supervisor (or an admin) set
// it: one date starts a one-year term (R1), two give start and end.
func term(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Args) == 0 {
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil {
			return teambot.Reply{}, err
		}
		switch {
		case !ok:
			return teambot.Reply{Text: "本团队还没有主管，管理员可发送 /主管 @名字 指定。"}, nil
		case r.Team.TermStart.IsZero():
			return teambot.Reply{Text: fmt.Sprintf("主管：%s，任期未设置。主管可发送 /任期 开始日期 设置。", sup.Name)}, nil
		}
		days := int(r.Team.TermEnd.In(time.UTC).Sub(r.Today().In(time.UTC)).Hours() / 24) // dates, not clocks: no DST

		left := fmt.Sprintf("还剩 %d 天", days)
		if days < 0 {
			left = fmt.Sprintf("已经结束 %d 天，请重新选任主管或设置任期", -days)
		}
		return teambot.Reply{Text: fmt.Sprintf("主管：%s，%s（%s）。", sup.Name, termText(r), left)}, nil
	}
	if err := r.LockTeam(ctx); err != nil {
		return teambot.Reply{}, err
	}
	if !r.Permits(&commands.Command{Who: commands.SupervisorOrAdmin}) {
		return teambot.Reply{}, teambot.Forbidden("设置任期只有主管或管理员可以%s；其他成员发送 /任期 查看。", r.SupervisorHint(ctx))
	}
	if len(r.Args) > 2 {
		return teambot.Reply{}, commands.UsageError(r.Command, "最多写两个日期。")
	}
	start, err := lang.ParseDay(r.Args[0].Text, r.Today())
	if err != nil {
		return teambot.Reply{}, err
	}
	end := start.AddDate(1, 0, 0)
	if len(r.Args) == 2 {
		if end, err = lang.ParseDayAfter(r.Args[1].Text, start, r.Today()); err != nil {
			return teambot.Reply{}, err
		}
		if !start.Before(end) {
			return teambot.Reply{}, teambot.Invalid("结束日期 %s要晚于开始日期 %s。", r.Day(end), r.Day(start))
		}
	}
	old := termDetail(*r.Team)
	if err := txOf(r).SetTerm(ctx, r.Team.ID, start, end); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "term.set", r.ChatID, "原 "+old+"；新 任期 "+start.String()+" 至 "+end.String()); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("任期已设为 %s。", commands.DescribeRange(start, end, r.Today()))}, nil
}

// Commands are the team's roster (R1-R3): joining, the roster, roles,
// removal, the supervisor and their term.
func Commands() []*commands.Command {
	return []*commands.Command{
		joinCommand(),
		teamCommand(),
		{
			Name: "role", Chinese: "角色", Aliases: []string{"roles"},
			Summary:  "设置成员的角色（角色由主管指派）",
			Usage:    "@名字 角色…",
			Examples: []string{"/角色 @张三 文案 美工", "/role @Alice tech"},
			Who:      commands.Supervisor, Handler: setRoles,
		},
		{
			Name: "remove", Chinese: "移除",
			Summary:  "把成员移出团队名单",
			Usage:    "@名字",
			Examples: []string{"/移除 @张三"},
			Who:      commands.Supervisor, Handler: remove,
		},
		{
			Name: "supervisor", Chinese: "主管",
			Summary:  "指定或移交主管，任期一年，从今天开始",
			Usage:    "@名字",
			Examples: []string{"/主管 @王芳"},
			Who:      commands.SupervisorOrAdmin, Handler: setSupervisor,
		},
		{
			Name: "term", Chinese: "任期",
			Summary:  "查看主管任期；主管可设置起止日期（任期一年）",
			Usage:    "[开始日期 [结束日期]]",
			Examples: []string{"/任期", "/任期 2026-01-01", "/任期 下周一", "/任期 12月1日 2027年11月30日"},
			Who:      commands.Anyone, Handler: term,
		},
	}
}
