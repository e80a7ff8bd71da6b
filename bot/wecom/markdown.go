package wecom

import "strings"

// markdownActive are the characters WeCom markdown acts on wherever they
// stand, each with the full-width form that reads the same but formats
// nothing (docs/wecom-protocol.md §6): bold, code, links, mentions and
// <font>, quotes, strike-through and tables. WeCom documents no escape
// character, so replacing them is the only way to be sure that text the bot
// did not write never injects formatting, links, colours or <@mentions>.
// '#' acts at the start of a line (a heading): see the functions below.
var markdownActive = []string{
	"*", "＊", "`", "｀", "[", "［", "]", "］", "<", "＜", ">", "＞", "~", "～", "|", "｜",
}

var (
	// markdownText also replaces every '#': in text that keeps its line
	// breaks any '#' may start a line once the text is set in a message.
	markdownText = strings.NewReplacer(append(markdownActive[:len(markdownActive):len(markdownActive)], "#", "＃")...)
	// markdownInline also turns line breaks into spaces.
	markdownInline = strings.NewReplacer(append(markdownActive[:len(markdownActive):len(markdownActive)], "\n", " ", "\r", " ")...)
)

// EscapeMarkdown neutralizes WeCom markdown in text the bot did not write,
// such as a reply made of members' words, and keeps its line breaks: no line
// of it starts a heading or a quote ('#' and '>' become ＃ and ＞ wherever
// they stand), and nothing becomes bold, a link or an @mention.
func EscapeMarkdown(s string) string { return markdownText.Replace(s) }

// EscapeMarkdownInline neutralizes WeCom markdown in a value set inside a
// line of the bot's own markdown, such as a title in a digest: line breaks
// become spaces, so every line still starts with the bot's own text, and a
// '#' that starts the value becomes ＃; one further in, as in "会议 #3", stays.
func EscapeMarkdownInline(s string) string {
	s = markdownInline.Replace(s)
	indent := len(s) - len(strings.TrimLeft(s, " \t"))
	hashes := len(s[indent:]) - len(strings.TrimLeft(s[indent:], "#"))
	return s[:indent] + strings.Repeat("＃", hashes) + s[indent+hashes:]
}
