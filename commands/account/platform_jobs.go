package account

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// platformReminders are the platform reminders' rows of the reminder table
// (R6): the Friday check of the week's updates and the monthly check of
// campaigns.
func platformReminders() []commands.Reminder {
	return []commands.Reminder{
		{Name: "platform_check", Chinese: "平台更新检查", Spec: "0 16 * * FRI",
			Summary: "@ 本周还没有更新的平台的负责人，都更新了就不发", Build: PlatformCheck},
		{Name: "campaign_check", Chinese: "活动检查", Spec: "0 16 20-27 * *",
			Summary: "每月 20 日起的第一个工作日，@ 本月还没有专题活动的平台的负责人，都有了就不发",
			Day:     lang.FirstWorkdayFrom(20), DayText: "每月 20 日起第一个工作日", Build: CampaignCheck},
	}
}

// PlatformCheck is 平台更新检查: one group message that names the team's
// platforms (those of its active accounts) with no update logged in the
// firing's week and @mentions their owners. Nothing is sent when every
// platform was updated or the team has no accounts.
func PlatformCheck(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		platforms, err := teamPlatforms(ctx, r)
		if err != nil || len(platforms) == 0 {
			return err
		}
		week, loc := r.Week(), r.Location()
		missing, err := platformsWithout(ctx, r, platforms, week.Start(loc), week.End(loc), false)
		if err != nil || len(missing) == 0 {
			return err
		}
		text := fmt.Sprintf("【平台更新检查】本周 %s还有 %d 个平台没有更新：%s。\n"+
			"每个平台每周至少更新一次（R6）。更新后请发送 /更新 平台 标题或链接 记下，例如 /更新 %s 本周推文标题。",
			lang.WeekLabel(week), len(missing), platformOwners(missing), missing[0].Name)
		out = append(out, commands.GroupMessage(r, f, "platform_check", text, ownerUsers(missing)))
		return nil
	})
	return out, err
}

// CampaignCheck is 活动检查: on the first workday from the 20th, one group
// message that names the platforms with no campaign logged this month and
// @mentions their owners. Nothing is sent when every platform has one or
// the team has no accounts.
func CampaignCheck(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		platforms, err := teamPlatforms(ctx, r)
		if err != nil || len(platforms) == 0 {
			return err
		}
		today, loc := r.Today(), r.Location()
		from, to := campaignMonth(today)
		missing, err := platformsWithout(ctx, r, platforms, from.In(loc), to.In(loc), true)
		if err != nil || len(missing) == 0 {
			return err
		}
		text := fmt.Sprintf("【活动检查】%d月还有 %d 个平台没有专题活动：%s。\n"+
			"每个平台每月要有一次专题活动或推广（R6），本月还剩 %d 天。办了活动请发送 /更新 平台 活动 标题 记下，例如 /更新 %s 活动 月末促销。",
			today.Month, len(missing), platformOwners(missing), lang.DaysIn(today.Year, today.Month)-today.Day+1, missing[0].Name)
		out = append(out, commands.GroupMessage(r, f, "campaign_check", text, ownerUsers(missing)))
		return nil
	})
	return out, err
}

// platformOwners names platforms with their owners: 微博（张三）、抖音（李四）.
func platformOwners(ps []teamPlatform) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Name + "（" + p.ownersText() + "）"
	}
	return strings.Join(parts, "、")
}

// ownerUsers are the userids of the platforms' active owners, each once.
func ownerUsers(ps []teamPlatform) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range ps {
		for _, m := range p.Owners {
			if !seen[m.UserID] {
				seen[m.UserID] = true
				out = append(out, m.UserID)
			}
		}
	}
	return out
}
