package bot_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"teambot"
	"teambot/bot"
)

// cardJSON is a rendered card as WeCom reads it.
func cardJSON(t *testing.T, c *teambot.Card) map[string]any {
	t.Helper()
	tc := bot.RenderCard(c)
	if tc == nil {
		t.Fatalf("card %+v rendered as nothing", c)
	}
	raw, err := json.Marshal(tc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A vote: a vote_interaction whose checkbox is a single choice with the
// viewer's option ticked, closed once the vote is; the lines and the note,
// for which that card has no place of its own, in the desc.
func TestRenderVoteCard(t *testing.T) {
	got := cardJSON(t, &teambot.Card{
		Kind: teambot.CardVote, Subject: 7, TaskID: "vote-7-abc", Title: "投票 #7：周五团建去哪",
		Desc:  "截止 12月5日 18:00",
		Lines: []teambot.CardLine{{Label: "发起人", Value: "王芳"}, {Label: "已投", Value: "5/8"}},
		Note:  "也可以发送 /投票 7 A",
		Choice: &teambot.CardChoice{
			Options: []teambot.CardOption{{ID: "A", Text: "爬山"}, {ID: "B", Text: "桌游"}},
			Chosen:  "B", Submit: "投票", Key: "vote", Closed: true,
		},
	})
	want := map[string]any{
		"card_type": "vote_interaction",
		"main_title": map[string]any{"title": "投票 #7：周五团建去哪",
			"desc": "截止 12月5日 18:00\n发起人：王芳\n已投：5/8\n也可以发送 /投票 7 A"},
		"checkbox": map[string]any{"question_key": "choice", "mode": float64(0), "disable": true,
			"option_list": []any{
				map[string]any{"id": "A", "text": "爬山", "is_checked": false},
				map[string]any{"id": "B", "text": "桌游", "is_checked": true},
			}},
		"submit_button": map[string]any{"text": "投票", "key": "vote"},
		"task_id":       "vote-7-abc",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("vote card\n got %v\nwant %v", got, want)
	}
}

// A decision: a button_interaction with the lines as rows, the note as its
// sub title, the button to press in the primary style.
func TestRenderDecisionCard(t *testing.T) {
	got := cardJSON(t, &teambot.Card{
		Kind: teambot.CardLeave, Subject: 12, TaskID: "leave-12-x", Title: "请假申请 #12", Desc: "王芳 申请病假",
		Lines:   []teambot.CardLine{{Label: "日期", Value: "12月3日–12月5日"}, {Label: "原因", Value: "发烧"}},
		Note:    "也可以发送 /批准 12 或 /驳回 12 原因",
		Buttons: []teambot.CardButton{{Key: "approve", Text: "批准", Primary: true}, {Key: "reject", Text: "驳回"}},
	})
	want := map[string]any{
		"card_type":      "button_interaction",
		"main_title":     map[string]any{"title": "请假申请 #12", "desc": "王芳 申请病假"},
		"sub_title_text": "也可以发送 /批准 12 或 /驳回 12 原因",
		"horizontal_content_list": []any{
			map[string]any{"keyname": "日期", "value": "12月3日–12月5日"},
			map[string]any{"keyname": "原因", "value": "发烧"},
		},
		"button_list": []any{
			map[string]any{"text": "批准", "style": float64(1), "key": "approve"},
			map[string]any{"text": "驳回", "style": float64(2), "key": "reject"},
		},
		"task_id": "leave-12-x",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decision card\n got %v\nwant %v", got, want)
	}
}

// A settled card shows one grey button saying how it was settled, in place
// of its buttons; a card with neither buttons nor a choice is no card.
func TestRenderDoneCard(t *testing.T) {
	got := cardJSON(t, &teambot.Card{TaskID: "leave-12-x", Title: "请假申请 #12",
		Lines:   []teambot.CardLine{{Label: "日期", Value: "12月3日"}},
		Buttons: []teambot.CardButton{{Key: "approve", Text: "批准", Primary: true}},
		Done:    "已批准 · 王芳 12月3日 10:02"})
	buttons := got["button_list"].([]any)
	want := map[string]any{"text": "已批准 · 王芳 12月3日 10:02", "style": float64(2), "key": "done"}
	if len(buttons) != 1 || !reflect.DeepEqual(buttons[0], want) || got["card_type"] != "button_interaction" ||
		len(got["horizontal_content_list"].([]any)) != 1 {
		t.Errorf("done card %v, want its rows and the one button %v", got, want)
	}
	for _, c := range []*teambot.Card{nil, {TaskID: "t", Title: "只有文字"}, {TaskID: "t", Choice: &teambot.CardChoice{Submit: "投票", Key: "vote"}}} {
		if tc := bot.RenderCard(c); tc != nil {
			t.Errorf("card %+v rendered as %+v, want none (its text is sent)", c, tc)
		}
	}
}

// However much a card holds, what is rendered is within WeCom's limits:
// at most 6 buttons, 20 options and 6 rows, texts clipped (ending in "…"),
// ids within 128 bytes and still UTF-8, no id or key twice.
func TestRenderCardWithinLimits(t *testing.T) {
	long := strings.Repeat("很长的标题", 20)
	c := &teambot.Card{TaskID: "t-1", Title: long, Desc: long, Note: strings.Repeat("注", 300)}
	for i := range 9 {
		c.Lines = append(c.Lines, teambot.CardLine{Label: fmt.Sprint("标签", i, long), Value: long})
		c.Buttons = append(c.Buttons, teambot.CardButton{Key: fmt.Sprint("k", i%8), Text: long})
	}
	got := cardJSON(t, c)
	title := got["main_title"].(map[string]any)
	if n := utf8.RuneCountInString(title["title"].(string)); n != 36 || !strings.HasSuffix(title["title"].(string), "…") {
		t.Errorf("title of %d characters: %q", n, title["title"])
	}
	if n := utf8.RuneCountInString(title["desc"].(string)); n != 44 {
		t.Errorf("desc of %d characters", n)
	}
	if n := utf8.RuneCountInString(got["sub_title_text"].(string)); n != 160 {
		t.Errorf("sub title of %d characters", n)
	}
	rows, buttons := got["horizontal_content_list"].([]any), got["button_list"].([]any)
	if len(rows) != teambot.MaxCardLines || len(buttons) != teambot.MaxCardButtons {
		t.Errorf("%d rows and %d buttons, want %d and %d", len(rows), len(buttons), teambot.MaxCardLines, teambot.MaxCardButtons)
	}
	for _, r := range rows {
		kv := r.(map[string]any)
		if utf8.RuneCountInString(kv["keyname"].(string)) > 10 || utf8.RuneCountInString(kv["value"].(string)) > 30 {
			t.Errorf("row %v not clipped", kv)
		}
	}
	keys := map[any]bool{}
	for _, b := range buttons {
		b := b.(map[string]any)
		if keys[b["key"]] || utf8.RuneCountInString(b["text"].(string)) > 10 {
			t.Errorf("button %v: a key twice, or its text not clipped", b)
		}
		keys[b["key"]] = true
	}

	vote := &teambot.Card{TaskID: "t-2", Title: "投票", Choice: &teambot.CardChoice{Submit: "提交这次投票给大家看看结果", Key: "vote"}}
	for i := range 25 {
		vote.Choice.Options = append(vote.Choice.Options, teambot.CardOption{ID: fmt.Sprint(i, strings.Repeat("选", 60)), Text: long})
	}
	vote.Choice.Options = append(vote.Choice.Options, vote.Choice.Options[0]) // the same id again
	for range 9 {
		vote.Lines = append(vote.Lines, teambot.CardLine{Label: "行", Value: "值"})
	}
	got = cardJSON(t, vote)
	options := got["checkbox"].(map[string]any)["option_list"].([]any)
	if len(options) != teambot.MaxCardOptions {
		t.Errorf("%d options, want %d", len(options), teambot.MaxCardOptions)
	}
	ids := map[string]bool{}
	for _, o := range options {
		id := o.(map[string]any)["id"].(string)
		if len(id) > 128 || !utf8.ValidString(id) || ids[id] {
			t.Errorf("option id %q: %d bytes, or not UTF-8, or twice", id, len(id))
		}
		ids[id] = true
	}
	if desc := got["main_title"].(map[string]any)["desc"].(string); strings.Count(desc, "行：值") != teambot.MaxCardLines {
		t.Errorf("vote desc %q, want %d lines", desc, teambot.MaxCardLines)
	}
	if submit := got["submit_button"].(map[string]any)["text"].(string); utf8.RuneCountInString(submit) != 10 {
		t.Errorf("submit text %q not clipped to 10", submit)
	}
}
