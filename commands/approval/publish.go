package approval

import (
	"context"
	"fmt"
	"strings"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
)

// markPublished is /发布 已发 ID [LINK]: an approved post went out. It is
// marked published and logged as its platform's update of this week
// (R6), the same record /更新 writes, so it needs no second /更新. The
// requester or the supervisor may mark it.
func markPublished(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	a, err := requestByID(ctx, r, post)
	if err != nil {
		return teambot.Reply{}, err
	}
	if a.MemberID != r.Caller.ID && !r.Caller.IsSupervisor() {
		return teambot.Reply{}, teambot.Forbidden("发布申请 #%d 是 %s 的，只有申请人和主管可以标记已发。", a.ID, a.Name)
	}
	switch a.Status {
	case teambot.ApprovalApproved:
	case teambot.ApprovalPending, teambot.ApprovalReturned:
		return teambot.Reply{}, teambot.Conflict("发布申请 #%d 还没有批准（%s），不能标记已发。批准后再发出。", a.ID, statusCN(a.Status))
	default:
		return teambot.Reply{}, statusConflict(ctx, r, post, a)
	}
	link := lang.FreeText(r.Tail)
	if link != "" && (!isLink(link) || strings.ContainsFunc(link, lang.IsSpace)) {
		return teambot.Reply{}, teambot.Invalid("「已发」后面只写发出后的链接（http 开头），例如 /发布 已发 %d https://mp.weixin.qq.com/s/abc。", a.ID)
	}
	title := a.Title
	switch {
	case link != "" && link != a.Title:
		title += " " + link
	case link == "" && a.Link != "" && a.Link != a.Title:
		title += " " + a.Link
	}
	if err := txOf(r).PublishApproval(ctx, r.Team.ID, a.ID, r.UserID, link, r.Now); err != nil {
		return teambot.Reply{}, changeError(ctx, r, post, a, err)
	}
	week := r.Week()
	u := teambot.PlatformUpdate{TeamID: r.Team.ID, Platform: a.Platform, Title: title, Campaign: a.Campaign,
		MemberID: a.MemberID, At: r.Now, Week: week, MsgID: r.Message.ID}
	if err := txOf(r).AddPlatformUpdate(ctx, &u); err != nil {
		return teambot.Reply{}, err
	}
	d := fmt.Sprintf("#%d %s %s", u.ID, a.Platform, week)
	if a.Campaign {
		d += " 活动"
	}
	if err := r.Audit(ctx, "platform.update", a.Platform, d+fmt.Sprintf("（发布申请 #%d）", a.ID)); err != nil {
		return teambot.Reply{}, err
	}
	what := "更新"
	if a.Campaign {
		what = "更新和本月的专题活动"
	}
	return teambot.Reply{Text: fmt.Sprintf("已标记发布申请 #%d 已发：%s《%s》。已记为 %s %s的%s #%d，不用再发 /更新。",
		a.ID, a.Platform, a.Title, a.Platform, lang.WeekLabel(week), what, u.ID)}, nil
}
