package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"teambot/bot"
	"teambot/bot/wecomtest"
	"teambot/storage/storagetest"
)

// answer is what the bot answered a message or a click with: text, or a
// card; for a click, whom the update is for.
type answer struct {
	text  string
	card  *bot.TemplateCard
	users []string
}

// cardWay is one way in that shows cards: serve's AI bot callback
// endpoint, or the long connection.
type cardWay interface {
	// say sends text from user in chat ("" for the user's single chat).
	say(user, chat, text string) answer
	// click clicks key (and options) on card as user in chat.
	click(user, chat string, card *bot.TemplateCard, key string, options ...string) answer
}

// decodeAnswer reads an AI bot answer body: a finished stream, a card, or a
// card update.
func decodeAnswer(t *testing.T, plain []byte) answer {
	t.Helper()
	var r struct {
		MsgType      string            `json:"msgtype"`
		ResponseType string            `json:"response_type"`
		UserIDs      []string          `json:"userids"`
		TemplateCard *bot.TemplateCard `json:"template_card"`
		Stream       struct {
			Finish  bool   `json:"finish"`
			Content string `json:"content"`
		} `json:"stream"`
	}
	if err := json.Unmarshal(plain, &r); err != nil {
		t.Fatalf("answer %s: %v", plain, err)
	}
	switch {
	case r.ResponseType == "update_template_card" && r.TemplateCard != nil:
		return answer{card: r.TemplateCard, users: r.UserIDs}
	case r.MsgType == "template_card" && r.TemplateCard != nil:
		return answer{card: r.TemplateCard}
	case r.MsgType == "stream" && r.Stream.Finish:
		return answer{text: r.Stream.Content}
	}
	t.Fatalf("answer %s: neither a finished stream, a card nor an update", plain)
	return answer{}
}

// httpWay is serve's AI bot callback endpoint.
type httpWay struct {
	t   *testing.T
	cb  *wecomtest.Callbacks
	url string
	seq int
}

func (w *httpWay) post(inner []byte) answer {
	w.t.Helper()
	resp, err := http.DefaultClient.Do(w.cb.Post(w.url, inner))
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		w.t.Fatalf("HTTP %d %q, want 200 with an answer", resp.StatusCode, body)
	}
	plain, err := w.cb.OpenReply(body)
	if err != nil {
		w.t.Fatal(err)
	}
	return decodeAnswer(w.t, plain)
}

func (w *httpWay) say(user, chat, text string) answer {
	w.seq++
	return w.post(w.cb.TextMessage(wecomtest.Text{MsgID: fmt.Sprint("m", w.seq), ChatID: chat, UserID: user, Content: text}))
}

func (w *httpWay) click(user, chat string, card *bot.TemplateCard, key string, options ...string) answer {
	w.seq++
	chatType := "group"
	if chat == "" {
		chatType = "single"
	}
	return w.post(w.cb.ClickMessage(wecomtest.Click{MsgID: fmt.Sprint("c", w.seq), ChatID: chat, ChatType: chatType, UserID: user,
		TaskID: card.TaskID, Key: key, Options: options}))
}

// socketWay is the long connection.
type socketWay struct {
	t    *testing.T
	fake *wecomtest.LongConn
	seq  int
}

func (w *socketWay) say(user, chat, text string) answer {
	w.t.Helper()
	w.seq++
	chatType := "group"
	if chat == "" {
		chatType = "single"
	}
	before := len(w.fake.Frames("aibot_respond_msg"))
	reqID := w.fake.Message(fmt.Sprint("m", w.seq), chat, chatType, user, text)
	frames, ok := w.fake.WaitFrames("aibot_respond_msg", before+1, 10*time.Second)
	if !ok || frames[len(frames)-1].ReqID != reqID {
		w.t.Fatalf("%s: no answer on its req_id", text)
	}
	return decodeAnswer(w.t, frames[len(frames)-1].Body)
}

func (w *socketWay) click(user, chat string, card *bot.TemplateCard, key string, options ...string) answer {
	w.t.Helper()
	w.seq++
	chatType := "group"
	if chat == "" {
		chatType = "single"
	}
	before := len(w.fake.Frames("aibot_respond_update_msg"))
	reqID := w.fake.Click(fmt.Sprint("c", w.seq), chat, chatType, user, card.TaskID, key, options)
	frames, ok := w.fake.WaitFrames("aibot_respond_update_msg", before+1, 10*time.Second)
	if !ok || frames[len(frames)-1].ReqID != reqID {
		w.t.Fatalf("click %s: no update on its req_id", key)
	}
	return decodeAnswer(w.t, frames[len(frames)-1].Body)
}

// The acceptance through each way in that shows cards: a vote card
// is posted, three members click, one changes their mind, the supervisor
// vetoes — the ballots, the clickers' cards and the result are what the
// same ballots typed give on a twin vote; a leave card approved by the
// supervisor, then clicked again, is 已处理; a member clicking the
// supervisor's card is refused and nothing changes (R9, R11, R14).
func TestCardsThroughEachWayIn(t *testing.T) {
	t.Run("callback", func(t *testing.T) {
		getenv := env(
			"TEAMBOT_DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "cards.db"),
			"TEAMBOT_LISTEN", "127.0.0.1:0", "TEAMBOT_ADMINS", "boss",
			"WECOM_BOT_TOKEN", "bot-token", "WECOM_BOT_AES_KEY", testAESKey,
		)
		ctx, cancel := context.WithCancel(context.Background())
		var stderr syncBuffer
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
		addr := waitForAddr(t, &stderr, done)
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}()
		playCards(t, &httpWay{t: t, url: "http://" + addr + "/wecom/bot",
			cb: &wecomtest.Callbacks{Mode: wecomtest.ModeBot, Token: "bot-token", AESKey: testAESKey}})
	})
	t.Run("long connection", func(t *testing.T) {
		fake := wecomtest.NewLongConn("bot-1", "secret-1")
		defer fake.Close()
		clock := &metricsClock{now: time.Now()}
		replica := startReplica(t, storagetest.SQLiteURL(t), fake, "secret-1", clock)
		if !fake.WaitSubscribed(1, 10*time.Second) {
			t.Fatal("the long connection did not subscribe")
		}
		waitConnected(t, replica.lc.client)
		w := &socketWay{t: t, fake: fake}
		playCards(t, w)

		// The leave request also brought the supervisor a card of her own,
		// pushed into her single chat once she had one: decided already on
		// the other card, it says so when clicked.
		replica.tick()
		var pushed *bot.TemplateCard
		for _, f := range fake.Frames("aibot_send_msg") {
			var b struct {
				ChatID       string            `json:"chatid"`
				ChatType     int               `json:"chat_type"`
				MsgType      string            `json:"msgtype"`
				TemplateCard *bot.TemplateCard `json:"template_card"`
			}
			if err := json.Unmarshal(f.Body, &b); err != nil {
				t.Fatal(err)
			}
			if b.MsgType == "template_card" && b.ChatID == "wangfang" && b.ChatType == 1 {
				pushed = b.TemplateCard
			}
		}
		if pushed == nil || pushed.CardType != bot.CardTypeButton || !strings.Contains(pushed.MainTitle.Title, "请假 #1：张三") {
			t.Fatalf("no leave card pushed to the supervisor: %+v", fake.Frames("aibot_send_msg"))
		}
		if a := w.click("wangfang", "", pushed, "approve"); a.card == nil || !strings.Contains(a.card.SubTitle, "已处理：已批准 · 王芳") {
			t.Errorf("a click on the pushed card after the approval: %+v", a.card)
		}
	})
}

func playCards(t *testing.T, w cardWay) {
	const group = "group-cards"
	for _, m := range [][2]string{{"wangfang", "/加入 王芳"}, {"zhangsan", "/加入 张三 文案"}, {"lisi", "/加入 李四 美工"}, {"wangwu", "/加入 王五 技术"}, {"boss", "/主管 @王芳"}} {
		if a := w.say(m[0], group, m[1]); a.text == "" {
			t.Fatalf("%s: no text answer: %+v", m[1], a)
		}
	}

	vote := w.say("zhangsan", group, "/投票 发起 是否参加双十二大促 截止 明天 18:00").card
	twin := w.say("zhangsan", group, "/投票 发起 是否参加双十二大促 截止 明天 18:00").card
	if vote == nil || twin == nil || vote.CardType != bot.CardTypeVote || vote.TaskID == twin.TaskID {
		t.Fatalf("vote cards %+v and %+v, want two vote_interaction cards with their own task ids", vote, twin)
	}
	if desc := vote.MainTitle.Desc; !strings.Contains(desc, "主管有否决权") || !strings.Contains(desc, "已投 0/4 人") {
		t.Errorf("the vote card lacks the rule or the turnout: %q", desc)
	}
	for _, c := range []struct{ user, option, want string }{
		{"zhangsan", "o1", "已投：同意"}, {"lisi", "o2", "已投：反对"}, {"wangwu", "o1", "已投：同意"}, {"lisi", "o1", "已投：同意"},
	} {
		a := w.click(c.user, group, vote, "ballot", c.option)
		if a.card == nil || fmt.Sprint(a.users) != "["+c.user+"]" || a.card.TaskID != vote.TaskID {
			t.Fatalf("%s's click: %+v, want the card updated for them alone under its task id", c.user, a)
		}
		if !strings.Contains(a.card.MainTitle.Desc, c.want) || !checked(a.card, c.option) {
			t.Errorf("%s's card after choosing %s: %+v", c.user, c.option, a.card)
		}
	}
	typed := func(user, text string) {
		t.Helper()
		if a := w.say(user, group, fmt.Sprintf(text, 2)); a.text == "" {
			t.Errorf("%s: %+v", text, a)
		}
	}
	typed("zhangsan", "/同意 %d")
	typed("lisi", "/反对 %d")
	typed("wangwu", "/同意 %d")
	typed("lisi", "/同意 %d")

	if a := w.click("stranger", group, vote, "ballot", "o2"); a.card == nil || !strings.Contains(a.card.MainTitle.Desc, "不是这个团队的成员") {
		t.Errorf("a stranger's click: %+v", a)
	}
	shown := func(id int) string {
		t.Helper()
		text := w.say("wangfang", group, fmt.Sprintf("/投票 查看 %d", id)).text
		return regexp.MustCompile(`([#＃]|/同意 |/反对 |/弃权 )\d+`).ReplaceAllString(text, "${1}N")
	}
	if byCard, byText := shown(1), shown(2); byCard != byText || !strings.Contains(byCard, "已投 3/4 人") {
		t.Errorf("the vote by card shows\n%s\nthe vote typed\n%s", byCard, byText)
	}
	veto := w.say("wangfang", group, "/投票 否决 1 预算不够").card
	w.say("wangfang", group, "/投票 否决 2 预算不够")
	if veto == nil || veto.Checkbox == nil || !veto.Checkbox.Disable || !strings.Contains(veto.MainTitle.Desc, "被主管否决") || !strings.Contains(veto.MainTitle.Desc, "同意 3") {
		t.Errorf("the result card: %+v", veto)
	}
	if byCard, byText := shown(1), shown(2); byCard != byText || !strings.Contains(byCard, "同意：张三、李四、王五") || !strings.Contains(byCard, "否决") {
		t.Errorf("after the veto the vote by card shows\n%s\nthe vote typed\n%s", byCard, byText)
	}
	if a := w.click("wangwu", group, vote, "ballot", "o2"); a.card == nil || !strings.Contains(a.card.MainTitle.Desc, "已处理") {
		t.Errorf("a click after the veto: %+v", a)
	}

	// A leave card in the supervisor's single chat.
	if a := w.say("zhangsan", group, "/请假 下周一 看牙医"); !strings.Contains(a.text, "等待主管 王芳 批准") {
		t.Fatalf("leave request: %+v", a)
	}
	leave := w.say("wangfang", "", "/请假 列表").card
	if leave == nil || leave.CardType != bot.CardTypeButton || len(leave.Buttons) != 2 || !strings.Contains(fmt.Sprint(leave.Horizontal), "看牙医") {
		t.Fatalf("the supervisor's leave card: %+v", leave)
	}
	refused := w.click("lisi", "", leave, "approve")
	if refused.card == nil || !strings.Contains(refused.card.SubTitle, "主管") || len(refused.card.Buttons) != 2 || strings.Contains(fmt.Sprint(refused.card), "看牙医") {
		t.Errorf("a member clicking the supervisor's card: %+v", refused.card)
	}
	if a := w.say("zhangsan", "", "/请假 列表"); !strings.Contains(a.text, "待批") {
		t.Errorf("after a member's click the leave is not pending: %q", a.text)
	}
	approved := w.click("wangfang", "", leave, "approve")
	if approved.card == nil || len(approved.card.Buttons) != 1 || !strings.HasPrefix(approved.card.Buttons[0].Text, "已批准 · 王芳") {
		t.Errorf("the approved card: %+v", approved.card)
	}
	again := w.click("wangfang", "", leave, "reject")
	if again.card == nil || !strings.Contains(again.card.SubTitle, "已处理") {
		t.Errorf("a second click: %+v", again.card)
	}
	if a := w.say("zhangsan", "", "/请假 列表"); !strings.Contains(a.text, "已批准") {
		t.Errorf("the leave after the clicks: %q", a.text)
	}
}

// checked reports whether option is the one checked on card.
func checked(card *bot.TemplateCard, option string) bool {
	if card.Checkbox == nil {
		return false
	}
	n := 0
	for _, o := range card.Checkbox.Options {
		if o.IsChecked {
			n++
			if o.ID != option {
				return false
			}
		}
	}
	return n == 1
}

// R5 over the long connection: /月报 brings the supervisor, in her single
// chat, the report, the appendix and the month's workbook as a file —
// uploaded in chunks and pushed — which opens as a workbook with the
// month's figures and holds nothing of the appendix.
func TestMonthlyWorkbookOverTheLongConnection(t *testing.T) {
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	clock := &metricsClock{now: time.Now()}
	replica := startReplica(t, storagetest.SQLiteURL(t), fake, "secret-1", clock)
	if !fake.WaitSubscribed(1, 10*time.Second) {
		t.Fatal("the long connection did not subscribe")
	}
	waitConnected(t, replica.lc.client)
	w := &socketWay{t: t, fake: fake}
	const group = "group-month"
	for _, m := range [][2]string{{"wangfang", "/加入 王芳"}, {"zhangsan", "/加入 张三 文案"}, {"boss", "/主管 @王芳"}} {
		w.say(m[0], group, m[1])
	}
	w.say("wangfang", group, "/惩处 @张三 批评 依据2 选题撞车")
	if a := w.say("wangfang", "", "/月报"); !strings.Contains(a.text, "已分开私信发给你") {
		t.Fatalf("/月报: %+v", a)
	}
	replica.tick()
	uploads := fake.Uploads()
	if len(uploads) != 1 || !strings.HasSuffix(uploads[0].Filename, "-月度工作报告.xlsx") {
		t.Fatalf("uploads %+v, want the month's workbook", uploads)
	}
	var sent bool
	for _, f := range fake.Frames("aibot_send_msg") {
		var b struct {
			ChatID  string `json:"chatid"`
			MsgType string `json:"msgtype"`
			File    struct {
				MediaID string `json:"media_id"`
			} `json:"file"`
		}
		if err := json.Unmarshal(f.Body, &b); err != nil {
			t.Fatal(err)
		}
		sent = sent || (b.MsgType == "file" && b.ChatID == "wangfang" && b.File.MediaID == uploads[0].MediaID)
	}
	if !sent {
		t.Errorf("the workbook was not pushed to the supervisor: %+v", fake.Frames("aibot_send_msg"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(uploads[0].Data))
	if err != nil {
		t.Fatalf("the file is no workbook: %v", err)
	}
	defer f.Close()
	sheets := strings.Join(f.GetSheetList(), ",")
	if !strings.HasPrefix(sheets, "概览,") || strings.Contains(sheets, "附录") {
		t.Errorf("sheets %s", sheets)
	}
	zr, err := zip.NewReader(bytes.NewReader(uploads[0].Data), int64(len(uploads[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, part := range zr.File {
		rc, err := part.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		all.Write(b)
	}
	if !strings.Contains(all.String(), "张三") || strings.Contains(all.String(), "选题撞车") {
		t.Error("the workbook lacks the members or holds the appendix's text")
	}
}
