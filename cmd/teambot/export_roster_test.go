package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// seedRoster stores 市场部 (chat-1): 王芳 supervisor and copywriter, 张三
// copywriter, 李四 designer and tech, -Amy_Li customer service, 赵六 removed
// and 孙七 with no role; and chat-2, unnamed, whose only member has no role.
// The other team's 外人 must never show up.
func seedRoster(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	err = db.Update(ctx, func(tx *storage.Tx) error {
		team := teambot.Team{ChatID: "chat-1", Name: "市场部", TimeZone: "Asia/Shanghai", CreatedAt: day}
		other := teambot.Team{ChatID: "chat-2", TimeZone: "UTC", CreatedAt: day}
		for _, tm := range []*teambot.Team{&team, &other} {
			if err := tx.CreateTeam(ctx, tm); err != nil {
				return err
			}
		}
		R := func(roles ...teambot.Role) []teambot.Role { return roles }
		members := []*teambot.Member{
			{TeamID: team.ID, UserID: "wangfang", Name: "王芳", Roles: R(teambot.RoleSupervisor, teambot.RoleCopywriter)},
			{TeamID: team.ID, UserID: "zhangsan", Name: "张三", Roles: R(teambot.RoleCopywriter)},
			{TeamID: team.ID, UserID: "zhaoliu", Name: "赵六", Roles: R(teambot.RolePromotion)},
			{TeamID: team.ID, UserID: "lisi", Name: "李四", Roles: R(teambot.RoleTech, teambot.RoleDesigner)},
			{TeamID: team.ID, UserID: "amy", Name: "-Amy_Li", Roles: R(teambot.RoleCS)},
			{TeamID: team.ID, UserID: "sunqi", Name: "孙七"},
			{TeamID: other.ID, UserID: "x", Name: "外人"},
		}
		for i, m := range members {
			m.JoinedAt = day.Add(time.Duration(i) * time.Hour)
			if err := tx.AddMember(ctx, m); err != nil {
				return err
			}
		}
		return tx.RemoveMember(ctx, members[2].ID, day.AddDate(0, 0, 10))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func exportRosterRun(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	var out, errOut strings.Builder
	err := run(context.Background(), append([]string{"export", "roster"}, args...),
		env("TEAMBOT_DATABASE_URL", url), nil, &out, &errOut)
	return out.String(), err
}

// R3: the roster for the "about us" page, in the order and grouping of
// /团队 导出: the supervisor first, then the roles in the rulebook's order,
// no empty role, a member with two roles under both, names only.
func TestExportRoster(t *testing.T) {
	for name, url := range map[string]func(testing.TB) string{"sqlite": storagetest.SQLiteURL, "postgres": storagetest.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			url := url(t)
			seedRoster(t, url)
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--team", "chat-1"}, "# 团队名单：市场部\n\n- 主管：王芳\n- 文案：王芳、张三\n- 美工：李四\n- 技术：李四\n- 客服：-Amy\\_Li\n"},
				{[]string{"--team", "chat-1", "--format", "md"}, "# 团队名单：市场部\n\n- 主管：王芳\n- 文案：王芳、张三\n- 美工：李四\n- 技术：李四\n- 客服：-Amy\\_Li\n"},
				{[]string{"--team", "chat-1", "--format", "csv"},
					"\ufeff角色,姓名\r\n主管,王芳\r\n文案,王芳\r\n文案,张三\r\n美工,李四\r\n技术,李四\r\n客服,'-Amy_Li\r\n"},
				{[]string{"--team", "chat-2"}, "# 团队名单\n"},
				{[]string{"--team", "chat-2", "--format", "csv"}, "\ufeff角色,姓名\r\n"},
			} {
				got, err := exportRosterRun(t, url, tc.args...)
				if err != nil {
					t.Fatalf("export roster %q: %v", tc.args, err)
				}
				if got != tc.want {
					t.Errorf("export roster %q:\n got %q\nwant %q", tc.args, got, tc.want)
				}
			}
		})
	}
}

func TestExportRosterRefusesBadFlags(t *testing.T) {
	url := storagetest.SQLiteURL(t)
	seedRoster(t, url)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--team CHATID is required"},
		{[]string{"--team", "nope"}, "export roster: no team for chat \"nope\""},
		{[]string{"--team", "chat-1", "--format", "json"}, "want md or csv"},
		{[]string{"--team", "chat-1", "extra"}, "unexpected arguments"},
	} {
		out, err := exportRosterRun(t, url, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("export roster %q: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
		if out != "" {
			t.Errorf("export roster %q wrote %q before failing", tc.args, out)
		}
	}
	var out, errOut strings.Builder
	err := run(context.Background(), []string{"export", "votes"}, env("TEAMBOT_DATABASE_URL", url), nil, &out, &errOut)
	if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "teambot export roster --team CHATID [--format md|csv]") {
		t.Errorf("export votes: err = %v, stderr %q", err, errOut.String())
	}
}

// Markdown escapes what would be markup in a name, and nothing else.
func TestRosterMarkdownEscapes(t *testing.T) {
	for in, want := range map[string]string{"张三": "张三", "<b>x</b>": "\\<b\\>x\\</b\\>", "*星*": "\\*星\\*", "[a](b)": "\\[a\\](b)", "A.B-C": "A.B-C"} {
		if got := markdownText(in); got != want {
			t.Errorf("markdownText(%q) = %q, want %q", in, got, want)
		}
	}
}
