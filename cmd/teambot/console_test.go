package main

import "strings"

// under reports whether msg appears in the console's output after header
// (a ⏰ line), both present.
func under(out, header, msg string) bool {
	i := strings.Index(out, header)
	return i >= 0 && strings.Index(out[i:], msg) > 0
}

// inBatch reports whether msg is one of the messages printed under the
// time line header, before the next one.
func inBatch(out, header, msg string) bool {
	i := strings.Index(out, header)
	if i < 0 {
		return false
	}
	batch := out[i+len(header):]
	if next := strings.Index(batch, "⏰"); next >= 0 {
		batch = batch[:next]
	}
	return strings.Contains(batch, msg)
}
