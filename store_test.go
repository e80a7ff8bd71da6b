package teambot_test

import (
	"context"
	"errors"
	"testing"

	"teambot"
)

// namer is a consumer's view of a transaction; *fakeTx satisfies it.
type namer interface{ Name() string }

type fakeTx struct{ name string }

func (tx *fakeTx) Name() string { return tx.name }

func TestStoreOf(t *testing.T) {
	errRolledBack := errors.New("rolled back")
	var committed []string
	update := func(ctx context.Context, fn func(*fakeTx) error) error {
		tx := &fakeTx{name: "tx1"}
		if err := fn(tx); err != nil {
			return errRolledBack
		}
		committed = append(committed, tx.name)
		return nil
	}
	var store interface {
		Update(context.Context, func(namer) error) error
	} = teambot.StoreOf(update, func(tx *fakeTx) namer { return tx })

	var seen string
	if err := store.Update(context.Background(), func(tx namer) error { seen = tx.Name(); return nil }); err != nil {
		t.Fatal(err)
	}
	if seen != "tx1" || len(committed) != 1 {
		t.Errorf("fn saw %q, committed %v; want tx1 once", seen, committed)
	}
	if err := store.Update(context.Background(), func(namer) error { return errors.New("bad input") }); !errors.Is(err, errRolledBack) {
		t.Errorf("a failing fn gave %v, want the database's rollback", err)
	}
}
