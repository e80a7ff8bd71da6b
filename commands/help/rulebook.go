package help

// The team's rules as /帮助 规则 shows them (R20): each rule of the
// rulebook (微信营销团队岗位责任制度; the ids are those of RULES.md) in
// the product's own short Chinese, the words a member may type to find it,
// and the commands that serve it; then the laws and platform agreements
// the rulebook names. This file is the one place these texts live: the
// help renders them, and a test checks that every command named here is in
// the command table.

// Rule is one rule of the rulebook.
type Rule struct {
	ID      string   // "R4", as RULES.md and the code cite it
	Title   string   // a few characters: 周报
	Short   string   // one line for the whole list
	Text    string   // the rule in full, one or two sentences
	Topics  []string // words a member may type after /帮助 规则
	Serving []string // the commands that serve it, as typed ("/投票 发起"), main ones first
}

// RuleGroup is a heading of the rulebook and its rules, in RULES.md's
// order.
type RuleGroup struct {
	Title string
	Rules []Rule
}

// Law is a law or platform agreement the rulebook names (R20).
type Law struct {
	Title  string // the official title, in simplified Chinese
	Issuer string // the issuer or order number where the rulebook gives one
}

// lawsTopic is the topic word of the list of laws, also the way to show it
// on its own.
const lawsTopic = "法规"

// Rulebook is the rules, grouped as RULES.md groups them.
func Rulebook() []RuleGroup {
	return []RuleGroup{
		{Title: "团队和角色", Rules: []Rule{
			{ID: "R1", Title: "主管",
				Short:   "主管负责全队，任期一年",
				Text:    "团队由一名主管负责：主管由部门选举或外聘，其他成员由主管任用，任期一年。",
				Topics:  []string{"主管", "任期", "团队"},
				Serving: []string{"/主管", "/任期", "/角色"}},
			{ID: "R2", Title: "角色",
				Short:   "文案、美工、技术、推广、客服",
				Text:    "团队设文案（多个平台同时运营时可再设一名，分管基础文案和策划文案）、美工、技术、推广、客服；一人可以兼几个角色。",
				Topics:  []string{"角色", "文案", "美工", "技术", "推广", "客服", "加入"},
				Serving: []string{"/加入", "/角色", "/加入 批准"}},
			{ID: "R3", Title: "名单",
				Short:   "名单放在「关于我们」页",
				Text:    "团队名单发布在微网站、微商城或公众号的「关于我们」页，这是面向客户的唯一对外窗口。",
				Topics:  []string{"名单", "团队"},
				Serving: []string{"/团队", "/团队 导出"}},
		}},
		{Title: "经常性的工作", Rules: []Rule{
			{ID: "R4", Title: "周报",
				Short:   "除主管外每周交小结",
				Text:    "除主管外，每个成员每周向主管交一份工作小结。",
				Topics:  []string{"周报", "小结"},
				Serving: []string{"/周报", "/周报 状态", "/提醒"}},
			{ID: "R5", Title: "月报",
				Short:   "主管每月向领导汇报",
				Text:    "主管每月向公司领导或部门会议汇报团队的工作。",
				Topics:  []string{"月报", "汇报"},
				Serving: []string{"/月报", "/看板"}},
			{ID: "R6", Title: "更新",
				Short:   "每个平台每周更新、每月有活动",
				Text:    "每个平台每周至少更新一次，每月有一次专题活动或促销活动。",
				Topics:  []string{"更新", "平台", "活动"},
				Serving: []string{"/更新", "/更新 状态"}},
			{ID: "R7", Title: "推广数据",
				Short:   "统计和投放效果交主管审核",
				Text:    "推广收集平台的统计数据和付费投放的效果，分析后交主管审核。",
				Topics:  []string{"推广", "投放", "数据", "审批"},
				Serving: []string{"/投放 申请", "/投放 结果", "/周报"}},
		}},
		{Title: "会议和决定", Rules: []Rule{
			{ID: "R8", Title: "例会",
				Short:   "每周一次，主管可加开",
				Text:    "部门每周开一次会；有特殊情况，主管可以随时召集。",
				Topics:  []string{"会议", "例会", "开会"},
				Serving: []string{"/会议", "/会议 设置", "/会议 通知"}},
			{ID: "R9", Title: "会议通知",
				Short:   "会前发通知，成员准备",
				Text:    "开会前主管发会议通知，参会成员事先准备好发言和资料。",
				Topics:  []string{"会议", "通知", "开会"},
				Serving: []string{"/会议 通知", "/会议 议程", "/签到"}},
			{ID: "R10", Title: "会前总结",
				Short:   "会前负责人交总结",
				Text:    "开会前，各工作模块的负责人先把工作总结交给主管。",
				Topics:  []string{"会议", "周报", "开会"},
				Serving: []string{"/周报", "/周报 状态"}},
			{ID: "R11", Title: "表决",
				Short:   "过半数通过，主管可否决",
				Text:    "会议的决议以过半数通过为原则，主管有否决权。",
				Topics:  []string{"投票", "表决", "决议", "会议"},
				Serving: []string{"/投票 发起", "/投票 否决", "/同意", "/反对", "/弃权"}},
			{ID: "R12", Title: "缺席",
				Short:   "连续两次缺会可警告或劝退",
				Text:    "不执行会议决议或连续两次缺席会议的成员，经主管或部门讨论，可以警告或劝退。批准的请假不算缺席；机器人只提醒主管，由主管决定。",
				Topics:  []string{"缺席", "缺勤", "会议", "请假", "警告", "奖惩", "惩处", "开会"},
				Serving: []string{"/会议 建议", "/惩处 确认", "/惩处 驳回", "/请假 会议", "/会议 申诉"}},
		}},
		{Title: "账号和纪律", Rules: []Rule{
			{ID: "R13", Title: "账号",
				Short:   "密码保密，新账号报备主管",
				Text:    "平台负责人保管好管理账号的密码，不对外泄露；注册新账号后报备主管，有改动及时告诉主管。机器人从不收密码。",
				Topics:  []string{"账号", "帐号", "密码", "报备"},
				Serving: []string{"/账号 登记", "/账号 已改密", "/账号 移交", "/账号 核对", "/删除内容"}},
			{ID: "R14", Title: "保密",
				Short:   "机密资料不外泄",
				Text:    "不得借职务之便对外泄露团队或公司的机密动态和文档。机器人把私人记录只给本人和主管看，群里只显示摘要。",
				Topics:  []string{"保密", "机密", "泄密", "隐私"},
				Serving: []string{"/记录", "/上报", "/删除内容"}},
			{ID: "R15", Title: "发布",
				Short:   "发布信息走严格流程",
				Text:    "各平台发布信息必须经过严格的发布流程：发出前报主管审核，对外合作报主管批准。",
				Topics:  []string{"发布", "平台", "合作", "审批"},
				Serving: []string{"/发布 申请", "/发布 已发", "/合作 申请", "/平台 审核", "/审批", "/更新"}},
			{ID: "R16", Title: "上报",
				Short:   "问题帖子备份、删除并上报",
				Text:    "社区里有问题的帖子和言论，及时备份、删除并报告主管；工作中解决不了的问题，和同事沟通或上报主管。",
				Topics:  []string{"上报", "问题", "社区"},
				Serving: []string{"/上报", "/上报 处理"}},
		}},
		{Title: "奖惩和法规", Rules: []Rule{
			{ID: "R17", Title: "嘉奖",
				Short:   "通报表扬到特等功",
				Text:    "完成重大或特殊任务、起表率作用、建议被采纳见效、有特殊贡献或其它功绩的成员，给予嘉奖：通报表扬、三等功、二等功、一等功、特等功。",
				Topics:  []string{"嘉奖", "奖惩", "奖励", "表扬"},
				Serving: []string{"/嘉奖", "/记录"}},
			{ID: "R18", Title: "惩处",
				Short:   "通报批评到除名",
				Text:    "恶意攻击诬陷同事、不服从合理指导、造谣生事造成重大损失、泄密或谋取私利、其它严重违法违规的成员，给予惩处：通报批评、警告、劝退、除名。",
				Topics:  []string{"惩处", "奖惩", "处罚", "批评", "警告", "劝退", "除名"},
				Serving: []string{"/惩处", "/记录"}},
			{ID: "R19", Title: "执行奖惩",
				Short:   "主管监督并执行奖惩",
				Text:    "奖惩的日常监督、检查、审核和执行由主管负责。每条记录都留档，按等级在群里公布或只告诉本人。",
				Topics:  []string{"奖惩", "嘉奖", "惩处", "主管"},
				Serving: []string{"/嘉奖", "/惩处", "/惩处 撤销", "/记录 全部"}},
			{ID: "R20", Title: "法规",
				Short:  "遵守以下法规和平台协议：",
				Text:   "团队遵守国家法律法规和平台协议，保证发布信息合法、安全；机器人不检查这一条。",
				Topics: []string{lawsTopic, "法律", "协议", "平台协议"}},
		}},
	}
}

// Laws are the laws and platform agreements the rulebook names, in its
// order. The rulebook's own text garbles two titles, given here as issued:
// it writes the 实施办法 of the 暂行规定 as "實施方法", and the 互联网信息
// 服务管理办法 as "互聯網網信息服務管理方法".
func Laws() []Law {
	return []Law{
		{Title: "中华人民共和国计算机信息网络国际联网管理暂行规定"},
		{Title: "中华人民共和国计算机信息网络国际联网管理暂行规定实施办法"},
		{Title: "中华人民共和国计算机信息系统安全保护条例"},
		{Title: "关于加强计算机信息系统国际联网备案管理的通告"},
		{Title: "计算机信息网络国际联网安全保护管理办法"},
		{Title: "互联网信息服务管理办法", Issuer: "国务院令第292号"},
		{Title: "互联网电子公告服务管理规定", Issuer: "信息产业部令第3号"},
		{Title: "互联网站从事登载新闻业务管理暂行规定", Issuer: "国务院新闻办公室、信息产业部"},
		{Title: "腾讯微信公众平台服务协议"},
	}
}
