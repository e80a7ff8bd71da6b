package wxcallback_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"teambot/bot/wxcallback"
)

// A click is the AI bot's template_card_event, nested under the event as
// doc 101027 shows it: a vote_interaction with the options chosen under
// the question, or a button_interaction with none.
func TestClickMessage(t *testing.T) {
	c := &wxcallback.Callbacks{Mode: wxcallback.ModeBot, Now: func() time.Time { return time.Unix(1700000000, 0) }}
	var vote map[string]any
	if err := json.Unmarshal(c.ClickMessage(wxcallback.Click{MsgID: "c1", ChatID: "g1", UserID: "wangfang",
		ResponseURL: "https://example.com/r", TaskID: "vote-7", Key: "vote", Options: []string{"A"}}), &vote); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"msgid": "c1", "create_time": float64(1700000000), "aibotid": wxcallback.DefaultBotID, "chatid": "g1", "chattype": "group",
		"from": map[string]any{"userid": "wangfang"}, "response_url": "https://example.com/r", "msgtype": "event",
		"event": map[string]any{"eventtype": "template_card_event", "template_card_event": map[string]any{
			"card_type": "vote_interaction", "event_key": "vote", "task_id": "vote-7",
			"selected_items": map[string]any{"selected_item": []any{map[string]any{
				"question_key": "choice", "option_ids": map[string]any{"option_id": []any{"A"}}}}},
		}},
	}
	if !reflect.DeepEqual(vote, want) {
		t.Errorf("vote click\n got %v\nwant %v", vote, want)
	}
	var button struct {
		ChatType string `json:"chattype"`
		Event    struct {
			Card map[string]any `json:"template_card_event"`
		} `json:"event"`
	}
	if err := json.Unmarshal(c.ClickMessage(wxcallback.Click{UserID: "u", TaskID: "leave-12", Key: "approve"}), &button); err != nil {
		t.Fatal(err)
	}
	if button.ChatType != "single" || !reflect.DeepEqual(button.Event.Card, map[string]any{"card_type": "button_interaction", "event_key": "approve", "task_id": "leave-12"}) {
		t.Errorf("button click %+v", button)
	}
}
