package main

import (
	"context"
	"errors"
	"io"
)

// runLoadtest is `teambot loadtest`.
func runLoadtest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("loadtest: not available in this build")
}
