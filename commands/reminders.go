package commands

import (
	"context"
	"fmt"
	"slices"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/commands/lang"
	"teambot/scheduler"
)

// Reminder is a kind of scheduled message every team has (docs/product.md §6).
// The scheduler runs them; /提醒 lists, changes and tests them. All move off
// Days off to the next workday of their week.
type Reminder struct {
	Name    string   // stored job name, e.g. "report_open"
	Chinese string   // what users type and see, e.g. "周报提醒"
	Former  []string // names it had before, still understood (e.g. 待批请假)
	Spec    string   // default cron spec, in the team's time zone
	Summary string
	// Day, when set, picks the one day of a month the reminder is meant
	// for; Spec then fires on a range of days and only Day's passes (see
	// month_days.go). DayText says that day in words, e.g. 每月最后一个工作日.
	Day     lang.DayPicker
	DayText string
	// AnyDay runs the reminder on days off too (its Build decides which
	// Days say something); DayText then says which days those are.
	AnyDay bool
	// Days, when set, are the days an AnyDay reminder says something, for
	// /提醒 to tell when it next sends.
	Days func(r *Request) []teambot.Date
	// Build makes the messages of one firing (ctx may carry a handler's
	// transaction, see withTx).
	Build func(ctx context.Context, e *Engine, f teambot.Firing) ([]teambot.Outgoing, error)
	// MoveOff, when set, places a firing whose day is a day off instead
	// of the next workday of its week (see scheduler.JobDef.MoveOff).
	MoveOff func(ctx context.Context, r *Request, nominal time.Time, cal *calendar.Calendar) (time.Time, bool, error)
}

// Reminders lists every reminder with its default spec, in the order
// /提醒 lists them (Config.Reminders: each area keeps its own rows next to
// their compose functions).
func (e *Engine) Reminders() []Reminder { return e.reminders }

// Compose builds the messages of one firing of this reminder.
func (rm Reminder) Compose(ctx context.Context, e *Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	if rm.Day != nil {
		return monthDayGate(rm.Day, rm.Build)(ctx, e, f)
	}
	return rm.Build(ctx, e, f)
}

// ReminderNamed finds a reminder by its Chinese or stored name.
func (e *Engine) ReminderNamed(word string) (Reminder, bool) {
	for _, rm := range e.reminders {
		if word == rm.Chinese || word == rm.Name || slices.Contains(rm.Former, word) {
			return rm, true
		}
	}
	return Reminder{}, false
}

// SkippedNote tells the supervisor that a reminder was not sent because its
// Week has no workday at all.
func (e *Engine) SkippedNote(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
	rm, _ := e.ReminderNamed(f.Job)
	var out []teambot.Outgoing
	err := e.inTx(ctx, func(tx Tx) error {
		team, err := tx.TeamByChat(ctx, f.ChatID)
		if err != nil {
			return err
		}
		r := &Request{Tx: tx, Team: &team, Engine: e}
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		week := teambot.WeekOf(f.At.In(team.Location()))
		text := fmt.Sprintf("%s 这一周从原定那天起都不是工作日（节假日），本周的「%s」不发送。", week, rm.Chinese)
		msg := teambot.Outgoing{TeamID: team.ID, Channel: teambot.ToGroup, Text: text, Mentions: []string{sup.UserID}}
		if e.Config.DirectMessages {
			msg = teambot.Outgoing{TeamID: team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID}, Text: text}
		}
		out = append(out, msg)
		return nil
	})
	return out, err
}

// JobDefs are the reminders as the scheduler runs them: each moved off days
// off within its week (see scheduler.JobDef), composed by this engine.
func (e *Engine) JobDefs() []scheduler.JobDef {
	var defs []scheduler.JobDef
	for _, rm := range e.reminders {
		def := scheduler.JobDef{
			Name: rm.Name, Spec: rm.Spec, Workdays: !rm.AnyDay,
			Compose: func(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
				return rm.Compose(ctx, e, f)
			},
		}
		if rm.MoveOff != nil {
			def.MoveOff = func(ctx context.Context, f teambot.Firing, cal *calendar.Calendar) (at time.Time, ok bool, err error) {
				err = e.FiringRequest(ctx, f, func(r *Request) error {
					at, ok, err = rm.MoveOff(ctx, r, f.At, cal)
					return err
				})
				return at, ok, err
			}
		}
		defs = append(defs, def)
	}
	return defs
}

// monthDayGate wraps a reminder's Build so that it sends only on the day
// pick names in the firing's month.
func monthDayGate(pick lang.DayPicker, build func(ctx context.Context, e *Engine, f teambot.Firing) ([]teambot.Outgoing, error)) func(ctx context.Context, e *Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	return func(ctx context.Context, e *Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
		var due bool
		err := e.FiringRequest(ctx, f, func(r *Request) error {
			cal, err := r.Calendar(ctx)
			if err != nil {
				return err
			}
			today := teambot.DateOf(f.At.In(r.Location()))
			day, ok := pick(cal, today.Year, today.Month)
			due = ok && day == today
			return nil
		})
		if err != nil || !due {
			return nil, err
		}
		return build(ctx, e, f)
	}
}
