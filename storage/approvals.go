package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"teambot"
)

// Requests for the supervisor's approval (R7, R15): a post, a partner and
// a paid placement. approvals says where a request stands; its versions,
// its decisions and a placement's results are append-only rows.

type approvalRow struct {
	ID        int64        `db:"id"`
	TeamID    int64        `db:"team_id"`
	Kind      string       `db:"kind"`
	MemberID  int64        `db:"member_id"`
	UserID    string       `db:"user_id"`
	Name      string       `db:"name"`
	Platform  string       `db:"platform"`
	Status    string       `db:"status"`
	Version   int          `db:"version"`
	CreatedAt time.Time    `db:"created_at"`
	DecidedBy string       `db:"decided_by"`
	DecidedAt sql.NullTime `db:"decided_at"`
	Title     string       `db:"title"`
	Link      string       `db:"link"`
	Detail    string       `db:"detail"`
	PlanAt    sql.NullTime `db:"plan_at"`
	Campaign  bool         `db:"campaign"`
	Budget    int64        `db:"budget"`
	Currency  string       `db:"currency"`
	EndDay    teambot.Date `db:"end_day"`
	By        string       `db:"by_user"`
	At        time.Time    `db:"at"`
}

func (r approvalRow) content() teambot.ApprovalContent {
	c := teambot.ApprovalContent{Title: r.Title, Link: r.Link, Detail: r.Detail, Campaign: r.Campaign,
		Budget: r.Budget, Currency: r.Currency, EndDay: r.EndDay}
	if r.PlanAt.Valid {
		c.PlanAt = r.PlanAt.Time.UTC()
	}
	return c
}

func (r approvalRow) approval() teambot.Approval {
	a := teambot.Approval{ID: r.ID, TeamID: r.TeamID, Kind: r.Kind, MemberID: r.MemberID, UserID: r.UserID, Name: r.Name,
		Platform: r.Platform, Status: r.Status, Version: r.Version, ApprovalContent: r.content(),
		CreatedAt: r.CreatedAt.UTC(), VersionAt: r.At.UTC(), DecidedBy: r.DecidedBy}
	if r.DecidedAt.Valid {
		a.DecidedAt = r.DecidedAt.Time.UTC()
	}
	return a
}

// approvalSelect reads requests with their current version and their
// requester's userid and name.
const approvalSelect = `SELECT a.id, a.team_id, a.kind, a.member_id, m.user_id, m.name, a.platform, a.status, a.version,
	a.created_at, a.decided_by, a.decided_at, v.title, v.link, v.detail, v.plan_at, v.campaign, v.budget, v.currency,
	v.end_day, v.by_user, v.at
	FROM approvals a JOIN members m ON m.id = a.member_id
	JOIN approval_versions v ON v.approval_id = a.id AND v.version = a.version`

// CreateApproval stores a new pending request with its first version and
// the event that it was asked for, and sets a.ID, a.Status, a.Version and
// a.CreatedAt.
func (tx *Tx) CreateApproval(ctx context.Context, a *teambot.Approval) error {
	at := utc(a.CreatedAt)
	id, err := tx.insert(ctx, `INSERT INTO approvals (team_id, kind, member_id, platform, status, version, created_at)
		VALUES (?, ?, ?, ?, 'pending', 1, ?)`, a.TeamID, a.Kind, a.MemberID, a.Platform, at)
	if err != nil {
		return fmt.Errorf("create %s approval of member %d: %w", a.Kind, a.MemberID, err)
	}
	a.ID, a.Status, a.Version, a.CreatedAt, a.VersionAt = id, teambot.ApprovalPending, 1, at, at
	a.DecidedBy, a.DecidedAt = "", time.Time{}
	by := a.UserID
	if by == "" {
		if err := tx.get(ctx, &by, `SELECT user_id FROM members WHERE id = ?`, a.MemberID); err != nil {
			return fmt.Errorf("create approval %d: requester: %w", id, err)
		}
	}
	if err := tx.addApprovalVersion(ctx, a.TeamID, id, 1, a.ApprovalContent, by, at); err != nil {
		return err
	}
	return tx.addApprovalEvent(ctx, a.TeamID, id, 1, teambot.EventSubmitted, by, "", at)
}

func (tx *Tx) addApprovalVersion(ctx context.Context, teamID, id int64, version int, c teambot.ApprovalContent, by string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO approval_versions (team_id, approval_id, version, title, link, detail, plan_at, campaign,
		budget, currency, end_day, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		teamID, id, version, c.Title, c.Link, c.Detail, nullTime(c.PlanAt), c.Campaign, c.Budget, c.Currency, c.EndDay, by, utc(at))
	if err != nil {
		return fmt.Errorf("approval %d version %d: %w", id, version, err)
	}
	return nil
}

func (tx *Tx) addApprovalEvent(ctx context.Context, teamID, id int64, version int, kind, by, note string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO approval_events (team_id, approval_id, version, kind, by_user, at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, teamID, id, version, kind, by, utc(at), note)
	if err != nil {
		return fmt.Errorf("approval %d event %s: %w", id, kind, err)
	}
	return nil
}

// ApprovalByID finds one request of a team; an id of another team's
// request is teambot.ErrNotFound, like one that does not exist.
func (tx *Tx) ApprovalByID(ctx context.Context, teamID, id int64) (teambot.Approval, error) {
	var r approvalRow
	if err := tx.get(ctx, &r, approvalSelect+` WHERE a.team_id = ? AND a.id = ?`, teamID, id); err != nil {
		return teambot.Approval{}, fmt.Errorf("approval %d of team %d: %w", id, teamID, err)
	}
	return r.approval(), nil
}

// Approvals lists the requests f selects, oldest first.
func (tx *Tx) Approvals(ctx context.Context, f teambot.ApprovalFilter) ([]teambot.Approval, error) {
	var where []string
	var args []any
	if f.TeamID != 0 {
		where, args = append(where, "a.team_id = ?"), append(args, f.TeamID)
	}
	if f.MemberID != 0 {
		where, args = append(where, "a.member_id = ?"), append(args, f.MemberID)
	}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where = append(where, col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("a.kind", f.Kinds)
	in("a.status", f.Statuses)
	if !f.DueSince.IsZero() {
		where = append(where, "(v.plan_at >= ? OR v.end_day >= ?)")
		args = append(args, utc(f.DueSince), teambot.DateOf(f.DueSince.UTC().AddDate(0, 0, -1)))
	}
	query := approvalSelect
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	var rows []approvalRow
	if err := tx.selectRows(ctx, &rows, query+" ORDER BY a.created_at, a.id", args...); err != nil {
		return nil, fmt.Errorf("approvals %+v: %w", f, err)
	}
	out := make([]teambot.Approval, len(rows))
	for i, r := range rows {
		out[i] = r.approval()
	}
	return out, nil
}

// DecideApproval records the supervisor's decision on a pending request:
// approved, rejected or returned for changes (note is the reason or the
// remarks), or auto_approved when the platform needs no review. A request
// no longer pending is a wrapped teambot.ErrAlreadyDecided.
func (tx *Tx) DecideApproval(ctx context.Context, teamID, id int64, event, by, note string, at time.Time) error {
	status := map[string]string{teambot.EventApproved: teambot.ApprovalApproved, teambot.EventAutoApproved: teambot.ApprovalApproved,
		teambot.EventRejected: teambot.ApprovalRejected, teambot.EventReturned: teambot.ApprovalReturned}[event]
	if status == "" {
		return fmt.Errorf("decide approval %d: invalid decision %q", id, event)
	}
	if err := tx.transition(ctx, "decide approval", "approvals", teamID, id, []string{teambot.ApprovalPending},
		teambot.ErrAlreadyDecided, `status = ?, decided_by = ?, decided_at = ?`, status, by, utc(at)); err != nil {
		return err
	}
	var version int
	if err := tx.get(ctx, &version, `SELECT version FROM approvals WHERE id = ?`, id); err != nil {
		return fmt.Errorf("decide approval %d: %w", id, err)
	}
	return tx.addApprovalEvent(ctx, teamID, id, version, event, by, note, at)
}

// ReviseApproval stores c as the next version of a pending or returned
// request, which is pending again; the versions before stay as they were.
// It returns the new version's number. A request in any other state is a
// wrapped teambot.ErrAlreadyDecided.
func (tx *Tx) ReviseApproval(ctx context.Context, teamID, id int64, c teambot.ApprovalContent, by string, at time.Time) (int, error) {
	if err := tx.transition(ctx, "revise approval", "approvals", teamID, id,
		[]string{teambot.ApprovalPending, teambot.ApprovalReturned}, teambot.ErrAlreadyDecided,
		`status = ?, version = version + 1`, teambot.ApprovalPending); err != nil {
		return 0, err
	}
	var version int
	if err := tx.get(ctx, &version, `SELECT version FROM approvals WHERE id = ?`, id); err != nil {
		return 0, fmt.Errorf("revise approval %d: %w", id, err)
	}
	if err := tx.addApprovalVersion(ctx, teamID, id, version, c, by, at); err != nil {
		return 0, err
	}
	return version, tx.addApprovalEvent(ctx, teamID, id, version, teambot.EventRevised, by, "", at)
}

// PublishApproval marks an approved post published; note is its link,
// if given. A post not approved (or published already) is a wrapped
// teambot.ErrAlreadyDecided.
func (tx *Tx) PublishApproval(ctx context.Context, teamID, id int64, by, note string, at time.Time) error {
	if err := tx.transition(ctx, "publish approval", "approvals", teamID, id, []string{teambot.ApprovalApproved},
		teambot.ErrAlreadyDecided, `status = ?`, teambot.ApprovalPublished); err != nil {
		return err
	}
	var version int
	if err := tx.get(ctx, &version, `SELECT version FROM approvals WHERE id = ?`, id); err != nil {
		return fmt.Errorf("publish approval %d: %w", id, err)
	}
	return tx.addApprovalEvent(ctx, teamID, id, version, teambot.EventPublished, by, note, at)
}

// ApprovalHistory is a request's versions and events, oldest first.
func (tx *Tx) ApprovalHistory(ctx context.Context, teamID, id int64) ([]teambot.ApprovalVersion, []teambot.ApprovalEvent, error) {
	var vrows []approvalRow
	if err := tx.selectRows(ctx, &vrows, `SELECT version, title, link, detail, plan_at, campaign, budget, currency, end_day, by_user, at
		FROM approval_versions WHERE team_id = ? AND approval_id = ? ORDER BY version`, teamID, id); err != nil {
		return nil, nil, fmt.Errorf("versions of approval %d: %w", id, err)
	}
	versions := make([]teambot.ApprovalVersion, len(vrows))
	for i, r := range vrows {
		versions[i] = teambot.ApprovalVersion{Version: r.Version, ApprovalContent: r.content(), By: r.By, At: r.At.UTC()}
	}
	var erows []struct {
		ID         int64     `db:"id"`
		ApprovalID int64     `db:"approval_id"`
		Version    int       `db:"version"`
		Kind       string    `db:"kind"`
		By         string    `db:"by_user"`
		At         time.Time `db:"at"`
		Note       string    `db:"note"`
	}
	if err := tx.selectRows(ctx, &erows, `SELECT id, approval_id, version, kind, by_user, at, note
		FROM approval_events WHERE team_id = ? AND approval_id = ? ORDER BY at, id`, teamID, id); err != nil {
		return nil, nil, fmt.Errorf("events of approval %d: %w", id, err)
	}
	events := make([]teambot.ApprovalEvent, len(erows))
	for i, r := range erows {
		events[i] = teambot.ApprovalEvent{ID: r.ID, ApprovalID: r.ApprovalID, Version: r.Version, Kind: r.Kind, By: r.By, At: r.At.UTC(), Note: r.Note}
	}
	return versions, events, nil
}

// AddPlacementResult appends a placement's reported results, and the
// event that they were reported.
func (tx *Tx) AddPlacementResult(ctx context.Context, p teambot.PlacementResult) error {
	_, err := tx.exec(ctx, `INSERT INTO placement_results (team_id, approval_id, exposure, clicks, spend, note, by_user, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.TeamID, p.ApprovalID, p.Exposure, p.Clicks, p.Spend, p.Note, p.By, utc(p.At))
	if err != nil {
		return fmt.Errorf("results of placement %d: %w", p.ApprovalID, err)
	}
	var version int
	if err := tx.get(ctx, &version, `SELECT version FROM approvals WHERE team_id = ? AND id = ?`, p.TeamID, p.ApprovalID); err != nil {
		return fmt.Errorf("results of placement %d: %w", p.ApprovalID, err)
	}
	return tx.addApprovalEvent(ctx, p.TeamID, p.ApprovalID, version, teambot.EventResults, p.By, "", p.At)
}

// PlacementResults is the latest reported results of each of a team's
// placements, by approval id.
func (tx *Tx) PlacementResults(ctx context.Context, teamID int64) (map[int64]teambot.PlacementResult, error) {
	var rows []struct {
		ApprovalID int64     `db:"approval_id"`
		Exposure   int64     `db:"exposure"`
		Clicks     int64     `db:"clicks"`
		Spend      int64     `db:"spend"`
		Note       string    `db:"note"`
		By         string    `db:"by_user"`
		At         time.Time `db:"at"`
	}
	if err := tx.selectRows(ctx, &rows, `SELECT approval_id, exposure, clicks, spend, note, by_user, at
		FROM placement_results WHERE team_id = ? ORDER BY id`, teamID); err != nil {
		return nil, fmt.Errorf("placement results of team %d: %w", teamID, err)
	}
	out := map[int64]teambot.PlacementResult{}
	for _, r := range rows {
		out[r.ApprovalID] = teambot.PlacementResult{ApprovalID: r.ApprovalID, TeamID: teamID, Exposure: r.Exposure,
			Clicks: r.Clicks, Spend: r.Spend, Note: r.Note, By: r.By, At: r.At.UTC()}
	}
	return out, nil
}

// PlatformReview is whether posts on platform need the supervisor's
// approval, as she set it; set is false when she never did.
func (tx *Tx) PlatformReview(ctx context.Context, teamID int64, platform string) (review, set bool, err error) {
	var rows []bool
	if err := tx.selectRows(ctx, &rows, `SELECT review FROM platform_reviews WHERE team_id = ? AND platform_key = ?`,
		teamID, platformKey(platform)); err != nil {
		return false, false, fmt.Errorf("review of %s for team %d: %w", platform, teamID, err)
	}
	if len(rows) == 0 {
		return false, false, nil
	}
	return rows[0], true, nil
}

// SetPlatformReview records whether posts on platform need approval.
func (tx *Tx) SetPlatformReview(ctx context.Context, teamID int64, platform string, review bool, by string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO platform_reviews (team_id, platform_key, platform, review, set_by, set_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, platform_key)
		DO UPDATE SET platform = excluded.platform, review = excluded.review, set_by = excluded.set_by, set_at = excluded.set_at`,
		teamID, platformKey(platform), strings.TrimSpace(platform), review, by, utc(at))
	if err != nil {
		return fmt.Errorf("set review of %s for team %d: %w", platform, teamID, err)
	}
	return nil
}

// platformKey is how platform names compare (teambot.SamePlatform).
func platformKey(p string) string { return strings.ToLower(strings.TrimSpace(p)) }
