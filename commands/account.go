package commands

// Platform accounts (R13).

// accountTx is what the account commands need from a transaction.
type accountTx interface{}

// accountCommands are the account commands' rows of the command table.
func accountCommands() []*Command { return nil }

// accountReminders are the account reminders' rows of the reminder table.
func accountReminders() []Reminder { return nil }
