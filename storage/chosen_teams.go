package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"teambot"
)

// ChosenTeam is the team userID chose for their single chat with /团队 切换,
// or 0 when they chose none.
func (tx *Tx) ChosenTeam(ctx context.Context, userID string) (int64, error) {
	var id int64
	err := tx.get(ctx, &id, `SELECT team_id FROM chosen_teams WHERE user_id = ?`, userID)
	if errors.Is(err, teambot.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("chosen team of %q: %w", userID, err)
	}
	return id, nil
}

// ChooseTeam remembers the team userID's single chat acts on.
func (tx *Tx) ChooseTeam(ctx context.Context, userID string, teamID int64, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO chosen_teams (user_id, team_id, chosen_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET team_id = excluded.team_id, chosen_at = excluded.chosen_at`,
		userID, teamID, utc(at))
	if err != nil {
		return fmt.Errorf("choose team %d for %q: %w", teamID, userID, err)
	}
	return nil
}

// SetTeamName names a team, for members of several teams to tell them apart.
func (tx *Tx) SetTeamName(ctx context.Context, teamID int64, name string) error {
	n, err := tx.exec(ctx, `UPDATE teams SET name = ? WHERE id = ?`, name, teamID)
	if err != nil {
		return fmt.Errorf("name team %d: %w", teamID, err)
	}
	if n == 0 {
		return fmt.Errorf("name team %d: %w", teamID, teambot.ErrNotFound)
	}
	return nil
}
