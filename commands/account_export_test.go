package commands

import (
	"context"

	"teambot"
)

// HandoverText runs accountHandover for the member userID (active or
// removed) of the team of chatID, as a request from that group chat or,
// with single, from a single chat.
func (e *Engine) HandoverText(ctx context.Context, chatID, userID string, single bool) (string, error) {
	var text string
	err := e.Cfg.Store.Update(ctx, func(tx Tx) error {
		team, err := tx.TeamByChat(ctx, chatID)
		if err != nil {
			return err
		}
		m, err := tx.MemberByUser(ctx, team.ID, userID)
		if err != nil {
			return err
		}
		r := &Request{Tx: tx, Now: e.Cfg.Now(), Team: &team, Engine: e}
		r.ChatID, r.ChatType = chatID, teambot.ChatGroup
		if single {
			r.ChatID, r.ChatType = "", teambot.ChatSingle
		}
		text, err = r.accountHandover(ctx, m)
		return err
	})
	return text, err
}
