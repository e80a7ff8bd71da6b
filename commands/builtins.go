package commands

import "slices"

// builtins is the bot's whole surface, one row per command (the team
// commands carry out R1-R3). /help, "did you mean" and the permission check
// all read this table.
func builtins() []*Command {
	return slices.Concat(coreCommands(), voteCommands(), accountCommands(), platformCommands(), ledgerCommands(), escalationCommands(), monthlyCommands(), redactCommands())
}

// coreCommands are the team, report, reminder, leave and meeting
// commands.
func coreCommands() []*Command {
	return []*Command{
		{
			Name: "help", Chinese: "帮助", Aliases: []string{"?"},
			Summary:  "列出你可以用的命令，或查看一个命令的用法",
			Usage:    "[命令]",
			Examples: []string{"/帮助", "/帮助 加入", "/help team"},
			Who:      Anyone, Handler: help,
		},
		{
			Name: "join", Chinese: "加入", Aliases: []string{"注册"},
			Summary:  "登记为团队成员，可写上角色（团队有主管后由主管批准）；主管用 /加入 批准、拒绝、列表 处理申请",
			Usage:    "名字 [角色…]",
			Examples: []string{"/加入 张三 文案", "/加入 李四 美工 技术", "/join Alice designer", "/加入 批准 @李四", "/加入 拒绝 @王五 名字请用真名"},
			Who:      Anyone, Handler: join,
		},
		{
			Name: "team", Chinese: "团队", Aliases: []string{"名单", "roster"},
			Summary:  "按角色列出团队名单、主管和任期；主管可设置加入方式（自由或审批）；在多个团队里的成员在单聊里选择团队",
			Usage:    "[切换 序号或名称 | 名称 新名称 | 加入方式 自由或审批]",
			Examples: []string{"/团队", "/团队 切换 2", "/团队 名称 市场部", "/团队 加入方式 审批"},
			Who:      Anyone, Handler: roster,
		},
		{
			Name: "role", Chinese: "角色", Aliases: []string{"roles"},
			Summary:  "设置成员的角色（角色由主管指派）",
			Usage:    "@名字 角色…",
			Examples: []string{"/角色 @张三 文案 美工", "/role @Alice tech"},
			Who:      Supervisor, Handler: setRoles,
		},
		{
			Name: "remove", Chinese: "移除",
			Summary:  "把成员移出团队名单",
			Usage:    "@名字",
			Examples: []string{"/移除 @张三"},
			Who:      Supervisor, Handler: remove,
		},
		{
			Name: "supervisor", Chinese: "主管",
			Summary:  "指定或移交主管，任期一年，从今天开始",
			Usage:    "@名字",
			Examples: []string{"/主管 @王芳"},
			Who:      SupervisorOrAdmin, Handler: setSupervisor,
		},
		{
			Name: "term", Chinese: "任期",
			Summary:  "查看主管任期；主管可设置起止日期（任期一年）",
			Usage:    "[开始日期 [结束日期]]",
			Examples: []string{"/任期", "/任期 2026-01-01", "/任期 下周一", "/任期 12月1日 2027年11月30日"},
			Who:      Anyone, Handler: term,
		},
		reportCommand(),
		remindCommand(),
		holidayCommand(),
		leaveCommand(),
		{
			Name: "off", Chinese: "谁请假", Aliases: []string{"今天谁请假"},
			Summary:  "看今天谁请假（只列名字）",
			Examples: []string{"/谁请假"},
			Who:      Anyone, Handler: whoIsOff,
		},
		meetingCommand(),
		checkInCommand(),
	}
}
