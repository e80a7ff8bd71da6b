package storage

import (
	"context"
	"fmt"
	"strings"
)

// transition changes one row of a team's table — a leave request, a
// meeting, a dispute, a proposal, an escalation — only while its status is
// one of from: set is the UPDATE's SET clause, with args for its
// placeholders. A concurrent change that got there first leaves the row as
// it is. When no row changed, the error says why: it wraps
// teambot.ErrNotFound when the team has no such row, else stale, naming
// the status the row is in. what names the change for the error, e.g.
// "decide leave".
func (tx *Tx) transition(ctx context.Context, what, table string, teamID, id int64, from []string, stale error, set string, args ...any) error {
	query := `UPDATE ` + table + ` SET ` + set + ` WHERE team_id = ? AND id = ? AND status IN (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(from)), ", ") + `)`
	args = append(args, teamID, id)
	for _, s := range from {
		args = append(args, s)
	}
	n, err := tx.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s %d of team %d: %w", what, id, teamID, err)
	}
	if n > 0 {
		return nil
	}
	var status string
	if err := tx.get(ctx, &status, `SELECT status FROM `+table+` WHERE team_id = ? AND id = ?`, teamID, id); err != nil {
		return fmt.Errorf("%s %d of team %d: %w", what, id, teamID, err)
	}
	return fmt.Errorf("%s %d of team %d: it is %s: %w", what, id, teamID, status, stale)
}
