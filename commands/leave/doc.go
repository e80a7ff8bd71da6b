// Package leave is /请假 and /谁请假: requests, the supervisor's approval or
// rejection, cancelling, and expiry of requests still pending after their
// last day (Jobs.Expire). Approved leave excuses a meeting (R12) and a week's
// report (R4). Pending requests are in the supervisor's 待审批 reminder
// (package approval). Who is
// on leave when is read by every area through commands/roll (roll.OnLeave).
package leave
