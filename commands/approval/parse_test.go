package approval

import "testing"

// Budgets: a number with an optional currency and 千/万, full-width
// characters included; anything else is refused.
func TestParseBudget(t *testing.T) {
	for in, want := range map[string]struct {
		cents    int64
		currency string
	}{
		"3000": {300000, "CNY"}, "3000元": {300000, "CNY"}, "¥3000": {300000, "CNY"}, "￥3,000": {300000, "CNY"},
		"３０００": {300000, "CNY"}, "5千": {500000, "CNY"}, "1.5万": {1500000, "CNY"}, "3k": {300000, "CNY"},
		"$500": {50000, "USD"}, "500美元": {50000, "USD"}, "USD500": {50000, "USD"}, "2999.5": {299950, "CNY"},
		"RMB3000": {300000, "CNY"}, "3000块": {300000, "CNY"},
	} {
		cents, currency, err := parseBudget(in)
		if err != nil || cents != want.cents || currency != want.currency {
			t.Errorf("parseBudget(%q) = %d %s %v, want %d %s", in, cents, currency, err, want.cents, want.currency)
		}
	}
	for _, in := range []string{"", "很多钱", "-5", "0", "0元", "3e5", "+300", "1.234", "$500元", "¥", "NaN", "Inf", "2亿", "200000000"} {
		if cents, currency, err := parseBudget(in); err == nil {
			t.Errorf("parseBudget(%q) = %d %s, want an error", in, cents, currency)
		}
	}
}

// Counts in results: digits, separators, 千/万.
func TestParseCount(t *testing.T) {
	for in, want := range map[string]int64{"12000": 12000, "12,000": 12000, "1.2万": 12000, "3k": 3000, "340次": 340} {
		if n, err := parseCount(in); err != nil || n != want {
			t.Errorf("parseCount(%q) = %d %v, want %d", in, n, err, want)
		}
	}
	for _, in := range []string{"", "很多", "-1", "1e9"} {
		if n, err := parseCount(in); err == nil {
			t.Errorf("parseCount(%q) = %d, want an error", in, n)
		}
	}
}

// The closest platform: contained, or a typo away; nothing for a stranger.
func TestClosestPlatform(t *testing.T) {
	names := []string{"公众号", "微博", "Douyin"}
	for in, want := range map[string]string{"公众": "公众号", "微搏": "微博", "douyn": "Douyin", "服务号": ""} {
		got, ok := closest(in, names)
		if got != want || ok != (want != "") {
			t.Errorf("closest(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}
