package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

var ctx = context.Background()

var shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a wall-clock time in loc.
func at(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// harness is the reminder engine on a real database with one weekly job
// (Monday 09:00, moved off days off) whose message names its firing time.
type harness struct {
	t    *testing.T
	db   *storage.DB
	r    *scheduler.Reminders
	team teambot.Team
}

func newHarness(t *testing.T, db *storage.DB, tz string, created time.Time) *harness {
	t.Helper()
	team := teambot.Team{ChatID: "chat-" + tz, TimeZone: tz, CreatedAt: created}
	if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CreateTeam(ctx, &team) }); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, team: team}
	h.r = &scheduler.Reminders{
		Store: scheduler.StoreOf(db.Update),
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Jobs: []scheduler.JobDef{{
			Name: "report_open", Spec: "0 9 * * MON", Workdays: true,
			Compose: func(_ context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
				loc := mustLoad(tz)
				return []teambot.Outgoing{{TeamID: f.TeamID, Channel: teambot.ToGroup,
					Text: "周报提醒 " + f.At.In(loc).Format("2006-01-02 Mon 15:04")}}, nil
			},
		}},
		Skipped: func(_ context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
			return []teambot.Outgoing{{TeamID: f.TeamID, Channel: teambot.ToGroup, Text: "本周没有工作日：" + f.Job}}, nil
		},
		Admins: []string{"boss"},
	}
	// The jobs exist from the team's creation.
	h.tick(created)
	return h
}

func (h *harness) tick(now time.Time) {
	h.t.Helper()
	if err := h.r.Run(ctx, now); err != nil {
		h.t.Fatalf("tick at %v: %v", now, err)
	}
}

// queued is every message text in the outbox, in order.
func (h *harness) queued() []string {
	h.t.Helper()
	var out []string
	// A team's group messages are leased one at a time, in order: take
	// each and mark it sent until none is left.
	for {
		var msgs []teambot.Outgoing
		err := h.db.Update(ctx, func(tx *storage.Tx) (err error) {
			far := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
			if msgs, _, err = tx.LeaseOutbox(ctx, far, time.Hour, 1000, "test"); err != nil {
				return err
			}
			for _, m := range msgs {
				out = append(out, m.Text)
				if err := tx.MarkSent(ctx, m.ID, "test", far); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			h.t.Fatal(err)
		}
		if len(msgs) == 0 {
			return out
		}
	}
}

func (h *harness) expectQueued(want ...string) {
	h.t.Helper()
	if got := h.queued(); strings.Join(got, "|") != strings.Join(want, "|") {
		h.t.Errorf("queued %q, want %q", got, want)
	}
}

func TestNormalMonday(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		h.tick(at(shanghai, 2026, 11, 30, 8, 59))
		h.tick(at(shanghai, 2026, 11, 30, 9, 0))
		h.tick(at(shanghai, 2026, 11, 30, 9, 0).Add(15 * time.Second))
		h.expectQueued("周报提醒 2026-11-30 Mon 09:00")
	})
}

// National Day: the Monday reminder of the week of 2026-10-05 fires on
// Thursday 2026-10-08, the week's first workday.
func TestHolidayMovesToTheNextWorkday(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 9, 30, 12, 0))
		for d := 5; d <= 7; d++ {
			h.tick(at(shanghai, 2026, 10, d, 9, 0))
		}
		h.expectQueued()
		h.tick(at(shanghai, 2026, 10, 8, 9, 0))
		h.expectQueued("周报提醒 2026-10-08 Thu 09:00")
	})
}

// Spring Festival 2027: that week's only workday is the adjusted Sunday.
func TestAdjustedSundayIsTheWeeksOnlyWorkday(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2027, 2, 1, 12, 0))
		for d := 8; d <= 13; d++ {
			h.tick(at(shanghai, 2027, 2, d, 9, 30))
		}
		h.expectQueued()
		h.tick(at(shanghai, 2027, 2, 14, 9, 0))
		h.expectQueued("周报提醒 2027-02-14 Sun 09:00")
	})
}

// A week with no workday at all (Spring Festival 2026) is skipped, with one
// note.
func TestWeekWithoutWorkdayIsSkippedWithANote(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 2, 10, 12, 0))
		h.tick(at(shanghai, 2026, 2, 16, 9, 0))
		h.tick(at(shanghai, 2026, 2, 18, 9, 0))
		h.expectQueued("本周没有工作日：report_open")
	})
}

// A weekly reminder with nothing to say (e.g. 周报催交 when nobody is
// missing) sends no note when its week has no workday: the supervisor is
// told only of a reminder that was really skipped.
func TestWeekWithoutWorkdayNotesOnlyAReminderWithSomethingToSay(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 2, 10, 12, 0))
		h.r.Jobs[0].Compose = func(context.Context, teambot.Firing) ([]teambot.Outgoing, error) { return nil, nil }
		h.tick(at(shanghai, 2026, 2, 16, 9, 0))
		h.tick(at(shanghai, 2026, 2, 18, 9, 0))
		h.expectQueued()
	})
}

// A team's own day off moves its reminder too; its own workday counts.
func TestTeamDays(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetTeamDay(ctx, h.team.ID, teambot.DayOverride{Date: teambot.Date{Year: 2026, Month: 11, Day: 30}, Off: true, Note: "团建"})
		})
		if err != nil {
			t.Fatal(err)
		}
		h.tick(at(shanghai, 2026, 11, 30, 9, 0))
		h.tick(at(shanghai, 2026, 12, 1, 9, 0))
		h.expectQueued("周报提醒 2026-12-01 Tue 09:00")
	})
}

// A team elsewhere gets its reminder at 09:00 of its own time zone.
func TestOtherTimeZone(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		berlin := mustLoad("Europe/Berlin")
		h := newHarness(t, db, "Europe/Berlin", at(berlin, 2026, 11, 25, 12, 0))
		h.tick(at(shanghai, 2026, 11, 30, 9, 0)) // 02:00 in Berlin
		h.expectQueued()
		h.tick(at(berlin, 2026, 11, 30, 9, 0))
		h.expectQueued("周报提醒 2026-11-30 Mon 09:00")
	})
}

// Down from 08:59 to 10:29: the 09:00 reminder is still today's, sent once.
func TestCatchUpAfterAShortOutage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		h.tick(at(shanghai, 2026, 11, 30, 8, 59))
		h.tick(at(shanghai, 2026, 11, 30, 10, 29))
		h.tick(at(shanghai, 2026, 11, 30, 10, 30))
		h.expectQueued("周报提醒 2026-11-30 Mon 09:00")
	})
}

// Down for a week: last Monday's reminder is stale and is not sent.
func TestNoCatchUpAfterAWeekLongOutage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		h.tick(at(shanghai, 2026, 11, 30, 8, 0))
		h.tick(at(shanghai, 2026, 12, 8, 10, 0)) // Tuesday of the next week
		h.expectQueued()
		h.tick(at(shanghai, 2026, 12, 14, 9, 0))
		h.expectQueued("周报提醒 2026-12-14 Mon 09:00")
	})
}

// Off means no reminder; back on, it fires at its next time, not for the
// one it missed while off.
func TestJobOffAndOn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		set := func(enabled bool, now time.Time) {
			j := teambot.Job{TeamID: h.team.ID, Name: "report_open", Spec: "0 9 * * MON", Enabled: enabled}
			if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.SetJob(ctx, j, now) }); err != nil {
				t.Fatal(err)
			}
		}
		set(false, at(shanghai, 2026, 11, 27, 12, 0))
		h.tick(at(shanghai, 2026, 11, 30, 9, 0))
		set(true, at(shanghai, 2026, 11, 30, 9, 30))
		h.tick(at(shanghai, 2026, 11, 30, 9, 31))
		h.expectQueued()
		h.tick(at(shanghai, 2026, 12, 7, 9, 0))
		h.expectQueued("周报提醒 2026-12-07 Mon 09:00")
	})
}

// counter is a Deliverer that counts what it was given.
type counter struct {
	mu   sync.Mutex
	sent map[string]int
}

func (c *counter) Deliver(_ context.Context, _ teambot.Team, m teambot.Outgoing) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[m.Text]++
	return nil
}

// Two schedulers, each with its reminders and its outbox, on one database,
// ticking at the same instants every 15 minutes for a month: every Monday
// fires and is delivered exactly once.
func TestTwoReplicasFireOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		start := at(shanghai, 2026, 11, 1, 0, 0)
		h := newHarness(t, db, "Asia/Shanghai", start)
		other := *h.r
		delivered := &counter{sent: map[string]int{}}
		var replicas []*scheduler.Scheduler
		for _, r := range []*scheduler.Reminders{h.r, &other} {
			out := &scheduler.Outbox{Store: r.Store, Deliverer: delivered, Log: r.Log}
			replicas = append(replicas, &scheduler.Scheduler{Jobs: []scheduler.Job{r, out}, Log: r.Log})
		}
		for now := start; now.Before(start.AddDate(0, 1, 0)); now = now.Add(15 * time.Minute) {
			var wg sync.WaitGroup
			errs := make(chan error, 2*len(replicas))
			for _, s := range replicas {
				wg.Go(func() {
					for _, j := range s.Jobs {
						errs <- j.Run(ctx, now)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("tick at %v: %v", now, err)
				}
			}
		}
		var got []string
		for text, n := range delivered.sent {
			got = append(got, fmt.Sprintf("%s ×%d", text, n))
		}
		sort.Strings(got)
		want := []string{"周报提醒 2026-11-02 Mon 09:00 ×1", "周报提醒 2026-11-09 Mon 09:00 ×1", "周报提醒 2026-11-16 Mon 09:00 ×1",
			"周报提醒 2026-11-23 Mon 09:00 ×1", "周报提醒 2026-11-30 Mon 09:00 ×1"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("delivered %q\nwant %q", got, want)
		}
	})
}

// 2028 has no holiday data yet: the admins are told once, and reminders
// still fire by weekends and the team's own days.
func TestYearWithoutCalendarData(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2028, 1, 5, 12, 0))
		h.tick(at(shanghai, 2028, 1, 10, 9, 0))
		h.tick(at(shanghai, 2028, 1, 10, 9, 15))
		got := h.queued()
		notices := 0
		for _, m := range got {
			if strings.Contains(m, "节假日日历没有 2028 年的数据") {
				notices++
			}
		}
		if notices != 1 || !strings.Contains(strings.Join(got, "|"), "周报提醒 2028-01-10 Mon 09:00") {
			t.Errorf("queued %q, want one calendar notice and the Monday reminder", got)
		}
	})
}

// A daily job skips days off instead of moving (moving would fire twice on
// the next workday), and the hour that daylight saving repeats fires once.
func TestDailyJobsAndDaylightSaving(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 9, 30, 12, 0))
		h.r.Jobs[0].Spec = "0 9 * * *"
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetJob(ctx, teambot.Job{TeamID: h.team.ID, Name: "report_open", Spec: "0 9 * * *", Enabled: true}, at(shanghai, 2026, 9, 30, 12, 0))
		}); err != nil {
			t.Fatal(err)
		}
		for d := 1; d <= 9; d++ {
			h.tick(at(shanghai, 2026, 10, d, 9, 0))
		}
		h.expectQueued("周报提醒 2026-10-08 Thu 09:00", "周报提醒 2026-10-09 Fri 09:00")

		ny := mustLoad("America/New_York")
		d := newHarness(t, db, "America/New_York", at(ny, 2026, 10, 30, 12, 0))
		d.r.Jobs[0].Workdays = false
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetJob(ctx, teambot.Job{TeamID: d.team.ID, Name: "report_open", Spec: "30 1 * * *", Enabled: true}, at(ny, 2026, 10, 30, 12, 0))
		}); err != nil {
			t.Fatal(err)
		}
		// 2026-11-01 01:30 happens twice in New York (EDT, then EST).
		first := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)
		for _, now := range []time.Time{first, first.Add(time.Hour), first.Add(2 * time.Hour)} {
			d.tick(now)
		}
		n := 0
		for _, m := range d.queued() {
			if strings.Contains(m, "2026-11-01") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("the repeated 01:30 fired %d times, want once", n)
		}
	})
}

// monthEndHarness is a harness whose one job is a day-of-month range like
// 月报提醒 ("0 10 20-31 * *"), composed only on the month's last workday as
// the real reminder is (R5: the monthly digest goes out once a month).
func monthEndHarness(t *testing.T, db *storage.DB, created time.Time) *harness {
	t.Helper()
	h := newHarness(t, db, "Asia/Shanghai", created)
	cal := calendar.New(nil)
	h.r.Jobs = []scheduler.JobDef{{
		Name: "monthly_digest", Spec: "0 10 20-31 * *", Workdays: true,
		Compose: func(_ context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
			today := teambot.DateOf(f.At.In(shanghai))
			last := today
			for d := today.AddDate(0, 0, 1); d.Month == today.Month; d = d.AddDate(0, 0, 1) {
				if cal.Workday(d) {
					last = d
				}
			}
			if last != today {
				return nil, nil
			}
			return []teambot.Outgoing{{TeamID: f.TeamID, Channel: teambot.ToGroup,
				Text: "月报提醒 " + f.At.In(shanghai).Format("2006-01-02 Mon 15:04")}}, nil
		},
	}}
	h.tick(created)
	return h
}

// Only weekly jobs move within their week: when the second-to-last day of a
// month is a day off and the last is an adjusted workday (2027-01-30
// Saturday, 2027-01-31 a Sunday made a workday before the Spring Festival), the Saturday firing of a
// day-of-month job is skipped, not moved onto the Sunday, so the monthly
// reminder fires exactly once.
func TestMonthEndJobFiresOnceWhenItsLastDayIsAnAdjustedWorkday(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := monthEndHarness(t, db, at(shanghai, 2027, 1, 25, 12, 0))
		for d := 29; d <= 31; d++ {
			h.tick(at(shanghai, 2027, 1, d, 10, 0))
			h.tick(at(shanghai, 2027, 1, d, 10, 0).Add(15 * time.Second))
		}
		h.tick(at(shanghai, 2027, 2, 1, 10, 0))
		h.expectQueued("月报提醒 2027-01-31 Sun 10:00")
	})
}

// A day-of-month job whose days fall on an ordinary weekend (2026-05-30 and
// 31 are Saturday and Sunday) skips them silently: no "本周不发送" note
// reaches the supervisor, since nothing that had something to say was
// skipped; the reminder goes out on Friday, the month's last workday.
func TestMonthEndJobOnAWeekendSendsNoSkipNote(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := monthEndHarness(t, db, at(shanghai, 2026, 5, 25, 12, 0))
		for d := 28; d <= 31; d++ {
			h.tick(at(shanghai, 2026, 5, d, 10, 0))
		}
		h.tick(at(shanghai, 2026, 6, 1, 10, 0))
		h.expectQueued("月报提醒 2026-05-29 Fri 10:00")
	})
}
