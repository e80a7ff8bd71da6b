// Package help is /帮助: the command table as the caller may use it, and one
// command's usage, examples and subcommands, all read from the table; and
// /帮助 规则, the team's rules and the laws they name (R20), whose texts
// live in rulebook.go.
package help
