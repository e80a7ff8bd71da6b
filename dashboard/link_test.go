package dashboard

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"teambot/commands/lang"
)

var (
	testKey   = []byte("0123456789abcdef0123456789abcdef")
	linkTime  = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
	november  = lang.Month{Year: 2026, Month: time.November}
	publicURL = "https://bot.example.com/teambot/"
)

func testSigner(t *testing.T) *Signer {
	t.Helper()
	s, err := NewSigner(testKey, publicURL)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// query parses a link and returns its query, checking where it points.
func query(t *testing.T, link string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Scheme + "://" + u.Host + u.Path; got != "https://bot.example.com/teambot/dashboard" {
		t.Fatalf("link points at %s", got)
	}
	return u.Query()
}

func TestLinkRoundTrip(t *testing.T) {
	s := testSigner(t)
	link := s.Link(7, "zhang.san@corp", november, linkTime)
	if strings.Contains(link, string(testKey)) {
		t.Fatal("the key is in the link")
	}
	g, err := s.Verify(query(t, link), linkTime.Add(23*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := Grant{TeamID: 7, UserID: "zhang.san@corp", Month: november, Expires: linkTime.Add(Validity)}
	if g.TeamID != want.TeamID || g.UserID != want.UserID || g.Month != want.Month || !g.Expires.Equal(want.Expires) {
		t.Errorf("grant %+v, want %+v", g, want)
	}
}

func TestLinkAlteredIsInvalid(t *testing.T) {
	s := testSigner(t)
	good := query(t, s.Link(7, "zhangsan", november, linkTime))
	other, err := NewSigner([]byte("another key of thirty-two bytes!"), publicURL)
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(q url.Values){
		"team":           func(q url.Values) { q.Set("t", "8") },
		"user":           func(q url.Values) { q.Set("u", "lisi") },
		"month":          func(q url.Values) { q.Set("m", "2026-10") },
		"expiry":         func(q url.Values) { q.Set("exp", "9999999999") },
		"signature":      func(q url.Values) { sig := []byte(q.Get("sig")); sig[3] ^= 1; q.Set("sig", string(sig)) },
		"short sig":      func(q url.Values) { q.Set("sig", q.Get("sig")[:20]) },
		"no sig":         func(q url.Values) { q.Del("sig") },
		"two users":      func(q url.Values) { q.Add("u", "lisi") },
		"not base64":     func(q url.Values) { q.Set("sig", "!!!") },
		"team not a num": func(q url.Values) { q.Set("t", "7x") },
		"empty":          func(q url.Values) { clear(q) },
		"other key": func(q url.Values) {
			for k, v := range query(t, other.Link(7, "zhangsan", november, linkTime)) {
				q[k] = v
			}
		},
	} {
		q := url.Values{}
		for k, v := range good {
			q[k] = append([]string(nil), v...)
		}
		change(q)
		if _, err := s.Verify(q, linkTime); err != ErrInvalid {
			t.Errorf("%s changed: %v, want ErrInvalid", name, err)
		}
	}
}

func TestLinkExpires(t *testing.T) {
	s := testSigner(t)
	q := query(t, s.Link(7, "zhangsan", november, linkTime))
	if _, err := s.Verify(q, linkTime.Add(Validity-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	for _, after := range []time.Duration{Validity, Validity + time.Hour, 30 * 24 * time.Hour} {
		if _, err := s.Verify(q, linkTime.Add(after)); err != ErrExpired {
			t.Errorf("%v after: %v, want ErrExpired", after, err)
		}
	}
}

func TestSignerNeedsAKey(t *testing.T) {
	if _, err := NewSigner([]byte("short"), publicURL); err == nil {
		t.Error("a five-byte key was accepted")
	}
}
