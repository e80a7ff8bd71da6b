// Package roster is the team itself (R1-R3): /加入 and its approval, /团队
// with its name, join mode, push address and team switching, /角色, /移除,
// /主管 and /任期, and the reminder that a supervisor's term is ending.
package roster
