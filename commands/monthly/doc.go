// Package monthly is /月报 and 月报提醒 (R5): one month of the team in numbers —
// reports, meetings, leave, rewards and penalties, votes, platform updates,
// accounts and escalations — built by Build, and exported as CSV or JSON by
// teambot export-monthly.
package monthly
