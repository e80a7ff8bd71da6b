package escalate

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// openEscalations are the team's problems still waiting for the
// Supervisor (R16), oldest first.
func openEscalations(ctx context.Context, r *commands.Request) ([]teambot.Escalation, error) {
	return txOf(r).Escalations(ctx, teambot.EscalationFilter{TeamID: r.Team.ID, Statuses: []string{teambot.EscalationOpen}})
}

// escalationDigest is the weekly digest's part about open escalations, ""
// when there are none. The group's digest gets their count and numbers; the
// supervisor's private one also who reported each, when, and its first
// line (R14).
func escalationDigest(r *commands.Request, open []teambot.Escalation, private bool) string {
	if len(open) == 0 {
		return ""
	}
	if !private {
		ids := make([]string, len(open))
		for i, e := range open {
			ids[i] = fmt.Sprintf("#%d", e.ID)
		}
		return fmt.Sprintf("\n未处理的上报 %d 条：%s。主管请私聊我发送 /上报 列表 查看。", len(open), strings.Join(ids, "、"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n未处理的上报 %d 条：", len(open))
	for _, e := range open {
		fmt.Fprintf(&b, "\n· #%d %s（%s）：%s", e.ID, e.Name, r.Moment(e.CreatedAt), lang.FirstLine(e.Text, lang.FirstLineRunes))
	}
	b.WriteString("\n全文：/上报 列表；处理：/上报 处理 编号 处理说明")
	return b.String()
}

// EscalationDigest is Rules.EscalationDigest: the weekly digest's part
// about the open escalations, for the group and for the supervisor.
func EscalationDigest(ctx context.Context, r *commands.Request) (group, private string, err error) {
	open, err := openEscalations(ctx, r)
	if err != nil {
		return "", "", err
	}
	return escalationDigest(r, open, false), escalationDigest(r, open, true), nil
}
