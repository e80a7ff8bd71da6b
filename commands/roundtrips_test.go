package commands_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A read command's cost on PostgreSQL is counted in round trips — each
// waits for the server, and a callback's throughput is set by them — so
// that one more statement per message cannot creep in unnoticed. Counted
// on the wire, BEGIN and COMMIT included, with the message id recorded as
// the platforms' callbacks have it.
func TestRoundTripsOfReadCommands(t *testing.T) {
	wire := newRoundTripCounter(t, storagetest.PostgresURL(t))
	db, err := storage.Open(context.Background(), wire.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := newChat(t, db)
	setup(c)

	// Each statement with parameters is prepared on the connection the
	// second time it runs there (one round trip more, once): the third
	// run of a command is what every later one costs, and sends no
	// statement text to be parsed again.
	checkRun := func(last int, user, text, want string, most int) {
		t.Helper()
		for run := 1; run <= last; run++ {
			wire.reset()
			reply := c.send(teambot.Message{Source: "robot", ChatID: c.chatID, UserID: user, Text: text}).Text
			if !strings.Contains(reply, want) {
				t.Errorf("%s %s: reply %q, want it to contain %q", user, text, reply, want)
			}
			n, parsed, sent := wire.count()
			switch {
			case run < last:
				t.Logf("run %d, %s %s: %d round trips, %d statements parsed", run, user, text, n, parsed)
			case n > most:
				t.Errorf("%s %s: %d round trips to PostgreSQL, want at most %d:\n%s", user, text, n, most, strings.Join(sent, "\n"))
			case parsed > 0:
				t.Errorf("%s %s: %d statements parsed again, want every one prepared:\n%s", user, text, parsed, strings.Join(sent, "\n"))
			default:
				t.Logf("%s %s: %d round trips", user, text, n)
			}
		}
	}
	check := func(user, text, want string, most int) {
		t.Helper()
		checkRun(3, user, text, want, most)
	}
	// The team, the sender and whether the message id was seen, in one
	// statement; the roster with roles; whether the id was recorded
	// meanwhile (a first run overlapping this one, commands/handled.go).
	// No BEGIN, no COMMIT, no savepoint and the id not recorded: nothing
	// was written.
	check("zhangsan", "/团队", "团队名单（2 人）", 3)
	check("zhangsan", "/帮助", "/团队", 2)
	// The leaves; nobody is away, so no roster.
	check("zhangsan", "/谁请假", "没有人请假", 3)
	check("stranger", "/谁请假", "没有人请假", 3)
	// A refusal reads who holds which role, and writes nothing either.
	check("zhangsan", "/移除 @王芳", "只有主管", 4)

	c.expect("zhangsan", "/请假 今天 发烧", "#1")
	c.expect("wangfang", "/请假 批准 1", "已批准")
	// The leaves, then the roster for the names of those away.
	check("stranger", "/谁请假", "请假的有 1 人：张三", 4)

	// A command that writes, a report's next version (the first and
	// second runs read other things): the arrival and the reads; BEGIN
	// and the savepoint with the first write; the version, the copy of
	// the last one kept and the audit; the id recorded with the answer;
	// COMMIT: 13, as many as before transactions began at their first write.
	checkRun(4, "zhangsan", "/周报 完成公众号推文 3 篇", "已提交", 13)
}

// roundTripCounter stands between the client and PostgreSQL and counts
// the client's requests that each wait for the server's ReadyForQuery: a
// simple Query ('Q') or an extended-protocol Sync ('S').
type roundTripCounter struct {
	url string

	mu     sync.Mutex
	sent   []string // what each round trip carried, for the failure message
	parsed int      // statement texts sent to be parsed (Parse messages)
}

// newRoundTripCounter listens on a local port and forwards every
// connection to the server of rawURL; url is rawURL pointed at it.
func newRoundTripCounter(t *testing.T, rawURL string) *roundTripCounter {
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	server := u.Host
	u.Host = ln.Addr().String()
	q := u.Query()
	q.Set("sslmode", "disable") // the counter reads the protocol in the clear
	u.RawQuery = q.Encode()
	w := &roundTripCounter{url: u.String()}
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			go w.forward(client, server)
		}
	}()
	return w
}

func (w *roundTripCounter) forward(client net.Conn, server string) {
	defer client.Close()
	upstream, err := net.Dial("tcp", server)
	if err != nil {
		return
	}
	defer upstream.Close()
	go io.Copy(client, upstream)
	// The startup message has a length and no type byte.
	var size [4]byte
	if _, err := io.ReadFull(client, size[:]); err != nil {
		return
	}
	startup := make([]byte, binary.BigEndian.Uint32(size[:])-4)
	if _, err := io.ReadFull(client, startup); err != nil {
		return
	}
	if _, err := upstream.Write(append(size[:], startup...)); err != nil {
		return
	}
	var pending []string // the statements since the last round trip
	for {
		var head [5]byte
		if _, err := io.ReadFull(client, head[:]); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint32(head[1:])-4)
		if _, err := io.ReadFull(client, body); err != nil {
			return
		}
		switch head[0] {
		case 'Q': // query text
			pending = append(pending, cString(body))
		case 'P': // statement name, then query text
			name, query, _ := bytes.Cut(body, []byte{0})
			pending = append(pending, "parse "+strconv.Quote(string(name))+": "+cString(query))
			w.mu.Lock()
			w.parsed++
			w.mu.Unlock()
		case 'B': // portal name, then statement name
			_, rest, _ := bytes.Cut(body, []byte{0})
			name, _, _ := bytes.Cut(rest, []byte{0})
			if len(name) > 0 {
				pending = append(pending, "execute "+strconv.Quote(string(name)))
			}
		}
		if head[0] == 'Q' || head[0] == 'S' {
			w.mu.Lock()
			w.sent = append(w.sent, strings.Join(pending, " ; "))
			w.mu.Unlock()
			pending = nil
		}
		if _, err := upstream.Write(append(head[:], body...)); err != nil {
			return
		}
	}
}

// cString is b up to its first NUL, with runs of white space made one.
func cString(b []byte) string {
	s, _, _ := bytes.Cut(b, []byte{0})
	return strings.Join(strings.Fields(string(s)), " ")
}

func (w *roundTripCounter) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = nil
	w.parsed = 0
}

// count is the number of round trips since the last reset, the number of
// statement texts parsed in them, and what each carried.
func (w *roundTripCounter) count() (n, parsed int, sent []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.sent), w.parsed, append([]string(nil), w.sent...)
}
