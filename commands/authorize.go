// Routing and permissions: from the first word to the command row, the
// Subcommand rows below it and their arguments, and whether the caller may run
// it (members, the supervisor, an admin; R1–R3).

package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"teambot/commands/lang"
	"unicode/utf8"

	"teambot"
)

// descend checks the caller may use c, then walks down the rows the next
// words name (/会议 申诉 批准 3), checking each row's Who in turn, so a
// stranger hears they must join before a member hears only the supervisor
// may. It returns the row that runs.
func descend(ctx context.Context, r *Request, c *Command) (*Command, error) {
	for {
		if err := authorize(ctx, r, c); err != nil {
			return nil, err
		}
		s, _, colon, ok := c.subFor(r.Params)
		if !ok {
			return c, nil
		}
		if colon {
			splitAtColon(r)
		}
		if !s.OnMention { // a mention stays an argument of its row
			r.Params, r.Tail = r.Params[1:], lang.RestAfter(r.Tail, 1)
		}
		r.Sub, c = s, s
	}
}

// splitAtColon rewrites the invocation so that the colon ending the next
// Word (/会议 议程：复盘) separates it from what follows, as a space would:
// handlers that read the invocation's words and those that read the row's
// parameters then see the same text.
func splitAtColon(r *Request) {
	done := len(r.Args) - len(r.Params) // words before the next one
	i := strings.IndexAny(r.Tail, ":：")
	_, size := utf8.DecodeRuneInString(r.Tail[i:])
	tail := r.Tail[:i] + " " + r.Tail[i+size:]
	r.Rest = r.Rest[:len(r.Rest)-len(r.Tail)] + tail
	r.Args = append(r.Args[:done:done], lang.SplitArgs(tail)...)
	r.Params, r.Tail = r.Args[done:], tail
}

// readArgs reads the typed arguments of c from r.Params into r.ID and
// r.Target, leaving in r.Params and r.Tail what follows them.
func readArgs(ctx context.Context, r *Request, c *Command) error {
	for _, spec := range c.Args {
		if len(r.Params) == 0 {
			if spec.Optional {
				continue
			}
			return teambot.Invalid("%s", spec.Missing)
		}
		a := r.Params[0]
		switch spec.Kind {
		case ArgID:
			id, ok := lang.RecordID(a.Text)
			if !ok {
				if spec.Optional {
					continue
				}
				return teambot.Invalid(spec.Bad, lang.Clip(a.Text))
			}
			r.ID = id
		case ArgMember:
			m, err := r.Member(ctx, a)
			if err != nil {
				return err
			}
			r.Target = m
		}
		r.Params, r.Tail = r.Params[1:], lang.RestAfter(r.Tail, 1)
	}
	return nil
}

// route finds the command for the invocation's word, or explains why there
// is none with a suggestion.
func (e *Engine) route(r *Request) (*Command, error) {
	if r.Word == "" {
		return nil, teambot.Invalid("你好，我是团队助手。发送 /帮助 查看可用的命令。")
	}
	if c, ok := e.registry.Lookup(r.Word); ok {
		return c, nil
	}
	return nil, e.UnknownCommand(r, r.Word)
}

func (e *Engine) UnknownCommand(r *Request, word string) error {
	if c, ok := e.registry.Suggest(word, r.Permits); ok {
		return teambot.Invalid("没有「%s」这个命令。你是不是想用 /%s（%s）？用法：%s", lang.Clip(word), c.Chinese, c.Name, c.UsageLine())
	}
	return teambot.Invalid("没有「%s」这个命令。发送 /帮助 查看可用的命令。", lang.Clip(word))
}

// Permits reports whether the caller may run c (c.Who against the caller).
func (r *Request) Permits(c *Command) bool { return permitsWho(r, c.Who) }

// permitsWho reports whether the caller is among who.
func permitsWho(r *Request, who Who) bool {
	switch who {
	case Anyone:
		return true
	case Member:
		return r.Caller != nil
	case Supervisor:
		return r.Caller != nil && r.Caller.IsSupervisor()
	case SupervisorOrAdmin:
		return r.IsAdmin || (r.Caller != nil && r.Caller.IsSupervisor())
	}
	return false
}

// authorize refuses a caller who may not run c, saying who may: c.Who,
// and c.Change when arguments follow.
func authorize(ctx context.Context, r *Request, c *Command) error {
	if c.Change != Anyone && len(r.Params) > 0 && r.Permits(c) && !permitsWho(r, c.Change) {
		c = &Command{Who: c.Change, Forbidden: c.Forbidden, Chinese: c.Chinese, parent: c.parent, OnMention: c.OnMention}
	}
	if r.Permits(c) {
		return nil
	}
	if r.Team == nil && r.Single() {
		// Not "only members may": the sender may be a member of no team,
		// or of several and not yet have chosen one for this chat.
		if err := r.NeedTeam(); err != nil {
			return err
		}
	}
	name := c.Path()
	if c.Forbidden != "" {
		return teambot.Forbidden(c.Forbidden, r.SupervisorHint(ctx))
	}
	switch c.Who {
	case Member:
		return notMemberHint(ctx, r, name)
	case Supervisor:
		return teambot.Forbidden("%s%s 只有主管可以使用%s。", ExSupervisor(ctx, r), name, r.SupervisorHint(ctx))
	case SupervisorOrAdmin:
		return teambot.Forbidden("%s%s 只有主管或管理员可以使用%s。", ExSupervisor(ctx, r), name, r.SupervisorHint(ctx))
	}
	return fmt.Errorf("command %s: unknown Who %d", c.Name, c.Who)
}

// SupervisorHint names the current supervisor, or says there is none yet.
func (r *Request) SupervisorHint(ctx context.Context) string {
	if r.Team == nil {
		return "，本群还没有团队：先发送 /加入 你的名字 [角色] 登记"
	}
	// Only the wording of a refusal depends on it: a database error reads
	// as none here (the refusal undoes the command's writes anyway).
	if sup, ok, err := r.FindSupervisor(ctx); err == nil && ok {
		return "（现任主管：" + sup.Name + "）"
	}
	return "，本团队还没有主管：请管理员发送 /主管 @名字 指定"
}

// FindSupervisor is the team's supervisor, if it has one.
func (r *Request) FindSupervisor(ctx context.Context) (teambot.Member, bool, error) {
	if r.Team == nil {
		return teambot.Member{}, false, nil
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return teambot.Member{}, false, err
	}
	for _, m := range members {
		if m.IsSupervisor() {
			return m, true, nil
		}
	}
	return teambot.Member{}, false, nil
}

// ExSupervisor begins the refusal of a supervisor's command to a member
// who was the supervisor and no longer is — for instance one whose
// handover lost to another sent at the same moment — or is "".
func ExSupervisor(ctx context.Context, r *Request) string {
	if r.Team == nil || r.Caller == nil || r.Caller.IsSupervisor() {
		return ""
	}
	if was, err := r.Tx.WasSupervisor(ctx, r.Team.ID, r.UserID); err != nil || !was {
		return ""
	}
	return "你已不是主管："
}

// notMemberHint explains to someone who is not an active member why a
// Member command is refused: their request waits, they were removed, or
// they have not joined.
func notMemberHint(ctx context.Context, r *Request, name string) error {
	if r.Team != nil {
		if _, err := r.Tx.PendingJoinRequest(ctx, r.Team.ID, r.UserID); err == nil {
			return teambot.Forbidden("你的加入申请正在等待主管批准，批准后才能使用 %s。", name)
		} else if !errors.Is(err, teambot.ErrNotFound) {
			return err
		}
		if old, err := r.Tx.MemberByUser(ctx, r.Team.ID, r.UserID); err == nil && !old.Active() {
			return teambot.Forbidden("%s 只有团队成员可以使用。你已不在团队名单上，回到团队要由主管批准。", name)
		}
	}
	return teambot.Forbidden("%s 只有团队成员可以使用。请先发送 /加入 你的名字 [角色] 登记。", name)
}
