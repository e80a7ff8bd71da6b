package bot

import (
	"errors"
	"net/url"
	"strings"
)

// webhookKey is the key of a group robot webhook URL
// (…/cgi-bin/webhook/send?key=KEY). Only the key is kept: sends always go to
// WECOM_API_BASE, never to a host a callback names.
func webhookKey(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || !strings.HasSuffix(u.Path, "/cgi-bin/webhook/send") || u.Query().Get("key") == "" {
		return "", errors.New("not a group robot webhook URL")
	}
	return u.Query().Get("key"), nil
}
