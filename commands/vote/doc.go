// Package vote is /投票 and the ballot shortcuts (R11): votes and elections,
// ballots (anonymous ones keyed, not named), the majority rule, the
// supervisor's veto, closing at the deadline and the reminder to those who
// have not voted (Jobs). It provides commands.Rules.VoteResult.
package vote
