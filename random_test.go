package teambot_test

import (
	"regexp"
	"testing"

	"teambot"
)

func TestRandomHex(t *testing.T) {
	hexDigits := regexp.MustCompile(`^[0-9a-f]{24}$`)
	a, b := teambot.RandomHex(12), teambot.RandomHex(12)
	if !hexDigits.MatchString(a) || !hexDigits.MatchString(b) {
		t.Fatalf("RandomHex(12) = %q, %q; want 24 lowercase hex digits", a, b)
	}
	if a == b {
		t.Errorf("two calls of RandomHex(12) gave the same %q", a)
	}
}
