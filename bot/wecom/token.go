package wecom

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"
)

const (
	tokenRefreshMargin = 5 * time.Minute // fetch a new token when less remains
	defaultTokenTTL    = 7200 * time.Second
)

// tokenCache holds the app's access_token. lock is a mutex that a waiting
// caller can give up on when its context ends; whoever holds it fetches, so
// concurrent callers share one gettoken.
type tokenCache struct {
	lock    chan struct{}
	token   string
	expires time.Time
}

func newTokenCache() tokenCache {
	return tokenCache{lock: make(chan struct{}, 1)}
}

// gettokenReply is the successful reply of gettoken.
type gettokenReply struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"` // seconds
}

// accessToken returns the cached access_token, fetching a new one when there
// is none or it has less than tokenRefreshMargin left.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	t := &c.token
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("wecom gettoken: %w", ctx.Err())
	}
	defer func() { <-t.lock }()

	now := c.cfg.Now()
	if t.token != "" && now.Before(t.expires.Add(-tokenRefreshMargin)) {
		return t.token, nil
	}
	var reply gettokenReply
	req := request{
		op:     "gettoken",
		target: c.appTarget(),
		method: resty.MethodGet,
		path:   "/cgi-bin/gettoken",
		query:  map[string]string{"corpid": c.cfg.CorpID, "corpsecret": c.cfg.AppSecret},
	}
	if err := c.call(ctx, req, &reply); err != nil {
		return "", err
	}
	if reply.AccessToken == "" {
		return "", errors.New("wecom gettoken: reply has no access_token")
	}
	ttl := time.Duration(reply.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = defaultTokenTTL
	}
	t.token, t.expires = reply.AccessToken, now.Add(ttl)
	return t.token, nil
}

// dropToken forgets token after WeCom rejected it, unless another caller has
// already replaced it.
func (c *Client) dropToken(ctx context.Context, token string) {
	t := &c.token
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return
	}
	defer func() { <-t.lock }()
	if t.token == token {
		t.token = ""
	}
}

// appTarget names the app in logs.
func (c *Client) appTarget() string {
	return "app " + strconv.FormatInt(c.cfg.AgentID, 10)
}
