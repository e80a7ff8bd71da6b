package wxcallback

// AI bot messages (docs 100719, 101027).

type botMessage struct {
	MsgID       string       `json:"msgid"`
	CreateTime  int64        `json:"create_time,omitempty"`
	AIBotID     string       `json:"aibotid"`
	ChatID      string       `json:"chatid,omitempty"`
	ChatType    string       `json:"chattype"`
	From        botFrom      `json:"from"`
	ResponseURL string       `json:"response_url,omitempty"`
	MsgType     string       `json:"msgtype"`
	Text        *contentJSON `json:"text,omitempty"`
	Image       *botImage    `json:"image,omitempty"`
	Event       *botEvent    `json:"event,omitempty"`
}

type botFrom struct {
	UserID string `json:"userid"`
}

// contentJSON is the text of a JSON message, the AI bot's and the group
// robot's alike.
type contentJSON struct {
	Content string `json:"content"`
}

type botImage struct {
	URL string `json:"url"`
}

type botEvent struct {
	EventType    string        `json:"eventtype"`
	TemplateCard *botCardEvent `json:"template_card_event,omitempty"`
}

// botCardEvent is a click on a card, nested under the event as doc 101027
// shows it (docs/cards.md §3).
type botCardEvent struct {
	CardType      string            `json:"card_type"`
	EventKey      string            `json:"event_key"`
	TaskID        string            `json:"task_id"`
	SelectedItems *botSelectedItems `json:"selected_items,omitempty"`
}

type botSelectedItems struct {
	SelectedItem []botSelectedItem `json:"selected_item"`
}

type botSelectedItem struct {
	QuestionKey string `json:"question_key"`
	OptionIDs   struct {
		OptionID []string `json:"option_id"`
	} `json:"option_ids"`
}

func (c *Callbacks) newBotMessage(h msgHeader, msgType string) *botMessage {
	return &botMessage{
		MsgID:       orRandomID(h.msgID),
		AIBotID:     orDefault(c.BotID, DefaultBotID),
		ChatID:      h.chatID,
		ChatType:    h.chatType(),
		From:        botFrom{UserID: h.userID},
		ResponseURL: h.responseURL,
		MsgType:     msgType,
	}
}

// Click is a member's click on an interactive card the AI bot sent: a
// button, or a vote's submit button with the options chosen.
type Click struct {
	MsgID, ChatID, ChatType, UserID, ResponseURL string

	TaskID string // the card's task_id
	Key    string // the button's key, or the submit button's
	// Options are the option ids chosen: a vote_interaction card when set,
	// else a button_interaction.
	Options []string
	// QuestionKey names the question the options answer; "" means
	// "choice", the one teambot's vote cards ask.
	QuestionKey string
}

func (k Click) header() msgHeader {
	return msgHeader{k.MsgID, k.ChatID, k.ChatType, k.UserID, "", "", k.ResponseURL}
}

// ClickMessage returns the decrypted body of a template_card_event, in bot
// mode only: the click nested under event.template_card_event, as WeCom
// sends it over HTTP and over the long connection alike (doc 101027).
func (c *Callbacks) ClickMessage(k Click) []byte {
	if c.Mode != ModeBot {
		panic("wxcallback: card clicks are an AI bot event, not one of mode " + string(c.Mode))
	}
	ev := &botCardEvent{CardType: "button_interaction", EventKey: k.Key, TaskID: k.TaskID}
	if len(k.Options) > 0 {
		item := botSelectedItem{QuestionKey: orDefault(k.QuestionKey, "choice")}
		item.OptionIDs.OptionID = k.Options
		ev.CardType, ev.SelectedItems = "vote_interaction", &botSelectedItems{SelectedItem: []botSelectedItem{item}}
	}
	m := c.newBotMessage(k.header(), "event")
	m.CreateTime = c.now().Unix()
	m.Event = &botEvent{EventType: "template_card_event", TemplateCard: ev}
	return marshalCallbackJSON(m)
}
