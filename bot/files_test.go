package bot_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
)

// monthly is the supervisor's message with the month's workbook.
func monthly(users ...string) teambot.Outgoing {
	return teambot.Outgoing{ID: 41, TeamID: 3, Channel: teambot.ToUsers, Users: users,
		Text:       "11 月月报已生成：工作簿请在看板下载。",
		Attachment: &teambot.Attachment{Kind: teambot.AttachMonthlyWorkbook, Ref: "2026-11", Name: "2026-11 月报.xlsx"}}
}

// xlsx stands for a made workbook.
var xlsx = append([]byte("PK\x03\x04"), bytes.Repeat([]byte("\x00\r\n月报"), 400)...)

// appBody is what the fake read of a message/send.
type appBody struct {
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	File struct {
		MediaID string `json:"media_id"`
	} `json:"file"`
}

func appSent(t *testing.T, srv *wecomtest.Server) []appBody {
	t.Helper()
	var out []appBody
	for _, c := range srv.Delivered(wecomtest.MessageSendPath) {
		var b appBody
		if err := c.JSON(&b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// newAppPusher is a Pusher of a fake WeCom with the app configured,
// whose Files makes xlsx and records what it was asked for.
func newAppPusher(t *testing.T) (*bot.Pusher, *wecomtest.Server, *[]teambot.Attachment) {
	srv := wecomtest.NewServer(t)
	client := wecom.New(wecom.Config{APIBase: srv.URL, CorpID: "ww01", AppSecret: "app-secret", AgentID: 1000002,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	var asked []teambot.Attachment
	p := &bot.Pusher{Client: client, Files: func(_ context.Context, team teambot.Team, a teambot.Attachment) ([]byte, error) {
		if team.ID != 3 {
			t.Errorf("file made for team %d", team.ID)
		}
		asked = append(asked, a)
		return xlsx, nil
	}}
	return p, srv, &asked
}

// A direct message with an attachment goes as the file, instead of its
// text: made when sent, uploaded under its name, sent by its media id.
func TestPusherSendsAttachmentAsFile(t *testing.T) {
	p, srv, asked := newAppPusher(t)
	if err := p.Deliver(context.Background(), teambot.Team{ID: 3}, monthly("wangfang")); err != nil {
		t.Fatal(err)
	}
	if len(*asked) != 1 || (*asked)[0] != *monthly().Attachment {
		t.Errorf("Files asked for %+v", *asked)
	}
	ups := srv.Uploads()
	if len(ups) != 1 || ups[0].Filename != "2026-11 月报.xlsx" || ups[0].Type != "file" || !bytes.Equal(ups[0].Data, xlsx) {
		t.Fatalf("uploads %+v", ups)
	}
	sent := appSent(t, srv)
	if len(sent) != 1 || sent[0].MsgType != "file" || sent[0].File.MediaID != ups[0].MediaID || sent[0].ToUser != "wangfang" {
		t.Errorf("sent %+v, want the file alone", sent)
	}
}

// Without Files the text goes; so it does when WeCom refuses the upload
// or the file message for good, so that the member gets something.
func TestPusherSendsTextWhenNoFileCanGo(t *testing.T) {
	for name, tc := range map[string]struct {
		setup func(*bot.Pusher, *wecomtest.Server)
		files int // files accepted by WeCom on the way
	}{
		"no Files":             {func(p *bot.Pusher, _ *wecomtest.Server) { p.Files = nil }, 0},
		"upload refused":       {func(_ *bot.Pusher, s *wecomtest.Server) { s.FailNext(wecomtest.MediaUploadPath, 40006, 1) }, 0},
		"file message refused": {func(_ *bot.Pusher, s *wecomtest.Server) { s.FailNext(wecomtest.MessageSendPath, 40007, 1) }, 1},
	} {
		p, srv, _ := newAppPusher(t)
		tc.setup(p, srv)
		if err := p.Deliver(context.Background(), teambot.Team{ID: 3}, monthly("wangfang")); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if n := len(srv.Uploads()); n != tc.files {
			t.Errorf("%s: %d uploads, want %d", name, n, tc.files)
		}
		sent := appSent(t, srv)
		if len(sent) != 1 || sent[0].MsgType != "text" || sent[0].Text.Content != monthly().Text {
			t.Errorf("%s: sent %+v, want the text alone", name, sent)
		}
	}
}

// A file that cannot be made now, or WeCom busy past the client's retries,
// is tried again later (not given up), and nothing goes meanwhile.
func TestPusherRetriesAFileNotMadeOrNotUploaded(t *testing.T) {
	p, srv, _ := newAppPusher(t)
	p.Files = func(context.Context, teambot.Team, teambot.Attachment) ([]byte, error) {
		return nil, errors.New("database unavailable")
	}
	err := p.Deliver(context.Background(), teambot.Team{ID: 3}, monthly("wangfang"))
	var perm *teambot.PermanentError
	if err == nil || errors.As(err, &perm) || !strings.Contains(err.Error(), "2026-11") {
		t.Errorf("file not made: %v, want an error to retry, naming the month", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls to WeCom, want none", n)
	}

	p, srv, _ = newAppPusher(t)
	srv.FailNext(wecomtest.MediaUploadPath, -1, 4)
	if err := p.Deliver(context.Background(), teambot.Team{ID: 3}, monthly("wangfang")); err == nil || errors.As(err, &perm) {
		t.Errorf("WeCom busy: %v, want an error to retry", err)
	}
	if sent := appSent(t, srv); len(sent) != 0 {
		t.Errorf("sent %+v while the upload is to be retried", sent)
	}
}

// fileSocket is newSocket with files: made as xlsx, uploads recorded, a
// file push recorded as the text "file:<media id>", slots recorded.
type fileSocket struct {
	*bot.Socket
	uploads []string // filename:bytes
	slots   []string
}

func newFileSocket(t *testing.T, reachable map[string]bool, out *[]sent, next *nextDeliverer) *fileSocket {
	fs := &fileSocket{Socket: newSocket(reachable, out, next)}
	fs.Files = func(_ context.Context, _ teambot.Team, a teambot.Attachment) ([]byte, error) {
		if a.Ref != "2026-11" {
			t.Errorf("Files asked for %+v", a)
		}
		return xlsx, nil
	}
	fs.UploadFile = func(_ context.Context, filename string, data []byte) (string, error) {
		if !bytes.Equal(data, xlsx) {
			t.Error("the upload is not the made file")
		}
		fs.uploads = append(fs.uploads, filename)
		return "media-1", nil
	}
	fs.SendFile = func(_ context.Context, chatID string, single bool, mediaID string) error {
		*out = append(*out, sent{chatID, single, "file:" + mediaID, nil})
		return nil
	}
	fs.Slots = func(_ context.Context, key string, n int) (bool, time.Time, error) {
		fs.slots = append(fs.slots, key)
		return true, time.Time{}, nil
	}
	return fs
}

// A member's single chat the socket reaches gets the file, uploaded under
// its name, within the bot's upload limit and the conversation's; a
// member without one gets the group's note or, with the app, the message
// as it is (the app sends the file); several members get the text.
func TestSocketPushesFiles(t *testing.T) {
	var out []sent
	next := &nextDeliverer{}
	s := newFileSocket(t, map[string]bool{"group:wrgroup": true, "single:wangfang": true, "single:zhangsan": true}, &out, next)
	team := teambot.Team{ID: 3, ChatID: "wrgroup"}
	ctx := context.Background()

	if err := s.Deliver(ctx, team, monthly("wangfang")); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0] != (sent{"wangfang", true, "file:media-1", nil}) {
		t.Fatalf("sent %+v, want the file in wangfang's single chat", out)
	}
	if len(s.uploads) != 1 || s.uploads[0] != "2026-11 月报.xlsx" {
		t.Errorf("uploads %v", s.uploads)
	}
	if strings.Join(s.slots, ",") != bot.UploadSlots+",wangfang" {
		t.Errorf("slots taken %v, want one upload and one of the conversation", s.slots)
	}

	// No single chat: the group's note, without the file.
	out, s.slots = nil, nil
	if err := s.Deliver(ctx, team, monthly("lisi")); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].chat != "wrgroup" || !strings.Contains(out[0].text, "私聊") || len(s.uploads) != 1 {
		t.Errorf("sent %+v, want the group's note alone", out)
	}
	// … or, with the app, the message as it is to Next.
	s.AppMessages = true
	if err := s.Deliver(ctx, team, monthly("lisi")); err != nil {
		t.Fatal(err)
	}
	if len(next.got) != 1 || next.got[0].Attachment == nil || next.got[0].Users[0] != "lisi" {
		t.Errorf("handed on %+v, want the message with its attachment", next.got)
	}

	// Two members: the text to each.
	out = nil
	if err := s.Deliver(ctx, team, monthly("wangfang", "zhangsan")); err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].text != monthly().Text || out[1].text != monthly().Text || len(s.uploads) != 1 {
		t.Errorf("sent %+v, want the text to each", out)
	}

	// A socket that sends no files: the text.
	out = nil
	s.UploadFile = nil
	if err := s.Deliver(ctx, team, monthly("wangfang")); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0] != (sent{"wangfang", true, monthly().Text, nil}) {
		t.Errorf("sent %+v, want the text", out)
	}
}

// A file WeCom refuses for good is replaced by the text in the same slot;
// a file not made is retried with nothing sent and no slot taken; with
// no room for an upload the message waits.
func TestSocketFileFailures(t *testing.T) {
	var out []sent
	s := newFileSocket(t, map[string]bool{"single:wangfang": true}, &out, &nextDeliverer{})
	ctx := context.Background()
	s.UploadFile = func(context.Context, string, []byte) (string, error) {
		return "", &teambot.PermanentError{Err: errors.New("errcode 40058")}
	}
	if err := s.Deliver(ctx, teambot.Team{ID: 3}, monthly("wangfang")); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0] != (sent{"wangfang", true, monthly().Text, nil}) || strings.Join(s.slots, ",") != bot.UploadSlots+",wangfang" {
		t.Errorf("refused upload: sent %+v in slots %v, want the text in the one slot", out, s.slots)
	}

	out, s.slots = nil, nil
	s.Files = func(context.Context, teambot.Team, teambot.Attachment) ([]byte, error) {
		return nil, errors.New("database unavailable")
	}
	err := s.Deliver(ctx, teambot.Team{ID: 3}, monthly("wangfang"))
	var perm *teambot.PermanentError
	if err == nil || errors.As(err, &perm) || len(out) != 0 || len(s.slots) != 0 {
		t.Errorf("file not made: err %v, sent %+v, slots %v; want an error to retry and nothing else", err, out, s.slots)
	}

	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	s.Files = func(context.Context, teambot.Team, teambot.Attachment) ([]byte, error) { return xlsx, nil }
	s.Slots = func(_ context.Context, key string, _ int) (bool, time.Time, error) {
		return key != bot.UploadSlots, now.Add(30 * time.Second), nil
	}
	err = s.Deliver(ctx, teambot.Team{ID: 3}, monthly("wangfang"))
	var later *teambot.RetryAfterError
	if !errors.As(err, &later) || later.Wait != 30*time.Second || len(out) != 0 {
		t.Errorf("no room to upload: err %v, sent %+v; want a 30 s deferral", err, out)
	}
}
