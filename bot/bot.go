// Package bot is the WeCom transport: it verifies and decrypts callbacks,
// drops retries it has already seen, hands the text to the command engine and
// encrypts the reply (PRODUCT.md §2, wecom/PROTOCOL.md). It holds no business
// rules.
//
// The three callback endpoints are each mounted only when their variables
// are set. This package currently reports which endpoints are configured;
// the callback handlers themselves arrive with the WeCom transport work.
package bot

import (
	"context"
	"strings"

	"teambot"
)

// Engine answers one message; *commands.Engine satisfies it.
type Engine interface {
	Handle(ctx context.Context, msg teambot.Message) teambot.Reply
}

// Endpoint is one WeCom callback path and the variables it needs.
type Endpoint struct {
	Path     string
	Mode     string   // what kind of WeCom integration calls it
	Vars     []string // the variables that must all be set to mount it
	Missing  []string // those of Vars that are unset
	Complete bool     // all of Vars are set
}

// Endpoints says, for each callback endpoint, whether its variables are set.
// getenv reads the configuration (os.Getenv in production).
func Endpoints(getenv func(string) string) []Endpoint {
	eps := []Endpoint{
		{Path: "/wecom/bot", Mode: "AI bot 智能机器人", Vars: []string{"WECOM_BOT_TOKEN", "WECOM_BOT_AES_KEY"}},
		{Path: "/wecom/robot", Mode: "group robot 群机器人", Vars: []string{"WECOM_ROBOT_TOKEN", "WECOM_ROBOT_AES_KEY"}},
		{Path: "/wecom/app", Mode: "self-built app 自建应用", Vars: []string{"WECOM_CORP_ID", "WECOM_APP_TOKEN", "WECOM_APP_AES_KEY"}},
	}
	for i := range eps {
		for _, v := range eps[i].Vars {
			if strings.TrimSpace(getenv(v)) == "" {
				eps[i].Missing = append(eps[i].Missing, v)
			}
		}
		eps[i].Complete = len(eps[i].Missing) == 0
	}
	return eps
}
