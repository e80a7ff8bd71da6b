//go:build integration && linux

package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// teambotBin is the teambot binary TestMain builds for every test.
var teambotBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "teambot-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		os.Exit(1)
	}
	teambotBin = filepath.Join(dir, "teambot")
	build := exec.Command(goTool(), "build", "-buildvcs=false", "-o", teambotBin, "teambot/cmd/teambot")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "integration: build teambot:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// goTool is the go command that runs these tests.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "/usr/local/go/bin/go"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// replica is one teambot serve process.
type replica struct {
	name   string
	cmd    *exec.Cmd
	addr   string // host:port it listens on
	stderr *logBuffer
	exited chan struct{} // closed when the process has ended
	err    error         // its exit status, once exited is closed
}

// startServe starts teambot serve with env (on top of a clean copy of this
// process's environment) and returns as soon as it has started; wait for
// its address with waitListening. The process is stopped when the test
// ends, and its log is printed if the test failed.
func startServe(t *testing.T, name string, env ...string) *replica {
	t.Helper()
	r := &replica{name: name, stderr: &logBuffer{}, exited: make(chan struct{})}
	r.cmd = exec.Command(teambotBin, "serve")
	// A free admin port unless env names one: replicas side by side never
	// contend for the default.
	r.cmd.Env = append(append(cleanEnv(), "TEAMBOT_ADMIN_LISTEN=127.0.0.1:0"), env...)
	// Should this test process die (a -timeout panic skips cleanups), the
	// kernel ends the replica too instead of leaving it serving.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	r.cmd.Stdout = r.stderr
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("%s: start: %v", name, err)
	}
	go func() {
		r.err = r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		r.stop()
		if t.Failed() {
			t.Logf("%s log:\n%s", r.name, tail(r.stderr.String(), 60))
		}
	})
	return r
}

// cleanEnv is the environment without teambot's and WeCom's variables, so
// whatever the shell running the tests has set does not leak in.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEAMBOT_") && !strings.HasPrefix(kv, "WECOM_") {
			out = append(out, kv)
		}
	}
	return out
}

var listeningLine = regexp.MustCompile(`msg=listening addr=(\S+)`)

// waitListening waits until the replica logs its address, and fails the
// test if it exits first or takes longer than timeout.
func (r *replica) waitListening(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		grew := r.stderr.changed() // before reading, so no write slips between
		if m := listeningLine.FindStringSubmatch(r.stderr.String()); m != nil {
			r.addr = m[1]
			return
		}
		select {
		case <-r.exited:
			t.Fatalf("%s exited before listening: %v\n%s", r.name, r.err, r.stderr.String())
		case <-grew:
		case <-time.After(time.Until(deadline)):
			t.Fatalf("%s not listening after %s\n%s", r.name, timeout, r.stderr.String())
		}
	}
}

// kill ends the replica with SIGKILL: no shutdown, no deferred work.
func (r *replica) kill() {
	_ = r.cmd.Process.Kill()
	<-r.exited
}

// stop ends the replica gracefully (SIGTERM), or kills it after 15 s.
func (r *replica) stop() {
	select {
	case <-r.exited:
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(15 * time.Second):
		r.kill()
	}
}

// logBuffer collects a process's output and tells waiters when it grew.
type logBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	wake chan struct{}
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.wake != nil {
		close(b.wake)
		b.wake = nil
	}
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// changed is closed at the next write.
func (b *logBuffer) changed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.wake == nil {
		b.wake = make(chan struct{})
	}
	return b.wake
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
