package commands

import (
	"fmt"
	"regexp"
	"strings"

	"teambot"
)

// passwordPattern finds a password keyword followed by a separator and a
// value: "密码：Abc123", "口令是 778899", "password=hunter2", "pwd: x1y2z3".
// The value must start with a printable ASCII character: passwords are
// typed that way, while "密码是什么" or "密码：见群公告" talk about a password
// without giving one.
var passwordPattern = regexp.MustCompile(
	`(?i)(密码|口令|pass\s?word|passwd|pwd)s?[\s\p{Zs}]*(是|为|:|：|=|＝|is\b)[\s\p{Zs}]*[“‘「"']?[!-~]`)

// barePassword is a keyword followed by a value with no separator at all,
// "密码 Abc12345", "口令 778899", "pwd hunter2": the value must hold a digit,
// so that "password reset" or "密码 OK" are not taken for one.
var barePassword = regexp.MustCompile(`(?i)(密码|口令|pass\s?word|passwd|pwd)s?[\s\p{Zs}]*[“‘「"']?([!-~]{4,})`)

// looksLikePassword reports whether text seems to hold a password (R13,
// PRODUCT.md §5): such a message is refused, stored nowhere, logged
// nowhere, and the sender is told to change that password.
func looksLikePassword(text string) bool {
	text = normalize(text) // full-width letters and digits count as well
	for _, loc := range passwordPattern.FindAllStringIndex(text, -1) {
		if !masked(text[loc[1]-1:]) {
			return true
		}
	}
	for _, m := range barePassword.FindAllStringSubmatch(text, -1) {
		if strings.ContainsAny(m[2], "0123456789") {
			return true
		}
	}
	return false
}

// masked reports whether the value at the start of s is only asterisks, as
// in "密码：******": nothing is disclosed.
func masked(s string) bool {
	end := strings.IndexFunc(s, isSpace)
	if end < 0 {
		end = len(s)
	}
	return strings.Trim(s[:end], "*") == ""
}

// refusePassword is the engine's answer to a message that seems to carry a
// password (R13, PRODUCT.md §5), before any command runs: nothing of it is
// stored and nothing logged (the reply never quotes it), and the sender is
// told to change the password and how to send again without it. The
// command it named, if any, is noted for the metrics.
func (e *Engine) refusePassword(r *Request) error {
	again := "删掉密码后重新发送。"
	if c, ok := e.registry.Lookup(r.Word); ok {
		r.Command = c
		again = fmt.Sprintf("删掉密码后重新发送「/%s」。", c.Chinese)
		if c.Name == "account" {
			again += "账号密码由负责人自己保管，不用报备给机器人；改好密码后发送 /账号 已改密 编号 报备（不要写新密码）。"
		}
	}
	return teambot.Invalid("这条消息里像是写了密码，没有保存。密码不能发在聊天里，也不能交给机器人保存（R13）："+
		"它已经留在聊天记录里，请立即修改这个密码。要记下的内容请%s", again)
}
