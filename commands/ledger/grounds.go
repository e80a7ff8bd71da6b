package ledger

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// Grounds (R17, R18): a new reward or penalty names one of the rulebook's
// grounds for its kind, written after the level as 依据 and its number
// (依据2, 依据 2, 依据：2, 依据第2条) or its label (依据表率作用, or the
// label alone). The word 依据 keeps a reason that starts with a number
// from being read as a ground; a bare number there is refused with the
// right form. The ground is required: the rulebook's lists are exhaustive,
// each ending with a catch-all (其它, 其它违法违规). Entries recorded before
// grounds were show 未注明.

// groundWord introduces a ground.
const groundWord = "依据"

// groundExample is a full example of /嘉奖 or /惩处 with a ground.
func groundExample(kind string) string {
	if kind == teambot.LedgerReward {
		return "/嘉奖 @张三 三等功 依据1 双十一推文阅读量破十万"
	}
	return "/惩处 @王五 警告 依据2 连续两周未按要求修改海报"
}

// groundList is kind's grounds numbered, one a line.
func groundList(kind string, wording bool) string {
	var b strings.Builder
	for _, g := range teambot.Grounds(kind) {
		fmt.Fprintf(&b, "\n%d. %s", g.ID, g.Label)
		if wording {
			fmt.Fprintf(&b, "（规章原文：%s）", g.Wording)
		}
	}
	return b.String()
}

// groundHelp is what to write when the ground is missing or wrong.
func groundHelp(kind string) string {
	verb, _ := ledgerVerb(kind)
	return fmt.Sprintf("请在等级后写上%s依据，写成「依据+编号」或依据的名称：%s\n例如 %s", verb, groundList(kind, false), groundExample(kind))
}

// readGround reads the ground of kind from args, the words after the
// level. It returns the ground and how many words it took.
func readGround(kind string, args []teambot.Arg) (teambot.Ground, int, error) {
	verb, _ := ledgerVerb(kind)
	if len(args) == 0 {
		return teambot.Ground{}, 0, teambot.Invalid("%s", groundHelp(kind))
	}
	word, used := args[0].Text, 1
	if rest, ok := strings.CutPrefix(word, groundWord); ok {
		rest = strings.TrimLeft(rest, ":：")
		if rest == "" && len(args) > 1 {
			rest, used = args[1].Text, 2
		}
		if g, ok := findGround(kind, rest); ok {
			return g, used, nil
		}
		if rest == "" {
			return teambot.Ground{}, 0, teambot.Invalid("%s", groundHelp(kind))
		}
		return teambot.Ground{}, 0, teambot.Invalid("「%s」不是%s依据。%s", lang.Clip(rest), verb, groundHelp(kind))
	}
	if g, ok := findGround(kind, word); ok && !isNumber(word) {
		return g, used, nil
	}
	if isNumber(word) {
		return teambot.Ground{}, 0, teambot.Invalid("依据的编号前请写「依据」，例如 依据%s，以免和理由混淆。%s", word, groundHelp(kind))
	}
	return teambot.Ground{}, 0, teambot.Invalid("%s", groundHelp(kind))
}

// findGround is kind's ground that s names: its number (2, 第2条) or its
// label.
func findGround(kind, s string) (teambot.Ground, bool) {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "第"), "条")
	if id, err := strconv.Atoi(s); err == nil {
		return teambot.GroundOf(kind, id)
	}
	for _, g := range teambot.Grounds(kind) {
		if g.Label == s || (g.Label == "其它" && s == "其他") || (g.Label == "其它违法违规" && s == "其他违法违规") {
			return g, true
		}
	}
	return teambot.Ground{}, false
}

// isNumber reports whether s is a plain number.
func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// groundsRow is 依据 of /嘉奖 or /惩处: the rulebook's grounds of kind,
// numbered, with the rulebook's wording.
func groundsRow(kind string) *commands.Command {
	verb, _ := ledgerVerb(kind)
	return &commands.Command{Name: "grounds", Chinese: groundWord, Summary: "列出规章规定的" + verb + "依据（编号和原文）",
		Who: commands.Supervisor,
		Handler: func(_ context.Context, _ *commands.Request) (teambot.Reply, error) {
			return teambot.Reply{Text: fmt.Sprintf("规章规定的%s依据（记录时在等级后写「依据+编号」）：%s\n例如 %s",
				verb, groundList(kind, true), groundExample(kind))}, nil
		}}
}

// groundShown is how an entry's ground reads after its level.
func groundShown(e teambot.LedgerEntry) string {
	if l := e.GroundLabel(); l != "" {
		return "（依据：" + l + "）"
	}
	return ""
}
