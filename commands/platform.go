package commands

// Platform updates (R6).

// platformTx is what the platform commands need from a transaction.
type platformTx interface{}

// platformCommands are the platform commands' rows of the command table.
func platformCommands() []*Command { return nil }

// platformReminders are the platform reminders' rows of the reminder table.
func platformReminders() []Reminder { return nil }
