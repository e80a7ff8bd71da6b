//go:build integration && unix

package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"testing"
	"time"

	"teambot/bot/wecomtest"
)

// wecomSender posts callbacks to one endpoint of a running serve the way
// WeCom does: a try that gets no HTTP 200 within 5 s (an error, another
// status, or no answer in time) is tried again, three tries in all, about a
// second apart. Every try carries the same signed envelope, as WeCom's
// retries do. Safe for concurrent use.
type wecomSender struct {
	t      *testing.T
	c      *chatter
	client *http.Client
}

// wecomTimeout is how long WeCom waits for an answer to one try.
const wecomTimeout = 5 * time.Second

func newWeComSender(t *testing.T, c *chatter) *wecomSender {
	return &wecomSender{t: t, c: c, client: &http.Client{Timeout: wecomTimeout}}
}

// Send posts one callback (inner is the plaintext message before
// encryption) and returns the last try's status (0 when it got no answer),
// the decrypted reply text ("" for an empty 200 or none) and how many tries
// were made.
func (s *wecomSender) Send(inner []byte) (status int, reply string, tries int) {
	first := s.c.cb.Post(s.c.url, inner)
	body, err := io.ReadAll(first.Body)
	if err != nil {
		s.t.Errorf("wecomSender: %v", err)
		return 0, "", 0
	}
	for tries = 1; ; tries++ {
		req, err := http.NewRequest(http.MethodPost, first.URL.String(), bytes.NewReader(body))
		if err != nil {
			s.t.Errorf("wecomSender: %v", err)
			return 0, "", tries
		}
		req.Header = first.Header.Clone()
		status, reply = s.try(req)
		if status == http.StatusOK || tries == 3 {
			return status, reply, tries
		}
		time.Sleep(time.Second) // WeCom's pause between tries
	}
}

// try makes one request and opens its reply; status 0 means no answer.
func (s *wecomSender) try(req *http.Request) (int, string) {
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, ""
	}
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		return resp.StatusCode, ""
	}
	plain, err := s.c.cb.OpenReply(body)
	if err != nil {
		s.t.Errorf("wecomSender: %s reply does not open: %v", s.c.cb.Mode, err)
		return resp.StatusCode, ""
	}
	return resp.StatusCode, sentReplyText(s.c.cb, plain)
}

// sentReplyText is the text of a decrypted passive reply in each mode's
// format, "" when it has none.
func sentReplyText(cb *wecomtest.Callbacks, plain []byte) string {
	switch {
	case cb.Mode == wecomtest.ModeBot:
		var r struct{ Stream struct{ Content string } }
		json.Unmarshal(plain, &r)
		return r.Stream.Content
	case cb.Mode == wecomtest.ModeRobot && cb.JSON:
		var r struct{ Text struct{ Content string } }
		json.Unmarshal(plain, &r)
		return r.Text.Content
	case cb.Mode == wecomtest.ModeRobot:
		var r struct {
			Content string `xml:"Text>Content"`
		}
		xml.Unmarshal(plain, &r)
		return r.Content
	}
	var r struct{ Content string }
	xml.Unmarshal(plain, &r)
	return r.Content
}
