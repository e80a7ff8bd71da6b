// A leave's days and status in Chinese (who is away on which days, for
// every area, is commands/roll's absence.go).

package leave

import (
	"fmt"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"
)

// describeLeave echoes a request's days like DateSpan.Describe, but a range
// counts its workdays only and says how many days off it leaves out:
// "12月3日（周四）至 12月5日（周六），共 2 天（只算工作日，不含休息日 1 天）".
func describeLeave(span lang.DateSpan, cal *calendar.Calendar, today teambot.Date) string {
	if span.To == span.From {
		return span.Describe(today)
	}
	work, off := roll.LeaveDays(span, cal)
	text := fmt.Sprintf("%s至 %s，共 %s 天", lang.DescribeDay(span.From, today), lang.DescribeDay(span.To, today), commands.Days(work))
	if off > 0 {
		text += fmt.Sprintf("（只算工作日，不含休息日 %d 天）", off)
	}
	return text
}

// checkLeaveWorkdays refuses leave whose days are all days off: there is
// nothing to be away from. The refusal names the day and, when it is not
// a plain weekend, why it is off.
func checkLeaveWorkdays(span lang.DateSpan, cal *calendar.Calendar, today teambot.Date) error {
	if work, _ := roll.LeaveDays(span, cal); work > 0 {
		return nil
	}
	if span.To != span.From {
		return teambot.Invalid("%s至 %s都是休息日，不用请假。请只写要请假的工作日。",
			lang.DescribeDay(span.From, today), lang.DescribeDay(span.To, today))
	}
	why := ""
	if w := cal.Why(span.From); w != "" {
		why = "（" + w + "）"
	}
	return teambot.Invalid("%s是休息日%s，不用请假。发送 /假期 查看休息日和调休。", lang.DescribeDay(span.From, today), why)
}

// leaveDetail is a request for the audit log: id and days, never the reason.
func leaveDetail(l teambot.Leave) string {
	s := fmt.Sprintf("#%d %s", l.ID, l.From)
	if l.To != l.From {
		s += " 至 " + l.To.String()
	}
	if l.Half != "" {
		s += " " + l.Half
	}
	return s
}

// leaveStatusCN names a status for users.
func leaveStatusCN(status string) string {
	switch status {
	case teambot.LeavePending:
		return "待批"
	case teambot.LeaveApproved:
		return "已批准"
	case teambot.LeaveRejected:
		return "已驳回"
	case teambot.LeaveCancelled:
		return "已取消"
	case teambot.LeaveExpired:
		return "已过期"
	}
	return status
}

// leaveStatusVerb is how a decided status reads after "在 … ".
func leaveStatusVerb(status string) string {
	return map[string]string{teambot.LeaveApproved: "批准", teambot.LeaveRejected: "驳回", teambot.LeaveCancelled: "取消"}[status]
}
