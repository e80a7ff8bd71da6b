package approval

import (
	"context"
	"fmt"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
)

// One-off reminders of approved requests, to their requesters:
//   - post_soon, 30 minutes before an approved post's planned time;
//   - post_unmarked, at 10:00 of the team's first workday after its planned
//     day, when it has not been marked 已发 (R15);
//   - placement_results, at 10:00 of the team's first workday after a
//     placement's end day, while no results are reported (R7).
//
// "The day after" is a working day: a post planned for Friday is asked
// about on Monday morning, one before the National Day holiday after it,
// by the team's calendar (statutory days, 调休, its own days off).
//
// A firing's Subject is the request's id written as a time (id seconds
// after the Unix epoch): the scheduler claims each (team, job, subject)
// once, and the id is what the reminder is about (a planned time is not:
// two posts may share one).
const (
	JobPostSoon         = "post_soon"
	JobPostUnmarked     = "post_unmarked"
	JobPlacementResults = "placement_results"

	postSoonBefore = 30 * time.Minute
	// followUpHour is when the day-after questions go out.
	followUpHour = 10
	// followUpFor is how long a follow-up still goes out after its time
	// (a scheduler down over it catches up; a stale one is dropped).
	followUpFor = 7 * 24 * time.Hour
	// maxDaysOff is how many days off in a row a follow-up waits over at
	// most (the longest statutory break is nine days); past that — a team
	// that marked a month off — it goes the day after.
	maxDaysOff = 15
)

// Jobs are this area's timed work, for the scheduler.
type Jobs struct{ Engine *commands.Engine }

// subjectOf is the firing subject of request id, and idOf its inverse.
func subjectOf(id int64) time.Time { return time.Unix(id, 0).UTC() }
func idOf(subject time.Time) int64 { return subject.Unix() }

// Firings lists the reminders due at now (Oneoffs.Due).
func (j Jobs) Firings(ctx context.Context, now time.Time) ([]teambot.Firing, error) {
	var out []teambot.Firing
	err := j.Engine.Config.Store.Update(ctx, func(tx commands.Tx) error {
		list, err := commands.TxAs[Tx](tx).Approvals(ctx, teambot.ApprovalFilter{
			Kinds: []string{teambot.ApprovalPost, teambot.ApprovalPlacement}, Statuses: []string{teambot.ApprovalApproved},
			// The days off waited over, the follow-up window, and a day
			// for the team's time zone: anything older is past every
			// reminder.
			DueSince: now.Add(-followUpFor - (maxDaysOff+3)*24*time.Hour)})
		if err != nil {
			return err
		}
		teams := map[int64]teambot.Team{}
		cals := map[int64]*calendar.Calendar{}
		results := map[int64]map[int64]teambot.PlacementResult{} // by team, then request
		for _, a := range list {
			team, ok := teams[a.TeamID]
			if !ok {
				if team, err = tx.TeamByID(ctx, a.TeamID); err != nil {
					return err
				}
				teams[a.TeamID] = team
				if cals[a.TeamID], err = commands.TeamCalendar(ctx, tx, a.TeamID); err != nil {
					return err
				}
			}
			cal := cals[a.TeamID]
			f := teambot.Firing{TeamID: a.TeamID, ChatID: team.ChatID, Subject: subjectOf(a.ID)}
			switch {
			case a.Kind == teambot.ApprovalPost && !a.PlanAt.IsZero():
				soon := a.PlanAt.Add(-postSoonBefore)
				after := followUp(cal, teambot.DateOf(a.PlanAt.In(team.Location())), team.Location())
				switch {
				case !now.Before(after) && now.Before(after.Add(followUpFor)):
					f.Job, f.At = JobPostUnmarked, after.UTC()
				case !now.Before(soon) && now.Before(a.PlanAt):
					f.Job, f.At = JobPostSoon, soon.UTC()
				default:
					continue
				}
			case a.Kind == teambot.ApprovalPlacement && !a.EndDay.IsZero():
				after := followUp(cal, a.EndDay, team.Location())
				if now.Before(after) || !now.Before(after.Add(followUpFor)) {
					continue
				}
				if _, ok := results[a.TeamID]; !ok {
					if results[a.TeamID], err = commands.TxAs[Tx](tx).PlacementResults(ctx, a.TeamID); err != nil {
						return err
					}
				}
				if _, reported := results[a.TeamID][a.ID]; reported {
					continue
				}
				f.Job, f.At = JobPlacementResults, after.UTC()
			default:
				continue
			}
			out = append(out, f)
		}
		return nil
	})
	return out, err
}

// followUp is followUpHour, in loc, of the first workday after d by cal,
// or of the day after d when none comes within maxDaysOff days.
func followUp(cal *calendar.Calendar, d teambot.Date, loc *time.Location) time.Time {
	n := d.AddDate(0, 0, 1)
	for i := 1; i <= maxDaysOff+1; i++ {
		if day := d.AddDate(0, 0, i); cal.Workday(day) {
			n = day
			break
		}
	}
	return time.Date(n.Year, n.Month, n.Day, followUpHour, 0, 0, 0, loc)
}

// Remind composes a firing's message to the request's requester:
// privately with direct messages, else an @mention in the group with the
// id and the platform only. Nothing is sent when the request has moved on
// (published, results reported) or its requester left the team.
func (j Jobs) Remind(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := j.Engine.FiringRequest(ctx, f, func(r *commands.Request) error {
		a, err := txOf(r).ApprovalByID(ctx, r.Team.ID, idOf(f.Subject))
		if err != nil || a.Status != teambot.ApprovalApproved {
			return ignoreNotFound(err)
		}
		m, err := r.Tx.MemberByUser(ctx, r.Team.ID, a.UserID)
		if err != nil || !m.Active() {
			return ignoreNotFound(err)
		}
		var private, group string
		switch f.Job {
		case JobPostSoon:
			private = fmt.Sprintf("【发布提醒】你的发布申请 #%d（%s《%s》）计划 %s 发布，还有 30 分钟。发出后发送 /发布 已发 %d [链接]。",
				a.ID, a.Platform, a.Title, r.Moment(a.PlanAt), a.ID)
			group = fmt.Sprintf("%s，发布申请 #%d（%s）计划 %s 发布，还有 30 分钟。", a.Name, a.ID, a.Platform, r.Moment(a.PlanAt))
		case JobPostUnmarked:
			private = fmt.Sprintf("【发布确认】你的发布申请 #%d（%s《%s》）计划 %s 发布，还没有标记已发。发出了请发送 /发布 已发 %d [链接]；没发出请告诉主管。",
				a.ID, a.Platform, a.Title, r.Moment(a.PlanAt), a.ID)
			group = fmt.Sprintf("%s，发布申请 #%d（%s）计划 %s 发布，还没有标记已发：发出了请发送 /发布 已发 %d。", a.Name, a.ID, a.Platform, r.Moment(a.PlanAt), a.ID)
		case JobPlacementResults:
			results, err := txOf(r).PlacementResults(ctx, r.Team.ID)
			if _, reported := results[a.ID]; err != nil || reported {
				return err
			}
			private = fmt.Sprintf("【投放结果】你的投放申请 #%d（%s）已到截止日期，请报告结果（R7，会列入月报）：/投放 结果 %d 曝光 12000 点击 340 花费 2800 说明。",
				a.ID, describe(r, a), a.ID)
			group = fmt.Sprintf("%s，投放申请 #%d（%s）已到截止日期，请发送 /投放 结果 %d 曝光 数字 点击 数字 花费 数字 报告结果。", a.Name, a.ID, a.Platform, a.ID)
		default:
			return nil
		}
		if j.Engine.Config.DirectMessages {
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{a.UserID}, Text: private,
				Origin: commands.Origin(f, f.Job)})
			return nil
		}
		out = append(out, commands.GroupMessage(r, f, f.Job, group, []string{a.UserID}))
		return nil
	})
	return out, err
}

// ignoreNotFound is err, or nil when it says the record is gone.
func ignoreNotFound(err error) error {
	if teambot.KindOf(err) == teambot.KindNotFound {
		return nil
	}
	return err
}
