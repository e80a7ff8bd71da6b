package storage_test

import (
	"errors"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

func TestMeetingSchedule(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		update(t, db, func(tx *storage.Tx) error {
			if _, ok, err := tx.MeetingSchedule(ctx, team.ID); err != nil || ok {
				t.Errorf("new team: schedule ok=%v err=%v, want none", ok, err)
			}
			for _, s := range []teambot.MeetingSchedule{
				{Weekday: time.Monday, Hour: 10, Length: 90 * time.Minute},
				{Weekday: time.Sunday, Hour: 21, Minute: 30}, // no length: the default hour
			} {
				if err := tx.SetMeetingSchedule(ctx, team.ID, s, t0); err != nil {
					return err
				}
				want := s
				want.Length = s.Duration()
				got, ok, err := tx.MeetingSchedule(ctx, team.ID)
				// PostgreSQL keeps microseconds.
				want.Since, got.Since = t0.UTC().Truncate(time.Microsecond), got.Since.Truncate(time.Microsecond)
				if err != nil || !ok || got != want {
					t.Errorf("schedule = %+v, %v, %v; want %+v", got, ok, err, want)
				}
				all, err := tx.MeetingSchedules(ctx)
				one := all[team.ID]
				one.Since = one.Since.Truncate(time.Microsecond)
				if err != nil || one != want {
					t.Errorf("schedules = %+v, %v; want %+v for team %d", all, err, want, team.ID)
				}
			}
			if err := tx.ClearMeetingSchedule(ctx, team.ID); err != nil {
				return err
			}
			_, ok, err := tx.MeetingSchedule(ctx, team.ID)
			if ok {
				t.Error("schedule still there after ClearMeetingSchedule")
			}
			return err
		})
	})
}

// A meeting moves scheduled → held once; attendance is one row per member;
// two absences give one proposal however often it is proposed; an excused
// absence dismisses it.
func TestMeetingsAttendanceAndProposals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		start := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
		var first, second teambot.Meeting
		update(t, db, func(tx *storage.Tx) error {
			first = teambot.Meeting{TeamID: team.ID, StartsAt: start, Weekly: true, CreatedBy: "system", CreatedAt: t0}
			if err := tx.CreateMeeting(ctx, &first); err != nil {
				return err
			}
			if first.Duration != time.Hour || first.Status != teambot.MeetingScheduled {
				t.Errorf("created %+v, want an hour, scheduled", first)
			}
			second = teambot.Meeting{TeamID: team.ID, StartsAt: start.AddDate(0, 0, 7), Agenda: "双十二复盘", CreatedBy: "wangfang", CreatedAt: t0}
			return tx.CreateMeeting(ctx, &second)
		})
		dup := teambot.Meeting{TeamID: team.ID, StartsAt: start.In(time.FixedZone("CST", 8*3600)), CreatedBy: "x", CreatedAt: t0}
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CreateMeeting(ctx, &dup) }); !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("second meeting at the same moment: %v, want ErrDuplicate", err)
		}
		update(t, db, func(tx *storage.Tx) error {
			list, err := tx.Meetings(ctx, team.ID, start.Add(time.Minute), time.Time{})
			if err != nil || len(list) != 1 || list[0].ID != second.ID || list[0].Agenda != "双十二复盘" {
				t.Errorf("Meetings after the first = %+v, %v", list, err)
			}
			for _, m := range []teambot.Meeting{first, second} {
				if err := tx.RecordAttendance(ctx, team.ID, teambot.Attendance{MeetingID: m.ID, MemberID: zhang.ID, Status: teambot.AttendanceAbsent, At: t0, By: "wangfang"}); err != nil {
					return err
				}
				if err := tx.CloseMeeting(ctx, team.ID, m.ID, teambot.MeetingHeld, "wangfang", "", t0); err != nil {
					return err
				}
			}
			if err := tx.Savepoint(ctx, "dup"); err != nil {
				return err
			}
			if err := tx.RecordAttendance(ctx, team.ID, teambot.Attendance{MeetingID: first.ID, MemberID: zhang.ID, Status: teambot.AttendancePresent, At: t0, By: "zhangsan"}); !errors.Is(err, teambot.ErrDuplicate) {
				t.Errorf("second record: %v, want ErrDuplicate", err)
			}
			if err := tx.RollbackTo(ctx, "dup"); err != nil {
				return err
			}
			if err := tx.CloseMeeting(ctx, team.ID, first.ID, teambot.MeetingCancelled, "wangfang", "x", t0); !errors.Is(err, teambot.ErrMeetingStatus) {
				t.Errorf("cancel a held meeting: %v, want ErrMeetingStatus", err)
			}
			hist, err := tx.MemberAttendance(ctx, team.ID, zhang.ID, 2)
			if err != nil || len(hist) != 2 || hist[0].MeetingID != second.ID || !hist[0].StartsAt.Equal(second.StartsAt) || hist[1].Status != teambot.AttendanceAbsent {
				t.Errorf("MemberAttendance = %+v, %v", hist, err)
			}
			for i := range 2 {
				p := teambot.MeetingProposal{TeamID: team.ID, MemberID: zhang.ID, FirstMeetingID: first.ID, SecondMeetingID: second.ID, CreatedAt: t0}
				created, err := tx.CreateMeetingProposal(ctx, &p)
				if err != nil || created != (i == 0) {
					t.Errorf("proposal %d: created %v, %v", i, created, err)
				}
			}
			open, err := tx.MeetingProposals(ctx, team.ID, teambot.ProposalProposed)
			if err != nil || len(open) != 1 || open[0].Name != "张三" || !open[0].FirstAt.Equal(start) {
				t.Errorf("open proposals = %+v, %v", open, err)
			}
			d := teambot.MeetingDispute{TeamID: team.ID, MeetingID: second.ID, MemberID: zhang.ID, Reason: "生病", CreatedAt: t0}
			if err := tx.CreateMeetingDispute(ctx, &d); err != nil {
				return err
			}
			if err := tx.Savepoint(ctx, "dup"); err != nil {
				return err
			}
			if err := tx.CreateMeetingDispute(ctx, &teambot.MeetingDispute{TeamID: team.ID, MeetingID: second.ID, MemberID: zhang.ID, Reason: "again", CreatedAt: t0}); !errors.Is(err, teambot.ErrDuplicate) {
				t.Errorf("second dispute: %v, want ErrDuplicate", err)
			}
			if err := tx.RollbackTo(ctx, "dup"); err != nil {
				return err
			}
			if err := tx.DecideMeetingDispute(ctx, team.ID, d.ID, teambot.DisputeApproved, "wangfang", "", t0); err != nil {
				return err
			}
			if err := tx.DecideMeetingDispute(ctx, team.ID, d.ID, teambot.DisputeRejected, "wangfang", "", t0); !errors.Is(err, teambot.ErrMeetingStatus) {
				t.Errorf("decide twice: %v, want ErrMeetingStatus", err)
			}
			if err := tx.ExcuseAbsence(ctx, team.ID, second.ID, zhang.ID, "wangfang", t0); err != nil {
				return err
			}
			if n, err := tx.DismissMeetingProposals(ctx, team.ID, zhang.ID, second.ID, "wangfang", t0); err != nil || n != 1 {
				t.Errorf("dismissed %d, %v; want 1", n, err)
			}
			open, err = tx.MeetingProposals(ctx, team.ID, teambot.ProposalProposed)
			if err != nil || len(open) != 0 {
				t.Errorf("open proposals after dismissal = %+v, %v", open, err)
			}
			got, err := tx.MeetingDisputeByID(ctx, team.ID, d.ID)
			if err != nil || got.Status != teambot.DisputeApproved || got.DecidedAt.IsZero() || got.Name != "张三" {
				t.Errorf("dispute = %+v, %v", got, err)
			}
			return nil
		})
	})
}
