// Package roll holds the readings of the week every area shares: who is on
// leave on which days (R9, absence.go), when a week's reports are due once
// days off move the deadline (R4, week_due.go) and where they stand
// (week_status.go), and when a team's reminders next send (reminder_times.go,
// for /提醒 and the report deadline). The leave and report areas own the records; the
// meeting, vote, monthly and report areas read them here, so that no area
// imports another.
package roll
