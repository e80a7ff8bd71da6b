package teambot

import "time"

// VoteFilter selects votes for storage.Tx.Votes. Zero fields select
// everything; the votes come by deadline, or by closing time when a
// closing range is set.
type VoteFilter struct {
	TeamID     int64     // 0: every team
	Status     string    // VoteOpen or VoteClosed; "": any
	DeadlineBy time.Time // deadline at or before it; zero: any
	// ClosedFrom and ClosedTo select votes closed in ClosedFrom…ClosedTo,
	// the end excluded; a zero end is open.
	ClosedFrom, ClosedTo time.Time
	Limit                int // 0: all
}
