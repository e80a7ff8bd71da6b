// Where a week's reports stand (R4): who is expected to hand in, who handed
// in on time or late, who is excused by leave and who is missing. The report
// area shows it (/周报 状态, the digest); meeting reminders and the monthly
// digest read it here.

package roll

import (
	"context"
	"fmt"
	"teambot"
	"teambot/commands"
)

// Reporter is a member expected to hand in a week's report. Excused, when
// set, says why they need not (for instance approved leave).
type Reporter struct {
	teambot.Member
	Excused string
}

// expectedReporters answers "who is expected to report in week W": every
// active member except the supervisor (R4: the others report to the
// supervisor) who joined before the week ended. This is the one place that
// decides it; a member on approved leave for every workday of the week is
// Excused (see leaveExcuses).
func expectedReporters(ctx context.Context, r *commands.Request, week teambot.Week) ([]Reporter, error) {
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	excused, err := leaveExcuses(ctx, r, week)
	if err != nil {
		return nil, err
	}
	end := week.End(r.Location())
	var out []Reporter
	for _, m := range members {
		if m.IsSupervisor() || !m.JoinedAt.Before(end) {
			continue
		}
		out = append(out, Reporter{Member: m, Excused: excused[m.ID]})
	}
	return out, nil
}

// WeekStatus is where a week's reports stand, for the expected reporters.
type WeekStatus struct {
	Week      teambot.Week
	Due       WeekDue
	Closed    bool
	Closure   teambot.WeekClosure
	Reporters int // the expected reporters, excused or not
	Expected  int // who must report: the expected reporters less the excused, none in an exempt week (R4)
	OnTime    []teambot.Report
	Late      []teambot.Report
	Missing   []teambot.Member
	Excused   []Reporter
	Others    []teambot.Report // from members not expected that week, such as the supervisor
}

// Handed is how many reports the week has, expected or not.
func (s WeekStatus) Handed() int { return len(s.OnTime) + len(s.Late) + len(s.Others) }

// Nobody tells whether the week had no reporter at all, excused or not.
func (s WeekStatus) Nobody() bool { return s.Reporters == 0 }

// Counts is the one way the week's counts are told, in reminders and
// status alike: 应交 4 人，已交 3 人，请假免交 1 人. Only members who must
// report are counted; the excused are counted apart (R4).
func (s WeekStatus) Counts() string {
	if s.Due.Exempt {
		return fmt.Sprintf("%s，已交 %d 人", ExemptText, len(s.OnTime)+len(s.Late))
	}
	text := fmt.Sprintf("应交 %d 人，已交 %d 人", s.Expected, len(s.OnTime)+len(s.Late))
	if len(s.Excused) > 0 {
		text += fmt.Sprintf("，请假免交 %d 人", len(s.Excused))
	}
	return text
}

// LoadWeekStatus sorts the expected reporters of week into on time, late,
// missing and excused, and keeps the reports of members who were not
// expected apart. An excused member who reported anyway counts as having
// reported, and so as one who must report. In an exempt week (see dueIn)
// nobody must report: none is missing or excused, and whoever reported
// anyway is on time.
func LoadWeekStatus(ctx context.Context, r *commands.Request, week teambot.Week) (WeekStatus, error) {
	s := WeekStatus{Week: week}
	var err error
	if s.Due, err = ReportDue(ctx, r, week); err != nil {
		return s, err
	}
	if s.Closure, s.Closed, err = r.Tx.WeekClosed(ctx, r.Team.ID, week); err != nil {
		return s, err
	}
	expected, err := expectedReporters(ctx, r, week)
	if err != nil {
		return s, err
	}
	current, err := r.Tx.CurrentReports(ctx, r.Team.ID, week)
	if err != nil {
		return s, err
	}
	byMember := make(map[int64]teambot.Report, len(current))
	for _, rep := range current {
		byMember[rep.MemberID] = rep
	}
	s.Expected, s.Reporters = len(expected), len(expected)
	for _, e := range expected {
		rep, ok := byMember[e.ID]
		delete(byMember, e.ID)
		switch {
		case ok && rep.Late:
			s.Late = append(s.Late, rep)
		case ok:
			s.OnTime = append(s.OnTime, rep)
		case e.Excused != "":
			s.Excused = append(s.Excused, e)
		default:
			s.Missing = append(s.Missing, e.Member)
		}
	}
	s.Expected -= len(s.Excused)
	if s.Due.Exempt {
		s.Expected, s.Missing, s.Excused = 0, nil, nil
	}
	for _, rep := range current {
		if _, other := byMember[rep.MemberID]; other {
			s.Others = append(s.Others, rep)
		}
	}
	return s, nil
}
