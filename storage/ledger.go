package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"teambot"
)

type ledgerRow struct {
	ID         int64         `db:"id"`
	TeamID     int64         `db:"team_id"`
	MemberID   int64         `db:"member_id"`
	UserID     string        `db:"user_id"`
	Name       string        `db:"name"`
	Kind       string        `db:"kind"`
	Level      string        `db:"level"`
	Reason     string        `db:"reason"`
	Ground     int           `db:"ground"`
	By         string        `db:"by_user"`
	At         time.Time     `db:"at"`
	MsgID      string        `db:"msg_id"`
	Revokes    sql.NullInt64 `db:"revokes"`
	ProposalID sql.NullInt64 `db:"proposal_id"`
	RevokedBy  sql.NullInt64 `db:"revoked_by"`
}

func (r ledgerRow) entry() teambot.LedgerEntry {
	return teambot.LedgerEntry{ID: r.ID, TeamID: r.TeamID, MemberID: r.MemberID, UserID: r.UserID, Name: r.Name,
		Kind: r.Kind, Level: r.Level, Reason: r.Reason, Ground: r.Ground, By: r.By, At: r.At.UTC(), MsgID: r.MsgID,
		Revokes: r.Revokes.Int64, ProposalID: r.ProposalID.Int64, RevokedBy: r.RevokedBy.Int64}
}

// ledgerSelect reads entries with their member's userid and name and the
// revocation of each, if any.
const ledgerSelect = `SELECT e.id, e.team_id, e.member_id, m.user_id, m.name, e.kind, e.level, e.reason, e.ground, e.by_user,
	e.at, e.msg_id, e.revokes, e.proposal_id, r.id AS revoked_by
	FROM ledger_entries e JOIN members m ON m.id = e.member_id
	LEFT JOIN ledger_entries r ON r.revokes = e.id`

// AddLedgerEntry appends an entry to the ledger and sets e.ID. A second
// revocation of one entry, or a second entry confirming one proposal, is
// teambot.ErrDuplicate.
func (tx *Tx) AddLedgerEntry(ctx context.Context, e *teambot.LedgerEntry) error {
	id, err := tx.insert(ctx, `INSERT INTO ledger_entries (team_id, member_id, kind, level, reason, ground, by_user, at, msg_id, revokes, proposal_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.TeamID, e.MemberID, e.Kind, e.Level, e.Reason, e.Ground, e.By, utc(e.At), e.MsgID, nullID(e.Revokes), nullID(e.ProposalID))
	if err != nil {
		return fmt.Errorf("add %s %s for member %d: %w", e.Kind, e.Level, e.MemberID, err)
	}
	e.ID = id
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// LedgerEntryByID reads one entry of a team; teambot.ErrNotFound when the
// team has none with that id.
func (tx *Tx) LedgerEntryByID(ctx context.Context, teamID, id int64) (teambot.LedgerEntry, error) {
	var row ledgerRow
	if err := tx.get(ctx, &row, ledgerSelect+` WHERE e.team_id = ? AND e.id = ?`, teamID, id); err != nil {
		return teambot.LedgerEntry{}, fmt.Errorf("ledger entry %d of team %d: %w", id, teamID, err)
	}
	return row.entry(), nil
}

// LedgerEntries lists the entries f selects, oldest first (with Limit, the
// latest Limit of them, still oldest first).
func (tx *Tx) LedgerEntries(ctx context.Context, f teambot.LedgerFilter) ([]teambot.LedgerEntry, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.TeamID != 0 {
		add("e.team_id = ?", f.TeamID)
	}
	if f.MemberID != 0 {
		add("e.member_id = ?", f.MemberID)
	}
	if !f.From.IsZero() {
		add("e.at >= ?", utc(f.From))
	}
	if !f.To.IsZero() {
		add("e.at < ?", utc(f.To))
	}
	query := ledgerSelect
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY e.at DESC, e.id DESC"
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var rows []ledgerRow
	if err := tx.selectRows(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("ledger entries %+v: %w", f, err)
	}
	out := make([]teambot.LedgerEntry, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r.entry()
	}
	return out, nil
}

// DecideMeetingProposal confirms or dismisses a proposal that is still
// proposed; teambot.ErrNotFound when the team has no such proposal, and a
// wrapped teambot.ErrAlreadyDecided when it was decided before.
func (tx *Tx) DecideMeetingProposal(ctx context.Context, teamID, id int64, status, by string, at time.Time) error {
	if status != teambot.ProposalConfirmed && status != teambot.ProposalDismissed {
		return fmt.Errorf("decide proposal %d: invalid status %q", id, status)
	}
	return tx.transition(ctx, "decide proposal", "meeting_proposals", teamID, id, []string{teambot.ProposalProposed},
		teambot.ErrAlreadyDecided, `status = ?, decided_by = ?, decided_at = ?`, status, by, utc(at))
}
