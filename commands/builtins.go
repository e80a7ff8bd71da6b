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
		{
			Name: "report", Chinese: "周报", Aliases: []string{"小结"},
			Summary:  "提交本周工作小结（R4），查看周报、本周状态；主管可结束一周、设置截止时间",
			Usage:    "内容 | 上周 内容 | --week 2026-W47 内容 | 查看 [@名字] [周|周..周] | 状态 [周] | 结束 周 | 截止 [周五 18:00]",
			Examples: []string{"/周报 完成公众号推文 3 篇，下周准备双十二活动", "/周报 上周 补交：整理了素材库", "/周报 查看", "/周报 状态", "/周报 结束 上周", "/周报 截止 周五 18:00"},
			Who:      Member, Handler: report,
		},
		{
			Name: "remind", Chinese: "提醒", Aliases: []string{"reminders"},
			Summary:  "查看本团队的定时提醒；主管可改时间、开关、测试",
			Usage:    "[列表 | 设置 名称 时间 | 关闭 名称 | 开启 名称 | 测试 名称]",
			Examples: []string{"/提醒", "/提醒 设置 周报提醒 周一 10:00", "/提醒 设置 周报催交 每周五 下午3点", "/提醒 关闭 周报催交", "/提醒 测试 周报汇总"},
			Who:      Member, Handler: remind,
		},
		{
			Name: "holiday", Chinese: "假期", Aliases: []string{"holidays"},
			Summary:  "查看法定假日、调休和团队自己的假期；主管可添加、删除团队假期",
			Usage:    "[列表 | 添加 日期[到结束日期] 休息|上班 说明 | 删除 日期]",
			Examples: []string{"/假期", "/假期 添加 12月31日 休息 团建", "/假期 添加 2027-01-02 上班 补班", "/假期 添加 12/24到12/25 休息 过节", "/假期 删除 2026-12-31"},
			Who:      Member, Handler: holiday,
		},
		leaveCommand(),
		{
			Name: "off", Chinese: "谁请假", Aliases: []string{"今天谁请假"},
			Summary:  "看今天谁请假（只列名字）",
			Examples: []string{"/谁请假"},
			Who:      Anyone, Handler: whoIsOff,
		},
		{
			Name: "meeting", Chinese: "会议", Aliases: []string{"meetings"},
			Summary:  "查看下次会议；主管设置每周例会、召集会议、定议程、点名、结束或取消会议；成员申诉缺席、查看出勤记录",
			Usage:    "[下次] | 设置 周一 10:00 [时长] | 设置 关闭 | 通知 日期 时间 议程 | 议程 内容 | 点名 @名字… | 结束 | 取消 原因 | 建议 | 申诉 日期 理由 | 申诉 批准 编号 | 申诉 驳回 编号 [说明] | 申诉 列表 | 记录 [@名字]",
			Examples: []string{"/会议", "/会议 设置 周一 10:00", "/会议 设置 每周二 下午3点 90分钟", "/会议 通知 明天 15:00 双十二活动分工", "/会议 议程 复盘双十一；各模块先交周报", "/会议 点名 @张三", "/会议 结束", "/会议 取消 团建改期", "/会议 申诉 12月14日 那天在医院", "/会议 记录"},
			Who:      Member, Handler: meeting,
		},
		{
			Name: "checkin", Chinese: "签到",
			Summary:  "会议签到：会前 15 分钟到会议结束之间，开始 10 分钟后算迟到",
			Examples: []string{"/签到", "/checkin"},
			Who:      Member, Handler: checkIn,
		},
	}
}
