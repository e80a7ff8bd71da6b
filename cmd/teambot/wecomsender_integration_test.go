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

// How WeCom delivers a callback: a try that gets no HTTP 200 within five
// seconds — an error, another status, or no answer in time — is tried again
// about a second later, three tries in all. A 200, empty or not, ends it.
const (
	wecomTries      = 3
	wecomTryTimeout = 5 * time.Second
	wecomRetryAfter = time.Second
)

// wecomSender posts callbacks to one endpoint of a running serve as WeCom
// does, retries and all. It is safe for concurrent use.
type wecomSender struct {
	t      *testing.T
	c      *chatter
	client *http.Client
}

func newWeComSender(t *testing.T, c *chatter) *wecomSender {
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(transport.CloseIdleConnections)
	return &wecomSender{t: t, c: c, client: &http.Client{Timeout: wecomTryTimeout, Transport: transport}}
}

// Send posts one callback (the inner plaintext, built by the chatter) and
// returns the final status (0: no answer), the decrypted reply text ("" for
// an empty 200) and how many tries were made.
func (s *wecomSender) Send(inner []byte) (status int, reply string, tries int) {
	for tries = 1; ; tries++ {
		status, reply = s.try(inner)
		if status == http.StatusOK || tries == wecomTries {
			return status, reply, tries
		}
		time.Sleep(wecomRetryAfter) // WeCom's pause between tries, not a wait for the server
	}
}

func (s *wecomSender) try(inner []byte) (int, string) {
	resp, err := s.client.Do(s.c.cb.Post(s.c.url, inner)) // signed afresh, as each of WeCom's tries is
	if err != nil {
		return 0, "" // no answer within the five seconds, or none at all
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
	var text string
	if s.c.cb.Mode == wecomtest.ModeBot || s.c.cb.JSON {
		var r struct {
			Stream struct{ Content string } `json:"stream"`
			Text   struct{ Content string } `json:"text"`
		}
		err = json.Unmarshal(plain, &r)
		text = r.Stream.Content + r.Text.Content
	} else {
		var r struct {
			Content     string `xml:"Content"`      // the app's
			TextContent string `xml:"Text>Content"` // the group robot's
		}
		err = xml.Unmarshal(plain, &r)
		text = r.Content + r.TextContent
	}
	if err != nil {
		s.t.Errorf("%s: reply %q: %v", s.c.cb.Mode, plain, err)
	}
	return resp.StatusCode, text
}
