package longconn_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"teambot/bot/longconn"
	"teambot/bot/wecomtest"
)

// file is n bytes that differ from chunk to chunk, so that chunks out of
// place would show.
func file(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i ^ i>>9 ^ i>>17)
	}
	return b
}

// A file larger than a chunk goes in chunks of at most 512 KB, numbered
// from 0 under the upload_id init answered, announced with its size, count
// and md5; the fake reassembles it equal (checking size and md5 as WeCom
// does), and the media id finish answers pushes it as a file.
func TestUploadMediaAndSendFile(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	ctx := context.Background()
	data := file(2*longconn.ChunkBytes + 12345)
	const name = "2026-11 月报.xlsx"

	id, err := r.c.UploadMedia(ctx, longconn.MediaFile, name, data)
	if err != nil {
		t.Fatalf("UploadMedia: %v", err)
	}
	ups := srv.Uploads()
	if len(ups) != 1 || ups[0].Filename != name || ups[0].Type != "file" || ups[0].MediaID != id || id == "" {
		t.Fatalf("uploads %+v, media id %q", ups, id)
	}
	if !bytes.Equal(ups[0].Data, data) {
		t.Fatalf("reassembled %d bytes, not the %d uploaded", len(ups[0].Data), len(data))
	}

	var announced struct {
		Type        string `json:"type"`
		Filename    string `json:"filename"`
		TotalSize   int    `json:"total_size"`
		TotalChunks int    `json:"total_chunks"`
		MD5         string `json:"md5"`
	}
	if err := json.Unmarshal(frames(t, srv, "aibot_upload_media_init", 1)[0].Body, &announced); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(data)
	if announced.Type != "file" || announced.Filename != name || announced.TotalSize != len(data) ||
		announced.TotalChunks != 3 || announced.MD5 != hex.EncodeToString(sum[:]) {
		t.Errorf("init %+v", announced)
	}
	var uploadID string
	for i, f := range frames(t, srv, "aibot_upload_media_chunk", 3) {
		var c struct {
			UploadID   string `json:"upload_id"`
			ChunkIndex int    `json:"chunk_index"`
			Base64Data string `json:"base64_data"`
		}
		if err := json.Unmarshal(f.Body, &c); err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(c.Base64Data)
		if err != nil || c.ChunkIndex != i || len(raw) > longconn.ChunkBytes || c.UploadID == "" {
			t.Errorf("chunk %d: index %d, %d bytes, upload_id %q, %v", i, c.ChunkIndex, len(raw), c.UploadID, err)
		}
		uploadID = c.UploadID
	}
	if b := decode(t, frames(t, srv, "aibot_upload_media_finish", 1)[0].Body); b["upload_id"] != uploadID {
		t.Errorf("finish %v, want upload_id %q", b, uploadID)
	}

	if err := r.c.SendFile(ctx, "wangfang", longconn.ChatSingle, id); err != nil {
		t.Fatalf("SendFile: %v", err)
	}
	b := decode(t, frames(t, srv, "aibot_send_msg", 1)[0].Body)
	if f, _ := b["file"].(map[string]any); b["chatid"] != "wangfang" || b["chat_type"] != float64(1) || b["msgtype"] != "file" || f["media_id"] != id {
		t.Errorf("send body %v", b)
	}
}

// A file WeCom would refuse whatever the moment is not sent; a refused
// step is an *AckError; without a socket nothing is sent.
func TestUploadMediaRefused(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		kind, file string
		size       int
	}{
		"too small": {longconn.MediaFile, "a.xlsx", longconn.MinMediaBytes - 1},
		"too large": {longconn.MediaFile, "a.xlsx", longconn.MaxMediaBytes(longconn.MediaFile) + 1},
		"no name":   {longconn.MediaFile, "", 100},
		"no kind":   {"xlsx", "a.xlsx", 100},
	} {
		if _, err := r.c.UploadMedia(ctx, tc.kind, tc.file, file(tc.size)); !errors.Is(err, longconn.ErrInvalidMedia) {
			t.Errorf("%s: %v, want ErrInvalidMedia", name, err)
		}
	}
	if fs := srv.Frames("aibot_upload_media_init"); len(fs) != 0 {
		t.Errorf("%d inits sent for files out of bounds", len(fs))
	}

	srv.SetAckErr("aibot_upload_media_chunk", wecomtest.LongConnBadUploadCode, "invalid chunk")
	var ae *longconn.AckError
	if _, err := r.c.UploadMedia(ctx, longconn.MediaFile, "a.xlsx", file(100)); !errors.As(err, &ae) || ae.Code != wecomtest.LongConnBadUploadCode {
		t.Errorf("refused chunk: %v, want an *AckError", err)
	}
	if len(srv.Uploads()) != 0 || len(srv.Frames("aibot_upload_media_finish")) != 0 {
		t.Error("an upload whose chunk was refused was finished")
	}

	c := longconn.New(longconn.Config{BotID: botID, Secret: secret})
	if _, err := c.UploadMedia(ctx, longconn.MediaFile, "a.xlsx", file(100)); !errors.Is(err, longconn.ErrNotConnected) {
		t.Errorf("before Run: %v, want ErrNotConnected", err)
	}
	if err := c.SendFile(ctx, "wangfang", longconn.ChatSingle, "m"); !errors.Is(err, longconn.ErrNotConnected) {
		t.Errorf("before Run: %v, want ErrNotConnected", err)
	}
}
