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
// an id without a kept answer, or unknown, reads as not kept.
func TestKeptReply(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		want := teambot.KeptReply{Kept: true, Sealed: true,
			Reply: teambot.Reply{Text: "v1:sealed", Private: true, Mentions: []string{"zhangsan", "lisi"}}}
		update(t, db, func(tx *storage.Tx) error {
			for _, id := range []string{"m-1", "m-2"} {
				if _, err := tx.MarkProcessed(ctx, "robot", id, t0); err != nil {
					return err
				}
			}
			return tx.KeepReply(ctx, "robot", "m-1", want)
		})
		read := func(id string) teambot.KeptReply {
			var k teambot.KeptReply
			update(t, db, func(tx *storage.Tx) (err error) { k, err = tx.KeptReplyOf(ctx, "robot", id); return err })
			return k
		}
		if got := read("m-1"); got.Kept != want.Kept || got.Sealed != want.Sealed || got.Text != want.Text ||
			got.Private != want.Private || !slices.Equal(got.Mentions, want.Mentions) {
			t.Errorf("kept %+v, want %+v", got, want)
		}
		if got := read("m-2"); got.Kept {
			t.Errorf("a message with no kept answer reads %+v", got)
		}
		update(t, db, func(tx *storage.Tx) error { _, err := tx.PruneProcessed(ctx, t0.Add(time.Second)); return err })
		if got := read("m-1"); got.Kept {
			t.Errorf("after pruning the id the answer is still kept: %+v", got)
		}
	})
}
