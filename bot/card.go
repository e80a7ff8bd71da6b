package bot

import (
	"strings"
	"unicode/utf8"

	"teambot"
)

// Card types of the AI bot's interactive template cards (docs/cards.md §2).
const (
	CardTypeVote   = "vote_interaction"
	CardTypeButton = "button_interaction"
)

// ChoiceQuestionKey is the question_key of a vote card's checkbox; a
// click's selected options come back under it.
const ChoiceQuestionKey = "choice"

// DoneKey is the key of the one grey button a settled card shows: a click
// on it asks for nothing, and the engine answers it "已处理".
const DoneKey = "done"

// How long the texts of a card may be (docs/cards.md §2). WeCom recommends
// lengths in characters and the client cuts what is longer; teambot clips
// first, so that what shows ends in "…" rather than in the middle of a
// word. Ids and keys have hard limits in bytes: they are cut, never
// padded, and the engine's own are far shorter.
const (
	cardTitleRunes  = 36  // main_title.title
	cardDescRunes   = 44  // main_title.desc, and each line of a vote card's desc
	cardNoteRunes   = 160 // sub_title_text, and the note in a vote card's desc
	cardLabelRunes  = 10  // horizontal_content_list[].keyname
	cardValueRunes  = 30  // horizontal_content_list[].value
	cardButtonRunes = 10  // button_list[].text, submit_button.text
	cardDoneRunes   = 24  // the one button of a settled card, alone on its row
	cardOptionRunes = 20  // checkbox.option_list[].text
	cardOptionBytes = 128 // checkbox.option_list[].id
	cardKeyBytes    = 1024
)

// TemplateCard is a card as the AI bot's template_card JSON carries it
// (docs/cards.md §2): the body of a reply, a push or an update.
type TemplateCard struct {
	CardType   string        `json:"card_type"`
	MainTitle  cardTitle     `json:"main_title"`
	SubTitle   string        `json:"sub_title_text,omitempty"`
	Horizontal []cardKV      `json:"horizontal_content_list,omitempty"`
	Checkbox   *cardCheckbox `json:"checkbox,omitempty"`
	Submit     *cardSubmit   `json:"submit_button,omitempty"`
	Buttons    []cardButton  `json:"button_list,omitempty"`
	TaskID     string        `json:"task_id"`
}

type cardTitle struct {
	Title string `json:"title"`
	Desc  string `json:"desc,omitempty"`
}

type cardKV struct {
	Keyname string `json:"keyname"`
	Value   string `json:"value"`
}

type cardCheckbox struct {
	QuestionKey string       `json:"question_key"`
	Mode        int          `json:"mode"` // 0: a single choice
	Options     []cardOption `json:"option_list"`
	Disable     bool         `json:"disable"`
}

type cardOption struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	IsChecked bool   `json:"is_checked"`
}

type cardSubmit struct {
	Text string `json:"text"`
	Key  string `json:"key"`
}

type cardButton struct {
	Text  string `json:"text"`
	Style int    `json:"style"` // 1: the button to press; 2: the others
	Key   string `json:"key"`
}

// Button styles (docs/cards.md §2).
const (
	buttonPrimary = 1
	buttonPlain   = 2
)

// RenderCard renders c as the AI bot's template_card (docs/cards.md §2): a
// choice as a vote_interaction, buttons or a settled card as a
// button_interaction. It returns nil for a card with neither, or a choice
// without options: the message's text is sent instead.
func RenderCard(c *teambot.Card) *TemplateCard {
	switch {
	case c == nil:
		return nil
	case c.Choice != nil:
		return voteCard(c)
	case len(c.Buttons) > 0 || c.Done != "":
		return buttonCard(c)
	}
	return nil
}

// voteCard is a choice as a vote_interaction. That card has no rows nor
// sub title, so the lines and the note go into the desc, one a line.
func voteCard(c *teambot.Card) *TemplateCard {
	ch := c.Choice
	box := &cardCheckbox{QuestionKey: ChoiceQuestionKey, Disable: ch.Closed}
	options, ids := distinct(ch.Options, teambot.MaxCardOptions, cardOptionBytes, func(o teambot.CardOption) string { return o.ID })
	for i, o := range options {
		box.Options = append(box.Options, cardOption{ID: ids[i], Text: clip(o.Text, cardOptionRunes), IsChecked: o.ID == ch.Chosen && ch.Chosen != ""})
	}
	if len(box.Options) == 0 {
		return nil
	}
	var desc []string
	if c.Desc != "" {
		desc = append(desc, clip(c.Desc, cardDescRunes))
	}
	for _, l := range lines(c.Lines) {
		desc = append(desc, clip(l.Label+"："+l.Value, cardDescRunes))
	}
	if c.Note != "" {
		desc = append(desc, clip(c.Note, cardNoteRunes))
	}
	return &TemplateCard{
		CardType:  CardTypeVote,
		MainTitle: cardTitle{Title: clip(c.Title, cardTitleRunes), Desc: strings.Join(desc, "\n")},
		Checkbox:  box,
		Submit:    &cardSubmit{Text: clip(ch.Submit, cardButtonRunes), Key: clipBytes(ch.Key, cardKeyBytes)},
		TaskID:    c.TaskID,
	}
}

// buttonCard is a card with buttons, or a settled one, as a
// button_interaction: the lines as its rows, the note as its sub title.
func buttonCard(c *teambot.Card) *TemplateCard {
	tc := &TemplateCard{
		CardType:  CardTypeButton,
		MainTitle: cardTitle{Title: clip(c.Title, cardTitleRunes), Desc: clip(c.Desc, cardDescRunes)},
		SubTitle:  clip(c.Note, cardNoteRunes),
		TaskID:    c.TaskID,
	}
	for _, l := range lines(c.Lines) {
		tc.Horizontal = append(tc.Horizontal, cardKV{Keyname: clip(l.Label, cardLabelRunes), Value: clip(l.Value, cardValueRunes)})
	}
	if c.Done != "" {
		// Settled: one grey button saying how, in place of the buttons.
		tc.Buttons = []cardButton{{Text: clip(c.Done, cardDoneRunes), Style: buttonPlain, Key: DoneKey}}
		return tc
	}
	buttons, keys := distinct(c.Buttons, teambot.MaxCardButtons, cardKeyBytes, func(b teambot.CardButton) string { return b.Key })
	for i, b := range buttons {
		style := buttonPlain
		if b.Primary {
			style = buttonPrimary
		}
		tc.Buttons = append(tc.Buttons, cardButton{Text: clip(b.Text, cardButtonRunes), Style: style, Key: keys[i]})
	}
	return tc
}

// distinct keeps the first most of items whose id, cut to idBytes, has not
// come before — WeCom refuses an id or key twice, and more than its limit —
// with those ids.
func distinct[T any](items []T, most, idBytes int, id func(T) string) (kept []T, ids []string) {
	seen := map[string]bool{}
	for _, it := range items {
		k := clipBytes(id(it), idBytes)
		if seen[k] || len(kept) == most {
			continue
		}
		seen[k] = true
		kept, ids = append(kept, it), append(ids, k)
	}
	return kept, ids
}

// lines are the first MaxCardLines of ls: the card's text has them all.
func lines(ls []teambot.CardLine) []teambot.CardLine {
	return ls[:min(len(ls), teambot.MaxCardLines)]
}

// clip cuts s to at most n characters, the last of them "…" when it was
// longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// clipBytes cuts s to at most n bytes, at a character boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// clickUnavailable is the card a clicker sees when the database could not
// take the click: nothing happened, and its one button asks the engine to
// show the card as it stands (the key "refresh" runs nothing).
func clickUnavailable(taskID string) *teambot.Card {
	return &teambot.Card{TaskID: taskID, Title: "暂时无法处理", Desc: "数据库暂时不可用，这次点击没有生效。",
		Buttons: []teambot.CardButton{{Key: RefreshKey, Text: "重新载入卡片"}}}
}

// RefreshKey is the key of the button that shows a card as it stands
// without running anything (docs/cards.md §4).
const RefreshKey = "refresh"

// cardUpdate replaces a clicked card for userIDs: the passive answer to a
// card event in callback mode (docs/cards.md §4), the body of
// aibot_respond_update_msg on the long connection.
type cardUpdate struct {
	ResponseType string        `json:"response_type"`
	UserIDs      []string      `json:"userids,omitempty"`
	TemplateCard *TemplateCard `json:"template_card"`
}
