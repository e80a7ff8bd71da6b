// Package remind is /提醒 (R4, R5, R9): the team's reminders with their times,
// switches and next sending, changed and tested by the supervisor. The
// reminders themselves belong to their areas; when they send is the core's
// (reminder_times.go).
package remind
