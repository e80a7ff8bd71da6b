package account

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"time"
	"unicode/utf8"

	"teambot"
)

// Platform updates (R6): every platform is updated at least weekly, with a
// themed campaign or promotion every month. Members log each update with
// /更新; the reminders name the platforms that have none.
//
// Decisions:
//   - The team's platforms are the distinct platforms of its active
//     accounts. Any member may log an update of any platform, also one
//     without an account: it is logged and shown in the status, but the
//     checks cannot name an owner for it, so they leave it out.
//   - Platform names match ignoring case and surrounding spaces; the name
//     stored is the account register's spelling when one matches.
//   - A campaign (/更新 平台 活动 标题) is also that week's update.
//   - Titles and links are not private: the group sees them in the status.
const maxUpdateTitleRunes = 200

// platformCommands are the platform commands' rows of the command table.
func platformCommands() []*commands.Command {
	return []*commands.Command{
		{
			Name: "update", Chinese: "更新", Aliases: []string{"平台更新", "updates"},
			Summary:  "记下平台的更新或本月的专题活动（每个平台每周至少更新一次），查看各平台本周的更新",
			Usage:    "平台 标题或链接 | 平台 活动 标题",
			Examples: []string{"/更新 公众号 双十二预告推文", "/更新 微博 https://weibo.com/1234/abcd", "/更新 公众号 活动 双十二抽奖", "/更新 状态", "/更新 状态 上周"},
			Who:      commands.Member, Handler: update,
			Sub: []*commands.Command{
				{Name: "status", Chinese: "状态", Usage: "[周]", Summary: "查看各平台本周（或那一周）的更新和本月还没有专题活动的平台",
					Who: commands.Member, Handler: platformStatus},
			},
		},
	}
}

// campaignWords mark an update as the month's campaign: /更新 平台 活动 标题.
var campaignWords = map[string]bool{"活动": true, "专题": true, "campaign": true}

// update is /更新 with no row named: with no arguments it shows the week's
// updates (as /更新 状态 does); otherwise it logs one.
func update(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Args) == 0 {
		return platformStatus(ctx, r)
	}
	return logUpdate(ctx, r)
}

// logUpdate is /更新 PLATFORM TITLE-or-LINK and /更新 PLATFORM 活动 TITLE.
func logUpdate(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	first := placedArgs(r.Rest)[0]
	rest := r.Rest[first.end:]
	if i := strings.IndexFunc(r.Rest[first.start:first.end], lang.IsColon); i > 0 && !first.Quoted && !first.Mention {
		// 公众号：标题
		first.Text, rest = lang.Normalize(r.Rest[first.start:first.start+i]), r.Rest[first.start+i:]
	}
	platform, err := checkPlatform(first.Arg)
	if err != nil {
		return teambot.Reply{}, err
	}
	title := lang.FreeText(rest)
	campaign := false
	if words := placedArgs(title); len(words) > 0 && !words[0].Quoted && campaignWords[strings.ToLower(words[0].Text)] {
		campaign, title = true, lang.FreeText(title[words[0].end:])
	}
	switch n := utf8.RuneCountInString(title); {
	case title == "" && campaign:
		return teambot.Reply{}, teambot.Invalid("请写上活动的标题，例如 /更新 %s 活动 双十二抽奖。", platform)
	case title == "":
		return teambot.Reply{}, commands.UsageError(r.Command, fmt.Sprintf("请在平台后面写上这次更新的标题或链接，例如 /更新 %s 双十二预告推文。", platform))
	case n > maxUpdateTitleRunes:
		return teambot.Reply{}, teambot.Invalid("标题最多 %d 字，这条有 %d 字，请写简短些或只贴链接。", maxUpdateTitleRunes, n)
	}
	active, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive})
	if err != nil {
		return teambot.Reply{}, err
	}
	platform = registryPlatform(active, platform)
	week := r.Week()
	u := teambot.PlatformUpdate{TeamID: r.Team.ID, Platform: platform, Title: title, Campaign: campaign,
		MemberID: r.Caller.ID, At: r.Now, Week: week, MsgID: r.Message.ID}
	if err := txOf(r).AddPlatformUpdate(ctx, &u); err != nil {
		return teambot.Reply{}, err
	}
	detail := fmt.Sprintf("#%d %s %s", u.ID, platform, week)
	if campaign {
		detail += " 活动"
	}
	if err := r.Audit(ctx, "platform.update", platform, detail); err != nil {
		return teambot.Reply{}, err
	}
	updates, err := txOf(r).PlatformUpdates(ctx, r.Team.ID, week.Start(r.Location()), week.End(r.Location()))
	if err != nil {
		return teambot.Reply{}, err
	}
	n := 0
	for _, x := range updates {
		if teambot.SamePlatform(x.Platform, platform) {
			n++
		}
	}
	today := r.Today()
	var text string
	if campaign {
		text = fmt.Sprintf("已记下 %s 在 %s的%d月专题活动 #%d：%s。这也算本周的更新，本周 %s 已更新 %d 次。",
			platform, lang.DescribeDay(today, today), today.Month, u.ID, title, platform, n)
	} else {
		text = fmt.Sprintf("已记下 %s 在 %s的更新 #%d（%s）：%s。本周 %s 已更新 %d 次。", platform, lang.DescribeDay(today, today), u.ID, week, title, platform, n)
	}
	if !hasPlatform(active, platform) {
		text += fmt.Sprintf("「%s」还没有登记账号，平台更新检查不会提醒它；负责人可以发送 /账号 登记 %s 账号名。", platform, platform)
	}
	return teambot.Reply{Text: text}, nil
}

// hasPlatform reports whether an account of list is on platform.
func hasPlatform(list []teambot.Account, platform string) bool {
	for _, a := range list {
		if teambot.SamePlatform(a.Platform, platform) {
			return true
		}
	}
	return false
}

// teamPlatform is a platform of the team's account register, with the
// active members who own accounts on it.
type teamPlatform struct {
	Name   string
	Owners []teambot.Member // active owners, in the order their accounts were registered
	Left   []string         // names of owners who left the team
}

// teamPlatforms lists the distinct platforms of the team's active
// accounts, in the order the first account on each was registered.
func teamPlatforms(ctx context.Context, r *commands.Request) ([]teamPlatform, error) {
	active, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive})
	if err != nil {
		return nil, err
	}
	sortAccounts(active)
	var out []teamPlatform
	index := map[string]int{}
	for _, a := range active {
		key := strings.ToLower(strings.TrimSpace(a.Platform))
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, teamPlatform{Name: a.Platform})
		}
		p := &out[i]
		if a.OwnerActive {
			if !slices.ContainsFunc(p.Owners, func(m teambot.Member) bool { return m.ID == a.OwnerID }) {
				p.Owners = append(p.Owners, teambot.Member{ID: a.OwnerID, UserID: a.OwnerUserID, Name: a.OwnerName})
			}
		} else if !slices.Contains(p.Left, a.OwnerName) {
			p.Left = append(p.Left, a.OwnerName)
		}
	}
	return out, nil
}

// ownersText names a platform's owners: 张三、李四, noting those who left.
func (p teamPlatform) ownersText() string {
	names := commands.MemberNames(p.Owners)
	for _, n := range p.Left {
		names = append(names, n+"（已离开团队）")
	}
	return strings.Join(names, "、")
}

// platformStatus is /更新 状态 [WEEK]: each platform with its updates of
// the week (this week by default), and for this week the platforms still
// without a campaign this month.
func platformStatus(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	week := r.Week()
	switch args := r.Params; {
	case len(args) > 1:
		return teambot.Reply{}, commands.UsageError(r.Command, "/更新 状态 后面最多写一个周。")
	case len(args) == 1:
		w, err := r.WeekArg(args[0].Text)
		if err != nil {
			return teambot.Reply{}, err
		}
		week = w
	}
	platforms, err := teamPlatforms(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	loc := r.Location()
	updates, err := txOf(r).PlatformUpdates(ctx, r.Team.ID, week.Start(loc), week.End(loc))
	if err != nil {
		return teambot.Reply{}, err
	}
	// Platforms only updates name come after the register's, in the order
	// of their first update.
	type row struct {
		platform teamPlatform
		updates  []teambot.PlatformUpdate
	}
	var rows []row
	index := map[string]int{}
	for _, p := range platforms {
		index[strings.ToLower(strings.TrimSpace(p.Name))] = len(rows)
		rows = append(rows, row{platform: p})
	}
	for _, u := range updates {
		key := strings.ToLower(strings.TrimSpace(u.Platform))
		i, ok := index[key]
		if !ok {
			i = len(rows)
			index[key] = i
			rows = append(rows, row{platform: teamPlatform{Name: u.Platform}})
		}
		rows[i].updates = append(rows[i].updates, u)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s的平台更新", lang.WeekLabel(week))
	if len(rows) == 0 {
		b.WriteString("：还没有平台。登记账号后（/账号 登记 平台 账号名）它的平台就会出现在这里；记下更新：/更新 平台 标题或链接。")
		return teambot.Reply{Text: b.String()}, nil
	}
	fmt.Fprintf(&b, "（%d 个平台）：", len(rows))
	for _, x := range rows {
		b.WriteString("\n· " + x.platform.Name)
		if owners := x.platform.ownersText(); owners != "" {
			b.WriteString("（" + owners + "）")
		} else {
			b.WriteString("（没有登记账号）")
		}
		if len(x.updates) == 0 {
			b.WriteString("：还没有更新")
			continue
		}
		items := make([]string, len(x.updates))
		for i, u := range x.updates {
			mark := ""
			if u.Campaign {
				mark = "【活动】"
			}
			// The id is what /删除内容 更新 takes (R14).
			items[i] = fmt.Sprintf("%s%s #%d（%s）%s", mark, u.Title, u.ID, u.Name, r.DayOf(u.At))
		}
		fmt.Fprintf(&b, "：%d 次 — %s", len(x.updates), strings.Join(items, "；"))
	}
	if week == r.Week() && len(platforms) > 0 {
		from, to := campaignMonth(r.Today())
		missing, err := platformsWithout(ctx, r, platforms, from.In(loc), to.In(loc), true)
		if err != nil {
			return teambot.Reply{}, err
		}
		if len(missing) > 0 {
			fmt.Fprintf(&b, "\n本月（%d月）还没有专题活动的平台：%s。", r.Today().Month, strings.Join(platformNames(missing), "、"))
		}
	}
	b.WriteString("\n记下更新：/更新 平台 标题或链接；记下本月活动：/更新 平台 活动 标题。")
	return teambot.Reply{Text: b.String()}, nil
}

// platformsWithout lists the platforms with no update (a campaign, when
// campaign is set) logged in [from, to).
func platformsWithout(ctx context.Context, r *commands.Request, platforms []teamPlatform, from, to time.Time, campaign bool) ([]teamPlatform, error) {
	updates, err := txOf(r).PlatformUpdates(ctx, r.Team.ID, from, to)
	if err != nil {
		return nil, err
	}
	var out []teamPlatform
	for _, p := range platforms {
		done := false
		for _, u := range updates {
			if teambot.SamePlatform(u.Platform, p.Name) && (u.Campaign || !campaign) {
				done = true
				break
			}
		}
		if !done {
			out = append(out, p)
		}
	}
	return out, nil
}

func platformNames(ps []teamPlatform) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// campaignMonth is the month of d, whose campaign R6 asks for: its first
// Day and the next month's first day.
func campaignMonth(d teambot.Date) (from, to teambot.Date) {
	from = teambot.Date{Year: d.Year, Month: d.Month, Day: 1}
	return from, from.AddDate(0, 1, 0)
}
