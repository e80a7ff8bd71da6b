//go:build integration

package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"teambot"
	"teambot/bot/wecomtest"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// scaleTeams is how many teams TestMondayRemindersAtScale seeds:
// TEAMBOT_SCALE_TEAMS, default 1000, so that CI stays within minutes;
// BenchmarkMondayReminders10k seeds the 10 000.
func scaleTeams(t *testing.T) int {
	n := 1000
	if v := os.Getenv("TEAMBOT_SCALE_TEAMS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("TEAMBOT_SCALE_TEAMS=%q: want a positive number", v)
		}
	}
	return n
}

// scaleLimit bounds the wait for every reminder: TEAMBOT_SCALE_LIMIT,
// default def.
func scaleLimit(tb testing.TB, def time.Duration) time.Duration {
	v := os.Getenv("TEAMBOT_SCALE_LIMIT")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		tb.Fatalf("TEAMBOT_SCALE_LIMIT=%q: want a duration", v)
	}
	return d
}

// Many teams' Monday reminders (周报提醒, R4) from two replicas on one
// PostgreSQL; see mondayReminders. Each team gets exactly one, all within
// the limit (150 s by default).
func TestMondayRemindersAtScale(t *testing.T) {
	mondayReminders(t, scaleTeams(t), scaleLimit(t, 150*time.Second))
}

// The figures: 10 000 and 100 000 teams' Monday reminders, all
// handed to the fake WeCom by two replicas (target: within 60 s). Run
// once:
//
//	go test -tags integration ./cmd/teambot -run '^$' -bench MondayReminders100k -benchtime 1x -timeout 60m
//
// Each reports the seconds from 09:00 until the last reminder was
// accepted and until every firing was claimed, the replicas' peak
// resident memory, and how long a tick with nothing due takes.
func BenchmarkMondayReminders10k(b *testing.B)  { benchMondayReminders(b, 10000) }
func BenchmarkMondayReminders100k(b *testing.B) { benchMondayReminders(b, 100000) }

func benchMondayReminders(b *testing.B, n int) {
	for b.Loop() {
		r := mondayReminders(b, n, scaleLimit(b, 30*time.Minute))
		b.ReportMetric(r.delivered.Seconds(), "s-all-delivered")
		b.ReportMetric(r.claimed.Seconds(), "s-all-claimed")
		b.ReportMetric(r.peakRSS/(1<<20), "MiB-peak-rss")
		b.ReportMetric(float64(r.idleTick.Microseconds())/1000, "ms-idle-tick")
		b.ReportMetric(float64(r.idleTickVacuumed.Microseconds())/1000, "ms-idle-tick-vacuumed")
	}
}

// A tick with nothing due at 100 000 teams, without a Monday before it:
// the teams are seeded, one tick at 08:59 gives them their jobs, the
// tables are vacuumed as autovacuum would after that, and five ticks of
// every job at 08:59:30 are timed job by job. It reports the median.
//
//	go test -tags integration ./cmd/teambot -run '^$' -bench IdleTick100k -benchtime 1x -timeout 30m
func BenchmarkIdleTick100k(b *testing.B) {
	for b.Loop() {
		ctx := context.Background()
		fake := wecomtest.NewServer(b)
		url := storagetest.PostgresURL(b)
		at := scaleMonday().Add(-time.Minute)
		clock := func() time.Time { return at }
		a, err := openApp(ctx, env("TEAMBOT_DATABASE_URL", url, "WECOM_API_BASE", fake.URL,
			"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey), slog.New(slog.DiscardHandler), clock, false)
		if err != nil {
			b.Fatal(err)
		}
		seedTeams(b, a, 100000, scaleMonday().AddDate(0, 0, -7))
		s := a.newScheduler(clock, a.wecomPusher(clock))
		s.Tick(ctx)
		vacuum(b, url, "jobs", "teams", "members", "member_roles")
		at = at.Add(30 * time.Second)
		var ticks []time.Duration
		var last []string
		for range 5 {
			began := time.Now()
			last = last[:0]
			for _, j := range s.Jobs {
				jb := time.Now()
				if err := j.Run(ctx, at); err != nil {
					b.Errorf("%s: %v", j.Name(), err)
				}
				last = append(last, fmt.Sprintf("%s %v", j.Name(), time.Since(jb).Round(10*time.Microsecond)))
			}
			ticks = append(ticks, time.Since(began))
		}
		slices.Sort(ticks)
		b.Logf("IDLE: 100 000 teams, ticks with nothing due %v; the last one job by job: %s", ticks, strings.Join(last, ", "))
		b.ReportMetric(float64(ticks[len(ticks)/2].Microseconds())/1000, "ms-idle-tick")
		a.db.Close()
	}
}

// scaleResult is what one run of mondayReminders measured.
type scaleResult struct {
	delivered, claimed time.Duration // from 09:00 until every reminder was accepted, every firing claimed
	peakRSS            float64       // bytes, the larger replica's highest VmRSS
	idleTick           time.Duration // one tick of every job with nothing due, right after
	idleTickVacuumed   time.Duration // the same once the tables were vacuumed
}

// scaleReplicaEnv marks the test binary started as a replica process by
// mondayReminders; TestScaleReplica then runs the replica.
const scaleReplicaEnv = "TEAMBOT_SCALE_REPLICA"

// The replica process of mondayReminders: the test binary started again,
// running the scheduler as serve runs it (every job in its own loop on the
// 15 s tick) with the parent's database and fake WeCom, on a clock that
// reads Monday 09:00 at the real instant the parent names, until it is
// told to stop (SIGTERM). Skipped when not started so.
// TEAMBOT_SCALE_CPUPROFILE=PATH writes each replica's CPU profile to
// PATH.1 and PATH.2.
func TestScaleReplica(t *testing.T) {
	if os.Getenv(scaleReplicaEnv) == "" {
		t.Skip("run by mondayReminders as a separate process")
	}
	start, err := strconv.ParseInt(os.Getenv("TEAMBOT_SCALE_START"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return scaleMonday().Add(time.Since(time.Unix(0, start))) }
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, os.Getenv, log, clock, false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.db.Close()
	if path := os.Getenv("TEAMBOT_SCALE_CPUPROFILE"); path != "" {
		f, err := os.Create(path + "." + os.Getenv(scaleReplicaEnv))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	a.newScheduler(clock, a.wecomPusher(clock)).Run(ctx)
}

// scaleMonday is Monday 2026-11-23 09:00 Asia/Shanghai, a normal week.
func scaleMonday() time.Time {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)
}

// mondayReminders seeds n teams, each with its own group robot (so WeCom's
// 20 a minute applies per team) and three members, and gives them their
// jobs with one tick at 08:59. Then two replicas — separate processes,
// so each one's resident memory is its own — run the scheduler from 09:00
// on, in real time, until the fake WeCom has accepted a 周报提醒 for every
// team. Meanwhile a few busy teams without members (no 周报提醒) send 22
// queued messages each: their order and WeCom's 20 a minute per robot are
// checked in the same run. A fresh replica in this process then ticks
// twice at 09:00 plus the
// time taken: nothing is sent twice, and the second tick, with nothing
// due, is timed job by job. It fails unless every team got exactly one within limit.
func mondayReminders(t testing.TB, n int, limit time.Duration) (res scaleResult) {
	fake := wecomtest.NewServer(t)
	monday := scaleMonday()
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	vars := []string{
		"TEAMBOT_DATABASE_URL", storagetest.PostgresURL(t),
		"WECOM_API_BASE", fake.URL,
		"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey,
	}
	ctx := context.Background()
	setupClock := func() time.Time { return monday.Add(-time.Minute) }
	a, err := openApp(ctx, env(vars...), log, setupClock, false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.db.Close()

	seedStart := time.Now()
	seedTeams(t, a, n, monday.AddDate(0, 0, -7))
	t.Logf("seeded %d teams with 3 members and a robot key each in %v", n, time.Since(seedStart).Round(time.Millisecond))
	// One tick at 08:59 gives every team its jobs, created then (nothing
	// earlier is due), and works out when each is next due.
	setup := time.Now()
	a.newScheduler(setupClock, a.wecomPusher(setupClock)).Tick(ctx)
	t.Logf("first tick (jobs for every team) in %v", time.Since(setup).Round(time.Millisecond))
	// The Monday meets the database as the week before leaves it, with its
	// history, vacuumed and analyzed by autovacuum — not a minute after a hundred thousand
	// teams were created and their 1.3 million jobs worked out, each job's
	// due time moved twice (a first tick after upgrading does that once).
	// Last week's 周报提醒 went out too: the firings table has a week of
	// history, as it would, for the statistics the planner reads.
	if _, err := storagetest.Raw(t, vars[1]).ExecContext(ctx, `INSERT INTO firings (team_id, job, nominal_at, fire_at, outcome, claimed_at)
		SELECT id, 'report_open', $1, $1, 'sent', $1 FROM teams`, monday.AddDate(0, 0, -7).UTC()); err != nil {
		t.Fatal(err)
	}
	vacuum(t, vars[1], "teams", "members", "member_roles", "jobs", "firings", "outbox", "robot_sends")
	// Queued after that tick, so that the replicas alone send them, on
	// their clock.
	busy := seedBusyTeams(t, a, max(1, n/500), monday.Add(-time.Minute))

	isReminder := func(c wecomtest.Call) bool { return strings.Contains(string(c.Body), "【周报提醒】") }
	// The calls are counted as they come, each read once: copying a
	// hundred thousand calls on every delivery would take the cores the
	// replicas are measured on.
	var seen, reminders, busyDone int
	follow := func() {
		for _, c := range fake.CallsFrom(seen) {
			seen++
			if c.Path != wecomtest.WebhookPath || !c.OK() {
				continue
			}
			switch {
			case isReminder(c):
				reminders++
			case strings.Contains(string(c.Body), "【忙碌】"):
				busyDone++
			}
		}
	}

	start := time.Now()
	var replicas []*exec.Cmd
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestScaleReplica$", "-test.v")
		cmd.Env = append(os.Environ(), scaleReplicaEnv+"="+strconv.Itoa(i+1), "TEAMBOT_SCALE_START="+strconv.FormatInt(start.UnixNano(), 10))
		for k := 0; k < len(vars); k += 2 {
			cmd.Env = append(cmd.Env, vars[k]+"="+vars[k+1])
		}
		var out syncBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, cmd)
		defer func() {
			if t.Failed() {
				t.Logf("replica %d said:\n%s", i, tail(out.String(), 20))
			}
		}()
	}
	stopReplicas := func() {
		for _, cmd := range replicas {
			_ = cmd.Process.Signal(syscall.SIGTERM)
		}
		for _, cmd := range replicas {
			_ = cmd.Wait()
		}
	}
	defer stopReplicas()
	deadline := start.Add(limit)
	lastReport, lastCount, lastRSS := start, time.Time{}, time.Time{}
	raw := storagetest.Raw(t, vars[1])
	// Outbox rows enqueued: below counted for good up to id floor; lastTop
	// is the highest id of the last look.
	var enqueued, below, floor, lastTop int64
	for {
		if time.Since(lastRSS) >= 100*time.Millisecond {
			lastRSS = time.Now()
			for _, cmd := range replicas {
				res.peakRSS = max(res.peakRSS, vmRSS(cmd.Process.Pid))
			}
		}
		follow()
		got := reminders
		if got >= n {
			res.delivered = time.Since(start)
			break
		}
		if time.Now().After(deadline) {
			break
		}
		// The rows enqueued are counted once a second, each row once (a
		// count over the whole table every time would be work for the
		// database under measurement).
		if res.claimed == 0 && time.Since(lastCount) >= time.Second {
			lastCount = time.Now()
			// Rows up to the highest id of the last look are taken as
			// committed a second later (a chunk commits in milliseconds);
			// the rows above it are counted again each time, as a lower id
			// may commit after a higher one.
			rows, err := raw.QueryContext(ctx, `SELECT id FROM outbox WHERE id > $1 ORDER BY id`, floor)
			var settled, above, top int64
			for err == nil && rows.Next() {
				var id int64
				if err = rows.Scan(&id); err == nil {
					above, top = above+1, id
					if id <= lastTop {
						settled++
					}
				}
			}
			if rows != nil {
				if err == nil {
					err = rows.Err()
				}
				rows.Close()
			}
			if err == nil {
				below, floor, lastTop = below+settled, max(floor, lastTop), max(lastTop, top)
				enqueued = below + above - settled
			}
			if enqueued >= int64(n+busyMessages*len(busy)) {
				res.claimed = time.Since(start)
				t.Logf("all %d firings claimed and enqueued after %v", n, res.claimed.Round(time.Millisecond))
			}
		}
		if time.Since(lastReport) > 30*time.Second {
			lastReport = time.Now()
			t.Logf("after %v: %d delivered, %d enqueued", time.Since(start).Round(time.Second), got, enqueued)
		}
		fake.WaitMore(seen, 100*time.Millisecond)
	}
	// The busy teams' messages: in order, never more than 20 a minute to
	// one robot (WeCom's limit), so the last two wait a minute.
	for busyAll := busyMessages * len(busy); res.delivered > 0 && time.Now().Before(deadline); {
		if follow(); busyDone >= busyAll {
			break
		}
		fake.WaitMore(seen, time.Second)
	}
	stopReplicas()
	checkBusyTeams(t, fake, busy)
	// A fresh replica ticks twice more: nothing is sent twice, and a tick
	// with nothing due is quick.
	if res.delivered > 0 {
		after := monday.Add(time.Since(start))
		s := a.newScheduler(func() time.Time { return after }, a.wecomPusher(func() time.Time { return after }))
		s.Tick(ctx) // a process's first tick also looks for every team without its jobs
		var each []string
		began := time.Now()
		for _, j := range s.Jobs {
			jb := time.Now()
			if err := j.Run(ctx, after); err != nil {
				t.Errorf("idle tick: %s: %v", j.Name(), err)
			}
			each = append(each, fmt.Sprintf("%s %v", j.Name(), time.Since(jb).Round(10*time.Microsecond)))
		}
		res.idleTick = time.Since(began)
		t.Logf("a tick with nothing due, right after: %v (%s)", res.idleTick.Round(10*time.Microsecond), strings.Join(each, ", "))
		// Right after the flood a tick walks past the dead index entries
		// of a hundred thousand moved due times and sent messages, until
		// autovacuum (set to run after 1 % of a table changed) clears them:
		// vacuum here as it would, and time the tick again.
		vacuum(t, vars[1], "jobs", "outbox", "firings")
		began = time.Now()
		s.Tick(ctx)
		res.idleTickVacuumed = time.Since(began)
		t.Logf("a tick with nothing due, once vacuumed: %v", res.idleTickVacuumed.Round(10*time.Microsecond))
	}

	perKey := map[string]int{}
	for _, c := range fake.Calls() {
		if c.Path == wecomtest.WebhookPath && isReminder(c) && c.OK() {
			perKey[c.Query.Get("key")]++
		}
	}
	var twice []string
	for k, v := range perKey {
		if v != 1 {
			twice = append(twice, fmt.Sprintf("%s×%d", k, v))
		}
	}
	if len(twice) > 0 {
		t.Errorf("%d teams got their 周报提醒 more than once, e.g. %v", len(twice), twice[:min(5, len(twice))])
	}
	if res.delivered == 0 {
		t.Fatalf("after %v only %d of %d teams had their 周报提醒\nwarnings:\n%s",
			limit, len(perKey), n, tail(logs.String(), 20))
	}
	if len(perKey) != n {
		t.Errorf("%d distinct robots got a 周报提醒, want %d", len(perKey), n)
	}
	t.Logf("SCALE: %d teams' 周报提醒 all accepted by the fake WeCom %v after Monday 09:00, by 2 replicas, each once; "+
		"peak RSS of a replica %.1f MiB; a tick with nothing due %v right after, %v once vacuumed",
		n, res.delivered.Round(time.Millisecond), res.peakRSS/(1<<20), res.idleTick.Round(100*time.Microsecond),
		res.idleTickVacuumed.Round(100*time.Microsecond))
	if res.delivered > time.Minute {
		t.Logf("SCALE: the 60 s target is missed by %v", (res.delivered - time.Minute).Round(time.Millisecond))
	}
	if res.claimed == 0 {
		res.claimed = res.delivered // all claimed before the first look
	}
	return res
}

// vacuum runs VACUUM (ANALYZE) on the tables of the database at url, as
// autovacuum would.
func vacuum(t testing.TB, url string, tables ...string) {
	t.Helper()
	if _, err := storagetest.Raw(t, url).Exec("VACUUM (ANALYZE) " + strings.Join(tables, ", ")); err != nil {
		t.Fatal(err)
	}
}

// vmRSS is a process's resident memory in bytes, 0 when unknown.
func vmRSS(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// busyMessages is how many messages each busy team has waiting at 09:00:
// more than a group robot takes in a minute.
const busyMessages = 22

// seedBusyTeams creates n teams with no members (so no 周报提醒) and a
// robot key each, with busyMessages numbered group messages queued at
// at; it returns their robot keys.
func seedBusyTeams(t testing.TB, a *app, n int, at time.Time) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		for i := range n {
			team := teambot.Team{ChatID: fmt.Sprintf("scale-busy-%03d", i), TimeZone: "Asia/Shanghai", CreatedAt: at}
			if err := tx.CreateTeam(ctx, &team); err != nil {
				return err
			}
			key := fmt.Sprintf("BUSY-%03d", i)
			sealed, err := a.sealer.Seal(key)
			if err != nil {
				return err
			}
			if err := tx.SetPushKey(ctx, team.ID, sealed); err != nil {
				return err
			}
			var msgs []teambot.Outgoing
			for k := range busyMessages {
				msgs = append(msgs, teambot.Outgoing{TeamID: team.ID, Channel: teambot.ToGroup,
					Text: fmt.Sprintf("【忙碌】第%02d条", k+1), Origin: "scale"})
			}
			if err := tx.Enqueue(ctx, msgs, at); err != nil {
				return err
			}
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// checkBusyTeams checks that each busy robot got its messages once each,
// in order, and never 21 within a minute.
func checkBusyTeams(t testing.TB, fake *wecomtest.Server, keys []string) {
	t.Helper()
	byKey := map[string][]wecomtest.Call{}
	for _, c := range fake.Delivered(wecomtest.WebhookPath) {
		if strings.Contains(string(c.Body), "【忙碌】") {
			byKey[c.Query.Get("key")] = append(byKey[c.Query.Get("key")], c)
		}
	}
	for _, key := range keys {
		calls := byKey[key]
		if len(calls) != busyMessages {
			t.Errorf("robot %s took %d of its %d messages", key, len(calls), busyMessages)
			continue
		}
		for i, c := range calls {
			if want := fmt.Sprintf("第%02d条", i+1); !strings.Contains(string(c.Body), want) {
				t.Errorf("robot %s: message %d is %s, want %s: out of order", key, i+1, c.Body, want)
				break
			}
			if i >= 20 && c.At.Sub(calls[i-20].At) < time.Minute {
				t.Errorf("robot %s took messages %d and %d %v apart: 21 within a minute", key, i-19, i+1, c.At.Sub(calls[i-20].At))
			}
		}
	}
	t.Logf("SCALE: %d busy robots took their %d messages each in order, at most 20 a minute", len(keys), busyMessages)
}

// seedTeams creates n teams, each with its own sealed robot key and three
// members, in transactions of 500 teams, four at a time.
func seedTeams(t testing.TB, a *app, n int, created time.Time) {
	t.Helper()
	ctx := context.Background()
	const batch = 500
	var wg sync.WaitGroup
	errs := make(chan error, n/batch+1)
	sem := make(chan struct{}, 4)
	for from := 0; from < n; from += batch {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs <- a.db.Update(ctx, func(tx *storage.Tx) error {
				for i := from; i < min(from+batch, n); i++ {
					team := teambot.Team{ChatID: fmt.Sprintf("scale-chat-%05d", i), TimeZone: "Asia/Shanghai", CreatedAt: created}
					if err := tx.CreateTeam(ctx, &team); err != nil {
						return err
					}
					sealed, err := a.sealer.Seal(fmt.Sprintf("KEY-%05d", i))
					if err != nil {
						return err
					}
					if err := tx.SetPushKey(ctx, team.ID, sealed); err != nil {
						return err
					}
					for j := range 3 {
						m := teambot.Member{TeamID: team.ID, UserID: fmt.Sprintf("u%05d-%d", i, j), Name: fmt.Sprintf("成员%d", j),
							JoinedAt: created, Roles: []teambot.Role{teambot.RoleCopywriter}}
						if err := tx.AddMember(ctx, &m); err != nil {
							return err
						}
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
