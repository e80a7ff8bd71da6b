package teambot

import (
	"errors"
	"fmt"
	"time"
)

// Statuses of a Meeting (R8, docs/product.md §6): scheduled → held | cancelled.
const (
	MeetingScheduled = "scheduled"
	MeetingHeld      = "held"
	MeetingCancelled = "cancelled"
)

// DefaultMeetingDuration is how long a meeting lasts unless it says
// otherwise; members may check in until its end.
const DefaultMeetingDuration = time.Hour

// Meeting is one meeting of a team: an occurrence of the weekly schedule or
// an ad-hoc one the supervisor called.
type Meeting struct {
	ID        int64
	TeamID    int64
	StartsAt  time.Time
	Duration  time.Duration // whole minutes
	Agenda    string
	Weekly    bool   // an occurrence of the team's weekly schedule
	Status    string // MeetingScheduled, MeetingHeld or MeetingCancelled
	Note      string // why it was cancelled
	CreatedBy string // userid, or "system" for a weekly occurrence
	CreatedAt time.Time
	ClosedBy  string    // who held (closed) or cancelled it
	ClosedAt  time.Time // zero while scheduled
}

// EndsAt is when the meeting ends.
func (m Meeting) EndsAt() time.Time { return m.StartsAt.Add(m.Duration) }

// MeetingSchedule is a team's weekly meeting: a day of the week and a time
// of day, read in the team's time zone, and how long it lasts.
type MeetingSchedule struct {
	Weekday      time.Weekday
	Hour, Minute int
	Length       time.Duration // whole minutes; zero is DefaultMeetingDuration
	// Since is when the schedule was last set, filled in when read: an
	// occurrence before it was never announced and never closes itself.
	Since time.Time
}

// Duration is how long each meeting of the schedule lasts.
func (s MeetingSchedule) Duration() time.Duration {
	if s.Length <= 0 {
		return DefaultMeetingDuration
	}
	return s.Length
}

// Valid reports whether the schedule names a real time of day.
func (s MeetingSchedule) Valid() bool {
	return s.Weekday >= time.Sunday && s.Weekday <= time.Saturday &&
		s.Hour >= 0 && s.Hour < 24 && s.Minute >= 0 && s.Minute < 60
}

// Clock is the time of day as 10:00.
func (s MeetingSchedule) Clock() string { return fmt.Sprintf("%02d:%02d", s.Hour, s.Minute) }

// ISODay is the weekday as 1 (Monday) … 7 (Sunday).
func (s MeetingSchedule) ISODay() int { return (int(s.Weekday)+6)%7 + 1 }

// After is the first occurrence of the schedule strictly after t, in loc.
func (s MeetingSchedule) After(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	d := DateOf(local)
	for i := 0; i <= 7; i++ {
		day := d.AddDate(0, 0, i)
		if day.Weekday() != s.Weekday {
			continue
		}
		at := time.Date(day.Year, day.Month, day.Day, s.Hour, s.Minute, 0, 0, loc)
		if at.After(t) {
			return at
		}
	}
	panic("unreachable: a weekday recurs within eight days")
}

// Attendance statuses: a member checked in (present, or late after
// LateAfter), or did not and is excused by approved leave or an approved
// dispute, or absent.
const (
	AttendancePresent = "present"
	AttendanceLate    = "late"
	AttendanceExcused = "excused"
	AttendanceAbsent  = "absent"
)

// CheckInEarly is how long before its start a meeting opens for check-in;
// LateAfter is how long after its start a check-in still counts as on time.
const (
	CheckInEarly = 15 * time.Minute
	LateAfter    = 10 * time.Minute
)

// Attendance is one member's record of one meeting.
type Attendance struct {
	MeetingID int64
	MemberID  int64
	UserID    string    // filled in when read
	Name      string    // filled in when read
	StartsAt  time.Time // the meeting's start, filled in when read
	Status    string    // AttendancePresent, AttendanceLate, AttendanceExcused or AttendanceAbsent
	At        time.Time // when it was recorded (the check-in, the roll call, the closing)
	By        string    // userid of whoever recorded it: the member, or the supervisor
}

// Statuses of a MeetingProposal: the bot proposes, the supervisor confirms
// it as a ledger warning (/惩处 确认) or dismisses it (/惩处 驳回); an
// approved dispute of one of its absences dismisses it too.
const (
	ProposalProposed  = "proposed"
	ProposalConfirmed = "confirmed"
	ProposalDismissed = "dismissed"
)

// MeetingProposal is the bot's proposal to warn a member who missed two
// meetings in a row without excuse (R12). Nothing counts against the member
// until the supervisor confirms it.
type MeetingProposal struct {
	ID                int64
	TeamID            int64
	MemberID          int64
	UserID, Name      string    // filled in when read
	FirstMeetingID    int64     // the earlier absence
	SecondMeetingID   int64     // the absence that completed the pair
	FirstAt, SecondAt time.Time // the two meetings' starts, filled in when read
	Status            string
	CreatedAt         time.Time
	DecidedBy         string
	DecidedAt         time.Time
}

// Statuses of a MeetingDispute.
const (
	DisputePending  = "pending"
	DisputeApproved = "approved"
	DisputeRejected = "rejected"
)

// DisputeWindow is how long after a meeting's end a member may dispute an
// absence from it.
const DisputeWindow = 48 * time.Hour

// MeetingDispute is a member's objection to an absence; an approved one
// excuses it.
type MeetingDispute struct {
	ID           int64
	TeamID       int64
	MeetingID    int64
	MemberID     int64
	UserID, Name string    // filled in when read
	StartsAt     time.Time // the meeting's start, filled in when read
	Reason       string
	Status       string
	CreatedAt    time.Time
	DecidedBy    string
	DecisionNote string
	DecidedAt    time.Time
}

// ErrMeetingStatus is returned (wrapped) when a meeting or a dispute is no
// longer in a status that allows the change, e.g. closing a meeting that
// was cancelled in the meantime.
var ErrMeetingStatus = errors.New("meeting or dispute has another status")
