// Package meeting is /会议 and /签到 (R8-R12): the weekly schedule and one-off
// meetings, agendas, check-in, attendance and its disputes, and the warning
// proposed after two missed meetings. Jobs gives the scheduler the notices,
// the reminders before each meeting and the close at its end. It provides
// commands.Rules.NextMeeting.
package meeting
