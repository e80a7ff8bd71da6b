package commands

// The ledger of rewards and penalties (R17-R19).

// ledgerTx is what the ledger commands need from a transaction.
type ledgerTx interface{}

// ledgerCommands are the ledger commands' rows of the command table.
func ledgerCommands() []*Command { return nil }

// ledgerReminders are the ledger reminders' rows of the reminder table.
func ledgerReminders() []Reminder { return nil }
