// Package rulebook puts the bot together: the command table and the
// reminder table, each area of the rulebook bringing its own rows, and the
// rules one area needs to know of another's records. It is the one package
// that knows every area; the areas know only the core (package commands).
package rulebook

import (
	"slices"

	"teambot/commands"
	"teambot/commands/account"
	"teambot/commands/approval"
	"teambot/commands/escalate"
	"teambot/commands/help"
	"teambot/commands/holiday"
	"teambot/commands/leave"
	"teambot/commands/ledger"
	"teambot/commands/meeting"
	"teambot/commands/monthly"
	"teambot/commands/redact"
	"teambot/commands/remind"
	"teambot/commands/report"
	"teambot/commands/roster"
	"teambot/commands/vote"
)

// Commands is the bot's whole surface in the order /帮助 lists it.
func Commands() []*commands.Command {
	return slices.Concat(
		[]*commands.Command{help.Command()},
		roster.Commands(),
		report.Commands(),
		[]*commands.Command{remind.Command(), holiday.Command()},
		leave.Commands(),
		meeting.Commands(),
		vote.Commands(),
		account.Commands(),
		approval.Commands(),
		ledger.Commands(),
		escalate.Commands(),
		monthly.Commands(),
		redact.Commands(),
	)
}

// Reminders are every reminder in the order /提醒 lists them.
func Reminders() []commands.Reminder {
	return slices.Concat(
		report.Reminders(),
		approval.Reminders(), // 待审批, once leave's 待审批
		account.Reminders(),
		ledger.Reminders(),
		escalate.Reminders(),
		monthly.Reminders(),
		roster.Reminders(),
	)
}

// Cards are every kind of card the areas offer (docs/cards.md).
func Cards() []commands.CardKind {
	return slices.Concat(
		vote.Cards(),
		leave.Cards(),
		roster.Cards(),
		meeting.Cards(),
		approval.Cards(),
	)
}

// New is commands.New with the whole rulebook: cfg's Commands, Reminders,
// Rules and Cards are set here.
func New(cfg commands.Config) (*commands.Engine, error) {
	cfg.Commands, cfg.Reminders, cfg.Rules, cfg.Cards = Commands(), Reminders(), Rules(), Cards()
	return commands.New(cfg)
}

// Rules are the rules each area provides for the others.
func Rules() commands.Rules {
	return commands.Rules{
		NextMeeting:      meeting.NextMeeting,
		EscalationDigest: escalate.EscalationDigest,
		AccountHandover:  account.AccountHandover,
		VoteResult:       vote.VoteResult,
		Placements:       approval.Placements,
		ApprovalDigest:   approval.OverdueDigest,
	}
}
