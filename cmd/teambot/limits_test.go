package main

import (
	"strings"
	"testing"
)

// TEAMBOT_MAX_BODY caps callback bodies (64 KiB unless set, in bytes or
// KiB/MiB), TEAMBOT_MAX_INFLIGHT the callbacks in flight (64 unless set);
// a bad value names the variable and shows a good one.
func TestLimitsConfig(t *testing.T) {
	c, err := loadConfig(env())
	if err != nil || c.MaxBody != 64<<10 || c.MaxInflight != 64 {
		t.Errorf("defaults: max body %d, in flight %d, %v; want 65536 and 64", c.MaxBody, c.MaxInflight, err)
	}
	for value, want := range map[string]int64{"65536": 65536, "128KiB": 128 << 10, "1MiB": 1 << 20, "32 KiB": 32 << 10} {
		if c, err := loadConfig(env("TEAMBOT_MAX_BODY", value)); err != nil || c.MaxBody != want {
			t.Errorf("TEAMBOT_MAX_BODY=%s: %d, %v; want %d", value, c.MaxBody, err, want)
		}
	}
	if c, err := loadConfig(env("TEAMBOT_MAX_INFLIGHT", "8")); err != nil || c.MaxInflight != 8 {
		t.Errorf("TEAMBOT_MAX_INFLIGHT=8: %d, %v", c.MaxInflight, err)
	}
	for name, bads := range map[string][]string{
		"TEAMBOT_MAX_BODY":     {"big", "-1", "0", "1KiB", "64KB", "1GiB"},
		"TEAMBOT_MAX_INFLIGHT": {"many", "0", "-3", "100000"},
	} {
		for _, bad := range bads {
			_, err := loadConfig(env(name, bad))
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "such as") {
				t.Errorf("%s=%q: err = %v, want it to name the variable and an example", name, bad, err)
			}
		}
	}
}

// TEAMBOT_ADMIN_LISTEN is where /metrics, /healthz and /readyz are served:
// 127.0.0.1:9090 unless set, "off" for nowhere; it may not be the callback
// port.
func TestAdminListenConfig(t *testing.T) {
	c, err := loadConfig(env("TEAMBOT_ADMIN_LISTEN", "")) // unset
	if err != nil || c.AdminListen != "127.0.0.1:9090" {
		t.Errorf("default admin listen %q, %v", c.AdminListen, err)
	}
	if c, err := loadConfig(env("TEAMBOT_ADMIN_LISTEN", "off")); err != nil || c.AdminListen != "" {
		t.Errorf("off: %q, %v; want none", c.AdminListen, err)
	}
	if c, err := loadConfig(env("TEAMBOT_ADMIN_LISTEN", "10.0.0.5:9100")); err != nil || c.AdminListen != "10.0.0.5:9100" {
		t.Errorf("10.0.0.5:9100: %q, %v", c.AdminListen, err)
	}
	for _, bad := range [][]string{
		{"TEAMBOT_ADMIN_LISTEN", "9090"},
		{"TEAMBOT_ADMIN_LISTEN", ":8080"},
		{"TEAMBOT_ADMIN_LISTEN", "127.0.0.1:7000", "TEAMBOT_LISTEN", "127.0.0.1:7000"},
	} {
		_, err := loadConfig(env(bad...))
		if err == nil || !strings.Contains(err.Error(), "TEAMBOT_ADMIN_LISTEN") {
			t.Errorf("%q: err = %v, want it to name TEAMBOT_ADMIN_LISTEN", bad, err)
		}
	}
}
