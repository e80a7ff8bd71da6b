// Package account is the platform accounts and their updates (R13, R6):
// /账号 registers, hands over, confirms and closes the team's accounts (names
// only in a single chat, R14); /更新 records a platform's weekly update and
// /更新 状态 shows the week. Its reminders are the quarterly account check,
// handovers due, platforms not yet updated and the monthly campaign check.
// It provides commands.Rules.AccountHandover: the accounts a leaving member
// owns.
package account
