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
		joinCommand(),
		teamCommand(),
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
