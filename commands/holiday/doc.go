// Package holiday is /假期 (R4, R8): the legal holidays and 调休 workdays of
// the calendar, and the days off or workdays a supervisor adds for the team.
// Every reminder and deadline follows the calendar it shows.
package holiday
