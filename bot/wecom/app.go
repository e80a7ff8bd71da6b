package wecom

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
)

// maxAppUsers is how many userids message/send accepts in touser.
const maxAppUsers = 1000

// appMessage is the body of message/send for a text, markdown or file
// message.
type appMessage struct {
	ToUser   string           `json:"touser"` // userids joined by "|"
	MsgType  string           `json:"msgtype"`
	AgentID  int64            `json:"agentid"`
	Text     *webhookText     `json:"text,omitempty"`
	Markdown *webhookMarkdown `json:"markdown,omitempty"`
	File     *appFile         `json:"file,omitempty"`
}

// appFile is the file of a file message: an uploaded file's media_id
// (UploadMedia).
type appFile struct {
	MediaID string `json:"media_id"`
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
	if err := c.checkApp(userIDs); err != nil {
		return err
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

// SendAppFile sends an uploaded file (UploadMedia's media id) as the app's
// direct message to the members userIDs (message/send, msgtype file; doc
// 90236). It needs the app's credentials as SendApp does.
func (c *Client) SendAppFile(ctx context.Context, userIDs []string, mediaID string) error {
	if err := c.checkApp(userIDs); err != nil {
		return err
	}
	if mediaID == "" {
		return errors.New("wecom message/send: a file message without a media_id")
	}
	msg := appMessage{ToUser: strings.Join(userIDs, "|"), MsgType: "file", AgentID: c.cfg.AgentID, File: &appFile{MediaID: mediaID}}
	return c.sendAppMessage(ctx, msg)
}

// checkApp says whether an app message can go to userIDs at all: the app
// is configured and there are between 1 and maxAppUsers recipients.
func (c *Client) checkApp(userIDs []string) error {
	switch {
	case c.cfg.CorpID == "" || c.cfg.AppSecret == "":
		return ErrAppNotConfigured
	case len(userIDs) == 0:
		return errors.New("wecom message/send: no recipients")
	case len(userIDs) > maxAppUsers:
		return fmt.Errorf("wecom message/send: %d recipients, at most %d", len(userIDs), maxAppUsers)
	}
	return nil
}

// sendAppMessage posts msg with the app's access_token.
func (c *Client) sendAppMessage(ctx context.Context, msg appMessage) error {
	req, err := post("message/send", c.appTarget(), "/cgi-bin/message/send", msg)
	if err != nil {
		return err
	}
	var reply appReply
	err = c.callWithToken(ctx, req, &reply)
	if err == nil && reply.InvalidUser != "" {
		c.log.WarnContext(ctx, "wecom could not deliver the app message to some members",
			"op", req.op, "target", req.target, "invalid_users", strings.Count(reply.InvalidUser, "|")+1)
	}
	return err
}

// callWithToken performs an app call with the cached access_token added
// to req's query and, if WeCom says the token expired or is invalid, once
// more with a fresh one.
func (c *Client) callWithToken(ctx context.Context, req request, out any) error {
	query := req.query
	for attempt := 1; ; attempt++ {
		token, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		req.query = map[string]string{"access_token": token}
		maps.Copy(req.query, query)
		err = c.call(ctx, req, out)
		if code := apiCode(err); attempt == 1 && (code == codeTokenExpired || code == codeTokenInvalid) {
			c.dropToken(ctx, token)
			continue
		}
		return err
	}
}
