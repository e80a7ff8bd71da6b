package meeting

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"time"

	"teambot"
)

// A meeting closes itself at its end (start + length) with the attendance
// recorded so far, as /会议 结束 does, so R12 counts without anyone typing
// it. The supervisor gets the summary privately and may correct it for
// teambot.DisputeWindow (48 h) after the close: 点名 turns an absence into
// presence, members 申诉.
//
// Decisions:
//   - The close is a one-off firing claimed once per (team, meeting start),
//     and it closes the meeting in the claim's transaction.
//   - A weekly occurrence nobody touched closes too (its row is created
//     then), unless it started before the schedule was set.
//   - Nobody is counted present for running it: the supervisor checks in
//     like everyone, or 点名s themselves afterwards.
//   - A firing missed while the bot was down is made up within
//     meetingLookback; the meeting is closed as of its end.

// JobMeetingClose names the firing that closes a meeting at its end.
const JobMeetingClose = "meeting_close"

// CloseFirings lists the meetings of every team that are still
// scheduled although they ended at or before now (within meetingLookback):
// one firing each, Subject the meeting's start, At its end.
func (j Jobs) CloseFirings(ctx context.Context, now time.Time) ([]teambot.Firing, error) {
	e := j.Engine
	var out []teambot.Firing
	err := e.Config.Store.Update(ctx, func(tx commands.Tx) error {
		meetings, err := endedMeetings(ctx, tx, now)
		if err != nil {
			return err
		}
		chats := map[int64]string{}
		for _, m := range meetings {
			chat, ok := chats[m.TeamID]
			if !ok {
				team, err := tx.TeamByID(ctx, m.TeamID)
				if err != nil {
					return err
				}
				chat, chats[m.TeamID] = team.ChatID, team.ChatID
			}
			out = append(out, teambot.Firing{TeamID: m.TeamID, ChatID: chat, Job: JobMeetingClose,
				Subject: m.StartsAt.UTC(), At: m.EndsAt().UTC()})
		}
		return nil
	})
	return out, err
}

// endedMeetings is every team's scheduled meetings that ended in the
// meetingLookback before now, with the weekly occurrences that have no row
// and started after their schedule was set.
func endedMeetings(ctx context.Context, tx commands.Tx, now time.Time) ([]teambot.Meeting, error) {
	since := now.Add(-meetingLookback)
	list, err := asTx(tx).ScheduledMeetingsBetween(ctx, since.Add(-24*time.Hour), now)
	if err != nil {
		return nil, err
	}
	var out []teambot.Meeting
	for _, m := range list {
		if end := m.EndsAt(); !end.After(now) && end.After(since) {
			out = append(out, m)
		}
	}
	weekly, err := unrecordedWeekly(ctx, tx, since.Add(-7*24*time.Hour), now, func(start time.Time, s teambot.MeetingSchedule) bool {
		end := start.Add(s.Duration())
		return !start.Before(s.Since) && !end.After(now) && end.After(since)
	})
	return append(out, weekly...), err
}

// CloseEnded closes the meeting that started at f.Subject, if it is
// still scheduled, in tx (the transaction that claims the firing), and
// returns the summary for the supervisor: an app message, or without app
// messages an @mention in the group, which never sees a proposal (R14).
func (j Jobs) CloseEnded(ctx context.Context, tx commands.Tx, f teambot.Firing) ([]teambot.Outgoing, error) {
	e := j.Engine
	var out []teambot.Outgoing
	err := e.FiringIn(ctx, tx, f, func(r *commands.Request) error {
		m, ok, err := meetingAt(ctx, r, f.Subject)
		if err != nil || !ok {
			return err
		}
		if m.ID == 0 {
			m.CreatedAt = r.Now
			if err := txOf(r).CreateMeeting(ctx, &m); err != nil {
				return err
			}
			if err := r.Audit(ctx, "meeting.create", "weekly", meetingDetail(m, r.Location())+" 每周例会"); err != nil {
				return err
			}
		}
		h, err := holdMeeting(ctx, r, m, 0)
		if err != nil {
			return err
		}
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		text := "【会议自动结束】" + closeSummary(r, m, h) + fmt.Sprintf("\n出勤有误的，主管可以在 %s 前用 /会议 点名 @名字 改记为出席。",
			r.Moment(r.Now.Add(teambot.DisputeWindow)))
		if !e.Config.DirectMessages {
			if len(h.proposals) > 0 {
				text += "\n主管请在单聊中查看缺勤提醒（/会议 建议）。"
			}
			out = append(out, commands.GroupMessage(r, f, JobMeetingClose, text, []string{sup.UserID}))
			return nil
		}
		for _, p := range h.proposals {
			text += "\n" + proposalLine(r, p)
		}
		out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID}, Text: text,
			Origin: commands.Origin(f, JobMeetingClose)})
		return nil
	})
	return out, err
}

// correctionDeadline is until when a held meeting's attendance may still
// be corrected: teambot.DisputeWindow after it closed, or after its end if
// it was closed before that.
func correctionDeadline(m teambot.Meeting) time.Time {
	end := m.EndsAt()
	if m.ClosedAt.After(end) {
		end = m.ClosedAt
	}
	return end.Add(teambot.DisputeWindow)
}

// lastHeld is the team's latest held meeting that started within
// meetingLookback, if any.
func lastHeld(ctx context.Context, r *commands.Request) (teambot.Meeting, bool, error) {
	list, err := txOf(r).Meetings(ctx, r.Team.ID, r.Now.Add(-meetingLookback), r.Now)
	if err != nil {
		return teambot.Meeting{}, false, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Status == teambot.MeetingHeld {
			return list[i], true, nil
		}
	}
	return teambot.Meeting{}, false, nil
}

// correctAttendance is /会议 点名 @A @B when no meeting is running: the
// Supervisor records members as present at the last held meeting, until
// correctionDeadline; an absence so corrected no longer backs a proposal.
func correctAttendance(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	m, ok, err := lastHeld(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("现在没有进行中的会议，点名要在会前 %d 分钟到会议结束后 %d 小时之间。发送 /会议 查看下次会议。",
			int(teambot.CheckInEarly/time.Minute), int(teambot.DisputeWindow/time.Hour))
	}
	if deadline := correctionDeadline(m); r.Now.After(deadline) {
		return teambot.Reply{}, teambot.Invalid("%s 的会议只能在结束后 %d 小时内点名更正（截止到 %s），已经过了，出勤记录不再改动；成员的 /会议 申诉 也同时截止。",
			commands.MeetingWhen(r, m), int(teambot.DisputeWindow/time.Hour), r.Moment(deadline))
	}
	var marked, already, missing []string
	seen := map[int64]bool{}
	for _, arg := range r.Params {
		mem, err := r.Member(ctx, arg)
		if err != nil {
			return teambot.Reply{}, err
		}
		if seen[mem.ID] {
			continue
		}
		seen[mem.ID] = true
		a, found, err := attendanceOf(ctx, r, m, mem.ID)
		switch {
		case err != nil:
			return teambot.Reply{}, err
		case !found:
			missing = append(missing, mem.Name)
			continue
		case a.Status == teambot.AttendancePresent || a.Status == teambot.AttendanceLate:
			already = append(already, fmt.Sprintf("%s（%s）", mem.Name, attendanceCN(a.Status)))
			continue
		}
		if err := txOf(r).CorrectAttendance(ctx, r.Team.ID, m.ID, mem.ID, r.UserID, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		if _, err := txOf(r).DismissMeetingProposals(ctx, r.Team.ID, mem.ID, m.ID, r.UserID, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		if err := r.Audit(ctx, "meeting.roll", mem.UserID, meetingDetail(m, r.Location())+" "+a.Status+" → present"); err != nil {
			return teambot.Reply{}, err
		}
		marked = append(marked, mem.Name)
	}
	text := fmt.Sprintf("%s 的会议已结束，点名更正：", commands.MeetingWhen(r, m))
	if len(marked) > 0 {
		text += strings.Join(marked, "、") + " 改记为出席。"
	}
	if len(already) > 0 {
		text += "已有记录，未改：" + strings.Join(already, "、") + "。"
	}
	if len(missing) > 0 {
		text += strings.Join(missing, "、") + " 在会议开始后才加入，不计这次出勤。"
	}
	return teambot.Reply{Text: text}, nil
}
