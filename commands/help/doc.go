// Package help is /帮助: the command table as the caller may use it, and one
// command's usage, examples and subcommands, all read from the table.
package help
