package scheduler

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"teambot"
	"teambot/calendar"
)

// JobDef is a kind of reminder every team has: a default cron spec, the
// rule for days off, and what to send.
type JobDef struct {
	Name string
	Spec string // default five-field cron spec, read in the team's time zone
	// Workdays moves a firing that falls on a day off to the same time on
	// the next workday of its ISO week, or skips it when the week has none.
	Workdays bool
	// MoveOff, when set, places a weekly firing whose day is a day off
	// instead of the next workday of its week: it may move it back to an
	// earlier day (f.At is the nominal instant), and reports false to skip
	// the firing. The tick looks a week ahead for such firings.
	MoveOff func(ctx context.Context, f teambot.Firing, cal *calendar.Calendar) (time.Time, bool, error)
	// Compose builds the messages of one firing; none means nothing to say.
	Compose func(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error)
}

// lookback bounds how far back a tick looks for firings it has not claimed:
// a week and a day covers a weekly firing moved to the end of its week.
const lookback = 8 * 24 * time.Hour

// lookahead is how far ahead a tick looks for firings a job's MoveOff may
// move back to an earlier day of their week.
const lookahead = 7 * 24 * time.Hour

// Reminders claims each team's due firings exactly once and enqueues their
// messages in the same transaction, so any number of replicas may tick at
// the same instants. A firing missed while the bot was down is still sent if
// its day has not ended (the grace window: the same workday); an older one
// is recorded as missed and logged.
type Reminders struct {
	Store  Store
	Jobs   []JobDef
	Admins []string // told once when the holiday calendar has no data for the year
	// Skipped builds the note to the supervisor when a weekly firing's week
	// has no workday at all and the firing had something to say.
	Skipped func(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error)
	// Split cuts a text WeCom would refuse as too long into parts; each part
	// becomes its own outbox row, so a failure never resends a part that went
	// out. nil: no splitting.
	Split func(text string) []string
	Log   *slog.Logger
	// Metrics, when set, counts the firings this process claims.
	Metrics *Metrics

	// Ordered runs a tick's firings one after another, team by team and
	// each team's in the order of Jobs, instead of spreading them over
	// workers from a place that differs per replica: a replay (the
	// console's :time) then prints the firings of one minute in a fixed
	// order. serve leaves it off.
	Ordered bool

	cache *reminderCache // made on the first tick
}

// reminderCache is what a Reminders keeps between ticks.
type reminderCache struct {
	mu     sync.Mutex
	specs  map[string]cron.Schedule  // parsed specs
	zones  map[string]*time.Location // loaded time zones
	offset int                       // where this replica starts in the job list
}

func (r *Reminders) Name() string { return "reminders" }

// Run is one tick at now.
func (r *Reminders) Run(ctx context.Context, now time.Time) error {
	jobs, done, err := r.load(ctx, now)
	if err != nil {
		return err
	}
	if err := r.checkCalendar(ctx, now); err != nil {
		return err
	}
	cals := &calendars{m: map[int64]*calendar.Calendar{}}
	r.ensureCache()
	if r.Ordered {
		return r.runOrdered(ctx, jobs, now, done, cals)
	}
	// Each replica starts at its own place in the list, so replicas ticking
	// together claim different firings first instead of racing for the same.
	if len(jobs) > 0 {
		start := r.cache.offset % len(jobs)
		jobs = append(jobs[start:], jobs[:start]...)
	}
	// A few teams at once: each firing is claimed on its own, and most of
	// a firing's time is spent waiting for the database. One team's jobs
	// stay with one worker, in order, so its messages are enqueued in order.
	var mu sync.Mutex
	var errs []error
	shares := make([][]teambot.Job, reminderWorkers)
	for _, j := range jobs {
		w := int(uint64(j.TeamID) % reminderWorkers)
		shares[w] = append(shares[w], j)
	}
	var wg sync.WaitGroup
	for _, share := range shares {
		wg.Go(func() {
			for _, j := range share {
				if err := r.runJob(ctx, j, now, done, cals); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("job %s of team %d: %w", j.Name, j.TeamID, err))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("reminders: %d jobs failed, first: %w", len(errs), errs[0])
	}
	return nil
}

// ensureCache makes the cache on the first use; the replica's place in
// the job list is drawn then.
func (r *Reminders) ensureCache() {
	if r.cache == nil {
		r.cache = &reminderCache{specs: map[string]cron.Schedule{}, zones: map[string]*time.Location{}, offset: rand.IntN(1 << 30)}
	}
}

// runOrdered is a tick of an Ordered Reminders: the jobs by team, each
// team's in the order of r.Jobs, one after another.
func (r *Reminders) runOrdered(ctx context.Context, jobs []teambot.Job, now time.Time, done map[teambot.FiringKey]bool, cals *calendars) error {
	rank := func(name string) int {
		return slices.IndexFunc(r.Jobs, func(d JobDef) bool { return d.Name == name })
	}
	slices.SortStableFunc(jobs, func(a, b teambot.Job) int {
		return cmp.Or(cmp.Compare(a.TeamID, b.TeamID), cmp.Compare(rank(a.Name), rank(b.Name)))
	})
	var errs []error
	for _, j := range jobs {
		if err := r.runJob(ctx, j, now, done, cals); err != nil {
			errs = append(errs, fmt.Errorf("job %s of team %d: %w", j.Name, j.TeamID, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("reminders: %d jobs failed, first: %w", len(errs), errs[0])
	}
	return nil
}

// NextDue is the earliest instant in (after, until] at which a firing of
// an enabled job is due: its nominal time from the job's spec, or where a
// day off moves it (place). It reads the jobs as they are now; a job
// created later is found by the next call.
func (r *Reminders) NextDue(ctx context.Context, after, until time.Time) (time.Time, bool, error) {
	var jobs []teambot.Job
	err := r.Store.Update(ctx, func(tx Tx) (err error) {
		jobs, err = tx.EnabledJobs(ctx)
		return err
	})
	if err != nil {
		return time.Time{}, false, err
	}
	r.ensureCache()
	cals := &calendars{m: map[int64]*calendar.Calendar{}}
	best, found := until, false
	for _, j := range jobs {
		def, ok := r.def(j.Name)
		if !ok {
			continue
		}
		sched, loc, err := r.parse(j.Spec, j.TimeZone)
		if err != nil {
			return time.Time{}, false, err
		}
		// From as far back as a tick looks: a firing of last week may be
		// moved past after.
		start := after.Add(-lookback)
		if j.CreatedAt.After(start) {
			start = j.CreatedAt
		}
		// A MoveOff job's later nominal firing may land earlier, within
		// a week; any other's lands later still.
		ahead := time.Duration(0)
		if def.MoveOff != nil {
			ahead = lookahead
		}
		for n := sched.Next(start.In(loc)); !n.After(best.Add(ahead)); n = sched.Next(n) {
			at, _, err := r.place(ctx, j, def, Weekly(j.Spec, sched, n), n, cals)
			if err != nil {
				return time.Time{}, false, err
			}
			if at.After(after) && !at.After(best) {
				best, found = at, true
			}
			if n.After(after) && def.MoveOff == nil {
				break
			}
		}
	}
	return best, found, nil
}

// load makes sure every team has every job, then reads the enabled jobs and
// the firings already claimed within the lookback.
func (r *Reminders) load(ctx context.Context, now time.Time) (jobs []teambot.Job, done map[teambot.FiringKey]bool, err error) {
	err = r.Store.Update(ctx, func(tx Tx) error {
		for _, d := range r.Jobs {
			if err := tx.EnsureJob(ctx, d.Name, d.Spec, now); err != nil {
				return err
			}
		}
		if jobs, err = tx.EnabledJobs(ctx); err != nil {
			return err
		}
		done, err = tx.FiringsSince(ctx, now.Add(-lookback))
		return err
	})
	return jobs, done, err
}

// runJob claims the job's due firings within the lookback.
func (r *Reminders) runJob(ctx context.Context, j teambot.Job, now time.Time, done map[teambot.FiringKey]bool, cals *calendars) error {
	def, ok := r.def(j.Name)
	if !ok {
		return nil // a job of a newer or older version of teambot
	}
	sched, loc, err := r.parse(j.Spec, j.TimeZone)
	if err != nil {
		return err
	}
	start := now.Add(-lookback)
	if j.CreatedAt.After(start) {
		start = j.CreatedAt
	}
	until := now
	if def.MoveOff != nil {
		until = now.Add(lookahead)
	}
	for n := sched.Next(start.In(loc)); !n.After(until); n = sched.Next(n) {
		key := teambot.FiringKey{TeamID: j.TeamID, Job: j.Name, Nominal: wallClock(n)}
		if done[key] {
			continue
		}
		if err := r.fire(ctx, j, def, Weekly(j.Spec, sched, n), key, n, now, cals); err != nil {
			return err
		}
	}
	return nil
}

// parse reads a job's spec and time zone, once per distinct value: with
// thousands of teams, parsing them on every tick is most of a tick's work.
func (r *Reminders) parse(spec, zone string) (cron.Schedule, *time.Location, error) {
	c := r.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	sched, ok := c.specs[spec]
	if !ok {
		var err error
		if sched, err = cron.ParseStandard(spec); err != nil {
			return nil, nil, fmt.Errorf("spec %q: %w", spec, err)
		}
		c.specs[spec] = sched
	}
	loc, ok := c.zones[zone]
	if !ok {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return nil, nil, fmt.Errorf("time zone %q: %w", zone, err)
		}
		c.zones[zone] = loc
	}
	return sched, loc, nil
}

// wallClock keys a firing by its local date and time, written as if UTC:
// when a daylight-saving change repeats an hour, cron yields the same wall
// time twice with two instants, and it must fire once.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
}

// Weekly reports whether a job's spec is weekly: it names no day of the
// month and no month, and fires at most once a week. Only such jobs move to
// another day of their week. A more frequent one simply skips days off
// (moving it would fire twice on the next workday), and so does a monthly,
// quarterly or day-of-month range spec, whose gaps are long only between
// its months: moving its last day off onto a workday of the next days would
// fire it twice, and its weekends are no week without a workday.
func Weekly(spec string, sched cron.Schedule, from time.Time) bool {
	f := strings.Fields(spec)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return false
	}
	first := sched.Next(from)
	return sched.Next(first).Sub(first) >= 6*24*time.Hour
}

func (r *Reminders) def(name string) (JobDef, bool) {
	for _, d := range r.Jobs {
		if d.Name == name {
			return d, true
		}
	}
	return JobDef{}, false
}

// fire decides what a nominal firing n becomes — moved, skipped, missed or
// sent — and claims it with its messages.
func (r *Reminders) fire(ctx context.Context, j teambot.Job, def JobDef, isWeekly bool, key teambot.FiringKey, n, now time.Time, cals *calendars) error {
	if n.After(now) && (!isWeekly || def.MoveOff == nil || now.Before(teambot.WeekOf(n).Start(n.Location()))) {
		return nil // a nominal firing ahead: only one of this week may move back to now
	}
	at, onWorkday, err := r.place(ctx, j, def, isWeekly, n, cals)
	switch {
	case err != nil:
		return err
	case at.After(now):
		return nil // moved to a later day, or ahead and not moved back to now
	case onWorkday:
		return r.fireAt(ctx, j, def, key, at, now)
	case !isWeekly:
		return r.claim(ctx, key, time.Time{}, teambot.FiringNoWorkday, now, nil, teambot.Firing{})
	}
	return r.claim(ctx, key, time.Time{}, teambot.FiringNoWorkday, now, r.skipped(def), teambot.Firing{TeamID: j.TeamID, ChatID: j.ChatID, Job: j.Name, At: n})
}

// place is where the nominal firing n of a job lands: n itself, or for a
// weekly job of def.Workdays whose day is off, the same time on the next
// workday of its week (or where def.MoveOff puts it). onWorkday is false when it lands on no workday (a
// day off of a more frequent job, a weekly job's week without a workday);
// at is then n.
func (r *Reminders) place(ctx context.Context, j teambot.Job, def JobDef, isWeekly bool, n time.Time, cals *calendars) (at time.Time, onWorkday bool, err error) {
	if !def.Workdays {
		return n, true, nil
	}
	cal, err := r.calendar(ctx, j.TeamID, cals)
	if err != nil {
		return n, false, err
	}
	if !isWeekly {
		return n, cal.Workday(teambot.DateOf(n)), nil
	}
	if def.MoveOff != nil && !cal.Workday(teambot.DateOf(n)) {
		at, ok, err := def.MoveOff(ctx, teambot.Firing{TeamID: j.TeamID, ChatID: j.ChatID, Job: j.Name, At: n.UTC()}, cal)
		if err != nil || !ok {
			return n, false, err
		}
		return at.In(n.Location()), true, nil
	}
	day, ok := cal.NextWorkdayInWeek(teambot.DateOf(n))
	if !ok {
		return n, false, nil
	}
	return time.Date(day.Year, day.Month, day.Day, n.Hour(), n.Minute(), 0, 0, n.Location()), true, nil
}

// skipped builds the note on a weekly firing of def whose week has no
// workday, only when the firing had something to say: a reminder that
// would have sent nothing was not really skipped.
func (r *Reminders) skipped(def JobDef) func(context.Context, teambot.Firing) ([]teambot.Outgoing, error) {
	return func(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
		msgs, err := def.Compose(ctx, f)
		if err != nil || len(msgs) == 0 || r.Skipped == nil {
			return nil, err
		}
		return r.Skipped(ctx, f)
	}
}

// fireAt sends a firing due at at, or records it missed when its day has
// passed (the grace window), or waits when at is still ahead.
func (r *Reminders) fireAt(ctx context.Context, j teambot.Job, def JobDef, key teambot.FiringKey, at, now time.Time) error {
	loc := at.Location()
	if at.After(now) {
		return nil // moved to a later day of the week: not due yet
	}
	if teambot.DateOf(at) != teambot.DateOf(now.In(loc)) {
		r.Log.Warn("reminder missed while the bot was down; past its grace window, not sent",
			"team", j.TeamID, "job", j.Name, "due", at.UTC().Format(time.RFC3339))
		return r.claim(ctx, key, at, teambot.FiringMissed, now, nil, teambot.Firing{})
	}
	return r.claim(ctx, key, at, teambot.FiringSent, now, def.Compose, teambot.Firing{TeamID: j.TeamID, ChatID: j.ChatID, Job: j.Name, At: at.UTC()})
}

// claim composes the firing's messages (reading in their own transaction),
// then claims the firing and enqueues them in one transaction: if another
// replica claimed it first, nothing is enqueued.
func (r *Reminders) claim(ctx context.Context, key teambot.FiringKey, at time.Time, outcome teambot.FiringOutcome, now time.Time,
	compose func(context.Context, teambot.Firing) ([]teambot.Outgoing, error), f teambot.Firing) error {
	var msgs []teambot.Outgoing
	if compose != nil {
		// Another replica may have claimed it since this tick began: a
		// cheap look saves composing for nothing.
		var taken bool
		err := r.Store.Update(ctx, func(tx Tx) (err error) {
			taken, err = tx.FiringClaimed(ctx, key)
			return err
		})
		if err != nil || taken {
			return err
		}
		if msgs, err = compose(ctx, f); err != nil {
			return err
		}
		if len(msgs) == 0 && outcome == teambot.FiringSent {
			outcome = teambot.FiringNothing
		}
		msgs = r.split(msgs)
		for i := range msgs {
			msgs[i].Origin = f.Job + " " + key.Nominal.Format("2006-01-02T15:04")
		}
	}
	var claimed bool
	err := r.Store.Update(ctx, func(tx Tx) (err error) {
		claimed, err = tx.ClaimFiring(ctx, key, at, outcome, now)
		if err != nil || !claimed {
			return err
		}
		return tx.Enqueue(ctx, msgs, now)
	})
	switch {
	case err != nil:
	case !claimed:
		r.Metrics.lost(key.Job)
	case outcome == teambot.FiringNoWorkday && len(msgs) > 0:
		// A weekly firing whose week has no workday: its note goes out.
		r.Metrics.firing(key.Job, FiringSkipped, at, now)
	default:
		r.Metrics.firing(key.Job, string(outcome), at, now)
	}
	return err
}

// split makes one message per part of an over-long text; mentions and a
// card go with the first part.
func (r *Reminders) split(msgs []teambot.Outgoing) []teambot.Outgoing {
	if r.Split == nil {
		return msgs
	}
	var out []teambot.Outgoing
	for _, m := range msgs {
		for i, part := range r.Split(m.Text) {
			p := m
			p.Text = part
			if i > 0 {
				p.Mentions = nil
				p.Card = nil // a card's task id goes out once
			}
			out = append(out, p)
		}
	}
	return out
}

// calendar is a team's work calendar, read once per tick.
func (r *Reminders) calendar(ctx context.Context, teamID int64, cals *calendars) (*calendar.Calendar, error) {
	cals.mu.Lock()
	c, ok := cals.m[teamID]
	cals.mu.Unlock()
	if ok {
		return c, nil
	}
	var days []teambot.DayOverride
	err := r.Store.Update(ctx, func(tx Tx) (err error) {
		days, err = tx.TeamDays(ctx, teamID)
		return err
	})
	if err != nil {
		return nil, err
	}
	overrides := make([]calendar.Override, len(days))
	for i, d := range days {
		overrides[i] = calendar.Override{Date: d.Date, Off: d.Off, Note: d.Note}
	}
	c = calendar.New(overrides)
	cals.mu.Lock()
	cals.m[teamID] = c
	cals.mu.Unlock()
	return c, nil
}

// calendars are the teams' work calendars read during one tick.
type calendars struct {
	mu sync.Mutex
	m  map[int64]*calendar.Calendar
}

// reminderWorkers is how many firings one tick works on at once.
const reminderWorkers = 4

// checkCalendar tells the admins, once per year, that the holiday calendar
// has no data for the current year: days off then follow weekends and the
// teams' own days only.
func (r *Reminders) checkCalendar(ctx context.Context, now time.Time) error {
	year := now.Year()
	if calendar.HasData(year) {
		return nil
	}
	text := "节假日日历没有 " + strconv.Itoa(year) + " 年的数据：提醒只按周末和各团队自己设置的假期调整。" +
		"请升级 teambot；在此之前可用 /假期 add 日期 休息|上班 补上法定假日和调休。"
	return r.Store.Update(ctx, func(tx Tx) error {
		first, err := tx.ClaimNotice(ctx, "calendar-missing-"+strconv.Itoa(year), now)
		if err != nil || !first {
			return err
		}
		r.Log.Error("the holiday calendar has no data for this year: update teambot (lunar-go)", "year", year)
		if len(r.Admins) == 0 {
			return nil
		}
		return tx.Enqueue(ctx, []teambot.Outgoing{{Channel: teambot.ToUsers, Users: r.Admins, Text: text, Origin: "calendar-missing"}}, now)
	})
}
