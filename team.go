package teambot

import (
	"strings"
	"sync"
	"time"
)

// Role is a job in the team (R1, R2). A member may hold several roles; a team
// has exactly one supervisor.
type Role string

const (
	RoleSupervisor   Role = "supervisor"    // 主管
	RoleCopywriter   Role = "copywriter"    // 文案
	RoleCopyBase     Role = "copy-base"     // 基础文案 (R2: the second copywriter when several platforms run)
	RoleCopyCampaign Role = "copy-campaign" // 策划文案
	RoleDesigner     Role = "designer"      // 美工
	RoleTech         Role = "tech"          // 技术
	RolePromotion    Role = "promotion"     // 推广
	RoleCS           Role = "cs"            // 客服
)

// MemberRoles are the roles a member may take with /join or be given with
// /role, in the order the roster lists them. The supervisor role is handed
// over with /supervisor only.
var MemberRoles = []Role{RoleCopywriter, RoleCopyBase, RoleCopyCampaign, RoleDesigner, RoleTech, RolePromotion, RoleCS}

// CopyRoles are the copywriter roles (R2), listed together under 文案.
var CopyRoles = []Role{RoleCopywriter, RoleCopyBase, RoleCopyCampaign}

var roleNames = map[Role]string{
	RoleSupervisor:   "主管",
	RoleCopywriter:   "文案",
	RoleCopyBase:     "基础文案",
	RoleCopyCampaign: "策划文案",
	RoleDesigner:     "美工",
	RoleTech:         "技术",
	RolePromotion:    "推广",
	RoleCS:           "客服",
}

// roleAliases maps every accepted spelling (lower-cased) to its role (R2:
// role names are accepted in Chinese and English).
var roleAliases = map[string]Role{
	"主管": RoleSupervisor, "supervisor": RoleSupervisor,
	"文案": RoleCopywriter, "copywriter": RoleCopywriter, "copy": RoleCopywriter,
	"基础文案": RoleCopyBase, "copy-base": RoleCopyBase, "base-copy": RoleCopyBase,
	"策划文案": RoleCopyCampaign, "copy-campaign": RoleCopyCampaign, "campaign-copy": RoleCopyCampaign,
	"美工": RoleDesigner, "designer": RoleDesigner, "design": RoleDesigner,
	"技术": RoleTech, "tech": RoleTech,
	"推广": RolePromotion, "promotion": RolePromotion,
	"客服": RoleCS, "cs": RoleCS, "customer-service": RoleCS,
}

// ParseRole reads a role name in Chinese or English, case-insensitively.
func ParseRole(s string) (Role, bool) {
	r, ok := roleAliases[strings.ToLower(strings.TrimSpace(s))]
	return r, ok
}

// Chinese is the role's name as users see it.
func (r Role) Chinese() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return string(r)
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { _, ok := roleNames[r]; return ok }

// JoinMode says how people get on a team's roster once it has a supervisor
// (R1: members are appointed by the supervisor).
type JoinMode string

const (
	JoinApproval JoinMode = "approval" // 审批: /join is a request the supervisor decides (the default)
	JoinOpen     JoinMode = "open"     // 自由: /join puts a newcomer on the roster at once
)

// Team is one WeCom group chat and the people in it (R1).
type Team struct {
	ID        int64
	ChatID    string // the WeCom chatid; one team per chat
	Name      string
	TimeZone  string // IANA name; weeks and reminders use it
	TermStart Date   // the supervisor's term (R1: one year); zero when unset
	TermEnd   Date
	JoinMode  JoinMode // how newcomers join once there is a supervisor
	CreatedAt time.Time

	// PushKey is the group robot webhook key for pushes, sealed by the
	// application (never stored in the clear); "" when none is known.
	PushKey      string
	PushBrokenAt time.Time // when WeCom said the robot is gone; zero if not
}

// Location is the team's time zone, falling back to UTC for a name that does
// not load (it was validated when stored).
func (t Team) Location() *time.Location {
	if loc, ok := locations.Load(t.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(t.TimeZone)
	if err != nil {
		return time.UTC
	}
	locations.Store(t.TimeZone, loc)
	return loc
}

// locations keeps the time zones loaded: time.LoadLocation reads and
// parses the zone's file on every call, and a reminder asks for its team's
// zone many times (a tenth of a replica's time on a busy Monday).
var locations sync.Map

// MemberStatus says whether a member is on the active roster. Being on leave
// is derived from leave records and is not a status.
type MemberStatus string

const (
	MemberActive  MemberStatus = "active"
	MemberRemoved MemberStatus = "removed" // removed, 劝退, 除名 or left
)

// Member is a person in a team.
type Member struct {
	ID       int64
	TeamID   int64
	UserID   string // WeCom userid
	Name     string // display name given with /join
	Status   MemberStatus
	Roles    []Role // in MemberRoles order, supervisor first
	JoinedAt time.Time
}

// Has reports whether the member holds role r.
func (m Member) Has(r Role) bool {
	for _, x := range m.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsSupervisor reports whether the member is the team's supervisor.
func (m Member) IsSupervisor() bool { return m.Has(RoleSupervisor) }

// Active reports whether the member is on the active roster.
func (m Member) Active() bool { return m.Status == MemberActive }

// SortRoles orders roles the way the roster lists them: supervisor first,
// then MemberRoles order, dropping duplicates.
func SortRoles(roles []Role) []Role {
	order := append([]Role{RoleSupervisor}, MemberRoles...)
	seen := make(map[Role]bool, len(roles))
	for _, r := range roles {
		seen[r] = true
	}
	out := make([]Role, 0, len(roles))
	for _, r := range order {
		if seen[r] {
			out = append(out, r)
		}
	}
	return out
}

// Join request states.
const (
	JoinPending  = "pending"
	JoinApproved = "approved"
	JoinRejected = "rejected"
)

// JoinRequest is someone asking to be put on a team's roster: once the
// team has a supervisor, newcomers (unless joining is free) and everyone who
// was removed come back only by the supervisor's approval (R1, R18).
type JoinRequest struct {
	ID          int64
	TeamID      int64
	UserID      string
	Name        string // the display name asked for
	Roles       []Role
	Rejoin      bool   // the person was on the roster before and was removed
	Status      string // JoinPending, JoinApproved or JoinRejected
	RequestedAt time.Time
	MsgID       string
	DecidedBy   string // userid of the supervisor who decided
	DecidedAt   time.Time
	Reason      string // why it was rejected; told to the person only
}
