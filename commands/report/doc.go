// Package report is /周报 (R4): handing in the weekly summary, the history,
// the week's status and the deadline, and the reminders that open the week,
// nag those missing and send the supervisor the digest. How a week's
// deadline moves for days off and where a week's reports stand are read by
// other areas through package commands/roll.
package report
