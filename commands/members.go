package commands

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"teambot"
)

// maxCandidates bounds the names listed when a @Name matches nobody.
const maxCandidates = 20

// Member resolves an @Name (or a bare name or userid) against the active
// roster. Only an exact name or userid is accepted: a command that changes
// records must not guess. Anything else is an error that lists candidates.
func (r *Request) Member(ctx context.Context, a teambot.Arg) (teambot.Member, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Member{}, err
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return teambot.Member{}, err
	}
	return resolveMember(members, a.Text)
}

// NeedTeam explains why a command that needs a team has none: in a single
// chat the sender is in no team, or in several.
func (r *Request) NeedTeam() error {
	switch {
	case r.Team != nil:
		return nil
	case len(r.Teams) > 1:
		return teambot.Invalid("你在 %d 个团队里，单聊里的命令要先选一个团队：\n%s\n发送 /团队 切换 序号（或团队名称）选择，之后单聊里的命令都作用于它；也可以在对应团队的群聊里发送。",
			len(r.Teams), TeamChoices(r))
	case len(r.awaiting) > 0:
		return teambot.Forbidden("你的加入申请正在等待主管批准（%s），批准后就能在这里使用命令。", "「"+strings.Join(r.awaiting, "」「")+"」")
	}
	return teambot.NotFound("你还没有加入任何团队。请在团队的群聊里 @我 发送 /加入 你的名字 [角色]。")
}

// resolveMember finds name among members by exact display name or userid.
// A name that is one member's name and another's userid is refused with
// both (names can't impersonate); partial matches are offered as
// candidates, never taken.
func resolveMember(members []teambot.Member, name string) (teambot.Member, error) {
	if name == "" {
		return teambot.Member{}, teambot.Invalid("请写上成员的名字，例如 @张三。")
	}
	var exact []teambot.Member
	for _, m := range members {
		if m.Name == name || strings.EqualFold(m.UserID, name) {
			exact = append(exact, m)
		}
	}
	switch len(exact) {
	case 0:
	case 1:
		return exact[0], nil
	default:
		parts := make([]string, len(exact))
		for i, m := range exact {
			parts[i] = fmt.Sprintf("%s（企业微信账号 %s）", m.Name, m.UserID)
		}
		return teambot.Member{}, teambot.Invalid("「%s」可能指 %d 位成员：%s。机器人不猜，请改写成只对应一个人的名字或账号。",
			name, len(exact), strings.Join(parts, "、"))
	}
	var similar []string
	for _, m := range members {
		if strings.Contains(strings.ToLower(m.Name), strings.ToLower(name)) || strings.Contains(strings.ToLower(name), strings.ToLower(m.Name)) {
			similar = append(similar, m.Name)
		}
	}
	switch {
	case len(similar) == 1:
		return teambot.Member{}, teambot.NotFound("没有名为「%s」的成员。你是不是指 @%s？请写全名。", name, similar[0])
	case len(similar) > 1:
		return teambot.Member{}, teambot.Invalid("「%s」对应多位成员：%s。请写全名。", name, strings.Join(similar, "、"))
	case len(members) == 0:
		return teambot.Member{}, teambot.NotFound("没有名为「%s」的成员，团队里还没有人登记。", name)
	}
	names := make([]string, 0, min(len(members), maxCandidates))
	for _, m := range members[:min(len(members), maxCandidates)] {
		names = append(names, m.Name)
	}
	more := ""
	if len(members) > maxCandidates {
		more = " 等"
	}
	return teambot.Member{}, teambot.NotFound("没有名为「%s」的成员。团队成员有：%s%s。", name, strings.Join(names, "、"), more)
}

// Subcommand is the first argument lower-cased, e.g. "设置" in /提醒 设置 …,
// or "" when there is none.
func (r *Request) Subcommand() string {
	if len(r.Args) == 0 {
		return ""
	}
	return strings.ToLower(r.Args[0].Text)
}

func MemberNames(ms []teambot.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// LockTeam serializes the commands that change the team (roster, roles,
// supervisor, term, join mode): it locks the team and reads it and the
// caller again, so a command is checked against the state the one before
// it left, and the caller must still be allowed to run it and its
// Subcommand (a handover may have won the race).
func (r *Request) LockTeam(ctx context.Context) error {
	if err := r.NeedTeam(); err != nil {
		return err
	}
	team, err := r.Tx.LockTeam(ctx, r.Team.ID)
	if err != nil {
		return err
	}
	*r.Team = team
	r.Caller = nil
	if err := loadCaller(ctx, r); err != nil {
		return err
	}
	if r.Command == nil {
		return nil
	}
	if err := authorize(ctx, r, r.Command); err != nil {
		return err
	}
	if r.Sub != nil {
		return authorize(ctx, r, r.Sub)
	}
	return nil
}

// NeedSingleChat refuses private input typed in a group (R13, R14): what
// names what it holds, how the command to send in the single chat.
func (r *Request) NeedSingleChat(what, how string) error {
	if r.Single() {
		return nil
	}
	return teambot.Invalid("%s只给主管和相关的人看，不能发在群里：请在和我的单聊里发送 %s。这条消息没有记录。", what, how)
}

// TeamLabels names each of teams to a member of them all: its name, or,
// for a team not yet named, its supervisor and size.
func TeamLabels(ctx context.Context, tx Tx, teams []teambot.Team) ([]string, error) {
	labels := make([]string, len(teams))
	for i, t := range teams {
		if t.Name != "" {
			labels[i] = t.Name
			continue
		}
		members, err := tx.ActiveMembers(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		sup := "还没有主管"
		for _, m := range members {
			if m.IsSupervisor() {
				sup = "主管 " + m.Name
			}
		}
		labels[i] = fmt.Sprintf("未命名团队（%s，%d 人）", sup, len(members))
	}
	return labels, nil
}

// TeamChoices lists the sender's teams numbered, the chosen one marked.
func TeamChoices(r *Request) string {
	lines := make([]string, len(r.Teams))
	for i, t := range r.Teams {
		lines[i] = fmt.Sprintf("%d. %s", i+1, r.TeamLabels[i])
		if r.Team != nil && r.Team.ID == t.ID {
			lines[i] += "（当前）"
		}
	}
	return strings.Join(lines, "\n")
}

// NameFree refuses a name for self that would make an @mention ambiguous:
// another active member's name or WeCom userid, or the name or userid of
// someone else whose join request waits (names can't impersonate).
func NameFree(ctx context.Context, r *Request, name, self string) error {
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return err
	}
	reqs, err := r.Tx.PendingJoinRequests(ctx, r.Team.ID)
	if err != nil {
		return err
	}
	for _, q := range reqs {
		members = append(members, teambot.Member{UserID: q.UserID, Name: q.Name})
	}
	for _, m := range members {
		switch {
		case strings.EqualFold(m.UserID, self):
		case m.Name == name:
			return teambot.Conflict("名字「%s」已经有人用了，请换一个能区分的名字，例如加上姓或编号。", name)
		case strings.EqualFold(m.UserID, name):
			return teambot.Conflict("名字「%s」是另一位成员的企业微信账号，用它 @%s 就分不清是谁了。请换一个名字，例如你的姓名。", name, name)
		}
	}
	return nil
}

// CheckNameText validates a display name, however it arrived.
func CheckNameText(name string) error {
	switch {
	case name == "":
		return teambot.Invalid("名字不能为空，例如 /加入 张三 文案。")
	case utf8.RuneCountInString(name) > maxNameRunes:
		return teambot.Invalid("名字太长（最多 %d 个字）。", maxNameRunes)
	case strings.ContainsAny(name, "@＠\n\r\t"):
		return teambot.Invalid("名字里不能有 @ 或换行。")
	}
	if _, isRole := teambot.ParseRole(name); isRole {
		return teambot.Invalid("「%s」是角色名，请先写你的名字再写角色，例如 /加入 张三 %s。", name, name)
	}
	return nil
}

// maxNameRunes bounds a display name; WeCom's own limit is similar.
const maxNameRunes = 32
