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
		{"compass: north", false},
		{"", false},
	} {
		if got := looksLikePassword(tc.text); got != tc.want {
			t.Errorf("looksLikePassword(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
