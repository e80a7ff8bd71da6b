//go:build integration

package main

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"testing"
	"time"

	"teambot/bot/wecomtest"
)

// wecomSender posts callbacks to one endpoint as WeCom does: a try that
// gets no HTTP 200 within 5 s (no answer, an error, or another status) is
// sent again about a second later, up to three tries in all. A 200 —
// empty or not — ends the tries.
type wecomSender struct {
	t      *testing.T
	c      *chatter
	client *http.Client
}

const (
	wecomTries    = 3
	wecomWait     = 5 * time.Second
	wecomRetryGap = time.Second
)

func newWeComSender(t *testing.T, c *chatter) *wecomSender {
	return &wecomSender{t: t, c: c, client: &http.Client{Timeout: wecomWait}}
}

// Send posts one callback (the inner plaintext, built already) with
// WeCom's retries. It returns the final status (0 when the last try got no
// answer), the decrypted reply text ("" for an empty 200) and how many
// tries were made. Safe for concurrent use.
func (s *wecomSender) Send(inner []byte) (status int, reply string, tries int) {
	for tries = 1; ; tries++ {
		status, reply = s.try(inner)
		if status == http.StatusOK || tries == wecomTries {
			return status, reply, tries
		}
		time.Sleep(wecomRetryGap) // WeCom's own pause between tries
	}
}

func (s *wecomSender) try(inner []byte) (int, string) {
	resp, err := s.client.Do(s.c.cb.Post(s.c.url, inner))
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
		s.t.Errorf("%s: a 200 whose reply does not open: %v", s.c.cb.Mode, err)
		return resp.StatusCode, ""
	}
	return resp.StatusCode, passiveText(s.c.cb.Mode, plain)
}

// passiveText is the text of a decrypted passive reply of each mode, or
// the plaintext itself when it is not what the mode answers.
func passiveText(mode wecomtest.Mode, plain []byte) string {
	switch mode {
	case wecomtest.ModeBot:
		var r struct{ Stream struct{ Content string } }
		if json.Unmarshal(plain, &r) == nil && r.Stream.Content != "" {
			return r.Stream.Content
		}
	case wecomtest.ModeRobot:
		var r struct {
			Content string `xml:"Text>Content"`
		}
		if xml.Unmarshal(plain, &r) == nil && r.Content != "" {
			return r.Content
		}
		var j struct{ Text struct{ Content string } }
		if json.Unmarshal(plain, &j) == nil && j.Text.Content != "" {
			return j.Text.Content
		}
	default:
		var r struct{ Content string }
		if xml.Unmarshal(plain, &r) == nil && r.Content != "" {
			return r.Content
		}
	}
	return string(plain)
}
