package wecom_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"mime"
	"strings"
	"testing"
	"time"

	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
)

// workbook stands for a made file: binary, with line breaks and a
// multipart-looking line inside, which must come through untouched.
func workbook(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/256)
	}
	copy(b[n/3:], "\r\n--boundary\r\n")
	return b
}

// A file is uploaded as the multipart part "media" with its name and
// length, on the app's token and type=file, and sent by its media id as a
// file message.
func TestUploadMediaAndSendAppFile(t *testing.T) {
	srv, c, _ := newFake(t)
	ctx := context.Background()
	data := workbook(3000)
	const name = "2026-11 月报.xlsx"
	id, err := c.UploadMedia(ctx, wecom.MediaFile, name, data)
	if err != nil {
		t.Fatal(err)
	}
	calls := srv.CallsTo(wecomtest.MediaUploadPath)
	if len(calls) != 1 {
		t.Fatalf("%d uploads, want 1", len(calls))
	}
	call := calls[0]
	if call.Query.Get("access_token") != "TOKEN-1" || call.Query.Get("type") != "file" || call.Method != "POST" {
		t.Errorf("upload %s %s?%s", call.Method, call.Path, call.Query.Encode())
	}
	if mt, _, err := mime.ParseMediaType(call.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		t.Errorf("Content-Type %q", call.Header.Get("Content-Type"))
	}
	up := call.Upload
	if up == nil {
		t.Fatalf("no media part read from the body:\n%q", call.Body)
	}
	if up.Filename != name || !bytes.Equal(up.Data, data) || up.FileLength != "3000" || up.Type != "file" {
		t.Errorf("uploaded %q (filelength %q, type %q), %d bytes, equal %v", up.Filename, up.FileLength, up.Type, len(up.Data), bytes.Equal(up.Data, data))
	}
	if id == "" || id != up.MediaID {
		t.Errorf("media id %q, the fake answered %q", id, up.MediaID)
	}

	if err := c.SendAppFile(ctx, []string{"wangfang"}, id); err != nil {
		t.Fatal(err)
	}
	sent := srv.Delivered(wecomtest.MessageSendPath)
	if len(sent) != 1 {
		t.Fatalf("%d messages delivered, want 1", len(sent))
	}
	b := decode[struct {
		ToUser  string `json:"touser"`
		MsgType string `json:"msgtype"`
		AgentID int64  `json:"agentid"`
		File    struct {
			MediaID string `json:"media_id"`
		} `json:"file"`
	}](t, sent[0])
	if b.ToUser != "wangfang" || b.MsgType != "file" || b.AgentID != 1000002 || b.File.MediaID != id {
		t.Errorf("body %s", sent[0].Body)
	}
	callCount(t, srv, wecomtest.GetTokenPath, 1)

	// A media id WeCom never issued is refused.
	var api *wecom.APIError
	if err := c.SendAppFile(ctx, []string{"wangfang"}, "MEDIA-404"); !errors.As(err, &api) || api.Code != 40007 {
		t.Errorf("unknown media id: %v, want errcode 40007", err)
	}
}

// An upload is sent again whole when WeCom was busy, and on a fresh token
// (keeping its type) when the cached one expired.
func TestUploadMediaRetries(t *testing.T) {
	srv, c, clk := newFake(t)
	ctx := context.Background()
	data := workbook(700)
	srv.FailNext(wecomtest.MediaUploadPath, -1, 1)
	if _, err := c.UploadMedia(ctx, wecom.MediaFile, "a.xlsx", data); err != nil {
		t.Fatal(err)
	}
	calls := srv.CallsTo(wecomtest.MediaUploadPath)
	if len(calls) != 2 || calls[1].Upload == nil || !bytes.Equal(calls[1].Upload.Data, data) {
		t.Fatalf("%d calls; the retry did not carry the whole file", len(calls))
	}
	sleepsEqual(t, clk, time.Second) // one wait after -1

	srv.ExpireTokens()
	if _, err := c.UploadMedia(ctx, wecom.MediaFile, "b.xlsx", data); err != nil {
		t.Fatal(err)
	}
	ups := srv.Uploads()
	if len(ups) != 2 || ups[1].Filename != "b.xlsx" || ups[1].Type != "file" {
		t.Errorf("uploads %+v", ups)
	}
	callCount(t, srv, wecomtest.GetTokenPath, 2)
}

// A file WeCom would refuse whatever the moment is not sent: too small,
// too large, unnamed or of no known kind (ErrInvalidMedia); WeCom's own
// refusal is an *APIError; without the app nothing is sent.
func TestUploadMediaRefused(t *testing.T) {
	srv, c, _ := newFake(t)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		kind, file string
		size       int
	}{
		"too small": {wecom.MediaFile, "a.xlsx", wecom.MinMediaBytes - 1},
		"too large": {wecom.MediaFile, "a.xlsx", wecom.MaxMediaBytes(wecom.MediaFile) + 1},
		"no name":   {wecom.MediaFile, " ", 100},
		"no kind":   {"spreadsheet", "a.xlsx", 100},
	} {
		if _, err := c.UploadMedia(ctx, tc.kind, tc.file, make([]byte, tc.size)); !errors.Is(err, wecom.ErrInvalidMedia) {
			t.Errorf("%s: %v, want ErrInvalidMedia", name, err)
		}
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls to WeCom, want none", n)
	}

	srv.FailNext(wecomtest.MediaUploadPath, 40006, 1)
	var api *wecom.APIError
	if _, err := c.UploadMedia(ctx, wecom.MediaFile, "a.xlsx", workbook(50)); !errors.As(err, &api) || api.Code != 40006 || api.Op != "media/upload" {
		t.Errorf("refused upload: %v, want errcode 40006", err)
	}

	_, c2, _ := newFake(t, func(cfg *wecom.Config) { cfg.CorpID = "" })
	if _, err := c2.UploadMedia(ctx, wecom.MediaFile, "a.xlsx", workbook(50)); !errors.Is(err, wecom.ErrAppNotConfigured) {
		t.Errorf("without the app: %v", err)
	}
	if err := c2.SendAppFile(ctx, []string{"wangfang"}, "MEDIA-1"); !errors.Is(err, wecom.ErrAppNotConfigured) {
		t.Errorf("without the app: %v", err)
	}
}

// Neither the file's name nor its bytes reach the log or an error.
func TestUploadMediaLogsNoContent(t *testing.T) {
	var logs lockedBuffer
	srv, c, _ := newFake(t, func(cfg *wecom.Config) {
		cfg.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	srv.FailNext(wecomtest.MediaUploadPath, 40004, 1)
	data := []byte("salary sheet 12345")
	_, err := c.UploadMedia(context.Background(), wecom.MediaFile, "机密名单.xlsx", data)
	if err == nil {
		t.Fatal("the forced refusal did not fail")
	}
	for _, secret := range []string{"机密名单", "salary", "TOKEN-", testSecret} {
		if strings.Contains(logs.String(), secret) || strings.Contains(err.Error(), secret) {
			t.Errorf("%q in the log or the error:\n%s\n%v", secret, logs.String(), err)
		}
	}
	if !strings.Contains(logs.String(), "media/upload") {
		t.Errorf("the refusal was not logged:\n%s", logs.String())
	}
}
