package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"teambot"
	"teambot/bot/wecom"
)

// Pusher delivers the outbox's messages through WeCom: group messages to
// the team's robot webhook (or the default webhook), direct messages as app
// messages. It satisfies scheduler.Deliverer.
type Pusher struct {
	Client     PushClient
	Open       func(sealed string) (string, error) // opens a team's sealed push key; nil if none can be kept
	DefaultKey string                              // the key of WECOM_WEBHOOK_URL; "" if unset
	// Slots, when set, reserves n sends of a group robot across every
	// replica (WeCom takes 20 a minute per robot); robot is a digest of
	// the webhook key, never the key. When there is no room the message is
	// deferred until next, without counting as a failed attempt.
	Slots func(ctx context.Context, robot string, n int) (ok bool, next time.Time, err error)
	Now   func() time.Time // for the deferral; time.Now when nil
	// Files, when set, makes the file of a direct message that carries an
	// Attachment: it goes as an app file message instead of the text.
	// nil: such a message goes as its text.
	Files Files
}

// PushClient is what Pusher needs of WeCom; *wecom.Client satisfies it.
type PushClient interface {
	SendText(ctx context.Context, key, content string, mentions []string) error
	SendMarkdown(ctx context.Context, key, content string) error
	SendApp(ctx context.Context, userIDs []string, text string) error
	SendAppMarkdown(ctx context.Context, userIDs []string, content string) error
	UploadMedia(ctx context.Context, kind, filename string, data []byte) (mediaID string, err error)
	SendAppFile(ctx context.Context, userIDs []string, mediaID string) error
	Respond(ctx context.Context, responseURL, markdown string) error
}

var errNoPushTarget = errors.New("no group webhook: the team's robot is gone, or it never had one and WECOM_WEBHOOK_URL is unset")

// LateNote heads a late answer that could no longer go back the way its
// message came (the AI bot's response_url lasts an hour).
const LateNote = "（迟到的回复）"

// Deliver sends one message and says whether a failure is worth retrying.
// A direct message with an Attachment goes as the file when Files is set
// (the file made, uploaded, sent); a failure to make it is retried, and a
// file WeCom refuses for good is replaced by the text.
func (p *Pusher) Deliver(ctx context.Context, team teambot.Team, msg teambot.Outgoing) error {
	switch msg.Via {
	case teambot.ViaResponseURL:
		if p.now().Before(msg.NotAfter) {
			url, err := p.openTarget(msg)
			if err != nil {
				return err
			}
			return classify(p.Client.Respond(ctx, url, msg.Text))
		}
		msg.Text = LateNote + msg.Text // expired: to the group, or the app in a single chat
	case teambot.ViaWebhook:
		key, err := p.openTarget(msg)
		if err != nil {
			return err
		}
		return p.toRobot(ctx, key, msg)
	}
	if msg.Channel == teambot.ToUsers {
		if msg.Attachment != nil && p.Files != nil {
			if sent, err := p.sendFile(ctx, team, msg); sent || err != nil {
				return err
			}
		}
		if msg.Markdown {
			return classify(p.Client.SendAppMarkdown(ctx, msg.Users, msg.Text))
		}
		return classify(p.Client.SendApp(ctx, msg.Users, msg.Text))
	}
	key := p.teamKey(team)
	if key == "" {
		return &teambot.PermanentError{Err: errNoPushTarget}
	}
	return p.toRobot(ctx, key, msg)
}

// openTarget opens a late answer's sealed URL or key.
func (p *Pusher) openTarget(msg teambot.Outgoing) (string, error) {
	if p.Open == nil {
		return "", &teambot.PermanentError{Err: errors.New("a late answer's target is sealed and no key to open it is configured")}
	}
	target, err := p.Open(msg.Target)
	if err != nil {
		return "", &teambot.PermanentError{Err: err}
	}
	return target, nil
}

func (p *Pusher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Robot names the group robot msg goes through, by the digest its sends
// are counted under (never the key), and how many sends it takes, for the
// outbox to take a batch's sends together (scheduler.Slots); ok is false
// for a message that goes through no robot, or through one known only when
// it is sent (a late answer's sealed webhook), and when no limit is kept.
func (p *Pusher) Robot(team teambot.Team, msg teambot.Outgoing) (robot string, n int, ok bool) {
	if p.Slots == nil || msg.Via != "" || msg.Channel == teambot.ToUsers {
		return "", 0, false
	}
	key := p.teamKey(team)
	if key == "" {
		return "", 0, false
	}
	return robotDigest(key), robotSends(msg), true
}

// robotSends is how many sends msg takes: its parts.
func robotSends(msg teambot.Outgoing) int {
	limit := wecom.MaxTextBytes
	if msg.Markdown {
		limit = wecom.MaxMarkdownBytes
	}
	return max(len(wecom.Split(msg.Text, limit)), 1)
}

// robotDigest names the robot of key in the table of sends.
func robotDigest(key string) string {
	sum := sha256.Sum256([]byte("teambot robot " + key))
	return hex.EncodeToString(sum[:12])
}

// toRobot sends a message to the group robot of key, within its limit
// (taken here unless the outbox took it with the message's lease).
func (p *Pusher) toRobot(ctx context.Context, key string, msg teambot.Outgoing) error {
	send := func() error { return p.Client.SendText(ctx, key, msg.Text, msg.Mentions) }
	if msg.Markdown {
		send = func() error { return p.Client.SendMarkdown(ctx, key, msg.Text) }
	}
	if err := p.takeSlots(ctx, key, robotSends(msg)); err != nil {
		return err
	}
	err := classify(send())
	var perm *teambot.PermanentError
	if errors.As(err, &perm) && perm.BrokenWebhook && key == p.DefaultKey {
		perm.BrokenWebhook = false // the default webhook is not the team's to mark
	}
	return err
}

// takeSlots reserves the sends of one message with the robot of key, or
// says when to try again.
func (p *Pusher) takeSlots(ctx context.Context, key string, n int) error {
	if p.Slots == nil || teambot.SlotsTaken(ctx) {
		return nil
	}
	ok, next, err := p.Slots(ctx, robotDigest(key), n)
	if err != nil || ok {
		return err
	}
	return &teambot.RetryAfterError{Wait: max(next.Sub(p.now()), time.Second), Err: errRobotBusy}
}

var errRobotBusy = errors.New("the group robot sent 20 messages in the last minute (all replicas together)")

// teamKey is the team's own push key, or the default for a team that never
// had one. A team whose own robot is gone gets nothing: the default webhook
// may be another group's, and names and @mentions must not go there.
func (p *Pusher) teamKey(team teambot.Team) string {
	if team.PushKey == "" {
		return p.DefaultKey
	}
	if team.PushBrokenAt.IsZero() && p.Open != nil {
		if key, err := p.Open(team.PushKey); err == nil && key != "" {
			return key
		}
	}
	return ""
}

// classify marks the errors no retry can fix as permanent; the rest (and a
// *teambot.RetryAfterError from a deferred wait) pass through.
func classify(err error) error {
	var api *wecom.APIError
	switch {
	case err == nil:
		return nil
	case wecom.IsBrokenWebhook(err):
		return &teambot.PermanentError{Err: err, BrokenWebhook: true}
	case errors.Is(err, wecom.ErrAppNotConfigured), errors.Is(err, wecom.ErrInvalidMedia):
		return &teambot.PermanentError{Err: err}
	case errors.As(err, &api) && api.Code != -1 && api.Code != 45009:
		return &teambot.PermanentError{Err: err} // 40058, 60020, …: WeCom will refuse it again
	}
	return err
}
