package lang

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
		{"pass Word: s3cret", true},
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
		{"密码 123456", true}, // docs/product.md §5: a keyword followed by a value, separator or not
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
		if got := LooksLikePassword(tc.text); got != tc.want {
			t.Errorf("LooksLikePassword(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// R13: the phrasings a password arrives in, and the talk about passwords
// that must pass. Each list holds at least forty.
var (
	carriesPassword = []string{
		"密码：abcdefgh",
		"密 码 Abc123",
		"密\u3000码 Abc123",
		"密　码：abcdefgh",
		"密碼是 hunter22",
		"密碼：qwerty",
		"pw: qwerty",
		"PW=letmein",
		"passcode=zxcvbn",
		"Passcode: 884213",
		"p@ssword -> letmein",
		"P@SSWORD: hunter",
		"pass: hunter",
		"pass = opensesame",
		"密码改成 abcdef",
		"密码改为 abcdef",
		"密码换成 abcdef",
		"密码就是 abcdef",
		"新密码改成了 abcdef",
		"密码已改为 Qwerty",
		"微博密码换成 baseball 了",
		"口令改为 sesame",
		"口 令：sesame",
		"密码 👉 abcdef",
		"密码➡️ abcdef",
		"公众号密码 ⬇️ monkey",
		"密码 → abcdef",
		"密码=>abcdef",
		"密码 -> abc123",
		"密码【abcdef】",
		"密码（Abc123）",
		"密码 [abcdef]",
		"密码《abcdef》",
		"密码“dragon”",
		"密码：「letmein」",
		"password changed to sunshine",
		"password: trustno",
		"the pass word is dragon",
		"后台密码是 letmein，记得改",
		"登录密码 就是 iloveyou",
		"密码是：dragon",
		"密码：ＡＢＣＤＥＦ",
		"账号 admin 密 码 是 football",
		"密碼 Abc12345",
		"口令 778899",
		"the password is hunter",
		"password was dragon.",
		"password is letmein，记得改",
		"密码是 hunter two",
	}
	talksAboutPasswords = []string{
		"密码管理制度",
		"密碼管理辦法已發布",
		"口令管理制度",
		"/账号 已改密 3",
		"已改密，旧的作废",
		"上报 忘记密码了怎么办",
		"请大家定期改密码",
		"password policy updated",
		"please reset the password soon",
		"password reset done",
		"p@ssword reset link sent",
		"Passcode required for the meeting",
		"pass the review",
		"we need to pass the test first",
		"passed 3 tests",
		"pass rate 95%",
		"passport: E12345678",
		"bypass the filter",
		"compass: north",
		"本周通过(pass)了审核",
		"password is wrong",
		"password is too short",
		"password is 12 chars",
		"password: none",
		"password: N/A",
		"pw 还没改",
		"密码改成功了",
		"密码是什么时候改的？",
		"密码是否需要改",
		"密码：见群公告",
		"密码：******",
		"密码：xxxxxx",
		"密码已修改",
		"新密码只有主管知道",
		"密码 OK 了",
		"密码是 8 位以上",
		"密码至少 8 位",
		"密码 2026年起每季度更换",
		"密码改为大小写加数字",
		"密码换成更长的",
		"密码就是要定期换",
		"密码【重要】请勿外传",
		"密码 👉 找主管",
		"密码 → 主管保管",
		"密码为空的账号要补上",
		"/周报 改了 3 个平台的密码",
		"/投票 发起 要不要统一改密码 选项 改 | 不改",
		"/投票 发起 统一改密码 选项 改密码 | keep",
		"密码 + 2FA 双重验证",
		"改了 3 个平台的密码 (weibo, douyin)",
		"改了密码 (wechat)",
		"the password is stored in the vault",
		"password is managed by IT",
		"our passcode was shared with nobody",
		"pass=true 的用例都跑通了",
	}
)

func TestPasswordPhrasings(t *testing.T) {
	if len(carriesPassword) < 40 || len(talksAboutPasswords) < 40 {
		t.Fatalf("%d refused and %d allowed phrasings, want at least 40 each", len(carriesPassword), len(talksAboutPasswords))
	}
	for _, text := range carriesPassword {
		if !LooksLikePassword(text) {
			t.Errorf("LooksLikePassword(%q) = false, want true: it gives a password", text)
		}
	}
	for _, text := range talksAboutPasswords {
		if LooksLikePassword(text) {
			t.Errorf("LooksLikePassword(%q) = true, want false: it only talks about passwords", text)
		}
	}
}
