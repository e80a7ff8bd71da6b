package storage

import "context"

// OutboxBody reads one outbox row's message body, for tests of what the
// outbox keeps.
func (tx *Tx) OutboxBody(ctx context.Context, id int64) (string, error) {
	var body string
	err := tx.get(ctx, &body, `SELECT body FROM outbox WHERE id = ?`, id)
	return body, err
}

// OutboxCard reads one outbox row's card as stored, empty for none.
func (tx *Tx) OutboxCard(ctx context.Context, id int64) (string, error) {
	var card string
	err := tx.get(ctx, &card, `SELECT card FROM outbox WHERE id = ?`, id)
	return card, err
}
