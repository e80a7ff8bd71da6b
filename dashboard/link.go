package dashboard

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"teambot/commands/lang"
)

// Validity is how long a link opens the dashboard: a day, so a link
// forwarded by mistake stops working soon, and the member asks for a
// fresh one with /看板.
const Validity = 24 * time.Hour

// The reasons a link does not open the dashboard.
var (
	// ErrInvalid: the link was altered, truncated or never signed by us.
	ErrInvalid = errors.New("dashboard link: invalid")
	// ErrExpired: the link is genuine but older than Validity.
	ErrExpired = errors.New("dashboard link: expired")
)

// Signer signs and checks the dashboard's links. The key never leaves it:
// a link carries only the team, the user, the month, the expiry and the MAC
// over them.
type Signer struct {
	key  []byte
	base string // the public URL, without a trailing slash
}

// NewSigner makes a signer for links under publicURL (TEAMBOT_PUBLIC_URL)
// with key, which the caller derives from its secret for this use alone.
func NewSigner(key []byte, publicURL string) (*Signer, error) {
	if len(key) < 16 {
		return nil, errors.New("dashboard: the link key is too short")
	}
	return &Signer{key: append([]byte(nil), key...), base: strings.TrimRight(publicURL, "/")}, nil
}

// Grant is what a valid link lets its holder see: one team's month, as one
// user, until Expires.
type Grant struct {
	TeamID  int64
	UserID  string
	Month   lang.Month
	Expires time.Time
}

// Link is the signed address of teamID's month m on the dashboard for
// userID, valid for Validity from now.
func (s *Signer) Link(teamID int64, userID string, m lang.Month, now time.Time) string {
	exp := now.Add(Validity).Unix()
	q := url.Values{}
	q.Set("t", strconv.FormatInt(teamID, 10))
	q.Set("u", userID)
	q.Set("m", m.String())
	q.Set("exp", strconv.FormatInt(exp, 10))
	q.Set("sig", base64.RawURLEncoding.EncodeToString(s.mac(teamID, userID, m.String(), exp)))
	return s.base + Path + "?" + q.Encode()
}

// Path is where the dashboard is mounted on the public listener.
const Path = "/dashboard"

// Verify checks a link's query at now: ErrInvalid when any part of it was
// changed (the MAC is compared in constant time, before anything else is
// believed), ErrExpired when it is genuine but past its expiry.
func (s *Signer) Verify(q url.Values, now time.Time) (Grant, error) {
	var vals [5]string
	for i, k := range []string{"t", "u", "m", "exp", "sig"} {
		v := q[k]
		if len(v) != 1 || v[0] == "" {
			return Grant{}, ErrInvalid
		}
		vals[i] = v[0]
	}
	team, user, month, expRaw, sigRaw := vals[0], vals[1], vals[2], vals[3], vals[4]
	teamID, err1 := strconv.ParseInt(team, 10, 64)
	exp, err2 := strconv.ParseInt(expRaw, 10, 64)
	sig, err3 := base64.RawURLEncoding.DecodeString(sigRaw)
	if err1 != nil || err2 != nil || err3 != nil || teamID <= 0 {
		return Grant{}, ErrInvalid
	}
	if !hmac.Equal(sig, s.mac(teamID, user, month, exp)) {
		return Grant{}, ErrInvalid
	}
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return Grant{}, ErrInvalid
	}
	g := Grant{TeamID: teamID, UserID: user, Month: lang.MonthOf(t), Expires: time.Unix(exp, 0)}
	if !now.Before(g.Expires) {
		return g, ErrExpired
	}
	return g, nil
}

// mac is the HMAC-SHA256 over the link's fields, each length-prefixed so
// that no two different links sign the same bytes.
func (s *Signer) mac(teamID int64, userID, month string, exp int64) []byte {
	h := hmac.New(sha256.New, s.key)
	fmt.Fprintf(h, "dashboard v1|%d|%d:%s|%d:%s|%d", teamID, len(userID), userID, len(month), month, exp)
	return h.Sum(nil)
}
