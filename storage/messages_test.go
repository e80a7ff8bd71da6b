package storage_test

import (
	"slices"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A message's answer is kept with its id and goes when the id is pruned;
// an id without a kept answer reads as seen and not kept, an unknown one as
// not seen. An id is recorded once: a second record changes nothing.
func TestKeptReply(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		want := teambot.KeptReply{Kept: true, Sealed: true,
			Reply: teambot.Reply{Text: "v1:sealed", Private: true, Mentions: []string{"zhangsan", "lisi"}}}
		record := func(id string, k teambot.KeptReply) (first bool) {
			update(t, db, func(tx *storage.Tx) (err error) { first, err = tx.RecordHandled(ctx, "robot", id, t0, k); return err })
			return first
		}
		if !record("m-1", want) || !record("m-2", teambot.KeptReply{}) {
			t.Fatal("a new id recorded as seen before")
		}
		if record("m-1", teambot.KeptReply{Kept: true, Reply: teambot.Reply{Text: "second"}}) {
			t.Error("an id recorded twice")
		}
		read := func(id string) (k teambot.KeptReply, seen bool) {
			update(t, db, func(tx *storage.Tx) (err error) { k, seen, err = tx.HandledBefore(ctx, "robot", id); return err })
			return k, seen
		}
		if got, seen := read("m-1"); !seen || got.Kept != want.Kept || got.Sealed != want.Sealed || got.Text != want.Text ||
			got.Private != want.Private || !slices.Equal(got.Mentions, want.Mentions) {
			t.Errorf("kept %+v (seen %v), want %+v", got, seen, want)
		}
		if got, seen := read("m-2"); !seen || got.Kept {
			t.Errorf("a message with no kept answer reads %+v, seen %v", got, seen)
		}
		if got, seen := read("m-3"); seen || got.Kept {
			t.Errorf("an unknown message reads %+v, seen %v", got, seen)
		}
		update(t, db, func(tx *storage.Tx) error { _, err := tx.PruneProcessed(ctx, t0.Add(time.Second)); return err })
		if got, seen := read("m-1"); seen || got.Kept {
			t.Errorf("after pruning the id the answer is still kept: %+v", got)
		}
	})
}
