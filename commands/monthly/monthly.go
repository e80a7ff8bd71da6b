package monthly

import (
	"context"
	"slices"
	"strings"
	"time"

	"teambot"
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

// Build builds the month m of the team of chatID: the report and its
// appendix.
func Build(ctx context.Context, e *commands.Engine, chatID string, m lang.Month) (Month, error) {
	return build(ctx, e, m, func(tx commands.Tx) (teambot.Team, error) { return tx.TeamByChat(ctx, chatID) })
}

// BuildTeam is Build for the team numbered teamID (the dashboard's link
// names the team by number).
func BuildTeam(ctx context.Context, e *commands.Engine, teamID int64, m lang.Month) (Month, error) {
	return build(ctx, e, m, func(tx commands.Tx) (teambot.Team, error) { return tx.TeamByID(ctx, teamID) })
}

func build(ctx context.Context, e *commands.Engine, m lang.Month, team func(commands.Tx) (teambot.Team, error)) (Month, error) {
	var out Month
	err := e.Config.Store.Update(ctx, func(tx commands.Tx) error {
		t, err := team(tx)
		if err != nil {
			return err
		}
		r := &commands.Request{Tx: tx, Now: e.Config.Now(), Team: &t, Engine: e}
		out, err = buildMonth(ctx, r, m)
		return err
	})
	return out, err
}

// buildMonth builds r's team's month m, with the month before's summary
// for the changes.
func buildMonth(ctx context.Context, r *commands.Request, m lang.Month) (Month, error) {
	cur, err := collect(ctx, r, m)
	if err != nil {
		return Month{}, err
	}
	prev, err := collect(ctx, r, previous(m))
	if err != nil {
		return Month{}, err
	}
	cur.Report.Previous = prev.Report.Summary
	return cur, nil
}

// previous is the month before m.
func previous(m lang.Month) lang.Month {
	if m.Month == time.January {
		return lang.Month{Year: m.Year - 1, Month: time.December}
	}
	return lang.Month{Year: m.Year, Month: m.Month - 1}
}

// collect reads month m of r's team from the records.
func collect(ctx context.Context, r *commands.Request, m lang.Month) (Month, error) {
	team := r.Team.Name
	if team == "" {
		team = r.Team.ChatID
	}
	out := Month{Report: Report{Month: m.String(), Team: team}, Appendix: Appendix{Month: m.String()}}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return out, err
	}
	rows := make(map[int64]*MemberRow, len(members))
	all := make([]MemberRow, len(members))
	for i, mem := range members {
		all[i] = MemberRow{Name: mem.Name, Roles: commands.RoleList(mem.Roles)}
		rows[mem.ID] = &all[i]
	}
	for _, step := range []func(context.Context, *commands.Request, lang.Month, *Month, map[int64]*MemberRow) error{
		monthReports, monthMeetings, monthLeave, monthLedger, monthVotes,
		monthPlatforms, monthAccounts, monthEscalations, monthRejectedLeave, monthHighlights,
		monthPlacements,
	} {
		if err := step(ctx, r, m, &out, rows); err != nil {
			return out, err
		}
	}
	// The supervisor, who does not report, has no row of zeros.
	for _, row := range all {
		if row.Reports || row.MeetingsPresent+row.MeetingsLate+row.MeetingsExcused+row.MeetingsAbsent > 0 || row.LeaveDays > 0 {
			out.Report.Members = append(out.Report.Members, row)
		}
	}
	summarize(&out.Report)
	return out, nil
}

// summarize adds up the report's summary from its parts.
func summarize(rep *Report) {
	s := &rep.Summary
	for _, w := range rep.WeekRates {
		s.ReportsOnTime += w.OnTime
		s.ReportsLate += w.Late
		s.ReportsMissing += w.Missing
		s.ReportsExcused += w.Excused
	}
	s.ReportsDue = s.ReportsOnTime + s.ReportsLate + s.ReportsMissing
	s.OnTimeRate = ratio(s.ReportsOnTime, s.ReportsDue)
	for _, mt := range rep.Meetings {
		s.MeetingsHeld++
		s.Attended += mt.Present + mt.Late
		s.Expected += mt.Present + mt.Late + mt.Absent
	}
	s.AttendanceRate = ratio(s.Attended, s.Expected)
	for _, p := range rep.Platforms {
		s.Platforms++
		if len(p.WeeksWithout) == 0 {
			s.PlatformsOK++
		}
	}
	s.Campaigns = len(rep.Campaigns)
	for _, v := range rep.Votes {
		s.Decisions++
		if v.Outcome == teambot.OutcomeCN(teambot.OutcomePassed) {
			s.Passed++
		}
	}
	for _, l := range rep.Ledger {
		if l.Kind == kindReward {
			s.Rewards += l.Count
		} else {
			s.Penalties += l.Count
		}
	}
}

// ratio is part/whole, 0 for an empty whole.
func ratio(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

func monthReports(ctx context.Context, r *commands.Request, m lang.Month, out *Month, rows map[int64]*MemberRow) error {
	rep := &out.Report
	weeks := lang.MonthWeeks(m)
	status := map[int64][]string{}
	for i, w := range weeks {
		rep.Weeks = append(rep.Weeks, w.String())
		s, err := roll.LoadWeekStatus(ctx, r, w)
		if err != nil {
			return err
		}
		wr := WeekRate{Week: w.String(), Exempt: s.Due.Exempt}
		mark := func(id int64, what string) {
			if status[id] == nil {
				status[id] = make([]string, len(weeks))
			}
			status[id][i] = what
			if row := rows[id]; row != nil {
				row.Reports = true
			}
		}
		for _, x := range s.OnTime {
			wr.OnTime++
			mark(x.MemberID, "按时")
			if row := rows[x.MemberID]; row != nil {
				row.ReportsOnTime++
			}
		}
		for _, x := range s.Late {
			wr.Late++
			mark(x.MemberID, "迟交")
			if row := rows[x.MemberID]; row != nil {
				row.ReportsLate++
			}
		}
		for _, x := range s.Excused {
			wr.Excused++
			mark(x.ID, "请假")
			if row := rows[x.ID]; row != nil {
				row.ReportsExcused++
			}
		}
		due := s.Due.Late(r.Now)
		for _, x := range s.Missing {
			switch {
			case s.Due.Exempt:
				mark(x.ID, "节假日")
			case !due:
				mark(x.ID, "") // not due yet: nobody is missing
			default:
				wr.Missing++
				mark(x.ID, "未交")
				if row := rows[x.ID]; row != nil {
					row.ReportsMissing++
				}
			}
		}
		wr.Due = wr.OnTime + wr.Late + wr.Missing
		wr.Rate = ratio(wr.OnTime, wr.Due)
		rep.WeekRates = append(rep.WeekRates, wr)
	}
	// A holiday week lists nobody as missing: for those who report it
	// reads 节假日.
	for i, wr := range rep.WeekRates {
		if !wr.Exempt {
			continue
		}
		for _, st := range status {
			if st[i] == "" {
				st[i] = "节假日"
			}
		}
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return err
	}
	for _, mem := range members {
		if st, ok := status[mem.ID]; ok {
			rep.Grid = append(rep.Grid, GridRow{Name: mem.Name, Weeks: st})
		}
	}
	return nil
}

func monthMeetings(ctx context.Context, r *commands.Request, m lang.Month, out *Month, rows map[int64]*MemberRow) error {
	from, to := m.Bounds(r.Location())
	meetings, err := txOf(r).Meetings(ctx, r.Team.ID, from, to.Add(-time.Nanosecond))
	if err != nil {
		return err
	}
	for _, mt := range meetings {
		switch mt.Status {
		case teambot.MeetingCancelled:
			out.Report.Cancelled++
			continue
		case teambot.MeetingScheduled:
			continue
		}
		att, err := txOf(r).MeetingAttendance(ctx, r.Team.ID, mt.ID)
		if err != nil {
			return err
		}
		line := MeetingLine{Date: teambot.DateOf(mt.StartsAt.In(r.Location())).String()}
		for _, a := range att {
			row := rows[a.MemberID]
			if row == nil {
				continue // a member who has left since
			}
			switch a.Status {
			case teambot.AttendancePresent:
				row.MeetingsPresent++
				line.Present++
			case teambot.AttendanceLate:
				row.MeetingsLate++
				line.Late++
			case teambot.AttendanceExcused:
				row.MeetingsExcused++
				line.Excused++
			case teambot.AttendanceAbsent:
				row.MeetingsAbsent++
				line.Absent++
			}
		}
		line.Rate = ratio(line.Present+line.Late, line.Present+line.Late+line.Absent)
		out.Report.Meetings = append(out.Report.Meetings, line)
	}
	return nil
}

func monthLeave(ctx context.Context, r *commands.Request, m lang.Month, _ *Month, rows map[int64]*MemberRow) error {
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

// Ledger kinds as the report names them.
const (
	kindReward  = "嘉奖"
	kindPenalty = "惩处"
)

// monthLedger counts the month's commendations and penalties by level and
// by ground for the report — never who or why — and lists the entries,
// grounds and reasons and all, in the appendix (R14, R17, R18).
func monthLedger(ctx context.Context, r *commands.Request, m lang.Month, out *Month, _ map[int64]*MemberRow) error {
	from, to := m.Bounds(r.Location())
	entries, err := txOf(r).LedgerEntries(ctx, teambot.LedgerFilter{TeamID: r.Team.ID, From: from, To: to})
	if err != nil {
		return err
	}
	counts := map[string]int{}
	grounds := map[string]map[string]int{teambot.LedgerReward: {}, teambot.LedgerPenalty: {}}
	for _, e := range entries {
		out.Appendix.Ledger = append(out.Appendix.Ledger, LedgerLine{ID: e.ID, Date: teambot.DateOf(e.At.In(r.Location())).String(), Name: e.Name,
			Kind: e.Kind, Level: e.Level, Ground: e.GroundLabel(), Reason: e.Reason, Revokes: e.Revokes, Revoked: e.RevokedBy != 0})
		if e.RevokedBy == 0 && e.Kind != teambot.LedgerRevocation {
			counts[e.Level]++
			grounds[e.Kind][e.GroundLabel()]++
		}
	}
	// Grounds in the rulebook's order, then those outside its lists.
	for _, k := range []struct{ kind, name string }{{teambot.LedgerReward, kindReward}, {teambot.LedgerPenalty, kindPenalty}} {
		var labels []string
		for _, g := range teambot.Grounds(k.kind) {
			labels = append(labels, g.Label)
		}
		for _, label := range append(labels, teambot.GroundMeetingRule, teambot.GroundUnstated) {
			if n := grounds[k.kind][label]; n > 0 {
				out.Report.Grounds = append(out.Report.Grounds, GroundCount{Kind: k.name, Ground: label, Count: n})
			}
		}
	}
	for _, lv := range teambot.RewardLevels {
		if counts[lv] > 0 {
			out.Report.Ledger = append(out.Report.Ledger, LevelCount{Kind: kindReward, Level: lv, Count: counts[lv]})
		}
	}
	for _, lv := range teambot.PenaltyLevels {
		if counts[lv] > 0 {
			out.Report.Ledger = append(out.Report.Ledger, LevelCount{Kind: kindPenalty, Level: lv, Count: counts[lv]})
		}
	}
	return nil
}

func monthVotes(ctx context.Context, r *commands.Request, m lang.Month, out *Month, _ map[int64]*MemberRow) error {
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
		out.Report.Votes = append(out.Report.Votes, VoteLine{ID: v.ID, Title: v.Title, Kind: kind, Outcome: outcome,
			Tally: tally, Closed: teambot.DateOf(v.ClosedAt.In(r.Location())).String()})
	}
	return nil
}

// monthPlatforms is each platform of the team's active accounts (and any
// other platform updated in the month) with its updates, campaigns and the
// month's weeks without an update (R6).
func monthPlatforms(ctx context.Context, r *commands.Request, m lang.Month, out *Month, _ map[int64]*MemberRow) error {
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
	byName := map[string]*PlatformRow{}
	owners := map[string][]string{}
	platform := func(name string) *PlatformRow {
		key := strings.ToLower(strings.TrimSpace(name))
		if p, ok := byName[key]; ok {
			return p
		}
		byName[key] = &PlatformRow{Platform: name, PerWeek: make([]int, len(weeks))}
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
		p := platform(u.Platform)
		if i := slices.Index(weeks, u.Week); i >= 0 {
			p.PerWeek[i]++
		}
		if !u.At.Before(from) && u.At.Before(to) {
			p.Updates++
			if u.Campaign {
				p.Campaigns++
				out.Report.Campaigns = append(out.Report.Campaigns, Campaign{Date: teambot.DateOf(u.At.In(r.Location())).String(),
					Platform: u.Platform, Title: u.Title})
			}
		}
		if updated[key] == nil {
			updated[key] = map[teambot.Week]bool{}
		}
		updated[key][u.Week] = true
	}
	for _, key := range order {
		if !since[key].Before(to) {
			continue // the team's only after the month
		}
		p := byName[key]
		p.Owners = commands.NameList(owners[key])
		for _, w := range weeks {
			end := w.End(r.Location())
			if !end.After(r.Now) && end.After(since[key]) && !updated[key][w] { // weeks over, since the platform's first
				p.WeeksWithout = append(p.WeeksWithout, w.String())
			}
		}
		out.Report.Platforms = append(out.Report.Platforms, *p)
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
func monthAccounts(ctx context.Context, r *commands.Request, m lang.Month, out *Month, _ map[int64]*MemberRow) error {
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
		out.Appendix.Accounts = append(out.Appendix.Accounts, AccountLine{Date: teambot.DateOf(e.At.In(r.Location())).String(), Event: event,
			Platform: e.Platform, Account: e.Account, Owner: e.OwnerName})
	}
	return nil
}

// monthEscalations lists the problems still open when the digest is made
// (R16), whenever they were reported.
func monthEscalations(ctx context.Context, r *commands.Request, _ lang.Month, out *Month, _ map[int64]*MemberRow) error {
	open, err := txOf(r).Escalations(ctx, teambot.EscalationFilter{TeamID: r.Team.ID, Statuses: []string{teambot.EscalationOpen}})
	if err != nil {
		return err
	}
	for _, e := range open {
		out.Appendix.Escalations = append(out.Appendix.Escalations, EscalationLine{ID: e.ID, Date: teambot.DateOf(e.CreatedAt.In(r.Location())).String(),
			Name: e.Name, Text: e.Text})
	}
	return nil
}

// monthRejectedLeave lists the leave rejected in the month, with the
// member's reason and the supervisor's: the appendix's (R14).
func monthRejectedLeave(ctx context.Context, r *commands.Request, m lang.Month, out *Month, _ map[int64]*MemberRow) error {
	from, to := m.Bounds(r.Location())
	leaves, err := r.Tx.Leaves(ctx, teambot.LeaveFilter{TeamID: r.Team.ID, Statuses: []string{teambot.LeaveRejected}})
	if err != nil {
		return err
	}
	for _, l := range leaves {
		if l.DecidedAt.Before(from) || !l.DecidedAt.Before(to) {
			continue
		}
		days := l.From.String()
		if l.To != l.From {
			days += " 至 " + l.To.String()
		}
		out.Appendix.RejectedLeave = append(out.Appendix.RejectedLeave, LeaveLine{ID: l.ID, Name: l.Name, Days: days, Reason: l.Reason, Note: l.DecisionNote})
	}
	return nil
}

// monthHighlights gathers the lines of the month's reports marked 亮点：,
// in week order, less those the supervisor left out, then the
// supervisor's own.
func monthHighlights(ctx context.Context, r *commands.Request, m lang.Month, out *Month, _ map[int64]*MemberRow) error {
	own, err := txOf(r).MonthHighlights(ctx, r.Team.ID, m.String())
	if err != nil {
		return err
	}
	hidden := map[string]bool{}
	for _, h := range own {
		hidden[h.Text] = hidden[h.Text] || h.Hidden
	}
	for _, w := range lang.MonthWeeks(m) {
		reports, err := r.Tx.CurrentReports(ctx, r.Team.ID, w)
		if err != nil {
			return err
		}
		for _, rep := range reports {
			for _, text := range markedLines(rep.Text) {
				if !hidden[text] {
					out.Report.Highlights = append(out.Report.Highlights, Highlight{Name: rep.Name, Week: w.String(), Text: text})
				}
			}
		}
	}
	for _, h := range own {
		if !h.Hidden {
			out.Report.Highlights = append(out.Report.Highlights, Highlight{ID: h.ID, Text: h.Text})
		}
	}
	return nil
}

// highlightMarks start a line of a weekly report that the month's report
// should tell (R5): 亮点：完成双十二主视觉.
var highlightMarks = []string{"亮点：", "亮点:"}

// markedLines are a report's lines marked 亮点：, without the mark (a list
// bullet or number before it is allowed).
func markedLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimLeft(strings.TrimSpace(line), "-*·•0123456789.、） )")
		for _, mark := range highlightMarks {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), mark); ok && strings.TrimSpace(rest) != "" {
				out = append(out, strings.TrimSpace(rest))
			}
		}
	}
	return out
}
