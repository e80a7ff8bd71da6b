// Command teambot is the team chat bot: `teambot console` simulates a group
// chat on the embedded database, `teambot serve` answers WeCom, and
// `teambot migrate` brings the database schema up to date.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // team time zones must not depend on the machine's zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "teambot:", err)
		os.Exit(1)
	}
}
