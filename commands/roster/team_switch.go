package roster

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"unicode/utf8"

	"teambot"
)

// A member of several teams talks to the bot in one single chat. Which team
// a command there acts on is their choice, /团队 切换, remembered per user
// while they are still in that team; with one team it is implicit, and
// without a choice the reply lists the teams (Request.NeedTeam).

// maxTeamNameRunes bounds a team's name.
const maxTeamNameRunes = 20

// switchTeam is /团队 切换 [序号|名称], in a single chat.
func switchTeam(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if !r.Single() {
		return teambot.Reply{}, teambot.Invalid("群聊里的命令总是作用于本群的团队。/团队 切换 用在和我的单聊里，选择单聊里的命令作用于哪个团队。")
	}
	if len(r.Teams) < 2 {
		if r.Team == nil {
			return teambot.Reply{}, r.NeedTeam()
		}
		return teambot.Reply{Text: fmt.Sprintf("你只在一个团队里（%s），单聊里的命令都作用于它，不用切换。", teamName(*r.Team))}, nil
	}
	choice := strings.TrimSpace(strings.Join(lang.ArgTexts(r.Params), " "))
	if choice == "" {
		return teambot.Reply{Text: "你在这些团队里：\n" + commands.TeamChoices(r) + "\n发送 /团队 切换 序号（或团队名称）选择。"}, nil
	}
	i, err := pickTeam(r, choice)
	if err != nil {
		return teambot.Reply{}, err
	}
	t := r.Teams[i]
	if err := txOf(r).ChooseTeam(ctx, r.UserID, t.ID, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	r.Team = &t
	if err := r.Audit(ctx, "member.choose_team", r.UserID, "单聊切换到这个团队"); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("单聊里的命令现在作用于 %s。要换回去，发送 /团队 切换。", r.TeamLabels[i])}, nil
}

// pickTeam finds the chosen team by number or by exact name.
func pickTeam(r *commands.Request, choice string) (int, error) {
	if n, err := strconv.Atoi(choice); err == nil {
		if n < 1 || n > len(r.Teams) {
			return 0, teambot.Invalid("没有第 %d 个团队，你在这些团队里：\n%s", n, commands.TeamChoices(r))
		}
		return n - 1, nil
	}
	for i, t := range r.Teams {
		if t.Name != "" && t.Name == choice {
			return i, nil
		}
	}
	return 0, teambot.Invalid("你的团队里没有叫「%s」的。你在这些团队里：\n%s\n请写序号，或团队的完整名称。", lang.Clip(choice), commands.TeamChoices(r))
}

// nameTeam is /团队 名称 新名称: the supervisor (the row's Who) names the
// team, so that members of several teams can tell them apart.
func nameTeam(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	name := strings.TrimSpace(strings.Join(lang.ArgTexts(r.Params), " "))
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return teambot.Reply{}, teambot.Invalid("请写上团队名称，例如 /团队 名称 市场部。")
	case n > maxTeamNameRunes:
		return teambot.Reply{}, teambot.Invalid("团队名称最多 %d 个字，「%s」有 %d 个字。", maxTeamNameRunes, lang.Clip(name), n)
	case strings.ContainsAny(name, "\r\n\t"):
		return teambot.Reply{}, teambot.Invalid("团队名称请写在一行里。")
	}
	if err := txOf(r).SetTeamName(ctx, r.Team.ID, name); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "team.name", r.Team.ChatID, "原名「"+r.Team.Name+"」；新名「"+name+"」"); err != nil {
		return teambot.Reply{}, err
	}
	r.Team.Name = name
	return teambot.Reply{Text: "团队名称已改为 " + name + "。"}, nil
}

// teamName is a team's name, or a stand-in for a team not yet named.
func teamName(t teambot.Team) string {
	if t.Name != "" {
		return t.Name
	}
	return "未命名团队"
}
