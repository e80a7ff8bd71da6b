package commands

import "testing"

func TestLooksLikePassword(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"公众号后台密码：Abc12345", true},
		{"密码: Abc12345", true},
		{"密码是123456", true},
		{"密码是 wx@2026", true},
		{"新密码为Qwerty!", true},
		{"口令=778899", true},
		{"口令＝778899", true},
		{"登录 password=hunter2", true},
		{"PASSWORD: hunter2", true},
		{"Password is hunter2", true},
		{"passwd：s3cret", true},
		{"pwd:s3cret", true},
		{"pwd = s3cret", true},
		{"pass word: s3cret", true},
		{"密码：“Abc123”", true},
		{"本周完成：\n1. 改了文案\n2. 抖音账号 密码：Ab12cd34 已交接", true},
		{"密码：****** 密码：Abc123", true}, // the second one is real
		{"账号admin 密码123456", true},
		{"密码 Abc12345", true},
		{"登录密码是：qwe123", true},
		{"口令 778899", true},
		{"pwd hunter2", true},
		{"密码:\u3000abc", true},
		{"密码：ＡＢＣ１２３", true},
		{"please reset the password soon", false},
		{"密码 OK 了", false},

		{"本周修改了公众号密码，已报备主管", false},
		{"密码是什么时候改的？", false},
		{"密码：见群公告", false},
		{"密码：******", false},
		{"忘记密码", false},
		{"密码 123456", true}, // PRODUCT.md §5: a keyword followed by a value, separator or not
		{"完成了 5 篇推文，阅读量 3000+", false},
		// Talking about passwords without giving one, as whole commands:
		// the engine checks every message, so these must pass (R13).
		{"/账号 已改密 3", false},
		{"/上报 忘记密码了怎么办", false},
		{"密码已修改", false},
		{"/账号 登记 公众号 wx_team 备注 密码已修改，新密码只有主管知道", false},
		{"/周报 改了 3 个平台的密码", false},
		{"/请假 明天 去银行重置U盾密码", false},
		{"/投票 发起 要不要统一改密码 选项 改 | 不改", false},
		{"/上报 有人在群里问密码是多少", false},
		{"/上报 密码：见群公告", false},
		{"compass: north", false},
		{"", false},
	} {
		if got := looksLikePassword(tc.text); got != tc.want {
			t.Errorf("looksLikePassword(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
