package storage

import (
	"context"
	"fmt"

	"teambot"
)

// redactable names, for each kind of free text, the table and the column
// that hold it (identifiers come only from here).
var redactable = map[string]struct{ table, column string }{
	teambot.RedactReport:     {"reports", "text"},
	teambot.RedactUpdate:     {"platform_updates", "title"},
	teambot.RedactEscalation: {"escalations", "text"},
	teambot.RedactLeave:      {"leaves", "reason"},
	teambot.RedactVote:       {"votes", "title"},
}

// RedactText replaces a team's stored free text of the given kind and id
// with teambot.Redacted (R13, R14) and returns the texts it replaced, for
// finding them where they were copied. A report is replaced in every
// version of its member's week, the history included. It returns none when
// the text was already redacted, and teambot.ErrNotFound when the team has
// no such record.
func (tx *Tx) RedactText(ctx context.Context, teamID int64, kind string, id int64) ([]string, error) {
	f, ok := redactable[kind]
	if !ok {
		return nil, fmt.Errorf("redact: unknown kind %q", kind)
	}
	where := `team_id = ? AND id = ?`
	if kind == teambot.RedactReport {
		where = `(team_id, member_id, week) IN (SELECT team_id, member_id, week FROM reports WHERE team_id = ? AND id = ?)`
	}
	var texts []string
	if err := tx.selectRows(ctx, &texts, `SELECT DISTINCT `+f.column+` FROM `+f.table+` WHERE `+where, teamID, id); err != nil {
		return nil, fmt.Errorf("redact %s %d: %w", kind, id, err)
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("redact %s %d: %w", kind, id, teambot.ErrNotFound)
	}
	var out []string
	for _, t := range texts {
		if t != teambot.Redacted {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	if _, err := tx.exec(ctx, `UPDATE `+f.table+` SET `+f.column+` = ? WHERE `+where+` AND `+f.column+` <> ?`,
		teambot.Redacted, teamID, id, teambot.Redacted); err != nil {
		return nil, fmt.Errorf("redact %s %d: %w", kind, id, err)
	}
	return out, nil
}

// RedactOutbox replaces text with teambot.Redacted in a team's messages not
// yet sent, and says in how many. A sent message is not changed: its body
// goes after TEAMBOT_OUTBOX_RETENTION.
func (tx *Tx) RedactOutbox(ctx context.Context, teamID int64, text string) (int64, error) {
	// A card quoting it is dropped: the message goes as its redacted text.
	n, err := tx.exec(ctx, `UPDATE outbox SET body = REPLACE(body, ?, ?), card = ''
		WHERE team_id = ? AND status IN (?, ?) AND (REPLACE(body, ?, '') <> body OR REPLACE(card, ?, '') <> card)`,
		text, teambot.Redacted, teamID, teambot.OutboxPending, teambot.OutboxSending, text, text)
	if err != nil {
		return 0, fmt.Errorf("redact waiting messages of team %d: %w", teamID, err)
	}
	return n, nil
}

// RedactAudit blanks, to teambot.Redacted, the detail of a team's audit rows
// about target that quote text (a vote's creation quotes its title); the
// rest of each row stays. The database allows no other change to the log.
func (tx *Tx) RedactAudit(ctx context.Context, teamID int64, target, text string) (int64, error) {
	n, err := tx.exec(ctx, `UPDATE audit_log SET detail = ? WHERE team_id = ? AND target = ? AND REPLACE(detail, ?, '') <> detail`,
		teambot.Redacted, teamID, target, text)
	if err != nil {
		return 0, fmt.Errorf("redact audit rows of %s: %w", target, err)
	}
	return n, nil
}

// RedactKeptReplies replaces text with teambot.Redacted in the answers kept
// for WeCom's retries (a sealed one cannot quote it readably), and says in
// how many.
func (tx *Tx) RedactKeptReplies(ctx context.Context, text string) (int64, error) {
	n, err := tx.exec(ctx, `UPDATE processed_messages SET reply = REPLACE(reply, ?, ?)
		WHERE reply IS NOT NULL AND NOT reply_sealed AND REPLACE(reply, ?, '') <> reply`, text, teambot.Redacted, text)
	if err != nil {
		return 0, fmt.Errorf("redact kept answers: %w", err)
	}
	return n, nil
}
