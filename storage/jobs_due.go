package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"teambot"
)

// A job's stored due time (migration 0030) is the instant its next firing
// is due, so that a tick reads only what is due: with a hundred thousand
// teams, reading every job on every tick is most of the tick. The epoch
// means "work it out on the next tick".
var dueUnknown = time.Unix(0, 0).UTC()

// EnsureJobs gives every team with an id above afterTeam that lacks one of
// the jobs that job with its default spec, enabled, created now, in one
// statement; only Name and Spec of the jobs are read. It returns the
// highest team id it saw, for the next call's afterTeam: a tick then
// looks only at teams created since.
func (tx *Tx) EnsureJobs(ctx context.Context, jobs []teambot.Job, afterTeam int64, now time.Time) (lastTeam int64, err error) {
	if err := tx.get(ctx, &lastTeam, `SELECT COALESCE(MAX(id), 0) FROM teams`); err != nil {
		return 0, fmt.Errorf("ensure jobs: last team: %w", err)
	}
	if len(jobs) == 0 || lastTeam <= afterTeam {
		return lastTeam, nil
	}
	values := make([]string, len(jobs))
	args := []any{utc(now)}
	for i, j := range jobs {
		values[i] = "(?, ?)"
		args = append(args, j.Name, j.Spec)
	}
	args = append(args, afterTeam)
	// The VALUES list's columns are column1 and column2 in both databases.
	// ON CONFLICT skips the jobs a team has, each found by its key: an
	// anti-join instead may read the whole jobs table when the planner
	// misjudges how many teams are new.
	_, err = tx.exec(ctx, `INSERT INTO jobs (team_id, name, spec, enabled, created_at)
		SELECT t.id, d.column1, d.column2, TRUE, ? FROM teams t CROSS JOIN (VALUES `+strings.Join(values, ", ")+`) d
		WHERE t.id > ?
		ON CONFLICT (team_id, name) DO NOTHING`, args...)
	if err != nil {
		return 0, fmt.Errorf("ensure jobs of teams after %d: %w", afterTeam, err)
	}
	return lastTeam, nil
}

// LeaseDueJobs takes up to limit enabled jobs due at now (oldest first)
// after the key after (zero: from the first) and moves their due time to
// until, the lease: another replica leaves them alone until then, and
// takes them up again if this one dies before SetJobsDue. PostgreSQL skips
// rows another transaction is leasing. It returns the key of the last job
// taken, for the next lease of the same tick to start after it: the jobs
// taken before have left dead index entries behind at their old due time,
// and a lease from the first would walk past all of them.
func (tx *Tx) LeaseDueJobs(ctx context.Context, now, until time.Time, limit int, after teambot.DueKey) ([]teambot.Job, teambot.DueKey, error) {
	cond, args := "", []any{utc(now)}
	if !after.IsZero() {
		cond, args = ` AND (due_at, team_id, name) > (?, ?, ?)`, append(args, utc(after.Due), after.TeamID, after.Name)
	}
	args = append(args, limit)
	pick := `SELECT team_id, name, due_at FROM jobs WHERE enabled AND due_at <= ?` + cond + ` ORDER BY due_at, team_id, name LIMIT ?`
	var rows []struct {
		jobRow
		Due time.Time `db:"was_due"`
	}
	var err error
	if tx.dialect == Postgres {
		err = tx.selectRows(ctx, &rows, `UPDATE jobs SET due_at = ? FROM (`+pick+` FOR UPDATE SKIP LOCKED) AS d
			WHERE jobs.team_id = d.team_id AND jobs.name = d.name
			RETURNING jobs.team_id, jobs.name, jobs.spec, jobs.enabled, jobs.created_at, d.due_at AS was_due`, append([]any{utc(until)}, args...)...)
	} else {
		// SQLite has one writer, and its RETURNING cannot name a FROM
		// table: the jobs picked, then moved.
		var picked []struct {
			TeamID int64     `db:"team_id"`
			Name   string    `db:"name"`
			Due    time.Time `db:"due_at"`
		}
		if err = tx.selectRows(ctx, &picked, pick, args...); err == nil {
			for _, p := range picked {
				var r jobRow
				if err = tx.get(ctx, &r, `UPDATE jobs SET due_at = ? WHERE team_id = ? AND name = ? RETURNING team_id, name, spec, enabled, created_at`,
					utc(until), p.TeamID, p.Name); err != nil {
					break
				}
				rows = append(rows, struct {
					jobRow
					Due time.Time `db:"was_due"`
				}{r, p.Due})
			}
		}
	}
	if err != nil {
		return nil, after, fmt.Errorf("lease jobs due at %v: %w", now, err)
	}
	if len(rows) == 0 {
		return nil, after, nil
	}
	last := after
	for _, r := range rows {
		if k := (teambot.DueKey{Due: r.Due.UTC(), TeamID: r.TeamID, Name: r.Name}); last.IsZero() || last.Before(k) {
			last = k
		}
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.TeamID)
	}
	var teams []struct {
		ID       int64  `db:"id"`
		ChatID   string `db:"chat_id"`
		TimeZone string `db:"time_zone"`
	}
	if err := tx.selectIn(ctx, &teams, `SELECT id, chat_id, time_zone FROM teams WHERE id IN (?)`, ids); err != nil {
		return nil, after, fmt.Errorf("teams of leased jobs: %w", err)
	}
	byID := make(map[int64]int, len(teams))
	for i, t := range teams {
		byID[t.ID] = i
	}
	out := make([]teambot.Job, len(rows))
	for i, r := range rows {
		t := teams[byID[r.TeamID]]
		r.ChatID, r.TimeZone = t.ChatID, t.TimeZone
		out[i] = r.job()
	}
	slices.SortFunc(out, func(a, b teambot.Job) int {
		if a.TeamID != b.TeamID {
			return int(a.TeamID - b.TeamID)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, last, nil
}

// SetJobsDue stores when each leased job is next due — only where the
// job still holds the lease (due_at = leased): a change meanwhile (its
// team's calendar, a new spec) set it to be worked out again, and that
// wins.
func (tx *Tx) SetJobsDue(ctx context.Context, due []teambot.JobDue, leased time.Time) error {
	if len(due) == 0 {
		return nil
	}
	if tx.dialect == Postgres {
		// One statement for the lot: a statement per job would be a round
		// trip each.
		teams, names, ats := make([]int64, len(due)), make([]string, len(due)), make([]time.Time, len(due))
		for i, d := range due {
			teams[i], names[i], ats[i] = d.TeamID, d.Name, utc(d.At)
		}
		_, err := tx.exec(ctx, `UPDATE jobs SET due_at = v.due_at
			FROM unnest(?::bigint[], ?::text[], ?::timestamptz[]) AS v (team_id, name, due_at)
			WHERE jobs.team_id = v.team_id AND jobs.name = v.name AND jobs.due_at = ?`,
			pq.Array(teams), pq.Array(names), pq.Array(ats), utc(leased))
		if err != nil {
			return fmt.Errorf("set %d jobs due: %w", len(due), err)
		}
		return nil
	}
	for _, d := range due {
		if _, err := tx.exec(ctx, `UPDATE jobs SET due_at = ? WHERE team_id = ? AND name = ? AND due_at = ?`,
			utc(d.At), d.TeamID, d.Name, utc(leased)); err != nil {
			return fmt.Errorf("set job %s of team %d due: %w", d.Name, d.TeamID, err)
		}
	}
	return nil
}

// rescheduleTeam makes every job of a team be worked out again on the next
// tick: what decides when they fire (its calendar, its report deadline)
// changed. Every change to such a record calls it in its transaction.
func (tx *Tx) rescheduleTeam(ctx context.Context, teamID int64) error {
	if _, err := tx.exec(ctx, `UPDATE jobs SET due_at = ? WHERE team_id = ?`, dueUnknown, teamID); err != nil {
		return fmt.Errorf("reschedule jobs of team %d: %w", teamID, err)
	}
	return nil
}

// FiringsOfTeams lists the firings claimed for the teams at nominal times
// at or after since, for a tick to skip what is done.
func (tx *Tx) FiringsOfTeams(ctx context.Context, teamIDs []int64, since time.Time) (map[teambot.FiringKey]bool, error) {
	done := map[teambot.FiringKey]bool{}
	if len(teamIDs) == 0 {
		return done, nil
	}
	var rows []struct {
		TeamID  int64     `db:"team_id"`
		Job     string    `db:"job"`
		Nominal time.Time `db:"nominal_at"`
	}
	if err := tx.selectIn(ctx, &rows, `SELECT team_id, job, nominal_at FROM firings WHERE team_id IN (?) AND nominal_at >= ?`,
		teamIDs, utc(since)); err != nil {
		return nil, fmt.Errorf("firings of %d teams since %v: %w", len(teamIDs), since, err)
	}
	for _, r := range rows {
		done[teambot.FiringKey{TeamID: r.TeamID, Job: r.Job, Nominal: r.Nominal.UTC()}] = true
	}
	return done, nil
}

// DaysOfTeams lists the teams' own days off and workdays, by team.
func (tx *Tx) DaysOfTeams(ctx context.Context, teamIDs []int64) (map[int64][]teambot.DayOverride, error) {
	out := map[int64][]teambot.DayOverride{}
	if len(teamIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		TeamID int64        `db:"team_id"`
		Day    teambot.Date `db:"day"`
		Off    bool         `db:"off"`
		Note   string       `db:"note"`
	}
	if err := tx.selectIn(ctx, &rows, `SELECT team_id, day, off, note FROM team_days WHERE team_id IN (?) ORDER BY team_id, day`,
		teamIDs); err != nil {
		return nil, fmt.Errorf("days of %d teams: %w", len(teamIDs), err)
	}
	for _, r := range rows {
		out[r.TeamID] = append(out[r.TeamID], teambot.DayOverride{Date: r.Day, Off: r.Off, Note: r.Note})
	}
	return out, nil
}

// ClaimFirings records the firings, in one statement, and reports which
// were claimed here: one already claimed (by this or another replica) is
// not, and the caller must do nothing for it.
func (tx *Tx) ClaimFirings(ctx context.Context, claims []teambot.FiringClaim, now time.Time) (map[teambot.FiringKey]bool, error) {
	claimed := map[teambot.FiringKey]bool{}
	for chunk := range slices.Chunk(claims, 500) {
		values := make([]string, len(chunk))
		args := make([]any, 0, 6*len(chunk))
		for i, c := range chunk {
			values[i] = "(?, ?, ?, ?, ?, ?)"
			args = append(args, c.Key.TeamID, c.Key.Job, utc(c.Key.Nominal), nullTime(c.FireAt), c.Outcome, utc(now))
		}
		var rows []struct {
			TeamID  int64     `db:"team_id"`
			Job     string    `db:"job"`
			Nominal time.Time `db:"nominal_at"`
		}
		err := tx.selectRows(ctx, &rows, `INSERT INTO firings (team_id, job, nominal_at, fire_at, outcome, claimed_at)
			VALUES `+strings.Join(values, ", ")+` ON CONFLICT (team_id, job, nominal_at) DO NOTHING
			RETURNING team_id, job, nominal_at`, args...)
		if err != nil {
			return nil, fmt.Errorf("claim %d firings: %w", len(chunk), err)
		}
		for _, r := range rows {
			claimed[teambot.FiringKey{TeamID: r.TeamID, Job: r.Job, Nominal: r.Nominal.UTC()}] = true
		}
	}
	return claimed, nil
}

// selectIn is selectRows for a query with an IN (?) list: sqlx.In expands
// each slice argument.
func (tx *Tx) selectIn(ctx context.Context, dest any, query string, args ...any) error {
	q, expanded, err := sqlx.In(query, args...)
	if err != nil {
		return err
	}
	return tx.selectRows(ctx, dest, q, expanded...)
}
