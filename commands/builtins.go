package commands

import "slices"

// builtins is the bot's whole surface, one row per command (the team
// commands carry out R1-R3). /help, "did you mean" and the permission check
// all read this table.
func builtins() []*Command {
	return slices.Concat(coreCommands(), accountCommands(), platformCommands(), ledgerCommands(), escalationCommands(), monthlyCommands(), redactCommands())
}

// coreCommands are the team, report, reminder, leave, meeting and vote
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
		{
			Name: "vote", Chinese: "投票", Aliases: []string{"表决", "votes"},
			Summary:  "发起表决或投票、投票改票撤回、查看结果和已结束的决定；主管否决、提前结束、设置表决规则",
			Usage:    "[列表 [全部]] | 发起 标题 [选项 A | B | C] [截止 时间] [匿名] [实时] | 编号 选项 | 撤回 [编号] | 查看 编号 | 结束 编号 | 否决 编号 理由 | 规则 [通过 过半 法定 过半]",
			Examples: []string{"/投票 发起 是否参加双十二大促 截止 明天 18:00", "/投票 发起 团建时间 选项 周五下午 | 周六上午 截止 2天", "/投票 3 周五下午", "/投票 撤回 3", "/投票 查看 3", "/投票 列表 全部", "/投票 否决 3 预算不够，下月再议", "/投票 规则"},
			Who:      Member, Handler: vote,
		},
		{
			Name: "agree", Chinese: "同意", Aliases: []string{"赞成"},
			Summary:  "在表决里投同意票（只有一个进行中的表决时可以不写编号）",
			Usage:    "[编号]",
			Examples: []string{"/同意 3", "/同意"},
			Who:      Member, Handler: ballotShortcut("同意"),
		},
		{
			Name: "against", Chinese: "反对",
			Summary:  "在表决里投反对票",
			Usage:    "[编号]",
			Examples: []string{"/反对 3"},
			Who:      Member, Handler: ballotShortcut("反对"),
		},
		{
			Name: "abstain", Chinese: "弃权",
			Summary:  "在表决里投弃权票（弃权算作已投）",
			Usage:    "[编号]",
			Examples: []string{"/弃权 3"},
			Who:      Member, Handler: ballotShortcut("弃权"),
		},
	}
}
