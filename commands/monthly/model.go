package monthly

import "teambot"

// The month in two documents that never mix (R5, R14): the Report, which
// the supervisor forwards to company leadership — figures, the month's work
// and each member's row — and the Appendix, for the supervisor alone —
// the ledger's reasons, account changes, open escalations and the reasons
// of rejected leave. Nothing the Appendix holds is ever written into the
// Report, in chat, in a file or on the dashboard.

// Month is a team's month: the report and its confidential appendix.
type Month struct {
	Report   Report   `json:"report"`
	Appendix Appendix `json:"appendix"`
}

// Report is the month as leadership reads it.
type Report struct {
	Month string   `json:"month"` // 2026-11
	Team  string   `json:"team"`  // the team's name, or its chat id when it has none
	Weeks []string `json:"weeks"` // the month's weeks (a week belongs to the month of its Thursday)

	Summary  Summary `json:"summary"`
	Previous Summary `json:"previous"` // the month before, for the changes

	Highlights []Highlight   `json:"highlights"`
	Campaigns  []Campaign    `json:"campaigns"`
	Members    []MemberRow   `json:"members"`
	Meetings   []MeetingLine `json:"meetings"`
	Votes      []VoteLine    `json:"votes"`
	Platforms  []PlatformRow `json:"platforms"`
	WeekRates  []WeekRate    `json:"week_rates"`
	Ledger     []LevelCount  `json:"ledger"`  // commendations and penalties by level, never who or why
	Grounds    []GroundCount `json:"grounds"` // the same by the rulebook's ground (R17, R18), never who or why
	Cancelled  int           `json:"meetings_cancelled"`
	Grid       []GridRow     `json:"grid"` // each member's report status per week

	Placements []teambot.PlacementLine `json:"placements"` // paid placements of the month (R7)
}

// Summary is the month's figures that open the report.
type Summary struct {
	ReportsDue     int     `json:"reports_due"` // on time + late + missing (excused weeks are not due)
	ReportsOnTime  int     `json:"reports_on_time"`
	ReportsLate    int     `json:"reports_late"`
	ReportsMissing int     `json:"reports_missing"`
	ReportsExcused int     `json:"reports_excused"`
	OnTimeRate     float64 `json:"on_time_rate"` // on time / due; 0 when nothing was due

	MeetingsHeld   int     `json:"meetings_held"`
	Expected       int     `json:"attendance_expected"` // present + late + absent (excused are not expected)
	Attended       int     `json:"attendance_attended"` // present + late
	AttendanceRate float64 `json:"attendance_rate"`

	Platforms   int `json:"platforms"`    // platforms the team runs
	PlatformsOK int `json:"platforms_ok"` // updated every week of the month (R6)
	Campaigns   int `json:"campaigns"`    // campaigns held (R6)

	Decisions int `json:"decisions"` // votes closed
	Passed    int `json:"passed"`

	Rewards   int `json:"rewards"`   // entries not revoked
	Penalties int `json:"penalties"` // entries not revoked
}

// Highlight is one line of the month's work worth telling: a report line
// marked 亮点：, or one the supervisor added.
type Highlight struct {
	ID   int64  `json:"id,omitempty"` // a supervisor's: its number for /月报 亮点 删除
	Name string `json:"name"`         // who wrote it; "" for the supervisor's
	Week string `json:"week,omitempty"`
	Text string `json:"text"`
}

// Campaign is a campaign held on a platform in the month (R6).
type Campaign struct {
	Date     string `json:"date"`
	Platform string `json:"platform"`
	Title    string `json:"title"`
}

// MemberRow is one member's month. The supervisor, who does not report,
// has a row only when they have figures (meetings, leave).
type MemberRow struct {
	Name            string  `json:"name"`
	Roles           string  `json:"roles"`
	Reports         bool    `json:"reports"` // expected to hand in weekly reports
	ReportsOnTime   int     `json:"reports_on_time"`
	ReportsLate     int     `json:"reports_late"`
	ReportsMissing  int     `json:"reports_missing"`
	ReportsExcused  int     `json:"reports_excused"`
	MeetingsPresent int     `json:"meetings_present"`
	MeetingsLate    int     `json:"meetings_late"`
	MeetingsExcused int     `json:"meetings_excused"`
	MeetingsAbsent  int     `json:"meetings_absent"`
	LeaveDays       float64 `json:"leave_days"`
}

// MeetingLine is one meeting held in the month.
type MeetingLine struct {
	Date    string  `json:"date"`
	Present int     `json:"present"`
	Late    int     `json:"late"`
	Excused int     `json:"excused"`
	Absent  int     `json:"absent"`
	Rate    float64 `json:"attendance_rate"` // (present + late) / (present + late + absent)
}

// VoteLine is one vote closed in the month.
type VoteLine struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Kind    string `json:"kind"`
	Outcome string `json:"outcome"` // in Chinese
	Tally   string `json:"tally"`
	Closed  string `json:"closed"`
}

// PlatformRow is one platform's month (R6).
type PlatformRow struct {
	Platform string `json:"platform"`
	Owners   string `json:"owners"`
	Updates  int    `json:"updates"`
	// PerWeek is the number of updates in each of the month's weeks, in
	// Report.Weeks order; WeeksWithout the weeks over without one.
	PerWeek      []int    `json:"per_week"`
	WeeksWithout []string `json:"weeks_without_update"`
	Campaigns    int      `json:"campaigns"`
}

// WeekRate is one week's reports, for the on-time chart.
type WeekRate struct {
	Week    string  `json:"week"`
	Due     int     `json:"due"`
	OnTime  int     `json:"on_time"`
	Late    int     `json:"late"`
	Missing int     `json:"missing"`
	Excused int     `json:"excused"`
	Rate    float64 `json:"on_time_rate"`
	Exempt  bool    `json:"exempt"` // a holiday week: nothing due
}

// LevelCount is how many ledger entries of one level the month has.
type LevelCount struct {
	Kind  string `json:"kind"` // 嘉奖 or 惩处
	Level string `json:"level"`
	Count int    `json:"count"`
}

// GroundCount is how many ledger entries of one kind name one ground: a
// label of the rulebook's list, teambot.GroundMeetingRule for warnings
// confirmed from absences (R12), or teambot.GroundUnstated for entries
// recorded before grounds were.
type GroundCount struct {
	Kind   string `json:"kind"` // 嘉奖 or 惩处
	Ground string `json:"ground"`
	Count  int    `json:"count"`
}

// GridRow is one member's report status in each week: 按时, 迟交, 未交,
// 请假, 节假日 or "" (not due yet, or not on the team).
type GridRow struct {
	Name  string   `json:"name"`
	Weeks []string `json:"weeks"`
}

// Appendix is what only the supervisor sees.
type Appendix struct {
	Month         string           `json:"month"`
	Ledger        []LedgerLine     `json:"ledger"`
	Accounts      []AccountLine    `json:"accounts"`
	Escalations   []EscalationLine `json:"open_escalations"`
	RejectedLeave []LeaveLine      `json:"rejected_leave"`
}

// LedgerLine is one ledger entry of the month, with its reason.
type LedgerLine struct {
	ID      int64  `json:"id"`
	Date    string `json:"date"`
	Name    string `json:"name"`
	Kind    string `json:"kind"` // reward, penalty, revocation
	Level   string `json:"level"`
	Ground  string `json:"ground,omitempty"` // "" for a revocation
	Reason  string `json:"reason"`
	Revokes int64  `json:"revokes,omitempty"`
	Revoked bool   `json:"revoked"`
}

// AccountLine is one account event of the month.
type AccountLine struct {
	Date     string `json:"date"`
	Event    string `json:"event"` // in Chinese: 登记, 改密, 移交, 注销
	Platform string `json:"platform"`
	Account  string `json:"account"`
	Owner    string `json:"owner"`
}

// EscalationLine is one unresolved escalation.
type EscalationLine struct {
	ID   int64  `json:"id"`
	Date string `json:"date"`
	Name string `json:"name"`
	Text string `json:"text"`
}

// LeaveLine is one leave request rejected in the month.
type LeaveLine struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Days   string `json:"days"`
	Reason string `json:"reason"`
	Note   string `json:"rejection"`
}
