package commands

import (
	"context"
	"errors"

	"teambot"
)

func (e *Engine) handleClick(ctx context.Context, c teambot.Click) (teambot.Reply, error) {
	return teambot.Reply{}, errors.New("cards: not built yet")
}
