package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"teambot"
)

type teamRow struct {
	ID        int64        `db:"id"`
	ChatID    string       `db:"chat_id"`
	Name      string       `db:"name"`
	TimeZone  string       `db:"time_zone"`
	TermStart teambot.Date `db:"term_start"`
	TermEnd   teambot.Date `db:"term_end"`
	JoinMode  string       `db:"join_mode"`
	CreatedAt time.Time    `db:"created_at"`
	PushKey   string       `db:"push_key"`
	PushBroke sql.NullTime `db:"push_broken_at"`
}

func (r teamRow) team() teambot.Team {
	return teambot.Team{
		ID: r.ID, ChatID: r.ChatID, Name: r.Name, TimeZone: r.TimeZone,
		TermStart: r.TermStart, TermEnd: r.TermEnd, JoinMode: teambot.JoinMode(r.JoinMode), CreatedAt: r.CreatedAt.UTC(),
		PushKey: r.PushKey, PushBrokenAt: r.PushBroke.Time.UTC(),
	}
}

const teamColumns = `id, chat_id, name, time_zone, term_start, term_end, join_mode, created_at, push_key, push_broken_at`

// CreateTeam stores a new team for a chat and sets t.ID; an unset join mode
// is the default, approval. A second team for the same chat is
// teambot.ErrDuplicate.
func (tx *Tx) CreateTeam(ctx context.Context, t *teambot.Team) error {
	if t.JoinMode == "" {
		t.JoinMode = teambot.JoinApproval
	}
	id, err := tx.insert(ctx, `INSERT INTO teams (chat_id, name, time_zone, term_start, term_end, join_mode, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ChatID, t.Name, t.TimeZone, t.TermStart, t.TermEnd, string(t.JoinMode), utc(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("create team for chat %q: %w", t.ChatID, err)
	}
	t.ID = id
	t.CreatedAt = utc(t.CreatedAt)
	return nil
}

// EnsureTeam loads the team of t.ChatID into t, creating it from t when the
// chat has none. Concurrent first contacts of one chat get the same team:
// the losing insert does nothing and reads the winner's row. It reports
// whether this call created the team.
func (tx *Tx) EnsureTeam(ctx context.Context, t *teambot.Team) (created bool, err error) {
	// Nearly always the team is there: one read, not an insert that does
	// nothing and then the read (a round trip less per group message).
	if team, err := tx.TeamByChat(ctx, t.ChatID); err == nil {
		*t = team
		return false, nil
	} else if !errors.Is(err, teambot.ErrNotFound) {
		return false, err
	}
	n, err := tx.exec(ctx, `INSERT INTO teams (chat_id, name, time_zone, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (chat_id) DO NOTHING`, t.ChatID, t.Name, t.TimeZone, utc(t.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("ensure team of chat %q: %w", t.ChatID, err)
	}
	team, err := tx.TeamByChat(ctx, t.ChatID)
	if err != nil {
		return false, err
	}
	*t = team
	return n == 1, nil
}

// TeamByChat finds the team of a chat; none is teambot.ErrNotFound.
func (tx *Tx) TeamByChat(ctx context.Context, chatID string) (teambot.Team, error) {
	var r teamRow
	if err := tx.get(ctx, &r, `SELECT `+teamColumns+` FROM teams WHERE chat_id = ?`, chatID); err != nil {
		return teambot.Team{}, fmt.Errorf("team of chat %q: %w", chatID, err)
	}
	return r.team(), nil
}

// LockTeam reads a team for a command that changes its roster, supervisor,
// term or join mode, and holds it until the transaction ends: such commands
// serialize per team, and each reads the state the one before it left. On
// PostgreSQL that is a row lock (NO KEY UPDATE, so rows that merely refer
// to the team are not held up); SQLite has one writer, whose transactions
// already run one at a time.
func (tx *Tx) LockTeam(ctx context.Context, teamID int64) (teambot.Team, error) {
	query := `SELECT ` + teamColumns + ` FROM teams WHERE id = ?`
	if tx.dialect == Postgres {
		query += ` FOR NO KEY UPDATE`
	}
	var r teamRow
	if err := tx.get(ctx, &r, query, teamID); err != nil {
		return teambot.Team{}, fmt.Errorf("lock team %d: %w", teamID, err)
	}
	return r.team(), nil
}

// SetJoinMode sets how newcomers join the team once it has a supervisor.
func (tx *Tx) SetJoinMode(ctx context.Context, teamID int64, mode teambot.JoinMode) error {
	if _, err := tx.exec(ctx, `UPDATE teams SET join_mode = ? WHERE id = ?`, string(mode), teamID); err != nil {
		return fmt.Errorf("set join mode of team %d: %w", teamID, err)
	}
	return nil
}

// TeamsOfUser lists the teams in which userID is an active member, for a
// single chat where the bot acts for the sender's team(s).
func (tx *Tx) TeamsOfUser(ctx context.Context, userID string) ([]teambot.Team, error) {
	teams, err := tx.teams(ctx, `FROM teams t JOIN members m ON m.team_id = t.id
		WHERE m.user_id = ? AND m.status = 'active' ORDER BY t.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("teams of user %q: %w", userID, err)
	}
	return teams, nil
}

// teams reads the teams a query's FROM … (aliasing teams as t) selects.
func (tx *Tx) teams(ctx context.Context, from string, args ...any) ([]teambot.Team, error) {
	var rows []teamRow
	err := tx.selectRows(ctx, &rows, `SELECT t.id, t.chat_id, t.name, t.time_zone, t.term_start, t.term_end, t.join_mode, t.created_at, t.push_key, t.push_broken_at
		`+from, args...)
	if err != nil {
		return nil, err
	}
	out := make([]teambot.Team, len(rows))
	for i, r := range rows {
		out[i] = r.team()
	}
	return out, nil
}

// SetTerm sets the supervisor's term (R1).
func (tx *Tx) SetTerm(ctx context.Context, teamID int64, start, end teambot.Date) error {
	n, err := tx.exec(ctx, `UPDATE teams SET term_start = ?, term_end = ? WHERE id = ?`, start, end, teamID)
	if err != nil {
		return fmt.Errorf("set term of team %d: %w", teamID, err)
	}
	if n == 0 {
		return fmt.Errorf("set term of team %d: %w", teamID, teambot.ErrNotFound)
	}
	return nil
}

// SetPushKey stores the team's sealed group-robot webhook key and clears any
// "broken" mark: a fresh key from WeCom means the robot is back.
func (tx *Tx) SetPushKey(ctx context.Context, teamID int64, sealed string) error {
	if _, err := tx.exec(ctx, `UPDATE teams SET push_key = ?, push_broken_at = NULL WHERE id = ?`, sealed, teamID); err != nil {
		return fmt.Errorf("set push key of team %d: %w", teamID, err)
	}
	return nil
}

// MarkPushBroken records that WeCom refused the team's webhook as removed or
// disabled; pushes fall back to the default webhook until a new key arrives.
func (tx *Tx) MarkPushBroken(ctx context.Context, teamID int64, at time.Time) error {
	if _, err := tx.exec(ctx, `UPDATE teams SET push_broken_at = ? WHERE id = ?`, utc(at), teamID); err != nil {
		return fmt.Errorf("mark push key of team %d broken: %w", teamID, err)
	}
	return nil
}
