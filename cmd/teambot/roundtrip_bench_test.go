package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"teambot/bot/wecomtest"
	"teambot/storage/storagetest"
)

// One full command round trip as WeCom makes it: an encrypted group robot
// callback over HTTP to serve's handler, the signature verified, the body
// decrypted, /团队 run on the database in one transaction, the passive reply
// encrypted, and the reply verified and decrypted by the caller. Serially
// (one request in flight) and in parallel (GOMAXPROCS×8 in flight).
func BenchmarkRoundTrip(b *testing.B) {
	for _, dbc := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", storagetest.SQLiteURL}, {"postgres", storagetest.PostgresURL}} {
		b.Run(dbc.name, func(b *testing.B) {
			getenv := env("TEAMBOT_DATABASE_URL", dbc.url(b), "WECOM_API_BASE", "http://127.0.0.1:9",
				"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey)
			a, err := openApp(context.Background(), getenv, slog.New(slog.DiscardHandler), time.Now, false)
			if err != nil {
				b.Fatal(err)
			}
			defer a.db.Close()
			mux := http.NewServeMux()
			if _, err := a.mountCallbacks(mux); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(mux)
			defer srv.Close()
			cb := &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "robot-token", AESKey: testAESKey}
			url := srv.URL + "/wecom/robot"
			run := newRunID()
			send := func(client *http.Client, i int, chat string) error {
				req := cb.Post(url, cb.TextMessage(wecomtest.Text{
					MsgID: run + "-" + strconv.Itoa(i), ChatID: chat, UserID: "u" + strconv.Itoa(i%20), Name: "成员",
					Content: "@teambot /团队", WebhookURL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-" + chat,
				}))
				resp, err := client.Do(req)
				if err != nil {
					return err
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return fmt.Errorf("HTTP %d", resp.StatusCode)
				}
				if _, err := cb.OpenReply(body); err != nil {
					return fmt.Errorf("reply: %w", err)
				}
				return nil
			}
			var seq atomic.Int64 // message ids stay unique across the benchmark's runs
			b.Run("serial", func(b *testing.B) {
				client := srv.Client()
				b.ReportAllocs()
				for b.Loop() {
					i := int(seq.Add(1))
					if err := send(client, i, "chat-"+strconv.Itoa(i%50)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "callbacks/s")
			})
			b.Run("parallel", func(b *testing.B) {
				tr := http.DefaultTransport.(*http.Transport).Clone()
				tr.MaxIdleConnsPerHost = 64
				client := &http.Client{Transport: tr}
				b.SetParallelism(8)
				b.ReportAllocs()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := int(seq.Add(1))
						if err := send(client, i, "chat-"+strconv.Itoa(i%200)); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "callbacks/s")
			})
		})
	}
}
