package scheduler

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
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

	// ComposeIn, when set, is called in a chunk's first transaction with
	// the chunk's teams. What it returns makes the composers (and MoveOff)
	// called with the context it gives read in a worker's transaction tx
	// instead of one of their own — a worker composes its share of a chunk
	// in one transaction — and it may read ahead, for every team of the
	// chunk at once, what their composers read (storage.Ahead).
	ComposeIn func(ctx context.Context, tx Tx, teams []int64, now time.Time) (func(ctx context.Context, tx Tx) context.Context, error)

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
	mu    sync.Mutex
	specs map[string]cron.Schedule  // parsed specs
	zones map[string]*time.Location // loaded time zones
	// teamsUpTo is the highest team id whose jobs this process ensured;
	// 0 until the first tick, which looks at every team.
	teamsUpTo int64
}

// jobLease is how long a replica holds the jobs it leased from the table
// of due jobs: another takes them up once it passes (the first died).
const jobLease = 2 * time.Minute

// jobChunk is how many due jobs a replica leases at a time: their claims,
// messages and next due times are written in one transaction.
const jobChunk = 200

// horizon bounds how far ahead a job's next due time is looked for; a job
// with no firing by then (a yearly spec) is looked at again then.
const horizon = 32 * 24 * time.Hour

// teamMargin is how far below the highest team id already seen a tick
// looks for teams without jobs: a team whose transaction committed after
// one with a higher id.
const teamMargin = 100

func (r *Reminders) Name() string { return "reminders" }

// Run is one tick at now. It gives teams created since the last tick their
// jobs, then works through the jobs due at now — and only those: each job
// keeps when it is next due (storage migration 0030), so a tick with
// nothing due reads nothing else. Due jobs are leased a chunk at a time,
// so replicas ticking together share the work instead of racing for the
// same firings; each chunk's claims, messages and next due times commit
// in one transaction.
func (r *Reminders) Run(ctx context.Context, now time.Time) error {
	r.ensureCache()
	if err := r.ensureJobs(ctx, now); err != nil {
		return err
	}
	if err := r.checkCalendar(ctx, now); err != nil {
		return err
	}
	var errs []error
	var after teambot.DueKey // each chunk after the last: see LeaseDueJobs
	for ctx.Err() == nil {
		leased := now.Add(jobLease)
		var jobs []teambot.Job
		err := r.Store.Update(ctx, func(tx Tx) (err error) {
			jobs, after, err = tx.LeaseDueJobs(ctx, now, leased, jobChunk, after)
			return err
		})
		if err != nil {
			return err
		}
		if len(jobs) == 0 {
			break
		}
		errs = append(errs, r.runChunk(ctx, jobs, now, leased)...)
		if len(jobs) < jobChunk {
			break
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("reminders: %d jobs failed, first: %w", len(errs), errs[0])
	}
	return nil
}

// ensureCache makes the cache on the first use.
func (r *Reminders) ensureCache() {
	if r.cache == nil {
		r.cache = &reminderCache{specs: map[string]cron.Schedule{}, zones: map[string]*time.Location{}}
	}
}

// ensureJobs gives every team that lacks one of r.Jobs that job, looking
// at every team on the process's first tick (a new version may bring a new
// job) and at the teams created since on the others.
func (r *Reminders) ensureJobs(ctx context.Context, now time.Time) error {
	defs := make([]teambot.Job, len(r.Jobs))
	for i, d := range r.Jobs {
		defs[i] = teambot.Job{Name: d.Name, Spec: d.Spec}
	}
	after := int64(0)
	if r.cache.teamsUpTo > 0 {
		after = max(0, r.cache.teamsUpTo-teamMargin)
	}
	var last int64
	err := r.Store.Update(ctx, func(tx Tx) (err error) {
		last, err = tx.EnsureJobs(ctx, defs, after, now)
		return err
	})
	if err != nil {
		return err
	}
	r.cache.teamsUpTo = max(1, last)
	return nil
}

// pending is a firing decided on and waiting for its chunk's transaction.
type pending struct {
	claim teambot.FiringClaim
	msgs  []teambot.Outgoing
	// metric is the outcome the firing metric counts: the claim's, or
	// FiringSkipped for a week without a workday whose note goes out.
	metric string
}

// worked is what working out one due job gave.
type worked struct {
	firings []pending
	next    time.Time // when the job is next due
	err     error     // the job is left leased, and tried again once the lease passes
}

// runChunk works out a chunk of leased jobs — their due firings composed
// by a few workers at once, one team's jobs in order by one worker — then
// claims the firings, enqueues their messages and stores each job's next
// due time in one transaction. It returns the jobs' errors.
func (r *Reminders) runChunk(ctx context.Context, jobs []teambot.Job, now, leased time.Time) []error {
	if r.Ordered {
		rank := func(name string) int {
			return slices.IndexFunc(r.Jobs, func(d JobDef) bool { return d.Name == name })
		}
		slices.SortStableFunc(jobs, func(a, b teambot.Job) int {
			return cmp.Or(cmp.Compare(a.TeamID, b.TeamID), cmp.Compare(rank(a.Name), rank(b.Name)))
		})
	}
	teams := make([]int64, len(jobs))
	for i, j := range jobs {
		teams[i] = j.TeamID
	}
	teams = distinct(teams)
	var done map[teambot.FiringKey]bool
	var in func(ctx context.Context, tx Tx) context.Context
	cals := &calendars{m: map[int64]*calendar.Calendar{}}
	err := r.Store.Update(ctx, func(tx Tx) error {
		var err error
		if done, err = tx.FiringsOfTeams(ctx, teams, now.Add(-lookback)); err != nil {
			return err
		}
		if r.ComposeIn != nil {
			if in, err = r.ComposeIn(ctx, tx, teams, now); err != nil {
				return err
			}
		}
		days, err := tx.DaysOfTeams(ctx, teams)
		for _, id := range teams {
			cals.m[id] = teamCalendar(days[id])
		}
		return err
	})
	if err != nil {
		return []error{err}
	}

	results := make([]worked, len(jobs))
	workers := reminderWorkers
	if r.Ordered {
		workers = 1
	}
	shares := make([][]int, workers)
	for i, j := range jobs {
		w := int(uint64(j.TeamID) % uint64(workers))
		shares[w] = append(shares[w], i)
	}
	var wg sync.WaitGroup
	for _, share := range shares {
		wg.Go(func() { r.workShare(ctx, in, jobs, share, results, now, done, cals) })
	}
	wg.Wait()

	var claims []teambot.FiringClaim
	var dues []teambot.JobDue
	var errs []error
	for i, w := range results {
		if w.err != nil {
			errs = append(errs, fmt.Errorf("job %s of team %d: %w", jobs[i].Name, jobs[i].TeamID, w.err))
			continue
		}
		for _, p := range w.firings {
			claims = append(claims, p.claim)
		}
		dues = append(dues, teambot.JobDue{TeamID: jobs[i].TeamID, Name: jobs[i].Name, At: w.next})
	}
	var claimed map[teambot.FiringKey]bool
	err = r.Store.Update(ctx, func(tx Tx) (err error) {
		if claimed, err = tx.ClaimFirings(ctx, claims, now); err != nil {
			return err
		}
		// In the chunk's order, which keeps each team's in order.
		var msgs []teambot.Outgoing
		for _, w := range results {
			for _, p := range w.firings {
				if w.err == nil && claimed[p.claim.Key] {
					msgs = append(msgs, p.msgs...)
				}
			}
		}
		if err := tx.Enqueue(ctx, msgs, now); err != nil {
			return err
		}
		return tx.SetJobsDue(ctx, dues, leased)
	})
	if err != nil {
		return append(errs, err)
	}
	for _, w := range results {
		if w.err != nil {
			continue
		}
		for _, p := range w.firings {
			if claimed[p.claim.Key] {
				r.Metrics.firing(p.claim.Key.Job, p.metric, p.claim.FireAt, now)
			} else {
				r.Metrics.lost(p.claim.Key.Job)
			}
		}
	}
	return errs
}

// workShare works out the jobs of one worker's share of a chunk, in one
// transaction when ComposeIn is set (a transaction per firing would be
// two more round trips each).
func (r *Reminders) workShare(ctx context.Context, in func(context.Context, Tx) context.Context, jobs []teambot.Job, share []int,
	results []worked, now time.Time, done map[teambot.FiringKey]bool, cals *calendars) {
	each := func(ctx context.Context) {
		for _, i := range share {
			results[i] = r.work(ctx, jobs[i], now, done, cals)
		}
	}
	if in == nil || len(share) == 0 {
		each(ctx)
		return
	}
	err := r.Store.Update(ctx, func(tx Tx) error {
		each(in(ctx, tx))
		return nil
	})
	if err != nil {
		for _, i := range share {
			if results[i].err == nil {
				results[i] = worked{err: err}
			}
		}
	}
}

// work decides the due firings of one job within the lookback that are
// not claimed yet, composing their messages, and when the job is next due.
func (r *Reminders) work(ctx context.Context, j teambot.Job, now time.Time, done map[teambot.FiringKey]bool, cals *calendars) worked {
	def, ok := r.def(j.Name)
	if !ok {
		// A job of a newer or older version of teambot: looked at again
		// after a lease's time, so that a replica of that version, if one
		// runs, takes it up.
		return worked{next: now.Add(jobLease)}
	}
	sched, loc, err := r.parse(j.Spec, j.TimeZone)
	if err != nil {
		return worked{err: err}
	}
	start := now.Add(-lookback)
	if j.CreatedAt.After(start) {
		start = j.CreatedAt
	}
	until := now
	if def.MoveOff != nil {
		until = now.Add(lookahead)
	}
	var w worked
	for n := sched.Next(start.In(loc)); !n.After(until); n = sched.Next(n) {
		key := teambot.FiringKey{TeamID: j.TeamID, Job: j.Name, Nominal: wallClock(n)}
		if done[key] {
			continue
		}
		p, err := r.decide(ctx, j, def, Weekly(j.Spec, sched, n), key, n, now, cals)
		if err != nil {
			return worked{err: err}
		}
		if p != nil {
			w.firings = append(w.firings, *p)
		}
	}
	// The firings just decided and those claimed before are settled: only
	// the others may still be due.
	settled := func(key teambot.FiringKey) bool {
		return done[key] || slices.ContainsFunc(w.firings, func(p pending) bool { return p.claim.Key == key })
	}
	if w.next, _, err = r.nextDue(ctx, j, def, now, now.Add(horizon), cals, settled); err != nil {
		return worked{err: err}
	}
	return w
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
		at, ok, err := r.nextDue(ctx, j, def, after, best, cals, nil)
		if err != nil {
			return time.Time{}, false, err
		}
		if ok {
			best, found = at, true
		}
	}
	return best, found, nil
}

// nextDue is the earliest instant in (after, until] at which a firing of
// the job is due, where a day off moves it; until and false when none is.
// A nominal firing settled reports true for (claimed already) is passed
// over; settled may be nil.
func (r *Reminders) nextDue(ctx context.Context, j teambot.Job, def JobDef, after, until time.Time, cals *calendars,
	settled func(teambot.FiringKey) bool) (time.Time, bool, error) {
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
	// A MoveOff job's later nominal firing may land earlier, within a
	// week; any other's lands later still.
	ahead := time.Duration(0)
	if def.MoveOff != nil {
		ahead = lookahead
	}
	best, found := until, false
	for n := sched.Next(start.In(loc)); !n.After(best.Add(ahead)); n = sched.Next(n) {
		if settled != nil && settled(teambot.FiringKey{TeamID: j.TeamID, Job: j.Name, Nominal: wallClock(n)}) {
			continue
		}
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
	return best, found, nil
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

// decide works out what a nominal firing n becomes — moved, skipped, missed
// or sent — composing its messages; nil when it is not due yet.
func (r *Reminders) decide(ctx context.Context, j teambot.Job, def JobDef, isWeekly bool, key teambot.FiringKey, n, now time.Time, cals *calendars) (*pending, error) {
	if n.After(now) && (!isWeekly || def.MoveOff == nil || now.Before(teambot.WeekOf(n).Start(n.Location()))) {
		return nil, nil // a nominal firing ahead: only one of this week may move back to now
	}
	at, onWorkday, err := r.place(ctx, j, def, isWeekly, n, cals)
	switch {
	case err != nil:
		return nil, err
	case at.After(now):
		return nil, nil // moved to a later day, or ahead and not moved back to now
	case !onWorkday && !isWeekly:
		return r.compose(ctx, key, time.Time{}, teambot.FiringNoWorkday, nil, teambot.Firing{})
	case !onWorkday:
		return r.compose(ctx, key, time.Time{}, teambot.FiringNoWorkday, r.skipped(def), teambot.Firing{TeamID: j.TeamID, ChatID: j.ChatID, Job: j.Name, At: n})
	case teambot.DateOf(at) != teambot.DateOf(now.In(at.Location())):
		// Past its grace window, the same workday.
		r.Log.Warn("reminder missed while the bot was down; past its grace window, not sent",
			"team", j.TeamID, "job", j.Name, "due", at.UTC().Format(time.RFC3339))
		return r.compose(ctx, key, at, teambot.FiringMissed, nil, teambot.Firing{})
	}
	return r.compose(ctx, key, at, teambot.FiringSent, def.Compose, teambot.Firing{TeamID: j.TeamID, ChatID: j.ChatID, Job: j.Name, At: at.UTC()})
}

// compose builds a firing's messages (reading in their own transaction)
// for its chunk to claim and enqueue together.
func (r *Reminders) compose(ctx context.Context, key teambot.FiringKey, at time.Time, outcome teambot.FiringOutcome,
	compose func(context.Context, teambot.Firing) ([]teambot.Outgoing, error), f teambot.Firing) (*pending, error) {
	var msgs []teambot.Outgoing
	if compose != nil {
		var err error
		if msgs, err = compose(ctx, f); err != nil {
			return nil, err
		}
		if len(msgs) == 0 && outcome == teambot.FiringSent {
			outcome = teambot.FiringNothing
		}
		msgs = r.split(msgs)
		for i := range msgs {
			msgs[i].Origin = f.Job + " " + key.Nominal.Format("2006-01-02T15:04")
		}
	}
	metric := string(outcome)
	if outcome == teambot.FiringNoWorkday && len(msgs) > 0 {
		metric = FiringSkipped // a weekly firing whose week has no workday: its note goes out
	}
	return &pending{claim: teambot.FiringClaim{Key: key, FireAt: at, Outcome: outcome}, msgs: msgs, metric: metric}, nil
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

// calendar is a team's work calendar, read once per tick (a chunk's
// calendars are read together before it is worked out).
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
	c = teamCalendar(days)
	cals.mu.Lock()
	cals.m[teamID] = c
	cals.mu.Unlock()
	return c, nil
}

// teamCalendar is the work calendar with a team's own days.
func teamCalendar(days []teambot.DayOverride) *calendar.Calendar {
	overrides := make([]calendar.Override, len(days))
	for i, d := range days {
		overrides[i] = calendar.Override{Date: d.Date, Off: d.Off, Note: d.Note}
	}
	return calendar.New(overrides)
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
