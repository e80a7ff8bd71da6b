package storage

import (
	"context"
	"fmt"
	"time"

	"teambot"
)

type highlightRow struct {
	ID     int64     `db:"id"`
	TeamID int64     `db:"team_id"`
	Month  string    `db:"month"`
	Text   string    `db:"text"`
	Hidden bool      `db:"hidden"`
	By     string    `db:"added_by"`
	At     time.Time `db:"added_at"`
}

// AddMonthHighlight stores a supervisor's line of a month's report, or the
// text of a marked report line to leave out (Hidden); it sets h.ID.
func (tx *Tx) AddMonthHighlight(ctx context.Context, h *teambot.MonthHighlight) error {
	id, err := tx.insert(ctx, `INSERT INTO month_highlights (team_id, month, text, hidden, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?)`,
		h.TeamID, h.Month, h.Text, h.Hidden, h.By, utc(h.At))
	if err != nil {
		return fmt.Errorf("highlight of team %d for %s: %w", h.TeamID, h.Month, err)
	}
	h.ID = id
	return nil
}

// MonthHighlights are a team's lines for a month, in the order added.
func (tx *Tx) MonthHighlights(ctx context.Context, teamID int64, month string) ([]teambot.MonthHighlight, error) {
	var rows []highlightRow
	if err := tx.selectRows(ctx, &rows, `SELECT id, team_id, month, text, hidden, added_by, added_at FROM month_highlights
		WHERE team_id = ? AND month = ? ORDER BY id`, teamID, month); err != nil {
		return nil, fmt.Errorf("highlights of team %d for %s: %w", teamID, month, err)
	}
	out := make([]teambot.MonthHighlight, len(rows))
	for i, r := range rows {
		out[i] = teambot.MonthHighlight{ID: r.ID, TeamID: r.TeamID, Month: r.Month, Text: r.Text, Hidden: r.Hidden, By: r.By, At: r.At.UTC()}
	}
	return out, nil
}

// DeleteMonthHighlight removes a supervisor's line; one that is not the
// team's is teambot.ErrNotFound.
func (tx *Tx) DeleteMonthHighlight(ctx context.Context, teamID, id int64) error {
	n, err := tx.exec(ctx, `DELETE FROM month_highlights WHERE team_id = ? AND id = ?`, teamID, id)
	if err != nil {
		return fmt.Errorf("delete highlight %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("highlight %d of team %d: %w", id, teamID, teambot.ErrNotFound)
	}
	return nil
}
