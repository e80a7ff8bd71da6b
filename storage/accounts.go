package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"teambot"
)

// Platform accounts (R13). Each change to an account appends its event in
// the same transaction, so the history in account_events always matches
// the accounts.

type accountRow struct {
	ID            int64        `db:"id"`
	TeamID        int64        `db:"team_id"`
	Platform      string       `db:"platform"`
	Account       string       `db:"account"`
	OwnerID       int64        `db:"owner_member_id"`
	OwnerUserID   string       `db:"owner_user_id"`
	OwnerName     string       `db:"owner_name"`
	OwnerActive   bool         `db:"owner_active"`
	Note          string       `db:"note"`
	Status        string       `db:"status"`
	RegisteredAt  time.Time    `db:"registered_at"`
	RegisteredBy  string       `db:"registered_by"`
	ChangedAt     sql.NullTime `db:"changed_at"`
	ConfirmedAt   sql.NullTime `db:"confirmed_at"`
	RemovedAt     sql.NullTime `db:"removed_at"`
	RemovedReason string       `db:"removed_reason"`
}

func (r accountRow) account() teambot.Account {
	return teambot.Account{
		ID: r.ID, TeamID: r.TeamID, Platform: r.Platform, Name: r.Account, Note: r.Note, Status: r.Status,
		OwnerID: r.OwnerID, OwnerUserID: r.OwnerUserID, OwnerName: r.OwnerName, OwnerActive: r.OwnerActive,
		RegisteredAt: r.RegisteredAt.UTC(), RegisteredBy: r.RegisteredBy,
		ChangedAt: accountTime(r.ChangedAt), ConfirmedAt: accountTime(r.ConfirmedAt), RemovedAt: accountTime(r.RemovedAt),
		RemovedReason: r.RemovedReason,
	}
}

// accountTime reads a nullable time, NULL as the zero time.
func accountTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// accountSelect reads accounts with their owner's userid, name and whether
// the owner is still on the active roster.
const accountSelect = `SELECT a.id, a.team_id, a.platform, a.account, a.owner_member_id,
	m.user_id AS owner_user_id, m.name AS owner_name, m.status = 'active' AS owner_active,
	a.note, a.status, a.registered_at, a.registered_by, a.changed_at, a.confirmed_at, a.removed_at, a.removed_reason
	FROM accounts a JOIN members m ON m.id = a.owner_member_id`

// CreateAccount registers an active account and its 'registered' event,
// and sets a.ID and a.Status. An active account of the team with the same
// platform and name (ignoring case) is teambot.ErrDuplicate.
func (tx *Tx) CreateAccount(ctx context.Context, a *teambot.Account) error {
	at := utc(a.RegisteredAt)
	id, err := tx.insert(ctx, `INSERT INTO accounts (team_id, platform, account, owner_member_id, note, status, registered_at, registered_by)
		VALUES (?, ?, ?, ?, ?, 'active', ?, ?)`, a.TeamID, a.Platform, a.Name, a.OwnerID, a.Note, at, a.RegisteredBy)
	if err != nil {
		return fmt.Errorf("create account on %s of team %d: %w", a.Platform, a.TeamID, err)
	}
	a.ID, a.Status, a.RegisteredAt = id, teambot.AccountActive, at
	a.ChangedAt, a.ConfirmedAt, a.RemovedAt, a.RemovedReason = time.Time{}, time.Time{}, time.Time{}, ""
	return tx.accountEvent(ctx, a.TeamID, id, teambot.AccountEventRegistered, a.RegisteredBy, a.OwnerID, at, "")
}

// LockAccount takes the row lock of a team's account (a no-op update; on
// PostgreSQL concurrent changes of one account then run one after another,
// each seeing the owner the one before left), then reads it like
// AccountByID.
func (tx *Tx) LockAccount(ctx context.Context, teamID, id int64) (teambot.Account, error) {
	n, err := tx.exec(ctx, `UPDATE accounts SET team_id = team_id WHERE team_id = ? AND id = ?`, teamID, id)
	if err != nil {
		return teambot.Account{}, fmt.Errorf("lock account %d of team %d: %w", id, teamID, err)
	}
	if n == 0 {
		return teambot.Account{}, fmt.Errorf("lock account %d of team %d: %w", id, teamID, teambot.ErrNotFound)
	}
	return tx.AccountByID(ctx, teamID, id)
}

// AccountByID finds one account of a team, active or removed; an id of
// another team's account is teambot.ErrNotFound.
func (tx *Tx) AccountByID(ctx context.Context, teamID, id int64) (teambot.Account, error) {
	var r accountRow
	if err := tx.get(ctx, &r, accountSelect+` WHERE a.team_id = ? AND a.id = ?`, teamID, id); err != nil {
		return teambot.Account{}, fmt.Errorf("account %d of team %d: %w", id, teamID, err)
	}
	return r.account(), nil
}

// Accounts lists the accounts f selects, by platform and then id.
func (tx *Tx) Accounts(ctx context.Context, f teambot.AccountFilter) ([]teambot.Account, error) {
	where := []string{"a.team_id = ?"}
	args := []any{f.TeamID}
	if f.OwnerID != 0 {
		where, args = append(where, "a.owner_member_id = ?"), append(args, f.OwnerID)
	}
	if f.Status != "" {
		where, args = append(where, "a.status = ?"), append(args, f.Status)
	}
	var rows []accountRow
	err := tx.selectRows(ctx, &rows, accountSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY a.platform, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("accounts of team %d (%+v): %w", f.TeamID, f, err)
	}
	out := make([]teambot.Account, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, nil
}

// MarkAccountChanged records that an active account's credential was
// changed at at, reported by by. Nothing of the credential is stored.
func (tx *Tx) MarkAccountChanged(ctx context.Context, teamID, id int64, by string, at time.Time) error {
	owner, err := tx.changeAccount(ctx, teamID, id, "mark changed", `UPDATE accounts SET changed_at = ?`, utc(at))
	if err != nil {
		return err
	}
	return tx.accountEvent(ctx, teamID, id, teambot.AccountEventChanged, by, owner, at, "")
}

// TransferAccount hands an active account over to another member of the
// team; note says from whom to whom, for the history.
func (tx *Tx) TransferAccount(ctx context.Context, teamID, id, toMemberID int64, by, note string, at time.Time) error {
	owner, err := tx.changeAccount(ctx, teamID, id, "transfer", `UPDATE accounts SET owner_member_id = ?`, toMemberID)
	if err != nil {
		return err
	}
	return tx.accountEvent(ctx, teamID, id, teambot.AccountEventTransferred, by, owner, at, note)
}

// RemoveAccount marks an active account removed (注销) for reason.
func (tx *Tx) RemoveAccount(ctx context.Context, teamID, id int64, by, reason string, at time.Time) error {
	owner, err := tx.changeAccount(ctx, teamID, id, "remove",
		`UPDATE accounts SET status = 'removed', removed_at = ?, removed_reason = ?`, utc(at), reason)
	if err != nil {
		return err
	}
	return tx.accountEvent(ctx, teamID, id, teambot.AccountEventRemoved, by, owner, at, reason)
}

// ConfirmAccount records that the owner confirmed at at that an active
// account is still theirs.
func (tx *Tx) ConfirmAccount(ctx context.Context, teamID, id int64, by string, at time.Time) error {
	owner, err := tx.changeAccount(ctx, teamID, id, "confirm", `UPDATE accounts SET confirmed_at = ?`, utc(at))
	if err != nil {
		return err
	}
	return tx.accountEvent(ctx, teamID, id, teambot.AccountEventConfirmed, by, owner, at, "")
}

// changeAccount runs set (an UPDATE … SET with its args) on an active
// account and returns the account's owner after it. A removed account is
// left as it is and the error wraps teambot.ErrAccountRemoved; an unknown
// one is teambot.ErrNotFound.
func (tx *Tx) changeAccount(ctx context.Context, teamID, id int64, op, set string, args ...any) (int64, error) {
	var owner int64
	err := tx.get(ctx, &owner, set+` WHERE team_id = ? AND id = ? AND status = 'active' RETURNING owner_member_id`,
		append(args, teamID, id)...)
	if err == nil {
		return owner, nil
	}
	if !errors.Is(err, teambot.ErrNotFound) {
		return 0, fmt.Errorf("%s account %d of team %d: %w", op, id, teamID, err)
	}
	if _, err := tx.AccountByID(ctx, teamID, id); err != nil {
		return 0, fmt.Errorf("%s account %d of team %d: %w", op, id, teamID, err)
	}
	return 0, fmt.Errorf("%s account %d of team %d: %w", op, id, teamID, teambot.ErrAccountRemoved)
}

func (tx *Tx) accountEvent(ctx context.Context, teamID, accountID int64, kind, by string, memberID int64, at time.Time, note string) error {
	_, err := tx.insert(ctx, `INSERT INTO account_events (team_id, account_id, kind, by_user, member_id, at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, teamID, accountID, kind, by, memberID, utc(at), note)
	if err != nil {
		return fmt.Errorf("record %s of account %d: %w", kind, accountID, err)
	}
	return nil
}

// AccountEvents lists a team's account events with at in [from, to), oldest
// first, each with its account's platform and name and the owner's name.
func (tx *Tx) AccountEvents(ctx context.Context, teamID int64, from, to time.Time) ([]teambot.AccountEvent, error) {
	var rows []struct {
		ID        int64     `db:"id"`
		TeamID    int64     `db:"team_id"`
		AccountID int64     `db:"account_id"`
		Kind      string    `db:"kind"`
		By        string    `db:"by_user"`
		MemberID  int64     `db:"member_id"`
		At        time.Time `db:"at"`
		Note      string    `db:"note"`
		Platform  string    `db:"platform"`
		Account   string    `db:"account"`
		OwnerName string    `db:"owner_name"`
	}
	err := tx.selectRows(ctx, &rows, `SELECT e.id, e.team_id, e.account_id, e.kind, e.by_user, e.member_id, e.at, e.note,
		a.platform, a.account, m.name AS owner_name
		FROM account_events e JOIN accounts a ON a.id = e.account_id JOIN members m ON m.id = e.member_id
		WHERE e.team_id = ? AND e.at >= ? AND e.at < ? ORDER BY e.at, e.id`, teamID, utc(from), utc(to))
	if err != nil {
		return nil, fmt.Errorf("account events of team %d from %s to %s: %w", teamID, from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), err)
	}
	out := make([]teambot.AccountEvent, len(rows))
	for i, r := range rows {
		out[i] = teambot.AccountEvent{ID: r.ID, TeamID: r.TeamID, AccountID: r.AccountID, Kind: r.Kind, By: r.By,
			MemberID: r.MemberID, At: r.At.UTC(), Note: r.Note, Platform: r.Platform, Account: r.Account, OwnerName: r.OwnerName}
	}
	return out, nil
}
