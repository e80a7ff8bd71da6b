package storage

import (
	"context"
	"fmt"
	"time"

	"teambot"
)

type jobRow struct {
	TeamID    int64     `db:"team_id"`
	ChatID    string    `db:"chat_id"`
	TimeZone  string    `db:"time_zone"`
	Name      string    `db:"name"`
	Spec      string    `db:"spec"`
	Enabled   bool      `db:"enabled"`
	CreatedAt time.Time `db:"created_at"`
}

func (r jobRow) job() teambot.Job {
	return teambot.Job{TeamID: r.TeamID, ChatID: r.ChatID, TimeZone: r.TimeZone, Name: r.Name, Spec: r.Spec,
		Enabled: r.Enabled, CreatedAt: r.CreatedAt.UTC()}
}

const jobSelect = `SELECT j.team_id, t.chat_id, t.time_zone, j.name, j.spec, j.enabled, j.created_at
	FROM jobs j JOIN teams t ON t.id = j.team_id`

// EnabledJobs lists every team's switched-on jobs.
func (tx *Tx) EnabledJobs(ctx context.Context) ([]teambot.Job, error) {
	return tx.jobs(ctx, jobSelect+` WHERE j.enabled ORDER BY j.team_id, j.name`)
}

// TeamJobs lists one team's jobs, on or off.
func (tx *Tx) TeamJobs(ctx context.Context, teamID int64) ([]teambot.Job, error) {
	return tx.jobs(ctx, jobSelect+` WHERE j.team_id = ? ORDER BY j.name`, teamID)
}

func (tx *Tx) jobs(ctx context.Context, query string, args ...any) ([]teambot.Job, error) {
	var rows []jobRow
	if err := tx.selectRows(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	out := make([]teambot.Job, len(rows))
	for i, r := range rows {
		out[i] = r.job()
	}
	return out, nil
}

// SetJob changes a team's job spec and switch, creating the row if the
// scheduler has not yet. The job counts as new from now: firings before a
// change (or before it was switched back on) are never caught up. The next
// tick works out when it is due.
func (tx *Tx) SetJob(ctx context.Context, j teambot.Job, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO jobs (team_id, name, spec, enabled, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (team_id, name) DO UPDATE SET spec = excluded.spec, enabled = excluded.enabled, created_at = excluded.created_at,
			due_at = excluded.due_at`,
		j.TeamID, j.Name, j.Spec, j.Enabled, utc(now), dueUnknown)
	if err != nil {
		return fmt.Errorf("set job %s of team %d: %w", j.Name, j.TeamID, err)
	}
	return nil
}

// LastSent is when a team's job last sent something (the latest fire_at of
// a firing claimed as sent), and false when it never did. A change to the
// job reads it so that it does not fire twice in one period.
func (tx *Tx) LastSent(ctx context.Context, teamID int64, job string) (time.Time, bool, error) {
	var rows []time.Time
	if err := tx.selectRows(ctx, &rows, `SELECT fire_at FROM firings
		WHERE team_id = ? AND job = ? AND outcome = 'sent' AND fire_at IS NOT NULL
		ORDER BY fire_at DESC LIMIT 1`, teamID, job); err != nil {
		return time.Time{}, false, fmt.Errorf("last firing of %s of team %d: %w", job, teamID, err)
	}
	if len(rows) == 0 {
		return time.Time{}, false, nil
	}
	return rows[0].UTC(), true, nil
}

// FiringsSince lists the firings claimed for nominal times at or after
// since, for the tick to skip what is done.
func (tx *Tx) FiringsSince(ctx context.Context, since time.Time) (map[teambot.FiringKey]bool, error) {
	var rows []struct {
		TeamID  int64     `db:"team_id"`
		Job     string    `db:"job"`
		Nominal time.Time `db:"nominal_at"`
	}
	if err := tx.selectRows(ctx, &rows, `SELECT team_id, job, nominal_at FROM firings WHERE nominal_at >= ?`, utc(since)); err != nil {
		return nil, fmt.Errorf("firings since %v: %w", since, err)
	}
	done := make(map[teambot.FiringKey]bool, len(rows))
	for _, r := range rows {
		done[teambot.FiringKey{TeamID: r.TeamID, Job: r.Job, Nominal: r.Nominal.UTC()}] = true
	}
	return done, nil
}

// ClaimFiring records a firing with its outcome. It reports false when the
// firing was already claimed (by this or another replica): the caller must
// then do nothing. Claim and enqueue share one transaction.
func (tx *Tx) ClaimFiring(ctx context.Context, k teambot.FiringKey, fireAt time.Time, outcome teambot.FiringOutcome, now time.Time) (bool, error) {
	n, err := tx.exec(ctx, `INSERT INTO firings (team_id, job, nominal_at, fire_at, outcome, claimed_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, job, nominal_at) DO NOTHING`,
		k.TeamID, k.Job, utc(k.Nominal), nullTime(fireAt), outcome, utc(now))
	if err != nil {
		return false, fmt.Errorf("claim firing %s of team %d at %v: %w", k.Job, k.TeamID, k.Nominal, err)
	}
	return n == 1, nil
}

// FiringClaimed reports whether a firing was claimed already.
func (tx *Tx) FiringClaimed(ctx context.Context, k teambot.FiringKey) (bool, error) {
	var n int
	if err := tx.get(ctx, &n, `SELECT COUNT(*) FROM firings WHERE team_id = ? AND job = ? AND nominal_at = ?`,
		k.TeamID, k.Job, utc(k.Nominal)); err != nil {
		return false, fmt.Errorf("firing %s of team %d at %v: %w", k.Job, k.TeamID, k.Nominal, err)
	}
	return n > 0, nil
}

// ClaimNotice records a one-time notice by key; false when it was sent
// before.
func (tx *Tx) ClaimNotice(ctx context.Context, key string, now time.Time) (bool, error) {
	n, err := tx.exec(ctx, `INSERT INTO notices (key, created_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, utc(now))
	if err != nil {
		return false, fmt.Errorf("claim notice %s: %w", key, err)
	}
	return n == 1, nil
}

// TeamDays lists a team's own days off and workdays.
func (tx *Tx) TeamDays(ctx context.Context, teamID int64) ([]teambot.DayOverride, error) {
	var rows []struct {
		Day  teambot.Date `db:"day"`
		Off  bool         `db:"off"`
		Note string       `db:"note"`
	}
	if err := tx.selectRows(ctx, &rows, `SELECT day, off, note FROM team_days WHERE team_id = ? ORDER BY day`, teamID); err != nil {
		return nil, fmt.Errorf("days of team %d: %w", teamID, err)
	}
	out := make([]teambot.DayOverride, len(rows))
	for i, r := range rows {
		out[i] = teambot.DayOverride{Date: r.Day, Off: r.Off, Note: r.Note}
	}
	return out, nil
}

// SetTeamDay adds or replaces a team's own day off or workday.
func (tx *Tx) SetTeamDay(ctx context.Context, teamID int64, d teambot.DayOverride) error {
	_, err := tx.exec(ctx, `INSERT INTO team_days (team_id, day, off, note) VALUES (?, ?, ?, ?)
		ON CONFLICT (team_id, day) DO UPDATE SET off = excluded.off, note = excluded.note`, teamID, d.Date, d.Off, d.Note)
	if err != nil {
		return fmt.Errorf("set day %s of team %d: %w", d.Date, teamID, err)
	}
	return tx.rescheduleTeam(ctx, teamID) // a reminder on that day moves
}

// RemoveTeamDay deletes a team's own day; a day that was not set is
// teambot.ErrNotFound.
func (tx *Tx) RemoveTeamDay(ctx context.Context, teamID int64, day teambot.Date) error {
	n, err := tx.exec(ctx, `DELETE FROM team_days WHERE team_id = ? AND day = ?`, teamID, day)
	if err != nil {
		return fmt.Errorf("remove day %s of team %d: %w", day, teamID, err)
	}
	if n == 0 {
		return fmt.Errorf("remove day %s of team %d: %w", day, teamID, teambot.ErrNotFound)
	}
	return tx.rescheduleTeam(ctx, teamID)
}
