package meeting

import (
	"context"
	"time"

	"teambot"
	"teambot/commands"
)

// Tx is what this area needs from the transaction: the core's, and the
// methods of its own records.
type Tx interface {
	commands.Tx
	ClearMeetingSchedule(ctx context.Context, teamID int64) error
	CloseMeeting(ctx context.Context, teamID, id int64, status, by, note string, at time.Time) error
	CorrectAttendance(ctx context.Context, teamID, meetingID, memberID int64, by string, at time.Time) error
	CreateMeeting(ctx context.Context, m *teambot.Meeting) error
	CreateMeetingDispute(ctx context.Context, d *teambot.MeetingDispute) error
	CreateMeetingProposal(ctx context.Context, p *teambot.MeetingProposal) (bool, error)
	DecideMeetingDispute(ctx context.Context, teamID, id int64, status, by, note string, at time.Time) error
	DismissMeetingProposals(ctx context.Context, teamID, memberID, meetingID int64, by string, at time.Time) (int64, error)
	ExcuseAbsence(ctx context.Context, teamID, meetingID, memberID int64, by string, at time.Time) error
	FiringClaimed(ctx context.Context, k teambot.FiringKey) (bool, error)
	LedgerEntries(ctx context.Context, f teambot.LedgerFilter) ([]teambot.LedgerEntry, error)
	MeetingAttendance(ctx context.Context, teamID, meetingID int64) ([]teambot.Attendance, error)
	MeetingDisputeByID(ctx context.Context, teamID, id int64) (teambot.MeetingDispute, error)
	MeetingDisputes(ctx context.Context, teamID int64, statuses ...string) ([]teambot.MeetingDispute, error)
	MeetingProposals(ctx context.Context, teamID int64, statuses ...string) ([]teambot.MeetingProposal, error)
	MeetingSchedule(ctx context.Context, teamID int64) (teambot.MeetingSchedule, bool, error)
	MeetingSchedules(ctx context.Context) (map[int64]teambot.MeetingSchedule, error)
	Meetings(ctx context.Context, teamID int64, from, to time.Time) ([]teambot.Meeting, error)
	MemberAttendance(ctx context.Context, teamID, memberID int64, limit int) ([]teambot.Attendance, error)
	RecordAttendance(ctx context.Context, teamID int64, a teambot.Attendance) error
	ReopenMeeting(ctx context.Context, teamID, id int64) error
	ScheduledMeetingsBetween(ctx context.Context, from, to time.Time) ([]teambot.Meeting, error)
	SetMeetingAgenda(ctx context.Context, teamID, id int64, agenda string) error
	SetMeetingSchedule(ctx context.Context, teamID int64, s teambot.MeetingSchedule, at time.Time) error
}

// txOf is r's transaction with this area's methods.
func txOf(r *commands.Request) Tx { return commands.TxAs[Tx](r.Tx) }

// asTx is tx with this area's methods.
func asTx(tx commands.Tx) Tx { return commands.TxAs[Tx](tx) }
