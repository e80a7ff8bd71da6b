package commands

// builtins is the bot's whole surface, one row per command (the team
// commands carry out R1-R3). /help, "did you mean" and the permission check
// all read this table.
func builtins() []*Command {
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
			Summary:  "登记为团队成员，可写上角色：文案、美工、技术、推广、客服",
			Usage:    "名字 [角色…]",
			Examples: []string{"/加入 张三 文案", "/加入 李四 美工 技术", "/join Alice designer"},
			Who:      Anyone, Handler: join,
		},
		{
			Name: "team", Chinese: "团队", Aliases: []string{"名单", "roster"},
			Summary:  "按角色列出团队名单、主管和任期",
			Examples: []string{"/团队"},
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
			Examples: []string{"/任期", "/任期 2026-01-01", "/任期 2026-01-01 2026-12-31"},
			Who:      Anyone, Handler: term,
		},
	}
}
