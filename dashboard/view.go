package dashboard

import (
	"context"
	"errors"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/monthly"
)

// EngineView is the View of a running bot: who the user is on the team,
// read from the roster when the page is opened (a member removed since the
// link was sent is refused), then the month as monthly.BuildTeam builds it
// for /月报, of which the handler is given the report alone.
func EngineView(e *commands.Engine) View {
	return func(ctx context.Context, teamID int64, userID string, m lang.Month) (monthly.Report, Viewer, error) {
		var v Viewer
		err := e.Config.Store.Update(ctx, func(tx commands.Tx) error {
			if _, err := tx.TeamByID(ctx, teamID); err != nil {
				return err
			}
			mem, err := tx.MemberByUser(ctx, teamID, userID)
			if err != nil {
				return err
			}
			if !mem.Active() {
				return ErrNotMember
			}
			v = Viewer{Name: mem.Name, Supervisor: mem.IsSupervisor()}
			return nil
		})
		if errors.Is(err, teambot.ErrNotFound) {
			err = ErrNotMember
		}
		if err != nil {
			return monthly.Report{}, Viewer{}, err
		}
		month, err := monthly.BuildTeam(ctx, e, teamID, m)
		return month.Report, v, err
	}
}
