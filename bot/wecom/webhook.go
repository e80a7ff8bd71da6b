package wecom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
)

// Size limits of a group robot message's content, in bytes of UTF-8.
const (
	MaxTextBytes     = 2048
	MaxMarkdownBytes = 4096
)

const webhookPath = "/cgi-bin/webhook/send"

// webhookMessage is the body of webhook/send for text and markdown.
type webhookMessage struct {
	MsgType  string           `json:"msgtype"`
	Text     *webhookText     `json:"text,omitempty"`
	Markdown *webhookMarkdown `json:"markdown,omitempty"`
}

type webhookText struct {
	Content       string   `json:"content"`
	MentionedList []string `json:"mentioned_list,omitempty"` // userids, or "@all"
}

type webhookMarkdown struct {
	Content string `json:"content"` // may mention with <@userid>
}

// WebhookKey returns the key of a group robot webhook URL such as
// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY. The error never
// repeats the URL.
func WebhookKey(webhookURL string) (string, error) {
	u, err := url.Parse(webhookURL)
	if err != nil {
		return "", errors.New("wecom: the webhook URL cannot be parsed")
	}
	key := u.Query().Get("key")
	if key == "" {
		return "", errors.New("wecom: the webhook URL has no key= parameter")
	}
	return key, nil
}

// KeyID names a webhook key in logs and messages without revealing it: the
// first 8 hex digits of its SHA-256.
func KeyID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:4])
}

// SendText pushes content as text messages through the group robot with the
// webhook key, split into parts of at most MaxTextBytes (see Split). The
// userids in mentions ("@all" for everyone) are @mentioned by the first part.
func (c *Client) SendText(ctx context.Context, key, content string, mentions []string) error {
	parts := Split(content, MaxTextBytes)
	msgs := make([]webhookMessage, len(parts))
	for i, p := range parts {
		msgs[i] = webhookMessage{MsgType: "text", Text: &webhookText{Content: p}}
	}
	if len(msgs) > 0 && len(mentions) > 0 {
		msgs[0].Text.MentionedList = mentions
	}
	return c.sendWebhook(ctx, key, msgs)
}

// SendMarkdown pushes content as markdown messages through the group robot
// with the webhook key, split into parts of at most MaxMarkdownBytes. Members
// are mentioned in the content itself, as <@userid>.
func (c *Client) SendMarkdown(ctx context.Context, key, content string) error {
	parts := Split(content, MaxMarkdownBytes)
	msgs := make([]webhookMessage, len(parts))
	for i, p := range parts {
		msgs[i] = webhookMessage{MsgType: "markdown", Markdown: &webhookMarkdown{Content: p}}
	}
	return c.sendWebhook(ctx, key, msgs)
}

// sendWebhook sends msgs in order and stops at the first that fails.
func (c *Client) sendWebhook(ctx context.Context, key string, msgs []webhookMessage) error {
	target := "webhook " + KeyID(key)
	switch {
	case key == "":
		return errors.New("wecom webhook/send: no webhook key")
	case len(msgs) == 0:
		return fmt.Errorf("wecom webhook/send (%s): empty message", target)
	}
	for i, m := range msgs {
		req, err := post("webhook/send", target, webhookPath, m)
		if err != nil {
			return err
		}
		req.query = map[string]string{"key": key}
		req.before = func(ctx context.Context) error { return c.waitTurn(ctx, key, target) }
		if err := c.call(ctx, req, nil); err != nil {
			if len(msgs) > 1 {
				return fmt.Errorf("part %d of %d: %w", i+1, len(msgs), err)
			}
			return err
		}
	}
	return nil
}
