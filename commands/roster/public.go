package roster

import (
	"context"
	"strings"

	"teambot"
	"teambot/commands"
)

// RoleGroup is one line of the public roster (R3): a role and the names of
// the active members who hold it, in roster order.
type RoleGroup struct {
	Role  teambot.Role
	Names []string
}

// Label is the role's name as the public page shows it: 主管, 文案, 美工….
func (g RoleGroup) Label() string { return g.Role.Chinese() }

// publicOrder is the order of the public roster: the supervisor, then the
// roles in the rulebook's order.
var publicOrder = append([]teambot.Role{teambot.RoleSupervisor}, teambot.MemberRoles...)

// Public is the roster as the company's "about us" page shows it (R3): the
// supervisor first, then each role in the rulebook's order with the names of
// the members who hold it, in the order members is in. Only active members
// count; a role nobody holds is left out, and a member with several roles
// is listed under each. A member with no role yet has no line to be on.
// Names only: user ids, dates and terms stay inside the team.
func Public(members []teambot.Member) []RoleGroup {
	var groups []RoleGroup
	for _, role := range publicOrder {
		var names []string
		for _, m := range members {
			if m.Active() && m.Has(role) {
				names = append(names, m.Name)
			}
		}
		if len(names) > 0 {
			groups = append(groups, RoleGroup{Role: role, Names: names})
		}
	}
	return groups
}

// PublicLine is a group as a line of text: 文案：张三、李四.
func PublicLine(g RoleGroup) string {
	return g.Label() + "：" + strings.Join(g.Names, "、")
}

// exportRoster is /团队 导出: the public roster, ready to paste into the
// "about us" page (R3). It is not private, so it goes where it was asked.
func exportRoster(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: PublicText(r.Team.Name, Public(members))}, nil
}

// PublicText is the public roster as chat text: the title line 【团队名单】,
// with the team's name after it when it has one (/团队 名称), then one line
// per group.
func PublicText(teamName string, groups []RoleGroup) string {
	lines := []string{"【团队名单】" + teamName}
	for _, g := range groups {
		lines = append(lines, PublicLine(g))
	}
	if len(groups) == 0 {
		lines = append(lines, "（还没有成员登记角色）")
	}
	return strings.Join(lines, "\n")
}
