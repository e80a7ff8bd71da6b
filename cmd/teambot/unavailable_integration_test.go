//go:build integration && unix

package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot/bot/wecomtest"
	"teambot/storage/storagetest"
)

// delivery is what became of one message sent through the wecomSender.
type delivery struct {
	status, tries int
	reply         string
}

// tally counts, for messages escalation-<i> that each create one escalation
// row when they run, what WeCom saw and what the database holds, and fails
// the test for a message lost (not run), run twice, or answered 200 without
// running. late holds the answers delivered through WeCom's API instead of
// the passive reply. It logs the figures in one line.
func tally(t *testing.T, what string, direct *sql.DB, prefix string, sent []delivery, late []string) {
	t.Helper()
	rows, err := direct.Query(`SELECT msg_id, count(*) FROM escalations WHERE msg_id LIKE '` + prefix + `%' GROUP BY msg_id`)
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		runs[id] = n
	}
	rows.Close()
	var retried, run, lost, twice, okUnrun, answered int
	for i, d := range sent {
		id, marker := fmt.Sprintf("%s%d", prefix, i), fmt.Sprintf("问题-%s%d。", prefix, i)
		if d.tries > 1 {
			retried++
		}
		switch n := runs[id]; {
		case n == 0:
			lost++
			if d.status == http.StatusOK {
				okUnrun++
				t.Errorf("%s: %s answered 200 (%q) but never ran", what, id, d.reply)
			}
		case n > 1:
			twice++
			t.Errorf("%s: %s ran %d times", what, id, n)
		default:
			run++
		}
		if strings.Contains(d.reply, marker) || strings.Contains(strings.Join(late, "\n"), marker) {
			answered++
		}
	}
	t.Logf("%s: sent %d, retried %d, run %d, lost %d, duplicated %d, answered 200 without running %d, answers seen at WeCom %d",
		what, len(sent), retried, run, lost, twice, okUnrun, answered)
	if lost > 0 {
		t.Errorf("%s: %d of %d messages never ran", what, lost, len(sent))
	}
}

// escalation is the text of message i: a problem reported in a single chat,
// which creates one row per message.
func escalation(prefix string, i int) string {
	return fmt.Sprintf("/上报 问题-%s%d。", prefix, i)
}

// PostgreSQL refuses connections for 10 s while 30 callbacks a second
// arrive for 20 s, sent as WeCom sends them (three tries, a second apart,
// each given five seconds): every command runs exactly once in the end —
// none lost, none twice, none answered 200 without running — counted in the
// database and in what WeCom was answered.
func TestPostgresRefusingConnectionsUnderLoad(t *testing.T) {
	pgURL, proxy, fake, addr, logs := serveBehindProxy(t)
	direct := storagetest.Raw(t, pgURL) // the records, behind serve's back
	robot := &chatter{t: t, url: "http://" + addr + "/wecom/robot", chatID: "group-load", fakeURL: fake.URL,
		cb: &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "robot-token", AESKey: testAESKey}}
	robot.expect("wangfang", "王芳", "/加入 王芳", "已登记：王芳")
	robot.expect("zhangsan", "张三", "/加入 张三", "已登记：张三")
	single := &chatter{t: t, url: robot.url, fakeURL: fake.URL, cb: robot.cb}
	sender := newWeComSender(t, single)

	const perSecond, seconds = 30, 20
	const outageFrom, outageFor = 5 * time.Second, 10 * time.Second
	sent := make([]delivery, perSecond*seconds)
	tick := time.NewTicker(time.Second / perSecond)
	defer tick.Stop()
	start := time.Now()
	down := time.AfterFunc(outageFrom, proxy.Down)
	up := time.AfterFunc(outageFrom+outageFor, proxy.Up)
	defer down.Stop()
	defer up.Stop()
	var wg sync.WaitGroup
	for i := range sent {
		<-tick.C
		wg.Go(func() {
			// Each message names a webhook of its own, so that an answer
			// that goes late is not held by WeCom's 20-a-minute limit of
			// one webhook (not this test's subject).
			id := fmt.Sprintf("load-%d", i)
			inner := single.cb.TextMessage(wecomtest.Text{MsgID: id, UserID: "zhangsan", Name: "张三",
				Content: "@teambot " + escalation("load-", i), WebhookURL: fake.URL + wecomtest.WebhookPath + "?key=KEY-" + id})
			status, reply, tries := sender.Send(inner)
			sent[i] = delivery{status: status, tries: tries, reply: reply}
		})
		if i == perSecond*int((outageFrom+2*time.Second)/time.Second) { // the outage is on
			if got := readyz(t, addr); got != http.StatusServiceUnavailable {
				t.Errorf("/readyz during the outage = %d, want 503", got)
			}
		}
	}
	wg.Wait()
	t.Logf("%d callbacks sent in %v; the last answered %v after the start", len(sent), time.Duration(seconds)*time.Second, time.Since(start).Round(time.Millisecond))
	var late []string
	for _, c := range fake.Delivered(wecomtest.WebhookPath) {
		late = append(late, string(c.Body))
	}
	t.Logf("%d answers went late", strings.Count(logs.String(), "will be delivered late"))
	tally(t, "PostgreSQL refusing connections 10 s under 30 callbacks/s", direct, "load-", sent, late)
}
