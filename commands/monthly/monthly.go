package monthly

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"teambot"
	"teambot/bot/wecom"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"
)

// The monthly digest (R5): what the supervisor reports to leadership each
// month, built from the records — reports, meetings, leave, the ledger,
// votes, platform updates, accounts and escalations. 月报 shows it to the
// supervisor, 月报提醒 sends it on the last workday of the month, and
// `teambot export monthly` writes the same data as CSV or JSON.
//
// Decisions:
//   - A week belongs to the month its Thursday falls in (the ISO rule), so
//     every week is counted in exactly one month. A week whose report
//     deadline has not passed yet counts no one as missing.
//   - The members are the active members when the digest is made; entries
//     about members who left during the month still appear in the ledger
//     and account sections.
//   - Leave days are the workdays of the month covered by approved leave,
//     a half day counting 0.5.

// Digest is one team's month.
type Digest struct {
	Month       string           `json:"month"`
	Team        string           `json:"team"`
	Weeks       []string         `json:"weeks"`
	Members     []MemberMonth    `json:"members"`
	Meetings    MeetingsMonth    `json:"meetings"`
	Ledger      []LedgerLine     `json:"ledger"`
	Votes       []VoteLine       `json:"votes"`
	Platforms   []PlatformMonth  `json:"platforms"`
	Accounts    []AccountLine    `json:"accounts"`
	Escalations []EscalationLine `json:"open_escalations"`
}

// MemberMonth is one member's month.
type MemberMonth struct {
	Name            string  `json:"name"`
	UserID          string  `json:"userid"`
	Roles           string  `json:"roles"`
	ReportsOnTime   int     `json:"reports_on_time"`
	ReportsLate     int     `json:"reports_late"`
	ReportsMissing  int     `json:"reports_missing"`
	ReportsExcused  int     `json:"reports_excused"`
	MeetingsPresent int     `json:"meetings_present"`
	MeetingsLate    int     `json:"meetings_late"`
	MeetingsExcused int     `json:"meetings_excused"`
	MeetingsAbsent  int     `json:"meetings_absent"`
	LeaveDays       float64 `json:"leave_days"`
	Rewards         int     `json:"rewards"`
	Penalties       int     `json:"penalties"`
}

// MeetingsMonth counts the month's meetings.
type MeetingsMonth struct {
	Held      int `json:"held"`
	Cancelled int `json:"cancelled"`
}

// LedgerLine is one ledger entry of the month.
type LedgerLine struct {
	ID      int64  `json:"id"`
	Date    string `json:"date"`
	Name    string `json:"name"`
	Kind    string `json:"kind"` // reward, penalty, revocation
	Level   string `json:"level"`
	Reason  string `json:"reason"`
	Revokes int64  `json:"revokes,omitempty"`
	Revoked bool   `json:"revoked"`
}

// VoteLine is one vote closed in the month.
type VoteLine struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Kind    string `json:"kind"`
	Outcome string `json:"outcome"` // in Chinese
	Tally   string `json:"tally"`
	Closed  string `json:"closed"`
}

// PlatformMonth is one platform's updates and campaigns in the month.
type PlatformMonth struct {
	Platform  string   `json:"platform"`
	Owners    string   `json:"owners"`
	Updates   int      `json:"updates"`
	Campaigns []string `json:"campaigns"`
	// WeeksWithout are the month's weeks without an update (R6: weekly).
	WeeksWithout []string `json:"weeks_without_update"`
}

// AccountLine is one account event of the month.
type AccountLine struct {
	Date     string `json:"date"`
	Event    string `json:"event"` // in Chinese: 登记, 改密, 移交, 注销, 核对
	Platform string `json:"platform"`
	Account  string `json:"account"`
	Owner    string `json:"owner"`
}

// EscalationLine is one unresolved escalation.
type EscalationLine struct {
	ID   int64  `json:"id"`
	Date string `json:"date"`
	Name string `json:"name"`
	Text string `json:"text"`
}

// Build builds the digest of the team of chatID for month m.
func Build(ctx context.Context, e *commands.Engine, chatID string, m lang.Month) (Digest, error) {
	var d Digest
	err := e.Config.Store.Update(ctx, func(tx commands.Tx) error {
		team, err := tx.TeamByChat(ctx, chatID)
		if err != nil {
			return err
		}
		r := &commands.Request{Tx: tx, Now: e.Config.Now(), Team: &team, Engine: e}
		d, err = monthlyDigest(ctx, r, m)
		return err
	})
	return d, err
}

// monthlyDigest builds the digest of r's team for m.
func monthlyDigest(ctx context.Context, r *commands.Request, m lang.Month) (Digest, error) {
	d := Digest{Month: m.String(), Team: r.Team.ChatID}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return d, err
	}
	rows := make(map[int64]*MemberMonth, len(members))
	d.Members = make([]MemberMonth, len(members))
	for i, mem := range members {
		d.Members[i] = MemberMonth{Name: mem.Name, UserID: mem.UserID, Roles: commands.RoleList(mem.Roles)}
		rows[mem.ID] = &d.Members[i]
	}
	for _, step := range []func(context.Context, *commands.Request, lang.Month, *Digest, map[int64]*MemberMonth) error{
		monthReports, monthMeetings, monthLeave, monthLedger, monthVotes,
		monthPlatforms, monthAccounts, monthEscalations,
	} {
		if err := step(ctx, r, m, &d, rows); err != nil {
			return d, err
		}
	}
	return d, nil
}

func monthReports(ctx context.Context, r *commands.Request, m lang.Month, d *Digest, rows map[int64]*MemberMonth) error {
	for _, w := range lang.MonthWeeks(m) {
		d.Weeks = append(d.Weeks, w.String())
		s, err := roll.LoadWeekStatus(ctx, r, w)
		if err != nil {
			return err
		}
		for _, rep := range s.OnTime {
			if row := rows[rep.MemberID]; row != nil {
				row.ReportsOnTime++
			}
		}
		for _, rep := range s.Late {
			if row := rows[rep.MemberID]; row != nil {
				row.ReportsLate++
			}
		}
		for _, ex := range s.Excused {
			if row := rows[ex.ID]; row != nil {
				row.ReportsExcused++
			}
		}
		if !s.Due.Late(r.Now) {
			continue // not due yet (or exempt): nobody is missing
		}
		for _, mem := range s.Missing {
			if row := rows[mem.ID]; row != nil {
				row.ReportsMissing++
			}
		}
	}
	return nil
}

func monthMeetings(ctx context.Context, r *commands.Request, m lang.Month, d *Digest, rows map[int64]*MemberMonth) error {
	from, to := m.Bounds(r.Location())
	meetings, err := txOf(r).Meetings(ctx, r.Team.ID, from, to.Add(-time.Nanosecond))
	if err != nil {
		return err
	}
	for _, mt := range meetings {
		switch mt.Status {
		case teambot.MeetingCancelled:
			d.Meetings.Cancelled++
			continue
		case teambot.MeetingScheduled:
			continue
		}
		d.Meetings.Held++
		att, err := txOf(r).MeetingAttendance(ctx, r.Team.ID, mt.ID)
		if err != nil {
			return err
		}
		for _, a := range att {
			row := rows[a.MemberID]
			if row == nil {
				continue
			}
			switch a.Status {
			case teambot.AttendancePresent:
				row.MeetingsPresent++
			case teambot.AttendanceLate:
				row.MeetingsLate++
			case teambot.AttendanceExcused:
				row.MeetingsExcused++
			case teambot.AttendanceAbsent:
				row.MeetingsAbsent++
			}
		}
	}
	return nil
}

func monthLeave(ctx context.Context, r *commands.Request, m lang.Month, d *Digest, rows map[int64]*MemberMonth) error {
	first := teambot.Date{Year: m.Year, Month: m.Month, Day: 1}
	last := teambot.Date{Year: m.Year, Month: m.Month, Day: lang.DaysIn(m.Year, m.Month)}
	leaves, err := r.Tx.Leaves(ctx, teambot.LeaveFilter{TeamID: r.Team.ID, From: first, To: last, Statuses: []string{teambot.LeaveApproved}})
	if err != nil {
		return err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return err
	}
	for _, l := range leaves {
		row := rows[l.MemberID]
		if row == nil {
			continue
		}
		span := roll.LeaveSpan(l)
		if span.From.Before(first) {
			span.From = first
		}
		if last.Before(span.To) {
			span.To = last
		}
		work, _ := roll.LeaveDays(span, cal)
		row.LeaveDays += work
	}
	return nil
}

func monthLedger(ctx context.Context, r *commands.Request, m lang.Month, d *Digest, rows map[int64]*MemberMonth) error {
	from, to := m.Bounds(r.Location())
	entries, err := txOf(r).LedgerEntries(ctx, teambot.LedgerFilter{TeamID: r.Team.ID, From: from, To: to})
	if err != nil {
		return err
	}
	for _, e := range entries {
		d.Ledger = append(d.Ledger, LedgerLine{ID: e.ID, Date: teambot.DateOf(e.At.In(r.Location())).String(), Name: e.Name,
			Kind: e.Kind, Level: e.Level, Reason: e.Reason, Revokes: e.Revokes, Revoked: e.RevokedBy != 0})
		row := rows[e.MemberID]
		if row == nil || e.RevokedBy != 0 {
			continue
		}
		switch e.Kind {
		case teambot.LedgerReward:
			row.Rewards++
		case teambot.LedgerPenalty:
			row.Penalties++
		}
	}
	return nil
}

func monthVotes(ctx context.Context, r *commands.Request, m lang.Month, d *Digest, rows map[int64]*MemberMonth) error {
	from, to := m.Bounds(r.Location())
	votes, err := txOf(r).Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteClosed, ClosedFrom: from, ClosedTo: to})
	if err != nil {
		return err
	}
	for _, v := range votes {
		kind, outcome, tally, err := r.Rules().VoteResult(ctx, r, v)
		if err != nil {
			return err
		}
		d.Votes = append(d.Votes, VoteLine{ID: v.ID, Title: v.Title, Kind: kind, Outcome: outcome,
			Tally: tally, Closed: teambot.DateOf(v.ClosedAt.In(r.Location())).String()})
	}
	return nil
}

// Markdown renders the digest as WeCom markdown, for the app message and
// the robot.
func (d Digest) Markdown() string { return d.render(true) }

// Text renders the digest as plain text, for a reply.
func (d Digest) Text() string { return d.render(false) }

func (d Digest) render(md bool) string {
	// What members wrote goes inside lines of the digest: line breaks become
	// spaces, so every line starts with the digest's own text.
	esc := wecom.EscapeMarkdownInline
	bold := func(s string) string { return "**" + esc(s) + "**" }
	h1, h2 := "# %s 月报\n", "\n## %s\n"
	if !md {
		esc, bold = func(s string) string { return s }, func(s string) string { return s }
		h1, h2 = "【%s 月报】\n", "\n【%s】\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, h1, d.Month)
	fmt.Fprintf(&b, "周报按周四所在月份计入：%s\n", strings.Join(d.Weeks, "、"))
	fmt.Fprintf(&b, h2, "成员")
	for _, m := range d.Members {
		fmt.Fprintf(&b, "- %s（%s）周报 按时 %d / 迟交 %d / 未交 %d", bold(m.Name), m.Roles, m.ReportsOnTime, m.ReportsLate, m.ReportsMissing)
		if m.ReportsExcused > 0 {
			fmt.Fprintf(&b, " / 请假免交 %d", m.ReportsExcused)
		}
		fmt.Fprintf(&b, "；会议 出席 %d / 迟到 %d / 请假 %d / 缺席 %d；请假 %s 天", m.MeetingsPresent, m.MeetingsLate, m.MeetingsExcused, m.MeetingsAbsent, commands.Days(m.LeaveDays))
		if m.Rewards+m.Penalties > 0 {
			fmt.Fprintf(&b, "；嘉奖 %d、惩处 %d", m.Rewards, m.Penalties)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, h2, "会议")
	fmt.Fprintf(&b, "召开 %d 次，取消 %d 次\n", d.Meetings.Held, d.Meetings.Cancelled)
	fmt.Fprintf(&b, h2, "嘉奖与惩处")
	if len(d.Ledger) == 0 {
		b.WriteString("无\n")
	}
	for _, e := range d.Ledger {
		switch e.Kind {
		case teambot.LedgerRevocation:
			fmt.Fprintf(&b, "- #%d %s 撤销 #%d（%s）：%s\n", e.ID, e.Date, e.Revokes, esc(e.Name), esc(e.Reason))
		default:
			revoked := ""
			if e.Revoked {
				revoked = "（已撤销）"
			}
			fmt.Fprintf(&b, "- #%d %s %s %s：%s%s\n", e.ID, e.Date, esc(e.Name), e.Level, esc(e.Reason), revoked)
		}
	}
	fmt.Fprintf(&b, h2, "表决与投票")
	if len(d.Votes) == 0 {
		b.WriteString("无\n")
	}
	for _, v := range d.Votes {
		fmt.Fprintf(&b, "- #%d %s「%s」：%s（%s）\n", v.ID, v.Kind, esc(v.Title), esc(v.Outcome), esc(v.Tally))
	}
	fmt.Fprintf(&b, h2, "平台更新")
	if len(d.Platforms) == 0 {
		b.WriteString("还没有登记平台账号或更新\n")
	}
	for _, p := range d.Platforms {
		fmt.Fprintf(&b, "- %s（%s）更新 %d 次", bold(p.Platform), esc(p.Owners), p.Updates)
		if len(p.WeeksWithout) > 0 {
			fmt.Fprintf(&b, "，无更新的周：%s", strings.Join(p.WeeksWithout, "、"))
		}
		if len(p.Campaigns) > 0 {
			fmt.Fprintf(&b, "；活动：%s", esc(strings.Join(p.Campaigns, "、")))
		} else {
			b.WriteString("；本月没有活动")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, h2, "账号变动")
	if len(d.Accounts) == 0 {
		b.WriteString("无\n")
	}
	for _, a := range d.Accounts {
		fmt.Fprintf(&b, "- %s %s %s %s（%s）\n", a.Date, esc(a.Event), esc(a.Platform), esc(a.Account), esc(a.Owner))
	}
	fmt.Fprintf(&b, h2, "未处理的上报")
	if len(d.Escalations) == 0 {
		b.WriteString("无\n")
	}
	for _, e := range d.Escalations {
		fmt.Fprintf(&b, "- #%d %s %s：%s\n", e.ID, e.Date, esc(e.Name), esc(e.Text))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// monthPlatforms is each platform of the team's active accounts (and any
// other platform updated in the month) with its updates, campaigns and the
// month's weeks without an update (R6).
func monthPlatforms(ctx context.Context, r *commands.Request, m lang.Month, d *Digest, _ map[int64]*MemberMonth) error {
	from, to := m.Bounds(r.Location())
	accounts, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive})
	if err != nil {
		return err
	}
	// The month's weeks may start in the month before and end in the one
	// after: their updates count for the weekly check, the month's own for
	// the counts and campaigns.
	weeks := lang.MonthWeeks(m)
	updates, err := txOf(r).PlatformUpdates(ctx, r.Team.ID, weeks[0].Start(r.Location()), weeks[len(weeks)-1].End(r.Location()))
	if err != nil {
		return err
	}
	var order []string
	byName := map[string]*PlatformMonth{}
	owners := map[string][]string{}
	platform := func(name string) *PlatformMonth {
		key := strings.ToLower(strings.TrimSpace(name))
		if p, ok := byName[key]; ok {
			return p
		}
		byName[key] = &PlatformMonth{Platform: name}
		order = append(order, key)
		return byName[key]
	}
	// A platform is checked from the week it was registered (or first
	// updated): the weeks before it was the team's are not missed updates.
	since := map[string]time.Time{}
	first := func(key string, at time.Time) {
		if old, ok := since[key]; !ok || at.Before(old) {
			since[key] = at
		}
	}
	for _, a := range accounts {
		platform(a.Platform)
		key := strings.ToLower(strings.TrimSpace(a.Platform))
		first(key, a.RegisteredAt)
		if !slices.Contains(owners[key], a.OwnerName) {
			owners[key] = append(owners[key], a.OwnerName)
		}
	}
	updated := map[string]map[teambot.Week]bool{}
	for _, u := range updates {
		key := strings.ToLower(strings.TrimSpace(u.Platform))
		first(key, u.At)
		if !u.At.Before(from) && u.At.Before(to) {
			p := platform(u.Platform)
			p.Updates++
			if u.Campaign {
				p.Campaigns = append(p.Campaigns, u.Title)
			}
		}
		if updated[key] == nil {
			updated[key] = map[teambot.Week]bool{}
		}
		updated[key][u.Week] = true
	}
	for _, key := range order {
		p := byName[key]
		p.Owners = commands.NameList(owners[key])
		for _, w := range weeks {
			end := w.End(r.Location())
			if !end.After(r.Now) && end.After(since[key]) && !updated[key][w] { // weeks over, since the platform's first
				p.WeeksWithout = append(p.WeeksWithout, w.String())
			}
		}
		d.Platforms = append(d.Platforms, *p)
	}
	return nil
}

// accountEventCN names an account event for the digest.
var accountEventCN = map[string]string{
	teambot.AccountEventRegistered: "登记", teambot.AccountEventChanged: "改密",
	teambot.AccountEventTransferred: "移交", teambot.AccountEventRemoved: "注销", teambot.AccountEventConfirmed: "核对",
}

// monthAccounts lists the month's account registrations, credential
// changes, transfers and removals (R13); confirmations are left out, the
// quarterly check reports them.
func monthAccounts(ctx context.Context, r *commands.Request, m lang.Month, d *Digest, _ map[int64]*MemberMonth) error {
	from, to := m.Bounds(r.Location())
	events, err := txOf(r).AccountEvents(ctx, r.Team.ID, from, to)
	if err != nil {
		return err
	}
	for _, e := range events {
		if e.Kind == teambot.AccountEventConfirmed {
			continue
		}
		event := accountEventCN[e.Kind]
		if e.Note != "" && e.Kind != teambot.AccountEventRegistered {
			event += "（" + e.Note + "）"
		}
		d.Accounts = append(d.Accounts, AccountLine{Date: teambot.DateOf(e.At.In(r.Location())).String(), Event: event,
			Platform: e.Platform, Account: e.Account, Owner: e.OwnerName})
	}
	return nil
}

// monthEscalations lists the problems still open when the digest is made
// (R16), whenever they were reported.
func monthEscalations(ctx context.Context, r *commands.Request, _ lang.Month, d *Digest, _ map[int64]*MemberMonth) error {
	open, err := txOf(r).Escalations(ctx, teambot.EscalationFilter{TeamID: r.Team.ID, Statuses: []string{teambot.EscalationOpen}})
	if err != nil {
		return err
	}
	for _, e := range open {
		d.Escalations = append(d.Escalations, EscalationLine{ID: e.ID, Date: teambot.DateOf(e.CreatedAt.In(r.Location())).String(),
			Name: e.Name, Text: e.Text})
	}
	return nil
}
