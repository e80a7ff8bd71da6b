package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// testPackagesIn returns the packages of deps that exist for tests only:
// the standard library's testing and net/http/httptest (and what lies
// under them), and teambot's own test helpers (…test, like bot/wecomtest
// and storage/storagetest).
func testPackagesIn(deps []string) []string {
	var found []string
	for _, p := range deps {
		switch {
		case p == "testing", strings.HasPrefix(p, "testing/"), p == "net/http/httptest",
			strings.HasPrefix(p, "teambot/") && strings.HasSuffix(p, "test"):
			found = append(found, p)
		}
	}
	return found
}

// The teambot binary links no test package: `teambot loadtest` builds its
// callbacks with bot/wxcallback, not with the test double bot/wecomtest,
// which would bring testing and net/http/httptest (and their flags and
// certificates) into production.
func TestBinaryLinksNoTestPackages(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the binary's packages: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "teambot/cmd/teambot").Output()
	if err != nil {
		t.Fatalf("go list -deps teambot/cmd/teambot: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "teambot/bot/wxcallback") || !slices.Contains(deps, "net/http") {
		t.Fatalf("go list -deps printed no usable list:\n%s", out)
	}
	if found := testPackagesIn(deps); len(found) > 0 {
		t.Errorf("the teambot binary links test packages %v; build what production needs without them", found)
	}
}

// The check itself finds what it must, and only that.
func TestTestPackagesIn(t *testing.T) {
	deps := []string{"net/http", "net/http/httptest", "internal/testlog", "testing", "testing/iotest",
		"teambot/bot/wecomtest", "teambot/storage/storagetest", "teambot/bot/wxcallback", "teambot/storage"}
	want := []string{"net/http/httptest", "testing", "testing/iotest", "teambot/bot/wecomtest", "teambot/storage/storagetest"}
	if got := testPackagesIn(deps); !slices.Equal(got, want) {
		t.Errorf("testPackagesIn = %v, want %v", got, want)
	}
}
