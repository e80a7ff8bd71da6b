package approval

import (
	"context"
	"fmt"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
)

// kind is what differs between /发布, /合作 and /投放: their words and how
// a request's content is read and shown.
type kind struct {
	name     string // teambot.ApprovalPost, …
	word     string // 发布
	noun     string // 发布申请
	platform bool   // a request names a platform first
	usage    string // what 申请 takes after the platform, if any
	example  string // a full 申请
	// content reads a version's content from words of s.
	content func(r *commands.Request, s string, words []lang.Word, how string) (teambot.ApprovalContent, error)
}

var (
	post = &kind{name: teambot.ApprovalPost, word: "发布", noun: "发布申请", platform: true,
		usage: "[活动] 标题 [链接] [计划 日期 时间]", example: "/发布 申请 公众号 双十二预告 https://mp.weixin.qq.com/s/abc 计划 明天 20:00",
		content: postContent}
	partner = &kind{name: teambot.ApprovalPartner, word: "合作", noun: "合作申请",
		usage: "对象 说明", example: "/合作 申请 某某科技公众号 互推一期，对方粉丝 5 万",
		content: func(_ *commands.Request, s string, words []lang.Word, how string) (teambot.ApprovalContent, error) {
			return partnerContent(s, words, how)
		}}
	placement = &kind{name: teambot.ApprovalPlacement, word: "投放", noun: "投放申请", platform: true,
		usage: "预算 说明 [截止 日期]", example: "/投放 申请 抖音 3000元 双十二直播预热 截止 12月12日",
		content: placementContent}
	kinds = []*kind{post, partner, placement}
)

// kindOf is the kind named teambot.Approval*.
func kindOf(name string) *kind {
	for _, k := range kinds {
		if k.name == name {
			return k
		}
	}
	return post
}

// Commands are /发布, /合作, /投放, /审批 and /平台.
func Commands() []*commands.Command {
	return []*commands.Command{kindCommand(post), kindCommand(partner), kindCommand(placement), pendingCommand(), platformCommand()}
}

// kindCommand is the command of kind k: the same rows for every kind,
// and /发布 已发 and /投放 结果 of their own.
func kindCommand(k *kind) *commands.Command {
	id := func(verb, rest string) []commands.ArgSpec {
		ex := fmt.Sprintf("/%s %s 3%s", k.word, verb, rest)
		return []commands.ArgSpec{{Kind: commands.ArgID,
			Missing: "请写上申请的编号，例如 " + ex + "。发送 /审批 查看等待中的申请。",
			Bad:     "「%s」不是申请的编号，编号是数字，例如 " + ex + "。"}}
	}
	decide := func(event string) commands.Handler {
		return func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
			return decideRequest(ctx, r, k, event)
		}
	}
	apply := "平台 " + k.usage
	if !k.platform {
		apply = k.usage
	}
	revise := k.usage
	c := &commands.Command{
		Name: k.name, Chinese: k.word,
		Summary: map[string]string{
			teambot.ApprovalPost:      "发布前报主管审核（R15）：申请、按意见修改、发出后标记已发（自动记为本周更新）；主管批准、驳回或退回修改。平台的审核关闭时申请立即通过",
			teambot.ApprovalPartner:   "对外合作的公众帐号和平台报主管批准：申请、按意见修改；主管批准、驳回或退回修改",
			teambot.ApprovalPlacement: "付费投放报主管审核（R7）：申请（预算可写 3000、3000元、¥3000、5千、1.5万、$500）、按意见修改、到期后报结果（列入月报）；主管批准、驳回或退回修改",
		}[k.name],
		Examples: []string{k.example, fmt.Sprintf("/%s 批准 3", k.word), fmt.Sprintf("/%s 驳回 3 内容和品牌调性不符", k.word),
			fmt.Sprintf("/%s 退回 3 标题太长，请改短", k.word), fmt.Sprintf("/%s 查看 3", k.word)},
		Who: commands.Member,
		Sub: []*commands.Command{
			{Name: "apply", Chinese: "申请", Aliases: []string{"提交"}, Usage: apply, Summary: "提交" + k.noun + "，私下送主管审核",
				Who: commands.Member, Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) { return askRequest(ctx, r, k) }},
			{Name: "revise", Chinese: "修改", Usage: "编号 " + revise, Summary: "改自己的申请（被退回后或主管决定前），旧版本保留",
				Who: commands.Member, Args: id("修改", " …"), Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) { return reviseRequest(ctx, r, k) }},
			{Name: "approve", Chinese: "批准", Aliases: []string{"同意"}, Usage: "编号", Summary: "批准" + k.noun,
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("批准" + k.noun), Args: id("批准", ""), Handler: decide(teambot.EventApproved)},
			{Name: "reject", Chinese: "驳回", Aliases: []string{"拒绝"}, Usage: "编号 理由", Summary: "驳回" + k.noun + "（理由私下告诉申请人）",
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("驳回" + k.noun), Args: id("驳回", " 理由"), Handler: decide(teambot.EventRejected)},
			{Name: "return", Chinese: "退回", Usage: "编号 意见", Summary: "退回" + k.noun + "请申请人修改",
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("退回" + k.noun), Args: id("退回", " 意见"), Handler: decide(teambot.EventReturned)},
			{Name: "view", Chinese: "查看", Usage: "编号", Summary: "查看申请和它的全部版本与决定（只有申请人和主管可以看）",
				Who: commands.Member, Args: id("查看", ""), Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) { return viewRequest(ctx, r, k) }},
		},
	}
	switch k {
	case post:
		c.Sub = append(c.Sub, &commands.Command{Name: "published", Chinese: "已发", Aliases: []string{"已发布"}, Usage: "编号 [链接]",
			Summary: "批准的发布发出后标记已发，自动记为本周的平台更新（不用再 /更新）",
			Who:     commands.Member, Args: id("已发", " https://…"), Handler: markPublished})
		c.Examples = append(c.Examples, "/发布 已发 3 https://mp.weixin.qq.com/s/abc")
	case placement:
		c.Sub = append(c.Sub, &commands.Command{Name: "results", Chinese: "结果", Aliases: []string{"效果"}, Usage: "编号 [曝光 数字] [点击 数字] [花费 金额] [说明]",
			Summary: "报告批准的投放的结果（列入月报）",
			Who:     commands.Member, Args: id("结果", " 曝光 12000 点击 340 花费 2800"), Handler: reportResults})
		c.Examples = append(c.Examples, "/投放 结果 3 曝光 12000 点击 340 花费 2800 评论区反馈好")
	}
	return c
}

// pendingCommand is /审批: what waits for the supervisor.
func pendingCommand() *commands.Command {
	return &commands.Command{
		Name: "approvals", Chinese: "审批", Aliases: []string{"待审批"},
		Summary:  "主管查看等待审批的事：请假、加入、发布、合作、投放，最早的在前",
		Examples: []string{"/审批"},
		Who:      commands.Supervisor, Forbidden: commands.OnlySupervisor("查看待审批"), Handler: listPending,
	}
}
