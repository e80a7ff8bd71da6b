package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"teambot"
	"teambot/bot/wecom"
)

// Files makes the file an outgoing message's Attachment stands for, when
// the message is sent (the outbox keeps what to make, not the bytes). Its
// error is retried as a failed send is; a *teambot.PermanentError gives the
// message up.
type Files func(ctx context.Context, team teambot.Team, a teambot.Attachment) ([]byte, error)

// UploadSlots is the key under which Socket.Slots keeps the bot's uploads
// within WeCom's limit: 30 a minute and 1000 an hour per bot, the same
// numbers as a conversation's (docs/wecom-longconn.md §9). No chatid or
// userid has parentheses.
const UploadSlots = "(uploads)"

// makeFile makes msg's attachment.
func makeFile(ctx context.Context, files Files, team teambot.Team, msg teambot.Outgoing) ([]byte, error) {
	a := *msg.Attachment
	data, err := files(ctx, team, a)
	if err != nil {
		return nil, fmt.Errorf("making the file %s of %q for outgoing message %d: %w", a.Kind, a.Ref, msg.ID, err)
	}
	return data, nil
}

// refused reports whether err says WeCom will not take what was sent,
// whenever it is sent again.
func refused(err error) bool {
	var perm *teambot.PermanentError
	return errors.As(err, &perm)
}

// sendFile sends msg's attachment as an app file message to msg.Users:
// made, uploaded, sent. sent is false, with a nil error, when WeCom
// refused the file or the file message for good: the text is then to go
// instead, so that the members get something.
func (p *Pusher) sendFile(ctx context.Context, team teambot.Team, msg teambot.Outgoing) (sent bool, err error) {
	data, err := makeFile(ctx, p.Files, team, msg)
	if err != nil {
		return false, err
	}
	mediaID, err := p.Client.UploadMedia(ctx, wecom.MediaFile, msg.Attachment.Name, data)
	if err = classify(err); err == nil {
		err = classify(p.Client.SendAppFile(ctx, msg.Users, mediaID))
	}
	if refused(err) {
		return false, nil
	}
	return err == nil, err
}

// canSendFile says whether msg goes over the socket as its attachment: it
// has one, it is for one member, and the socket makes, uploads and sends
// files.
func (s *Socket) canSendFile(msg teambot.Outgoing) bool {
	return msg.Attachment != nil && msg.Channel == teambot.ToUsers && len(msg.Users) == 1 &&
		s.Files != nil && s.UploadFile != nil && s.SendFile != nil
}

// sendFile pushes msg's attachment into the single chat of userID: made,
// then within the bot's upload limit and the conversation's, uploaded and
// pushed. When WeCom refuses the upload or the file message for good, the
// text goes instead in the same slot: the refused file reached nobody.
func (s *Socket) sendFile(ctx context.Context, team teambot.Team, userID string, msg teambot.Outgoing) error {
	data, err := makeFile(ctx, s.Files, team, msg)
	if err != nil {
		return err
	}
	if err := s.takeSlot(ctx, UploadSlots, errUploadsBusy); err != nil {
		return err
	}
	if err := s.takeSlot(ctx, userID, errConversationBusy); err != nil {
		return err
	}
	mediaID, err := s.UploadFile(ctx, msg.Attachment.Name, data)
	if err == nil {
		err = s.SendFile(ctx, userID, true, mediaID)
	}
	if !refused(err) {
		return err
	}
	return s.push(ctx, userID, true, markdownFor(msg, nil), nil)
}

var errUploadsBusy = errors.New("the bot uploaded 30 files in the last minute or 1000 in the last hour (all replicas together)")

// takeSlot reserves one send under key with Slots, or says when to try
// again (busy says why).
func (s *Socket) takeSlot(ctx context.Context, key string, busy error) error {
	if s.Slots == nil {
		return nil
	}
	ok, next, err := s.Slots(ctx, key, 1)
	if err != nil {
		return err
	}
	if !ok {
		return &teambot.RetryAfterError{Wait: max(next.Sub(s.now()), time.Second), Err: busy}
	}
	return nil
}
