package teambot

import (
	"strings"
	"time"
)

// PlatformUpdate is one entry of the platform update log (R6: every
// platform is updated at least weekly, with a themed campaign every
// month). The log is append-only.
type PlatformUpdate struct {
	ID       int64
	TeamID   int64
	Platform string
	Title    string // a title or a link, as the member wrote it
	Campaign bool   // the month's themed campaign or promotion (每月专题活动)
	MemberID int64  // who logged it
	UserID   string // filled in when read
	Name     string // filled in when read
	At       time.Time
	Week     Week   // the ISO week of At in the team's time zone
	MsgID    string // the message that logged it
}

// SamePlatform reports whether two platform names name the same platform:
// names match case-insensitively after trimming spaces.
func SamePlatform(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
