package wecomtest_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/coder/websocket"

	"teambot/bot/wecomtest"
)

// lcClient is a bare long-connection client: one frame out, its ack back.
type lcClient struct {
	t   *testing.T
	ws  *websocket.Conn
	seq int
}

type lcAck struct {
	Errcode int             `json:"errcode"`
	Errmsg  string          `json:"errmsg"`
	Body    json.RawMessage `json:"body"`
}

func dialLongConn(t *testing.T) *lcClient {
	t.Helper()
	srv := wecomtest.NewLongConn("bot", "secret")
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, srv.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	t.Cleanup(func() { _ = ws.CloseNow() })
	c := &lcClient{t: t, ws: ws}
	if a := c.do("aibot_subscribe", map[string]string{"bot_id": "bot", "secret": "secret"}); a.Errcode != 0 {
		t.Fatalf("subscribe: %+v", a)
	}
	return c
}

func (c *lcClient) do(cmd string, body any) lcAck {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.seq++
	reqID := fmt.Sprintf("%s_%d", cmd, c.seq)
	frame, _ := json.Marshal(map[string]any{"cmd": cmd, "headers": map[string]string{"req_id": reqID}, "body": body})
	if err := c.ws.Write(ctx, websocket.MessageText, frame); err != nil {
		c.t.Fatal(err)
	}
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	var a struct {
		lcAck
		Headers struct {
			ReqID string `json:"req_id"`
		} `json:"headers"`
	}
	if err := json.Unmarshal(data, &a); err != nil || a.Headers.ReqID != reqID {
		c.t.Fatalf("ack %s for %s: %v", data, reqID, err)
	}
	return a.lcAck
}

// begin starts an upload and returns its upload_id.
func (c *lcClient) begin(size, chunks int, sum string) string {
	c.t.Helper()
	a := c.do("aibot_upload_media_init", map[string]any{"type": "file", "filename": "a.xlsx", "total_size": size, "total_chunks": chunks, "md5": sum})
	var b struct {
		UploadID string `json:"upload_id"`
	}
	if a.Errcode != 0 || json.Unmarshal(a.Body, &b) != nil || b.UploadID == "" {
		c.t.Fatalf("init: %+v", a)
	}
	return b.UploadID
}

func (c *lcClient) chunk(id string, i int, data []byte) lcAck {
	c.t.Helper()
	return c.do("aibot_upload_media_chunk", map[string]any{"upload_id": id, "chunk_index": i, "base64_data": base64.StdEncoding.EncodeToString(data)})
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// The fake takes chunks in any order and once each, and finishes an
// upload only when its chunks make the size and md5 announced, as WeCom
// checks them.
func TestLongConnUploadChecks(t *testing.T) {
	c := dialLongConn(t)
	data := []byte("0123456789abcdef")
	a, b := data[:8], data[8:]

	// Out of order, one chunk twice: accepted.
	id := c.begin(len(data), 2, md5hex(data))
	for _, step := range []struct {
		i    int
		data []byte
	}{{1, b}, {0, a}, {1, []byte("ignored!")}} {
		if ack := c.chunk(id, step.i, step.data); ack.Errcode != 0 {
			t.Fatalf("chunk %d: %+v", step.i, ack)
		}
	}
	fin := c.do("aibot_upload_media_finish", map[string]string{"upload_id": id})
	var done struct {
		MediaID string `json:"media_id"`
		Type    string `json:"type"`
	}
	if fin.Errcode != 0 || json.Unmarshal(fin.Body, &done) != nil || done.MediaID == "" || done.Type != "file" {
		t.Fatalf("finish: %+v", fin)
	}

	for name, tc := range map[string]struct {
		size   int
		sum    string
		chunks [][]byte
	}{
		"md5 mismatch":  {len(data), md5hex([]byte("something else")), [][]byte{a, b}},
		"size mismatch": {len(data) + 1, md5hex(data), [][]byte{a, b}},
		"chunk missing": {len(data), md5hex(data), [][]byte{a}},
	} {
		id := c.begin(tc.size, 2, tc.sum)
		for i, chunk := range tc.chunks {
			if ack := c.chunk(id, i, chunk); ack.Errcode != 0 {
				t.Fatalf("%s: chunk %d: %+v", name, i, ack)
			}
		}
		if ack := c.do("aibot_upload_media_finish", map[string]string{"upload_id": id}); ack.Errcode != wecomtest.LongConnBadUploadCode {
			t.Errorf("%s: finish %+v, want errcode %d", name, ack, wecomtest.LongConnBadUploadCode)
		}
	}
	if ack := c.chunk(c.begin(len(data), 2, md5hex(data)), 2, a); ack.Errcode != wecomtest.LongConnBadUploadCode {
		t.Errorf("chunk_index 2 of 2: %+v, want refused", ack)
	}
	if ack := c.chunk("no-such-upload", 0, a); ack.Errcode != wecomtest.LongConnBadUploadCode {
		t.Errorf("unknown upload_id: %+v", ack)
	}
	if ack := c.do("aibot_upload_media_init", map[string]any{"type": "file", "filename": "a", "total_size": 4, "total_chunks": 1, "md5": md5hex(data)}); ack.Errcode != wecomtest.LongConnBadUploadCode {
		t.Errorf("4 bytes: %+v, want refused", ack)
	}
}
