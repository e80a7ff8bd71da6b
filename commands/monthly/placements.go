package monthly

import (
	"context"
	"fmt"
	"strings"

	"teambot/commands"
	"teambot/commands/lang"
)

// Paid placements (R7): the month's approved placements with their budget,
// spend and reported results, as the approval area lists them
// (commands.Rules.Placements). They are the promotion team's report to the
// supervisor, and so part of what leadership reads.

// monthPlacements is the collect step of the month's placements.
func monthPlacements(ctx context.Context, r *commands.Request, m lang.Month, out *Month, _ map[int64]*MemberRow) error {
	if r.Rules().Placements == nil {
		return nil
	}
	from, to := m.Bounds(r.Location())
	list, err := r.Rules().Placements(ctx, r, from, to)
	out.Report.Placements = list
	return err
}

// placementSection is the report's section of paid placements.
func (rep Report) placementSection(st style) string {
	var b strings.Builder
	b.WriteString(st.h2("付费投放"))
	if len(rep.Placements) == 0 {
		b.WriteString("\n本月没有批准的付费投放")
	}
	for _, p := range rep.Placements {
		fmt.Fprintf(&b, "\n- #%d %s（%s）：%s；预算 %s，花费 %s；结果：%s", p.ID, st.esc(p.Platform), st.esc(p.Owner), st.esc(p.Detail),
			p.Budget, p.Spend, st.esc(p.Results))
		if p.EndDay != "" {
			fmt.Fprintf(&b, "；截止 %s", p.EndDay)
		}
	}
	return b.String()
}
