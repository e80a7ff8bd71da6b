package wecom

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// maxAppUsers is how many userids message/send accepts in touser.
const maxAppUsers = 1000

// appMessage is the body of message/send for a text or markdown message.
type appMessage struct {
	ToUser   string           `json:"touser"` // userids joined by "|"
	MsgType  string           `json:"msgtype"`
	AgentID  int64            `json:"agentid"`
	Text     *webhookText     `json:"text,omitempty"`
	Markdown *webhookMarkdown `json:"markdown,omitempty"`
}

// appReply is the part of message/send's reply worth reporting.
type appReply struct {
	InvalidUser string `json:"invaliduser"` // userids WeCom could not deliver to, "|"-joined
}

// SendApp sends text as the app's direct message to the members userIDs,
// split into parts of at most MaxTextBytes. It needs Config.CorpID and
// Config.AppSecret (else ErrAppNotConfigured). When WeCom rejects the cached
// access_token, a new one is fetched once and the part sent once more.
func (c *Client) SendApp(ctx context.Context, userIDs []string, text string) error {
	return c.sendApp(ctx, userIDs, text, false)
}

// SendAppMarkdown is SendApp for markdown (shown as such in the WeCom
// client), in parts of at most MaxTextBytes as for text.
func (c *Client) SendAppMarkdown(ctx context.Context, userIDs []string, content string) error {
	return c.sendApp(ctx, userIDs, content, true)
}

func (c *Client) sendApp(ctx context.Context, userIDs []string, text string, markdown bool) error {
	if c.cfg.CorpID == "" || c.cfg.AppSecret == "" {
		return ErrAppNotConfigured
	}
	switch {
	case len(userIDs) == 0:
		return errors.New("wecom message/send: no recipients")
	case len(userIDs) > maxAppUsers:
		return fmt.Errorf("wecom message/send: %d recipients, at most %d", len(userIDs), maxAppUsers)
	}
	parts := Split(text, MaxTextBytes)
	if len(parts) == 0 {
		return errors.New("wecom message/send: empty message")
	}
	for i, p := range parts {
		msg := appMessage{ToUser: strings.Join(userIDs, "|"), MsgType: "text", AgentID: c.cfg.AgentID, Text: &webhookText{Content: p}}
		if markdown {
			msg.MsgType, msg.Text, msg.Markdown = "markdown", nil, &webhookMarkdown{Content: p}
		}
		if err := c.sendAppMessage(ctx, msg); err != nil {
			if len(parts) > 1 {
				return fmt.Errorf("part %d of %d: %w", i+1, len(parts), err)
			}
			return err
		}
	}
	return nil
}

// sendAppMessage posts msg with the cached access_token and, if WeCom says
// the token expired or is invalid, once more with a fresh one.
func (c *Client) sendAppMessage(ctx context.Context, msg appMessage) error {
	req, err := post("message/send", c.appTarget(), "/cgi-bin/message/send", msg)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		token, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		req.query = map[string]string{"access_token": token}
		var reply appReply
		err = c.call(ctx, req, &reply)
		if code := apiCode(err); attempt == 1 && (code == codeTokenExpired || code == codeTokenInvalid) {
			c.dropToken(ctx, token)
			continue
		}
		if err == nil && reply.InvalidUser != "" {
			c.log.WarnContext(ctx, "wecom could not deliver the app message to some members",
				"op", req.op, "target", req.target, "invalid_users", strings.Count(reply.InvalidUser, "|")+1)
		}
		return err
	}
}
