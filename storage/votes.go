package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"teambot"
)

// VoteRule is how a team's motions are decided: its own rule, or
// teambot.DefaultVoteRule when it has none.
func (tx *Tx) VoteRule(ctx context.Context, teamID int64) (teambot.VoteRule, error) {
	var row struct {
		PassNum       int  `db:"pass_num"`
		PassDen       int  `db:"pass_den"`
		PassAtLeast   bool `db:"pass_at_least"`
		QuorumNum     int  `db:"quorum_num"`
		QuorumDen     int  `db:"quorum_den"`
		QuorumAtLeast bool `db:"quorum_at_least"`
	}
	err := tx.get(ctx, &row, `SELECT pass_num, pass_den, pass_at_least, quorum_num, quorum_den, quorum_at_least
		FROM vote_rules WHERE team_id = ?`, teamID)
	switch {
	case errors.Is(err, teambot.ErrNotFound):
		return teambot.DefaultVoteRule, nil
	case err != nil:
		return teambot.VoteRule{}, fmt.Errorf("vote rule of team %d: %w", teamID, err)
	}
	return teambot.VoteRule{
		Pass:   teambot.Share{Num: row.PassNum, Den: row.PassDen, AtLeast: row.PassAtLeast},
		Quorum: teambot.Share{Num: row.QuorumNum, Den: row.QuorumDen, AtLeast: row.QuorumAtLeast},
	}, nil
}

// SetVoteRule sets (or replaces) how a team's motions are decided from now
// on; votes already created keep the rule they were created under.
func (tx *Tx) SetVoteRule(ctx context.Context, teamID int64, r teambot.VoteRule, at time.Time) error {
	if !r.Valid() {
		return fmt.Errorf("set vote rule of team %d: invalid rule %+v", teamID, r)
	}
	_, err := tx.exec(ctx, `INSERT INTO vote_rules (team_id, pass_num, pass_den, pass_at_least, quorum_num, quorum_den, quorum_at_least, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (team_id) DO UPDATE SET pass_num = excluded.pass_num, pass_den = excluded.pass_den,
			pass_at_least = excluded.pass_at_least, quorum_num = excluded.quorum_num, quorum_den = excluded.quorum_den,
			quorum_at_least = excluded.quorum_at_least, updated_at = excluded.updated_at`,
		teamID, r.Pass.Num, r.Pass.Den, r.Pass.AtLeast, r.Quorum.Num, r.Quorum.Den, r.Quorum.AtLeast, utc(at))
	if err != nil {
		return fmt.Errorf("set vote rule of team %d: %w", teamID, err)
	}
	return nil
}

type voteRow struct {
	ID               int64        `db:"id"`
	TeamID           int64        `db:"team_id"`
	Title            string       `db:"title"`
	Kind             string       `db:"kind"`
	Options          string       `db:"options"`
	Anonymous        bool         `db:"anonymous"`
	Live             bool         `db:"live"`
	PassNum          int          `db:"pass_num"`
	PassDen          int          `db:"pass_den"`
	PassAtLeast      bool         `db:"pass_at_least"`
	QuorumNum        int          `db:"quorum_num"`
	QuorumDen        int          `db:"quorum_den"`
	QuorumAtLeast    bool         `db:"quorum_at_least"`
	CreatedBy        string       `db:"created_by"`
	CreatorMember    int64        `db:"creator_member"`
	CreatedAt        time.Time    `db:"created_at"`
	Deadline         time.Time    `db:"deadline"`
	Status           string       `db:"status"`
	Outcome          string       `db:"outcome"`
	ClosedBy         string       `db:"closed_by"`
	ClosedAt         sql.NullTime `db:"closed_at"`
	AsOf             sql.NullTime `db:"as_of"`
	Eligible         int          `db:"eligible"`
	EligibleCast     int          `db:"eligible_cast"`
	PassedBeforeVeto bool         `db:"passed_before_veto"`
	VetoedBy         string       `db:"vetoed_by"`
	VetoReason       string       `db:"veto_reason"`
	VetoedAt         sql.NullTime `db:"vetoed_at"`
}

func (r voteRow) vote() (teambot.Vote, error) {
	v := teambot.Vote{
		ID: r.ID, TeamID: r.TeamID, Title: r.Title, Kind: r.Kind, Anonymous: r.Anonymous, Live: r.Live,
		Rule: teambot.VoteRule{
			Pass:   teambot.Share{Num: r.PassNum, Den: r.PassDen, AtLeast: r.PassAtLeast},
			Quorum: teambot.Share{Num: r.QuorumNum, Den: r.QuorumDen, AtLeast: r.QuorumAtLeast},
		},
		CreatedBy: r.CreatedBy, CreatorMember: r.CreatorMember, CreatedAt: r.CreatedAt.UTC(), Deadline: r.Deadline.UTC(),
		Status: r.Status, Outcome: r.Outcome, ClosedBy: r.ClosedBy, Eligible: r.Eligible, EligibleCast: r.EligibleCast,
		PassedBeforeVeto: r.PassedBeforeVeto, VetoedBy: r.VetoedBy, VetoReason: r.VetoReason,
	}
	if err := json.Unmarshal([]byte(r.Options), &v.Options); err != nil {
		return teambot.Vote{}, fmt.Errorf("options of vote %d: %w", r.ID, err)
	}
	if r.ClosedAt.Valid {
		v.ClosedAt = r.ClosedAt.Time.UTC()
	}
	if r.AsOf.Valid {
		v.AsOf = r.AsOf.Time.UTC()
	}
	if r.VetoedAt.Valid {
		v.VetoedAt = r.VetoedAt.Time.UTC()
	}
	return v, nil
}

const voteSelect = `SELECT id, team_id, title, kind, options, anonymous, live,
	pass_num, pass_den, pass_at_least, quorum_num, quorum_den, quorum_at_least,
	created_by, creator_member, created_at, deadline, status, outcome, closed_by, closed_at, as_of,
	eligible, eligible_cast, passed_before_veto, vetoed_by, veto_reason, vetoed_at FROM votes`

// CreateVote stores a new open vote with its options and rule, and sets
// v.ID and v.Status; the closing fields start empty whatever the caller
// set, and the times are kept as stored. The vote's electorate is fixed
// here (R11): the team's active members at this moment.
func (tx *Tx) CreateVote(ctx context.Context, v *teambot.Vote) error {
	options, err := json.Marshal(v.Options)
	if err != nil {
		return fmt.Errorf("create vote of team %d: options: %w", v.TeamID, err)
	}
	created, deadline := utc(v.CreatedAt), utc(v.Deadline)
	id, err := tx.insert(ctx, `INSERT INTO votes (team_id, title, kind, options, anonymous, live,
		pass_num, pass_den, pass_at_least, quorum_num, quorum_den, quorum_at_least,
		created_by, creator_member, created_at, deadline, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
		v.TeamID, v.Title, v.Kind, string(options), v.Anonymous, v.Live,
		v.Rule.Pass.Num, v.Rule.Pass.Den, v.Rule.Pass.AtLeast, v.Rule.Quorum.Num, v.Rule.Quorum.Den, v.Rule.Quorum.AtLeast,
		v.CreatedBy, v.CreatorMember, created, deadline)
	if err != nil {
		return fmt.Errorf("create %s vote of team %d: %w", v.Kind, v.TeamID, err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO vote_electorate (vote_id, member_id)
		SELECT ?, id FROM members WHERE team_id = ? AND status = 'active'`, id, v.TeamID); err != nil {
		return fmt.Errorf("electorate of vote %d: %w", id, err)
	}
	v.ID, v.Status, v.CreatedAt, v.Deadline = id, teambot.VoteOpen, created, deadline
	v.Outcome, v.ClosedBy, v.ClosedAt, v.AsOf, v.Eligible, v.EligibleCast = "", "", time.Time{}, time.Time{}, 0, 0
	v.PassedBeforeVeto, v.VetoedBy, v.VetoReason, v.VetoedAt = false, "", "", time.Time{}
	return nil
}

// VoteByID finds one vote of a team; an id of another team's vote is
// teambot.ErrNotFound, like one that does not exist.
func (tx *Tx) VoteByID(ctx context.Context, teamID, id int64) (teambot.Vote, error) {
	var r voteRow
	if err := tx.get(ctx, &r, voteSelect+` WHERE team_id = ? AND id = ?`, teamID, id); err != nil {
		return teambot.Vote{}, fmt.Errorf("vote %d of team %d: %w", id, teamID, err)
	}
	return r.vote()
}

// Votes lists the votes f selects, by deadline and then id, or by closing
// time and then id when f has a closing range.
func (tx *Tx) Votes(ctx context.Context, f teambot.VoteFilter) ([]teambot.Vote, error) {
	var where []string
	var args []any
	if f.TeamID != 0 {
		where, args = append(where, "team_id = ?"), append(args, f.TeamID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if !f.DeadlineBy.IsZero() {
		where, args = append(where, "deadline <= ?"), append(args, utc(f.DeadlineBy))
	}
	if !f.ClosedFrom.IsZero() {
		where, args = append(where, "closed_at >= ?"), append(args, utc(f.ClosedFrom))
	}
	if !f.ClosedTo.IsZero() {
		where, args = append(where, "closed_at < ?"), append(args, utc(f.ClosedTo))
	}
	query := voteSelect
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	if f.ClosedFrom.IsZero() && f.ClosedTo.IsZero() {
		query += ` ORDER BY deadline, id`
	} else {
		query += ` ORDER BY closed_at, id`
	}
	if f.Limit > 0 {
		query, args = query+` LIMIT ?`, append(args, f.Limit)
	}
	var rows []voteRow
	if err := tx.selectRows(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("votes (%+v): %w", f, err)
	}
	out := make([]teambot.Vote, len(rows))
	for i, r := range rows {
		v, err := r.vote()
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// LockVote reads a vote of a team for a change: it first marks the row as
// touched at now, which on PostgreSQL locks it until the transaction ends,
// so that the ballots and the closing of one vote run one after the other
// and each sees the vote as the one before left it (SQLite transactions
// already take the write lock at BEGIN). An unknown vote, or another
// team's, is teambot.ErrNotFound.
func (tx *Tx) LockVote(ctx context.Context, teamID, id int64, now time.Time) (teambot.Vote, error) {
	n, err := tx.exec(ctx, `UPDATE votes SET touched_at = ? WHERE team_id = ? AND id = ?`, utc(now), teamID, id)
	if err != nil {
		return teambot.Vote{}, fmt.Errorf("lock vote %d of team %d: %w", id, teamID, err)
	}
	if n == 0 {
		return teambot.Vote{}, fmt.Errorf("lock vote %d of team %d: %w", id, teamID, teambot.ErrNotFound)
	}
	return tx.VoteByID(ctx, teamID, id)
}

// CastBallot stores b as the voter's ballot in its vote, replacing the
// choice of an earlier one: prev and had say what that was. b.Voter keys
// the ballot and b.MemberID is stored with it (0, for an anonymous vote,
// stores none); memberID is the member who voted, recorded in the turnout
// with the first and last time they voted and how often they changed
// their ballot. It does not look at the vote's status: call LockVote
// first, in the same transaction.
func (tx *Tx) CastBallot(ctx context.Context, b teambot.Ballot, memberID int64, at time.Time) (prev int, had bool, err error) {
	err = tx.get(ctx, &prev, `SELECT choice FROM vote_ballots WHERE vote_id = ? AND voter = ?`, b.VoteID, b.Voter)
	switch {
	case err == nil:
		had = true
	case errors.Is(err, teambot.ErrNotFound):
		prev = 0
	default:
		return 0, false, fmt.Errorf("ballot of member %d in vote %d: %w", memberID, b.VoteID, err)
	}
	var ballotMember any
	if b.MemberID != 0 {
		ballotMember = b.MemberID
	}
	_, err = tx.exec(ctx, `INSERT INTO vote_ballots (vote_id, voter, member_id, choice) VALUES (?, ?, ?, ?)
		ON CONFLICT (vote_id, voter) DO UPDATE SET choice = excluded.choice`, b.VoteID, b.Voter, ballotMember, b.Choice)
	if err != nil {
		return 0, false, fmt.Errorf("cast ballot of member %d in vote %d: %w", memberID, b.VoteID, err)
	}
	_, err = tx.exec(ctx, `INSERT INTO vote_turnout (vote_id, member_id, first_at, last_at, changes) VALUES (?, ?, ?, ?, 0)
		ON CONFLICT (vote_id, member_id) DO UPDATE SET last_at = excluded.last_at, changes = vote_turnout.changes + 1`,
		b.VoteID, memberID, utc(at), utc(at))
	if err != nil {
		return 0, false, fmt.Errorf("record turnout of member %d in vote %d: %w", memberID, b.VoteID, err)
	}
	return prev, had, nil
}

// Ballots lists a vote's ballots by choice and then voter, never in the
// order they were cast; MemberID is 0 for the ballots of an anonymous
// vote.
func (tx *Tx) Ballots(ctx context.Context, voteID int64) ([]teambot.Ballot, error) {
	var rows []struct {
		Voter    string        `db:"voter"`
		MemberID sql.NullInt64 `db:"member_id"`
		Choice   int           `db:"choice"`
	}
	if err := tx.selectRows(ctx, &rows, `SELECT voter, member_id, choice FROM vote_ballots WHERE vote_id = ?
		ORDER BY choice, voter`, voteID); err != nil {
		return nil, fmt.Errorf("ballots of vote %d: %w", voteID, err)
	}
	out := make([]teambot.Ballot, len(rows))
	for i, r := range rows {
		out[i] = teambot.Ballot{VoteID: voteID, Voter: r.Voter, MemberID: r.MemberID.Int64, Choice: r.Choice}
	}
	return out, nil
}

// WithdrawBallot takes back the ballot b.Voter cast in b.VoteID and the
// turnout of memberID with it; had says whether there was a ballot. Like
// CastBallot, it does not look at the vote's status: call LockVote first.
func (tx *Tx) WithdrawBallot(ctx context.Context, b teambot.Ballot, memberID int64) (had bool, err error) {
	n, err := tx.exec(ctx, `DELETE FROM vote_ballots WHERE vote_id = ? AND voter = ?`, b.VoteID, b.Voter)
	if err != nil {
		return false, fmt.Errorf("withdraw ballot of member %d in vote %d: %w", memberID, b.VoteID, err)
	}
	if n == 0 {
		return false, nil
	}
	if _, err := tx.exec(ctx, `DELETE FROM vote_turnout WHERE vote_id = ? AND member_id = ?`, b.VoteID, memberID); err != nil {
		return false, fmt.Errorf("withdraw turnout of member %d in vote %d: %w", memberID, b.VoteID, err)
	}
	return true, nil
}

// Electorate lists the members who may vote in a vote (R11): those
// active when it opened, with their status now, in the order they joined.
// A vote closed before electorates were kept has none.
func (tx *Tx) Electorate(ctx context.Context, voteID int64) ([]teambot.Member, error) {
	var rows []memberRow
	err := tx.selectRows(ctx, &rows, `SELECT m.id, m.team_id, m.user_id, m.name, m.status, m.joined_at
		FROM vote_electorate e JOIN members m ON m.id = e.member_id WHERE e.vote_id = ? ORDER BY m.joined_at, m.id`, voteID)
	if err != nil {
		return nil, fmt.Errorf("electorate of vote %d: %w", voteID, err)
	}
	out := make([]teambot.Member, len(rows))
	for i, r := range rows {
		out[i] = r.member()
	}
	return out, nil
}

// Turnout lists the ids of the members who cast a ballot in a vote, in
// ascending order; it never says what they chose.
func (tx *Tx) Turnout(ctx context.Context, voteID int64) ([]int64, error) {
	var ids []int64
	if err := tx.selectRows(ctx, &ids, `SELECT member_id FROM vote_turnout WHERE vote_id = ? ORDER BY member_id`, voteID); err != nil {
		return nil, fmt.Errorf("turnout of vote %d: %w", voteID, err)
	}
	return ids, nil
}

// CloseVote closes an open vote with v's outcome, closer, closing time,
// the moment it was counted as of (a zero AsOf is the closing time),
// quorum count and veto (a zero VetoedAt stores none). A vote that is no
// longer open — closed a moment ago by someone else, or at its deadline —
// is left as it is and the error wraps teambot.ErrVoteClosed; an unknown
// one is teambot.ErrNotFound.
func (tx *Tx) CloseVote(ctx context.Context, v teambot.Vote) error {
	switch v.Outcome {
	case teambot.OutcomePassed, teambot.OutcomeFailed, teambot.OutcomeNoQuorum, teambot.OutcomeVetoed, teambot.OutcomeCounted:
	default:
		return fmt.Errorf("close vote %d: outcome %q is not an end", v.ID, v.Outcome)
	}
	if v.ClosedAt.IsZero() {
		return fmt.Errorf("close vote %d: no closing time", v.ID)
	}
	asOf := v.AsOf
	if asOf.IsZero() {
		asOf = v.ClosedAt
	}
	n, err := tx.exec(ctx, `UPDATE votes SET status = 'closed', outcome = ?, closed_by = ?, closed_at = ?, as_of = ?,
		eligible = ?, eligible_cast = ?, passed_before_veto = ?, vetoed_by = ?, veto_reason = ?, vetoed_at = ?
		WHERE team_id = ? AND id = ? AND status = 'open'`,
		v.Outcome, v.ClosedBy, utc(v.ClosedAt), utc(asOf), v.Eligible, v.EligibleCast, v.PassedBeforeVeto,
		v.VetoedBy, v.VetoReason, nullTime(v.VetoedAt), v.TeamID, v.ID)
	if err != nil {
		return fmt.Errorf("close vote %d of team %d: %w", v.ID, v.TeamID, err)
	}
	if n == 0 {
		return tx.voteClosedError(ctx, v.TeamID, v.ID, "close")
	}
	return nil
}

// VetoPassedVote records the supervisor's veto of a motion that passed:
// its outcome becomes vetoed and it remembers that it had passed. Whether
// the veto comes in time is the caller's to check (teambot.Vote.CanVeto).
// A vote that is not a passed one (still open, failed, or vetoed already)
// is left as it is and the error wraps teambot.ErrVoteClosed; an unknown
// one is teambot.ErrNotFound.
func (tx *Tx) VetoPassedVote(ctx context.Context, teamID, id int64, by, reason string, at time.Time) error {
	n, err := tx.exec(ctx, `UPDATE votes SET outcome = 'vetoed', passed_before_veto = TRUE, vetoed_by = ?, veto_reason = ?, vetoed_at = ?
		WHERE team_id = ? AND id = ? AND status = 'closed' AND outcome = 'passed'`, by, reason, utc(at), teamID, id)
	if err != nil {
		return fmt.Errorf("veto vote %d of team %d: %w", id, teamID, err)
	}
	if n == 0 {
		return tx.voteClosedError(ctx, teamID, id, "veto")
	}
	return nil
}

// voteClosedError explains why a change to a vote touched no row.
func (tx *Tx) voteClosedError(ctx context.Context, teamID, id int64, op string) error {
	v, err := tx.VoteByID(ctx, teamID, id)
	if err != nil {
		return fmt.Errorf("%s vote %d: %w", op, id, err)
	}
	state := v.Status
	if v.Outcome != "" {
		state += " (" + v.Outcome + ")"
	}
	return fmt.Errorf("%s vote %d of team %d: it is %s: %w", op, id, teamID, state, teambot.ErrVoteClosed)
}
