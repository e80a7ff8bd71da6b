package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"teambot"
)

type memberRow struct {
	ID       int64     `db:"id"`
	TeamID   int64     `db:"team_id"`
	UserID   string    `db:"user_id"`
	Name     string    `db:"name"`
	Status   string    `db:"status"`
	JoinedAt time.Time `db:"joined_at"`
}

func (r memberRow) member() teambot.Member {
	return teambot.Member{
		ID: r.ID, TeamID: r.TeamID, UserID: r.UserID, Name: r.Name,
		Status: teambot.MemberStatus(r.Status), JoinedAt: r.JoinedAt.UTC(),
	}
}

const memberColumns = `id, team_id, user_id, name, status, joined_at`

// AddMember stores a new active member with roles and sets m.ID. The same
// userid twice in a team, or a name an active member already uses, is
// teambot.ErrDuplicate.
func (tx *Tx) AddMember(ctx context.Context, m *teambot.Member) error {
	id, err := tx.insert(ctx, `INSERT INTO members (team_id, user_id, name, status, joined_at)
		VALUES (?, ?, ?, 'active', ?)`, m.TeamID, m.UserID, m.Name, utc(m.JoinedAt))
	if err != nil {
		return fmt.Errorf("add member %q: %w", m.UserID, err)
	}
	m.ID, m.Status, m.JoinedAt = id, teambot.MemberActive, utc(m.JoinedAt)
	for _, r := range m.Roles {
		if err := tx.AddRole(ctx, m.TeamID, m.ID, r); err != nil {
			return err
		}
	}
	m.Roles = teambot.SortRoles(m.Roles)
	return nil
}

// RejoinMember puts a removed member back on the active roster under a
// (possibly new) name.
func (tx *Tx) RejoinMember(ctx context.Context, memberID int64, name string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE members SET status = 'active', name = ?, joined_at = ?, removed_at = NULL
		WHERE id = ?`, name, utc(at), memberID)
	if err != nil {
		return fmt.Errorf("rejoin member %d: %w", memberID, err)
	}
	return nil
}

// RenameMember changes an active member's display name.
func (tx *Tx) RenameMember(ctx context.Context, memberID int64, name string) error {
	if _, err := tx.exec(ctx, `UPDATE members SET name = ? WHERE id = ?`, name, memberID); err != nil {
		return fmt.Errorf("rename member %d: %w", memberID, err)
	}
	return nil
}

// RemoveMember takes a member off the active roster and drops their roles;
// the member row stays for the records that point at it.
func (tx *Tx) RemoveMember(ctx context.Context, memberID int64, at time.Time) error {
	if _, err := tx.exec(ctx, `DELETE FROM member_roles WHERE member_id = ?`, memberID); err != nil {
		return fmt.Errorf("remove member %d: %w", memberID, err)
	}
	n, err := tx.exec(ctx, `UPDATE members SET status = 'removed', removed_at = ? WHERE id = ? AND status = 'active'`,
		utc(at), memberID)
	if err != nil {
		return fmt.Errorf("remove member %d: %w", memberID, err)
	}
	if n == 0 {
		return fmt.Errorf("remove member %d: %w", memberID, teambot.ErrNotFound)
	}
	return nil
}

// MemberByUser finds a member of a team, active or removed, by userid.
func (tx *Tx) MemberByUser(ctx context.Context, teamID int64, userID string) (teambot.Member, error) {
	var r memberRolesRow
	err := tx.get(ctx, &r, `SELECT `+memberColumns+`, `+memberRoles+` AS roles FROM members m
		WHERE team_id = ? AND user_id = ?`, teamID, userID)
	if err != nil {
		return teambot.Member{}, fmt.Errorf("member %q of team %d: %w", userID, teamID, err)
	}
	return r.member(), nil
}

// ActiveMembers lists a team's active members with their roles, in the order
// they joined.
func (tx *Tx) ActiveMembers(ctx context.Context, teamID int64) ([]teambot.Member, error) {
	var rows []memberRolesRow
	err := tx.selectRows(ctx, &rows, `SELECT `+memberColumns+`, `+memberRoles+` AS roles FROM members m
		WHERE team_id = ? AND status = 'active' ORDER BY joined_at, id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("members of team %d: %w", teamID, err)
	}
	out := make([]teambot.Member, len(rows))
	for i, r := range rows {
		out[i] = r.member()
	}
	return out, nil
}

// memberRoles is a member's roles as one value, comma-separated, in a
// query whose members row is m: the member and their roles in one
// statement (one round trip on PostgreSQL, not two).
const memberRoles = `(SELECT string_agg(role, ',') FROM member_roles WHERE member_id = m.id)`

// memberRolesRow is a members row with its memberRoles as roles.
type memberRolesRow struct {
	memberRow
	Roles sql.NullString `db:"roles"`
}

func (r memberRolesRow) member() teambot.Member {
	m := r.memberRow.member()
	for _, role := range splitList(r.Roles.String) {
		m.Roles = append(m.Roles, teambot.Role(role))
	}
	m.Roles = teambot.SortRoles(m.Roles)
	return m
}

// AddRole gives a member a role. The database refuses a second supervisor in
// a team (R1) with teambot.ErrDuplicate.
func (tx *Tx) AddRole(ctx context.Context, teamID, memberID int64, role teambot.Role) error {
	if _, err := tx.exec(ctx, `INSERT INTO member_roles (team_id, member_id, role) VALUES (?, ?, ?)`,
		teamID, memberID, string(role)); err != nil {
		return fmt.Errorf("give member %d role %s: %w", memberID, role, err)
	}
	return nil
}

// RemoveRole takes a role from a member; not holding it is not an error.
func (tx *Tx) RemoveRole(ctx context.Context, memberID int64, role teambot.Role) error {
	if _, err := tx.exec(ctx, `DELETE FROM member_roles WHERE member_id = ? AND role = ?`, memberID, string(role)); err != nil {
		return fmt.Errorf("take role %s from member %d: %w", role, memberID, err)
	}
	return nil
}

// SetMemberRoles replaces a member's roles other than supervisor, which only
// SetSupervisor changes.
func (tx *Tx) SetMemberRoles(ctx context.Context, teamID, memberID int64, roles []teambot.Role) error {
	if _, err := tx.exec(ctx, `DELETE FROM member_roles WHERE member_id = ? AND role <> 'supervisor'`, memberID); err != nil {
		return fmt.Errorf("set roles of member %d: %w", memberID, err)
	}
	for _, r := range teambot.SortRoles(roles) {
		if r == teambot.RoleSupervisor {
			continue
		}
		if err := tx.AddRole(ctx, teamID, memberID, r); err != nil {
			return err
		}
	}
	return nil
}

// SetSupervisor makes memberID the team's only supervisor (R1), taking the
// role from whoever held it.
func (tx *Tx) SetSupervisor(ctx context.Context, teamID, memberID int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM member_roles WHERE team_id = ? AND role = 'supervisor'`, teamID); err != nil {
		return fmt.Errorf("clear supervisor of team %d: %w", teamID, err)
	}
	return tx.AddRole(ctx, teamID, memberID, teambot.RoleSupervisor)
}

// WasSupervisor reports whether userID has ever been named the team's
// supervisor, as the audit log records every naming.
func (tx *Tx) WasSupervisor(ctx context.Context, teamID int64, userID string) (bool, error) {
	var n int
	err := tx.get(ctx, &n, `SELECT COUNT(*) FROM audit_log WHERE team_id = ? AND action = 'supervisor.set' AND target = ?`,
		teamID, userID)
	if err != nil {
		return false, fmt.Errorf("was %q supervisor of team %d: %w", userID, teamID, err)
	}
	return n > 0, nil
}
