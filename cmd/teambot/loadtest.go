package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"teambot"
	"teambot/bot/wxcallback"
)

// loadOptions is one run of `teambot loadtest`.
type loadOptions struct {
	URL         string
	Mode        wxcallback.Mode
	Token       string
	AESKey      string
	CorpID      string        // the app's receiveid; app mode only
	JSON        bool          // robot mode: JSON envelopes (robot_callback_format=json)
	Rate        float64       // requests per second, scheduled; 0: as fast as the workers go
	Duration    time.Duration // how long requests are started
	Concurrency int           // workers, each with at most one request in flight
	Teams       int           // distinct group chats
	Users       int           // distinct senders per chat
	Commands    []string      // what the senders type, in turn
	PID         int           // process whose VmRSS is sampled; 0: none
	Webhook     string        // robot mode: the webhook URL a callback carries, before ?key=
	Client      *http.Client  // nil: a client sized for Concurrency
}

// loadReport is what a run measured.
type loadReport struct {
	Requests  int           // requests sent
	OK        int           // answered 200
	Empty     int           // of those, an empty body (the answer went late, or a retry)
	NonOK     map[int]int   // answered with another status, by status
	Transport int           // no answer: connection or timeout errors
	BadReply  int           // 200 with a body that did not verify and decrypt
	Elapsed   time.Duration // from the first scheduled start to the last answer
	Latencies []time.Duration

	RSSBefore, RSSAfter, RSSMax int64 // bytes; 0 when no --pid
}

// Errors counts every request that was not a good answer.
func (r *loadReport) Errors() int {
	n := r.Transport + r.BadReply
	for _, c := range r.NonOK {
		n += c
	}
	return n
}

// Throughput is answered requests per second.
func (r *loadReport) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Transport) / r.Elapsed.Seconds()
}

// Percentile is the latency below which p (0..1) of the requests fell.
func (r *loadReport) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies))*p+0.5) - 1
	return r.Latencies[max(0, min(i, len(r.Latencies)-1))]
}

// runLoadtest is `teambot loadtest`: it drives a running `teambot serve`
// with valid, encrypted callbacks from many chats and senders and reports
// throughput, latency and the server's resident memory.
func runLoadtest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("loadtest", stderr)
	var o loadOptions
	var mode, commandList string
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080/wecom/robot", "callback URL of the endpoint under test")
	fs.StringVar(&mode, "mode", "robot", "endpoint mode: bot, robot or app")
	fs.StringVar(&o.Token, "token", "", "the endpoint's Token (default: WECOM_<MODE>_TOKEN from the environment)")
	fs.StringVar(&o.AESKey, "aes-key", "", "the endpoint's EncodingAESKey (default: WECOM_<MODE>_AES_KEY from the environment)")
	fs.StringVar(&o.CorpID, "corp-id", "", "app mode: the CorpID (default: WECOM_CORP_ID)")
	fs.BoolVar(&o.JSON, "json", false, "robot mode: JSON callbacks (robot_callback_format=json)")
	fs.Float64Var(&o.Rate, "rate", 300, "requests per second, open loop (latency counts from the scheduled start); 0: closed loop, as fast as possible")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "how long to start requests")
	fs.IntVar(&o.Concurrency, "concurrency", 64, "requests in flight at most")
	fs.IntVar(&o.Teams, "teams", 200, "distinct group chats")
	fs.IntVar(&o.Users, "users", 20, "distinct senders per chat")
	fs.StringVar(&commandList, "commands", "/帮助,/谁请假,/团队", "comma-separated commands the senders type, in turn; {user} is the sender's number in its chat (/加入 成员{user})")
	fs.IntVar(&o.PID, "pid", 0, "sample VmRSS of this process (the server) from /proc/PID/status")
	fs.StringVar(&o.Webhook, "webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "robot mode: the group webhook callbacks carry (a key per chat is appended)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("loadtest: unexpected arguments %q", fs.Args())
	}
	o.Mode = wxcallback.Mode(mode)
	for _, c := range strings.Split(commandList, ",") {
		if c = strings.TrimSpace(c); c != "" {
			o.Commands = append(o.Commands, c)
		}
	}
	prefix := map[wxcallback.Mode]string{wxcallback.ModeBot: "WECOM_BOT", wxcallback.ModeRobot: "WECOM_ROBOT", wxcallback.ModeApp: "WECOM_APP"}[o.Mode]
	if prefix != "" {
		if o.Token == "" {
			o.Token = strings.TrimSpace(getenv(prefix + "_TOKEN"))
		}
		if o.AESKey == "" {
			o.AESKey = strings.TrimSpace(getenv(prefix + "_AES_KEY"))
		}
		if o.CorpID == "" && o.Mode == wxcallback.ModeApp {
			o.CorpID = strings.TrimSpace(getenv("WECOM_CORP_ID"))
		}
	}
	if err := o.check(prefix); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loadtest: %s %s, %s, %d workers, %d chats x %d senders, commands %s\n",
		o.Mode, o.URL, o.shape(), o.Concurrency, o.Teams, o.Users, strings.Join(o.Commands, " "))
	rep, err := loadtest(ctx, o)
	if rep != nil {
		rep.print(stdout) // also what was measured before an interrupt
	}
	if err != nil {
		return err
	}
	if rep.Requests == 0 {
		return errors.New("loadtest: no request was sent")
	}
	return nil
}

// check refuses a run that cannot produce valid callbacks, naming what is
// missing; it never repeats a secret.
func (o *loadOptions) check(prefix string) error {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if prefix == "" {
		fail("--mode %q: want bot, robot or app", o.Mode)
	} else {
		if o.Token == "" {
			fail("--token (or %s_TOKEN) is required: the endpoint's Token signs every callback", prefix)
		}
		if o.AESKey == "" {
			fail("--aes-key (or %s_AES_KEY) is required: the endpoint's EncodingAESKey encrypts every callback", prefix)
		} else if err := checkAESKey(o.AESKey); err != nil {
			fail("--aes-key: %v", err)
		}
		if o.Mode == wxcallback.ModeApp && o.CorpID == "" {
			fail("--corp-id (or WECOM_CORP_ID) is required in app mode: it is the receiveid of every callback")
		}
	}
	if err := checkURL(o.URL); err != nil {
		fail("--url: %v", err)
	}
	if o.Mode == wxcallback.ModeRobot {
		if err := checkURL(o.Webhook); err != nil {
			fail("--webhook: %v", err)
		}
	}
	switch {
	case o.Rate < 0:
		fail("--rate %v: want requests per second, or 0 for as fast as possible", o.Rate)
	case o.Duration <= 0:
		fail("--duration %v: want a positive duration such as 30s", o.Duration)
	case o.Concurrency < 1:
		fail("--concurrency %d: want at least 1", o.Concurrency)
	case o.Teams < 1 || o.Users < 1:
		fail("--teams and --users: want at least 1 each")
	case len(o.Commands) == 0:
		fail("--commands: want at least one command")
	}
	if len(errs) > 0 {
		return fmt.Errorf("loadtest:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

func (o *loadOptions) shape() string {
	if o.Rate == 0 {
		return fmt.Sprintf("closed loop for %v", o.Duration)
	}
	return fmt.Sprintf("open loop at %g/s for %v", o.Rate, o.Duration)
}

// loadtest runs the load and measures it. In open loop request i is due at
// start + i/rate and its latency counts from then, so a server that stalls
// is charged for the requests that queued behind the stall (no coordinated
// omission); in closed loop each worker sends its next request as soon as
// the last is answered.
func loadtest(ctx context.Context, o loadOptions) (*loadReport, error) {
	cb := &wxcallback.Callbacks{Mode: o.Mode, Token: o.Token, AESKey: o.AESKey, ReceiveID: o.CorpID, JSON: o.JSON}
	client := o.Client
	if client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = o.Concurrency
		tr.MaxIdleConnsPerHost = o.Concurrency
		client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	run := newRunID()
	rep := &loadReport{NonOK: map[int]int{}}

	var stopRSS func()
	if o.PID > 0 {
		before, err := readRSS(o.PID)
		if err != nil {
			return nil, fmt.Errorf("loadtest: --pid %d: %w", o.PID, err)
		}
		rep.RSSBefore, rep.RSSMax = before, before
		stopRSS = sampleRSS(o.PID, &rep.RSSMax)
	}

	var next atomic.Int64
	var interval time.Duration
	if o.Rate > 0 {
		interval = time.Duration(float64(time.Second) / o.Rate)
	}
	start := time.Now()
	end := start.Add(o.Duration)
	var mu sync.Mutex
	var last time.Time
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Go(func() {
			var lat []time.Duration
			var res loadReport
			res.NonOK = map[int]int{}
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				due := time.Now()
				if interval > 0 {
					due = start.Add(time.Duration(i) * interval)
					if !due.Before(end) {
						break
					}
					if d := time.Until(due); d > 0 {
						if teambot.Sleep(ctx, d) != nil {
							break
						}
					}
				} else if !due.Before(end) {
					break
				}
				o.one(ctx, client, cb, run, i, &res)
				lat = append(lat, time.Since(due))
			}
			mu.Lock()
			defer mu.Unlock()
			if now := time.Now(); now.After(last) {
				last = now
			}
			rep.Requests += res.Requests
			rep.OK += res.OK
			rep.Empty += res.Empty
			rep.Transport += res.Transport
			rep.BadReply += res.BadReply
			for s, n := range res.NonOK {
				rep.NonOK[s] += n
			}
			rep.Latencies = append(rep.Latencies, lat...)
		})
	}
	wg.Wait()
	rep.Elapsed = last.Sub(start)
	slices.Sort(rep.Latencies)
	if stopRSS != nil {
		stopRSS()
		after, err := readRSS(o.PID)
		if err != nil {
			return rep, fmt.Errorf("loadtest: --pid %d after the run: %w", o.PID, err)
		}
		rep.RSSAfter, rep.RSSMax = after, max(rep.RSSMax, after)
	}
	return rep, ctx.Err()
}

// one sends request i: a fresh message id, chat i mod Teams, one of the
// chat's senders, the commands in turn. It checks that a passive reply
// verifies and decrypts.
func (o *loadOptions) one(ctx context.Context, client *http.Client, cb *wxcallback.Callbacks, run string, i int64, res *loadReport) {
	team := int(i % int64(o.Teams))
	user := int((i / int64(o.Teams)) % int64(o.Users))
	chatID := fmt.Sprintf("loadtest-chat-%05d", team)
	userID := fmt.Sprintf("loadtest-u%05d-%03d", team, user)
	msgID := run + "-" + strconv.FormatInt(i, 10)
	text := wxcallback.Text{
		MsgID: msgID, ChatID: chatID, UserID: userID, Name: "用户" + strconv.Itoa(user),
		Content: "@teambot " + strings.ReplaceAll(o.Commands[int(i)%len(o.Commands)], "{user}", strconv.Itoa(user)),
	}
	switch o.Mode {
	case wxcallback.ModeRobot:
		text.WebhookURL = o.Webhook + "?key=loadtest-" + strconv.Itoa(team)
	case wxcallback.ModeBot:
		text.ResponseURL = "http://127.0.0.1:9/loadtest/response/" + msgID // never reached unless an answer is late
	case wxcallback.ModeApp:
		text.ChatID, text.MsgID = "", appMsgID(run, i) // a single chat; app message ids are numbers
	}
	req := cb.Post(o.URL, cb.TextMessage(text)).WithContext(ctx)
	res.Requests++
	resp, err := client.Do(req)
	if err != nil {
		res.Transport++
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		res.Transport++
	case resp.StatusCode != http.StatusOK:
		res.NonOK[resp.StatusCode]++
	case len(body) == 0:
		res.OK++
		res.Empty++
	default:
		if _, err := cb.OpenReply(body); err != nil {
			res.BadReply++
			return
		}
		res.OK++
	}
}

// appMsgID is a numeric message id, unique per run: the app's ids are
// 64-bit numbers.
func appMsgID(run string, i int64) string {
	prefix, _ := strconv.ParseUint(run[:8], 16, 64)
	return strconv.FormatUint(prefix<<30|uint64(i), 10)
}

// newRunID keeps message ids of separate runs against one database apart,
// so no run's callbacks look like retries of an earlier one's.
func newRunID() string { return teambot.RandomHex(6) }

// readRSS is the resident set size of process pid, in bytes.
func readRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v) // "12345 kB"
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, errors.New("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
}

// sampleRSS keeps the largest VmRSS of pid in *peak, ten times a second,
// until the returned stop is called.
func sampleRSS(pid int, peak *int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	best := *peak
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if rss, err := readRSS(pid); err == nil {
					mu.Lock()
					best = max(best, rss)
					mu.Unlock()
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		*peak = best
	}
}

func (r *loadReport) print(w io.Writer) {
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	}
	var non []string
	for _, s := range slices.Sorted(maps.Keys(r.NonOK)) {
		non = append(non, fmt.Sprintf("%d x HTTP %d", r.NonOK[s], s))
	}
	fmt.Fprintf(w, "requests    %d (answered 200: %d, of which empty: %d)\n", r.Requests, r.OK, r.Empty)
	fmt.Fprintf(w, "errors      %d (non-200: %s; transport: %d; bad replies: %d)\n", r.Errors(), orNone(non), r.Transport, r.BadReply)
	fmt.Fprintf(w, "elapsed     %v\n", r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "throughput  %.1f/s\n", r.Throughput())
	fmt.Fprintf(w, "latency     p50 %s  p95 %s  p99 %s  max %s\n", ms(r.Percentile(0.50)), ms(r.Percentile(0.95)), ms(r.Percentile(0.99)), ms(r.Percentile(1)))
	if r.RSSBefore > 0 {
		mb := func(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MiB" }
		fmt.Fprintf(w, "server rss  before %s  after %s  max %s\n", mb(r.RSSBefore), mb(r.RSSAfter), mb(r.RSSMax))
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
