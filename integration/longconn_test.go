//go:build integration && linux

package integration

import (
	"strings"
	"testing"
	"time"

	"teambot/bot/wecomtest"
)

// Two serve processes on one PostgreSQL with the AI bot's long connection
// only: one holds the socket (docs/wecom-longconn.md §8), the other stands
// by; when the holder is killed with SIGKILL its session lock goes with its
// database connection, and the standby takes the socket over within 30 s
// and answers.
func TestLongConnectionSurvivesAKill(t *testing.T) {
	dbURL := freshPostgres(t)
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	env := []string{"TEAMBOT_DATABASE_URL=" + dbURL, "WECOM_BOT_ID=bot-1", "WECOM_BOT_SECRET=secret-1",
		"WECOM_BOT_WS_URL=" + fake.URL()}
	a := startServe(t, "a", env...)
	if !fake.WaitSubscribed(1, 30*time.Second) {
		t.Fatal("no replica subscribed")
	}
	b := startServe(t, "b", env...)
	if fake.WaitSubscribed(2, 3*time.Second) {
		t.Fatal("both replicas subscribed")
	}
	holder, standby := a, b
	if !strings.Contains(a.stderr.String(), "holding the long connection") {
		holder, standby = b, a
	}
	holder.kill()
	if !fake.WaitSubscribed(2, 30*time.Second) {
		t.Fatalf("the standby did not take over\n%s", tail(standby.stderr.String(), 20))
	}
	reqID := fake.Message("m1", "wrgroup", "group", "wangfang", "@TeamBot /加入 王芳")
	frames, ok := fake.WaitFrames("aibot_respond_msg", 1, 15*time.Second)
	if !ok || frames[0].ReqID != reqID || !strings.Contains(string(frames[0].Body), "已登记") {
		t.Fatalf("answer %+v, want one to %q", frames, reqID)
	}
	if !strings.Contains(standby.stderr.String(), "holding the long connection") {
		t.Error("the standby's log does not say it holds the connection")
	}
}
