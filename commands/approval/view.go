package approval

import (
	"context"
	"fmt"
	"strings"

	"teambot"
	"teambot/commands"
)

// viewRequest is /发布 查看 ID: the request as it stands, each version and
// each decision, oldest first. Only its requester and the supervisor see
// it (R14: a rejection's reason is theirs), and the reply is private.
func viewRequest(ctx context.Context, r *commands.Request, k *kind) (teambot.Reply, error) {
	a, err := requestByID(ctx, r, k)
	if err != nil {
		return teambot.Reply{}, err
	}
	if a.MemberID != r.Caller.ID && !r.Caller.IsSupervisor() {
		return teambot.Reply{}, teambot.Forbidden("%s #%d 只有申请人 %s 和主管可以查看。", k.noun, a.ID, a.Name)
	}
	versions, events, err := txOf(r).ApprovalHistory(ctx, r.Team.ID, a.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s #%d（%s，%s）：%s", k.noun, a.ID, a.Name, statusCN(a.Status), describe(r, a))
	if a.Kind == teambot.ApprovalPlacement {
		results, err := txOf(r).PlacementResults(ctx, r.Team.ID)
		if err != nil {
			return teambot.Reply{}, err
		}
		if res, ok := results[a.ID]; ok {
			b.WriteString("\n结果：" + resultText(res, a.Currency))
		}
	}
	b.WriteString("\n经过：")
	for _, e := range events {
		who, err := nameOf(ctx, r, e.By)
		if err != nil {
			return teambot.Reply{}, err
		}
		fmt.Fprintf(&b, "\n· %s %s %s", r.Moment(e.At), who, eventCN(e.Kind))
		switch e.Kind {
		case teambot.EventSubmitted, teambot.EventRevised:
			for _, v := range versions {
				if v.Version == e.Version {
					fmt.Fprintf(&b, "第 %d 版：%s", v.Version, describe(r, teambot.Approval{Kind: a.Kind, Platform: a.Platform, ApprovalContent: v.ApprovalContent}))
				}
			}
		default:
			if e.Note != "" {
				b.WriteString("：" + e.Note)
			}
		}
	}
	return teambot.Reply{Text: b.String(), Private: true}, nil
}

// nameOf is a member's name by userid, or the userid of someone no longer
// on the team; the system's approvals are 自动.
func nameOf(ctx context.Context, r *commands.Request, userID string) (string, error) {
	if userID == systemUser {
		return "（平台无需审核）", nil
	}
	m, err := r.Tx.MemberByUser(ctx, r.Team.ID, userID)
	switch {
	case err == nil:
		return m.Name, nil
	case teambot.KindOf(err) == teambot.KindNotFound:
		return userID, nil
	}
	return "", err
}

// eventCN is what an event did, in Chinese.
func eventCN(kind string) string {
	return map[string]string{teambot.EventSubmitted: "提交", teambot.EventRevised: "修改为", teambot.EventApproved: "批准",
		teambot.EventAutoApproved: "自动通过", teambot.EventRejected: "驳回", teambot.EventReturned: "退回修改",
		teambot.EventPublished: "标记已发", teambot.EventResults: "报告结果"}[kind]
}

// resultText is a placement's reported figures: 曝光 12,000 · 点击 340 · 花费 ¥2,800 · 说明.
func resultText(p teambot.PlacementResult, currency string) string {
	var parts []string
	if p.Exposure >= 0 {
		parts = append(parts, fmt.Sprintf("曝光 %s", count(p.Exposure)))
	}
	if p.Clicks >= 0 {
		parts = append(parts, fmt.Sprintf("点击 %s", count(p.Clicks)))
	}
	if p.Spend >= 0 {
		parts = append(parts, "花费 "+money(p.Spend, currency))
	}
	if p.Note != "" {
		parts = append(parts, p.Note)
	}
	return strings.Join(parts, " · ")
}

// count writes n with thousands separators.
func count(n int64) string { return strings.TrimPrefix(money(n*100, "CNY"), "¥") }
