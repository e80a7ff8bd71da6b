package lang

import (
	"regexp"
	"strings"
	"unicode"
)

// The password keywords: 密码 and 密碼 (a space inside too, "密 码"), 口令,
// password, pass word, p@ssword, passcode, passwd, pwd, and the short pass
// and pw. English ones are whole words: "passport", "bypass" and "compass"
// hold none.
const (
	strongKeyword = `密[\s\p{Z}]*[码碼]|口[\s\p{Z}]*令|\bp[a@]ss[\s\p{Z}]?w[o0]rds?\b|\bp[a@]ss[\s\p{Z}]?codes?\b|\bpasswd\b|\bpwd\b`
	weakKeyword   = `\bpass\b|\bpw\b`
)

// passwordPattern finds a keyword, then what leads from it to a value —
// separators (: =), verbs (是 为 就是 改成 改为 换成 设为 …, is, changed
// to), arrows and emoji (-> → 👉 ➡️), opening brackets and quotes (【 （
// 《 「 “ [) in any mix, with spaces between — and then the value, the
// printable ASCII that follows. Groups: 1 keyword, 2 what leads, 3 value.
var passwordPattern = regexp.MustCompile(`(?i)(` + strongKeyword + `|` + weakKeyword + `)` +
	`((?:[\s\p{Z}]*(?:` +
	`[:=]|-+>|=+>|[` + arrows + `\p{So}]\x{FE0F}?` +
	`|[已也都还還就仍]?(?:是|为|為|改成了?|改为|改為|换成了?|換成了?|设为|設為|设成|设置为|設置為|重置为|重置為|变成|變成)` +
	`|\bis\b|\bwas\b|\b(?:changed|set|reset|updated)[\s\p{Z}]+to\b` +
	"|[“‘「『【〔\\[(<《〈\"'`]" +
	`))+[\s\p{Z}]*)` +
	`([!-~]+)`)

// barePassword is a keyword followed by a value with no separator at all,
// "密码 Abc12345", "口令 778899", "pwd hunter2". Such a value must hold a
// digit, and one of digits alone at least six of them, so that "password
// reset", "密码 OK" and "密码 2026年起…" are not taken for one; pass and pw
// never stand bare before a password ("pass the review").
var barePassword = regexp.MustCompile(`(?i)(?:` + strongKeyword + `)[\s\p{Z}]*[“‘「"']?([!-~]{4,})`)

// arrows are the Unicode arrow blocks (→ ⇒ ⟶ ⤴); other math signs such as
// | and + separate options and items, not a keyword from its value.
const arrows = `\x{2190}-\x{21FF}\x{27F0}-\x{27FF}\x{2900}-\x{297F}`

// weakLead is what must lead from pass or pw to a value: a separator, an
// arrow or an emoji, not only a word or a bracket ("the pass is valid").
var weakLead = regexp.MustCompile(`[:=>` + arrows + `\p{So}]`)

// englishLead is a lead through an English verb (is, was, changed to);
// after one, a value of letters only that another English word follows
// is talk: "the password is stored in the vault", "is managed by IT".
var (
	englishLead = regexp.MustCompile(`[A-Za-z]`)
	nextWord    = regexp.MustCompile(`^[\s\p{Z}]+[A-Za-z]`)
)

// remark is a lead of round brackets only: "密码（见群公告）", "改了密码
// (wechat)" add a remark, so a value of letters only after one is none.
var remark = regexp.MustCompile(`^[\s\p{Z}(]+$`)

// notPasswords are the words that follow "password is" or "密码：" in talk
// about a password; a value of letters only that is one of them is none.
var notPasswords = map[string]bool{
	"none": true, "null": true, "empty": true, "n/a": true, "na": true, "unknown": true, "same": true,
	"the": true, "not": true, "too": true, "still": true, "also": true, "very": true, "now": true, "being": true,
	"wrong": true, "weak": true, "strong": true, "fine": true, "correct": true, "incorrect": true, "invalid": true,
	"required": true, "expired": true, "changed": true, "updated": true, "reset": true, "default": true,
	"set": true, "yes": true, "no": true, "ok": true, "okay": true, "missing": true, "blank": true, "true": true, "false": true,
	"secret": true, "private": true, "safe": true, "unsafe": true, "short": true, "long": true,
}

// LooksLikePassword reports whether text seems to hold a password (R13,
// docs/product.md §5): such a message is refused, stored nowhere, logged
// nowhere, and the sender is told to change that password. A value is a
// password when it leads from a keyword through a separator or a verb (see
// passwordPattern), letters only included, or follows the keyword bare
// with a digit in it (see barePassword). Talk about passwords gives no
// value: "密码管理制度", "已改密", "密码是什么时候改的", "密码：******".
func LooksLikePassword(text string) bool {
	text = Normalize(text) // full-width letters, digits and spaces count as well
	for _, loc := range passwordPattern.FindAllStringSubmatchIndex(text, -1) {
		keyword, lead, value := strings.ToLower(text[loc[2]:loc[3]]), text[loc[4]:loc[5]], text[loc[6]:loc[7]]
		if (keyword == "pass" || keyword == "pw") && !weakLead.MatchString(lead) {
			continue
		}
		if lettersOnly(trimValue(value)) && (remark.MatchString(lead) || (englishLead.MatchString(lead) && nextWord.MatchString(text[loc[1]:]))) {
			continue
		}
		if isPasswordValue(value) {
			return true
		}
	}
	for _, m := range barePassword.FindAllStringSubmatch(text, -1) {
		v := trimValue(m[1])
		if strings.IndexFunc(v, isDigitRune) >= 0 && (len(v) >= 6 || strings.IndexFunc(v, isLetter) >= 0) {
			return true
		}
	}
	return false
}

// isPasswordValue reports whether the printable ASCII after a separator
// discloses a password: at least three characters with a letter or a
// digit, not a placeholder ("******", "xxxxxx"), and when of letters only,
// not a word of talk about passwords ("wrong", "none").
func isPasswordValue(v string) bool {
	v = trimValue(v)
	switch {
	case len(v) < 3, strings.IndexFunc(v, isLetter) < 0 && strings.IndexFunc(v, isDigitRune) < 0, placeholder(v):
		return false
	case lettersOnly(v) || strings.EqualFold(v, "n/a"):
		return !notPasswords[strings.ToLower(v)]
	}
	return true
}

// trimValue drops the brackets, quotes and sentence punctuation around a
// value: "[abcdef]" is abcdef, "letmein," is letmein.
func trimValue(v string) string { return strings.Trim(v, "\"'`()[]{}<>.,;!?") }

// placeholder reports whether v only stands for a password: one character
// repeated, a mask such as "******" or "xxxxxx".
func placeholder(v string) bool {
	if strings.Trim(v, v[:1]) != "" {
		return false
	}
	return strings.ContainsAny(v[:1], "*xX#.-_")
}

// lettersOnly reports whether v is ASCII letters and nothing else.
func lettersOnly(v string) bool {
	return v != "" && strings.IndexFunc(v, func(r rune) bool { return !isLetter(r) }) < 0
}

func isLetter(r rune) bool    { return r < unicode.MaxASCII && unicode.IsLetter(r) }
func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }
