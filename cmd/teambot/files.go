package main

import (
	"context"
	"fmt"
	"time"

	"teambot"
	"teambot/commands/lang"
	"teambot/commands/monthly"
	"teambot/workbook"
)

// makeFile makes an outgoing message's attachment when it is sent
// (teambot.Attachment): the outbox keeps what to make, never the bytes.
// The month's workbook is the report only, never the appendix (R14).
func (a *app) makeFile(ctx context.Context, team teambot.Team, att teambot.Attachment) ([]byte, error) {
	switch att.Kind {
	case teambot.AttachMonthlyWorkbook:
		t, err := time.Parse("2006-01", att.Ref)
		if err != nil {
			return nil, fmt.Errorf("workbook of month %q: %w", att.Ref, err)
		}
		doc, err := monthly.BuildTeam(ctx, a.engine, team.ID, lang.MonthOf(t))
		if err != nil {
			return nil, err
		}
		f, err := workbook.Monthly(doc, false)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		buf, err := f.WriteToBuffer()
		if err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return nil, &teambot.PermanentError{Err: fmt.Errorf("no maker for attachment kind %q", att.Kind)}
}
