package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"teambot"
)

type joinRequestRow struct {
	ID          int64        `db:"id"`
	TeamID      int64        `db:"team_id"`
	UserID      string       `db:"user_id"`
	Name        string       `db:"name"`
	Roles       string       `db:"roles"`
	Rejoin      bool         `db:"rejoin"`
	Status      string       `db:"status"`
	RequestedAt time.Time    `db:"requested_at"`
	MsgID       string       `db:"msg_id"`
	DecidedBy   string       `db:"decided_by"`
	DecidedAt   sql.NullTime `db:"decided_at"`
	Reason      string       `db:"reason"`
}

func (r joinRequestRow) request() teambot.JoinRequest {
	q := teambot.JoinRequest{
		ID: r.ID, TeamID: r.TeamID, UserID: r.UserID, Name: r.Name, Rejoin: r.Rejoin, Status: r.Status,
		RequestedAt: r.RequestedAt.UTC(), MsgID: r.MsgID, DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt.Time.UTC(),
		Reason: r.Reason,
	}
	if r.Roles != "" {
		for _, role := range strings.Split(r.Roles, ",") {
			q.Roles = append(q.Roles, teambot.Role(role))
		}
	}
	return q
}

const joinRequestColumns = `id, team_id, user_id, name, roles, rejoin, status, requested_at, msg_id, decided_by, decided_at, reason`

// CreateJoinRequest stores a pending request to join a team and sets q.ID.
// A second pending request of the same person is teambot.ErrDuplicate.
func (tx *Tx) CreateJoinRequest(ctx context.Context, q *teambot.JoinRequest) error {
	roles := make([]string, len(q.Roles))
	for i, r := range q.Roles {
		roles[i] = string(r)
	}
	id, err := tx.insert(ctx, `INSERT INTO join_requests (team_id, user_id, name, roles, rejoin, status, requested_at, msg_id)
		VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
		q.TeamID, q.UserID, q.Name, strings.Join(roles, ","), q.Rejoin, utc(q.RequestedAt), q.MsgID)
	if err != nil {
		return fmt.Errorf("request of %q to join team %d: %w", q.UserID, q.TeamID, err)
	}
	q.ID, q.Status, q.RequestedAt = id, teambot.JoinPending, utc(q.RequestedAt)
	return nil
}

// PendingJoinRequests lists a team's requests waiting for the supervisor,
// oldest first.
func (tx *Tx) PendingJoinRequests(ctx context.Context, teamID int64) ([]teambot.JoinRequest, error) {
	var rows []joinRequestRow
	err := tx.selectRows(ctx, &rows, `SELECT `+joinRequestColumns+` FROM join_requests
		WHERE team_id = ? AND status = 'pending' ORDER BY requested_at, id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("pending join requests of team %d: %w", teamID, err)
	}
	out := make([]teambot.JoinRequest, len(rows))
	for i, r := range rows {
		out[i] = r.request()
	}
	return out, nil
}

// PendingJoinRequest is the person's waiting request to join the team;
// none is teambot.ErrNotFound.
func (tx *Tx) PendingJoinRequest(ctx context.Context, teamID int64, userID string) (teambot.JoinRequest, error) {
	var r joinRequestRow
	err := tx.get(ctx, &r, `SELECT `+joinRequestColumns+` FROM join_requests
		WHERE team_id = ? AND user_id = ? AND status = 'pending'`, teamID, userID)
	if err != nil {
		return teambot.JoinRequest{}, fmt.Errorf("pending join request of %q in team %d: %w", userID, teamID, err)
	}
	return r.request(), nil
}

// JoinRequestByID is the team's request numbered id, whatever its status
// (a card shows the decision once taken); none is teambot.ErrNotFound.
func (tx *Tx) JoinRequestByID(ctx context.Context, teamID, id int64) (teambot.JoinRequest, error) {
	var r joinRequestRow
	err := tx.get(ctx, &r, `SELECT `+joinRequestColumns+` FROM join_requests WHERE team_id = ? AND id = ?`, teamID, id)
	if err != nil {
		return teambot.JoinRequest{}, fmt.Errorf("join request %d of team %d: %w", id, teamID, err)
	}
	return r.request(), nil
}

// TeamsAwaitingUser lists the teams where userID has a request to join
// waiting, for a single chat with someone who is in no team yet.
func (tx *Tx) TeamsAwaitingUser(ctx context.Context, userID string) ([]teambot.Team, error) {
	teams, err := tx.teams(ctx, `FROM teams t JOIN join_requests q ON q.team_id = t.id
		WHERE q.user_id = ? AND q.status = 'pending' ORDER BY t.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("teams awaiting %q: %w", userID, err)
	}
	return teams, nil
}

// DecideJoinRequest approves or rejects a pending request; one that is no
// longer pending is teambot.ErrNotFound.
func (tx *Tx) DecideJoinRequest(ctx context.Context, teamID, id int64, status, by, reason string, at time.Time) error {
	n, err := tx.exec(ctx, `UPDATE join_requests SET status = ?, decided_by = ?, decided_at = ?, reason = ?
		WHERE team_id = ? AND id = ? AND status = 'pending'`, status, by, utc(at), reason, teamID, id)
	if err != nil {
		return fmt.Errorf("decide join request %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("decide join request %d: %w", id, teambot.ErrNotFound)
	}
	return nil
}
