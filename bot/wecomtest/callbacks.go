package wecomtest

import "teambot/bot/wxcallback"

// The callbacks WeCom posts to the bot, built by bot/wxcallback, which
// `teambot loadtest` uses too; the names here keep tests short.
type (
	// Callbacks builds signed, encrypted callback requests for one
	// endpoint and opens its encrypted passive replies.
	Callbacks = wxcallback.Callbacks
	// Mode is one of WeCom's three ways in.
	Mode = wxcallback.Mode
	// Text is a text message, and the common fields of the other builders.
	Text = wxcallback.Text
	// Event is an event callback.
	Event = wxcallback.Event
	// Click is a click on an AI bot card (Callbacks.ClickMessage).
	Click = wxcallback.Click
)

// WeCom's three ways in, and the identifiers it puts into every callback
// of a mode.
const (
	ModeBot        = wxcallback.ModeBot
	ModeRobot      = wxcallback.ModeRobot
	ModeApp        = wxcallback.ModeApp
	DefaultAgentID = wxcallback.DefaultAgentID
	DefaultBotID   = wxcallback.DefaultBotID
)
