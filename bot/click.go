package bot

import (
	"context"
	"encoding/json"
	"net/http"
)

// click answers a card event (docs/cards.md §3–§4). WeCom sends one once
// and never again, whatever the answer, and takes an update of the card
// only as the passive answer within its 5 s: so a click is neither
// recorded in the inbox nor ever answered 503. The answer is the clicked
// card as it now stands, shown to the clicker alone, or an empty 200:
//
//   - the engine's card (the click ran, or ran before: the engine keeps
//     the click's id), with the click's task id;
//   - when the database could not take it (after the tries within the
//     budget), a card saying the click did not take effect, whose one
//     button shows the card again;
//   - when the engine misses the budget, an empty 200: the click runs on,
//     and the clicker sees the outcome the next time the card is shown.
func (h *Callback) click(ctx context.Context, w http.ResponseWriter, in inbound, nonce string) string {
	done, cancel := h.start(ctx, in, func() {})
	res, ok := h.await(done)
	if !ok {
		h.cfg.Log.WarnContext(ctx, "callback: card click not answered within the passive budget; it runs on, and the card is not updated",
			"msgid", in.msg.ID, "task_id", in.click.taskID, "card_type", in.click.cardType, "budget", h.cfg.AnswerWithin)
		h.running.Add(1)
		go func() {
			defer h.running.Done()
			defer cancel()
			res := <-done
			h.cfg.Log.InfoContext(ctx, "callback: late card click finished", "msgid", in.msg.ID, "outcome", res.outcome,
				"unavailable", res.unavailable)
		}()
		w.WriteHeader(http.StatusOK)
		return "click_late"
	}
	cancel()
	outcome := res.outcome
	if res.unavailable {
		outcome = "click_unavailable"
		h.cfg.Log.WarnContext(ctx, "callback: card click not run: the database is unavailable; the clicker is told", "msgid", in.msg.ID)
	}
	update := clickUpdate(in.click, res)
	if update == nil {
		w.WriteHeader(http.StatusOK)
		return outcome
	}
	plain, err := json.Marshal(cardUpdate{ResponseType: "update_template_card", UserIDs: []string{in.msg.UserID}, TemplateCard: update})
	if err == nil {
		err = h.writeSealed(w, plain, h.cfg.Now().Unix(), nonce, true)
	}
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "callback: cannot build the encrypted card update", "err", err)
		w.WriteHeader(http.StatusOK)
	}
	return outcome
}
