package commands

// Escalation (R16).

// escalationTx is what the escalation commands need from a transaction.
type escalationTx interface{}

// escalationCommands are the escalation commands' rows of the command table.
func escalationCommands() []*Command { return nil }

// escalationReminders are the escalation reminders' rows of the reminder table.
func escalationReminders() []Reminder { return nil }
