package wecom

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// MaxRespondBytes is the size limit of a markdown reply through an AI bot's
// response_url, in bytes of UTF-8.
const MaxRespondBytes = 20480

// truncatedNote ends a reply that was cut to fit MaxRespondBytes.
const truncatedNote = "\n\n……（内容过长，已截断）"

// respondMessage is the body of a response_url reply.
type respondMessage struct {
	MsgType  string          `json:"msgtype"`
	Markdown webhookMarkdown `json:"markdown"`
}

// Respond answers an AI bot message through its response_url with markdown.
// The URL's path and query are sent to Config.APIBase, not to the URL's own
// host. A response_url can be used once, so markdown longer than
// MaxRespondBytes is cut at a line boundary and ends with a note saying so.
func (c *Client) Respond(ctx context.Context, responseURL, markdown string) error {
	path, err := rebase(responseURL)
	if err != nil {
		return err
	}
	if markdown == "" {
		return errors.New("wecom aibot/response: empty reply")
	}
	body := respondMessage{MsgType: "markdown", Markdown: webhookMarkdown{Content: truncate(markdown, MaxRespondBytes)}}
	req, err := post("aibot/response", "response_url", path, body)
	if err != nil {
		return err
	}
	return c.call(ctx, req, nil)
}

// rebase returns the path and query of a response_url, to be sent to the
// configured base. Errors never repeat the URL: its query is a credential.
func rebase(responseURL string) (string, error) {
	u, err := url.Parse(responseURL)
	switch {
	case err != nil:
		return "", errors.New("wecom aibot/response: the response_url cannot be parsed")
	case u.Path == "" || u.Path == "/":
		return "", errors.New("wecom aibot/response: the response_url has no path")
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return path, nil
}

// truncate returns markdown unchanged if it fits in max bytes, else its
// beginning, cut at a line boundary, followed by truncatedNote.
func truncate(markdown string, max int) string {
	if len(markdown) <= max {
		return markdown
	}
	head := Split(markdown, max-len(truncatedNote))[0]
	return strings.TrimRight(head, "\r\n") + truncatedNote
}
