// Package lang reads what members write: the command word and its arguments
// (Parse), dates and date ranges (今天, 下周一, 12月1日到12月3日 上午), times of day
// and weekly times (周一 10:00, 每个工作日 9:30), weeks and months, record
// numbers, and text that looks like a password. Its functions are pure: no
// transaction, no clock but the date passed in.
package lang
