package teambot

import "context"

// UpdateFunc runs fn in one transaction of type Tx: committed when fn
// returns nil, rolled back otherwise. Its Update method makes it the Store
// a consumer declares for its own Tx interface.
type UpdateFunc[Tx any] func(ctx context.Context, fn func(Tx) error) error

// Update runs fn in one transaction.
func (f UpdateFunc[Tx]) Update(ctx context.Context, fn func(Tx) error) error { return f(ctx, fn) }

// StoreOf adapts update, a database's Update whose transaction type is T
// (such as (*storage.DB).Update), to one that hands fn the transaction as a
// Tx, an interface the consumer declares and T satisfies; as is the
// conversion, func(tx T) Tx { return tx }, which the compiler checks.
func StoreOf[Tx, T any](update func(context.Context, func(T) error) error, as func(T) Tx) UpdateFunc[Tx] {
	return func(ctx context.Context, fn func(Tx) error) error {
		return update(ctx, func(tx T) error { return fn(as(tx)) })
	}
}
