package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"teambot"
)

// Deliverer sends one outbox message (scheduler.Deliverer).
type Deliverer interface {
	Deliver(ctx context.Context, team teambot.Team, msg teambot.Outgoing) error
}

// Socket delivers the outbox over the AI bot's long connection into the
// conversations that wrote to the bot there (docs/wecom-longconn.md §7): a
// team's group when its chat came in over the socket, a member's single
// chat once they wrote to the bot in one. Everything else goes to Next
// (the group robot webhook and app messages).
type Socket struct {
	Next Deliverer
	// Reachable says whether the conversation chatID (a group's chatid,
	// or a userid when single) wrote to the bot over the long connection.
	Reachable func(ctx context.Context, chatID string, single bool) (bool, error)
	// Send pushes markdown into the conversation (aibot_send_msg); it
	// fails with a *teambot.RetryAfterError while this replica does not
	// hold the socket.
	Send func(ctx context.Context, chatID string, single bool, markdown string) error
	// SendCard pushes an interactive card into the conversation
	// (aibot_send_msg, msgtype template_card; docs/cards.md §2), as Send
	// does markdown. nil: a message with a card goes as its text.
	SendCard func(ctx context.Context, chatID string, single bool, card *TemplateCard) error
	// Files, UploadFile and SendFile, all three set, send a message for
	// one member that carries an Attachment as the file into their single
	// chat: Files makes it, UploadFile uploads it as a file named filename
	// (aibot_upload_media_*, docs/wecom-longconn.md §9) and SendFile
	// pushes it (aibot_send_msg, msgtype file), failing as Send does. A
	// file refused for good (a *teambot.PermanentError) is replaced by the
	// text. Otherwise, and where the socket does not reach, the message
	// goes as it does without one.
	Files      Files
	UploadFile func(ctx context.Context, filename string, data []byte) (mediaID string, err error)
	SendFile   func(ctx context.Context, chatID string, single bool, mediaID string) error
	// Slots reserves n sends into chatID across every replica (30 a
	// minute, 1000 an hour per conversation, docs/wecom-longconn.md §7);
	// under the key UploadSlots, n of the bot's uploads (as many, per bot,
	// §9).
	Slots func(ctx context.Context, chatID string, n int) (ok bool, next time.Time, err error)
	// Names are the team's names for userIDs, for the group's note; the
	// userids themselves when nil.
	Names func(ctx context.Context, team teambot.Team, userIDs []string) ([]string, error)
	// AppMessages says Next can message one member (the app is
	// configured): a member without a single chat with the bot gets an
	// app message instead of a note in the group.
	AppMessages bool
	Now         func() time.Time
}

// OpenSingleChat is what the group sees, without the content, when a
// message for a member can go nowhere but their single chat with the bot
// and they have not opened one yet.
const OpenSingleChat = "%s：有一条只给你看的消息。请先私聊我（在单聊里给我发一条消息，例如 /帮助），以后这类消息会发到单聊里。"

// Deliver sends msg over the socket when its conversation is reachable
// there, and hands it to Next otherwise. A message with a card goes as the
// card where the socket reaches, one with an attachment for one member as
// the file; the other ways, and the group's note to a member without a
// single chat, carry its text (Next may send the file as an app message).
func (s *Socket) Deliver(ctx context.Context, team teambot.Team, msg teambot.Outgoing) error {
	if msg.Via != "" {
		return s.Next.Deliver(ctx, team, msg) // a late answer goes back the way its message came
	}
	group, err := s.Reachable(ctx, team.ChatID, false)
	if err != nil {
		return err
	}
	if msg.Channel != teambot.ToUsers {
		if !group {
			return s.Next.Deliver(ctx, team, msg)
		}
		return s.send(ctx, team.ChatID, false, markdownFor(msg, msg.Mentions), s.card(msg))
	}
	// A private message goes to each recipient's single chat; one who has
	// none yet is told in the group, without the content (R14).
	var unreachable []string
	for _, u := range msg.Users {
		ok, err := s.Reachable(ctx, u, true)
		if err != nil {
			return err
		}
		if !ok {
			unreachable = append(unreachable, u)
			continue
		}
		if s.canSendFile(msg) {
			if err := s.sendFile(ctx, team, u, msg); err != nil {
				return err
			}
			continue
		}
		if err := s.send(ctx, u, true, markdownFor(msg, nil), s.card(msg)); err != nil {
			return err
		}
	}
	if len(unreachable) == 0 {
		return nil
	}
	if !group || s.AppMessages {
		rest := msg
		rest.Users = unreachable
		return s.Next.Deliver(ctx, team, rest) // app messages, when configured
	}
	names := unreachable
	if s.Names != nil {
		if names, err = s.Names(ctx, team, unreachable); err != nil {
			return err
		}
	}
	note := teambot.Reply{Text: fmt.Sprintf(OpenSingleChat, "@"+strings.Join(names, " @")), Mentions: unreachable}
	return s.send(ctx, team.ChatID, false, MarkdownOf(note), nil)
}

// card is msg's card as the socket pushes it; nil when msg goes as text:
// it has none, the socket sends no cards, or it is for several members
// (a card's task id is sent once, docs/cards.md §2).
func (s *Socket) card(msg teambot.Outgoing) *TemplateCard {
	if s.SendCard == nil || (msg.Channel == teambot.ToUsers && len(msg.Users) != 1) {
		return nil
	}
	return RenderCard(msg.Card)
}

// markdownFor is msg's text as the socket's markdown: as it is when it is
// markdown already, else escaped, with mentions as <@userid> (as the AI
// bot's replies write them; docs/wecom-longconn.md §7 on whether WeCom
// renders them in a push).
func markdownFor(msg teambot.Outgoing, mentions []string) string {
	if msg.Markdown {
		return msg.Text
	}
	return MarkdownOf(teambot.Reply{Text: msg.Text, Mentions: mentions})
}

// send pushes the card into the conversation, or, when card is nil, the
// text. A card WeCom refuses for good goes as its text instead, in the
// same slot: the refused card reached nobody.
func (s *Socket) send(ctx context.Context, chatID string, single bool, text string, card *TemplateCard) error {
	if err := s.takeSlot(ctx, chatID, errConversationBusy); err != nil {
		return err
	}
	return s.push(ctx, chatID, single, text, card)
}

// push is send in a slot already taken.
func (s *Socket) push(ctx context.Context, chatID string, single bool, text string, card *TemplateCard) error {
	if card != nil {
		if err := s.SendCard(ctx, chatID, single, card); !refused(err) {
			return err
		}
	}
	return s.Send(ctx, chatID, single, text)
}

var errConversationBusy = errors.New("the conversation took 30 messages in the last minute or 1000 in the last hour (all replicas together)")

func (s *Socket) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
