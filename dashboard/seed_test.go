package dashboard_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/vote"
	"teambot/rulebook"
	"teambot/storage"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// team is a group chat driven through a real engine on a real database,
// at a clock the test moves.
type team struct {
	t      *testing.T
	engine *commands.Engine
	clock  time.Time
	seq    int
}

func newTeam(t *testing.T, db *storage.DB) *team {
	t.Helper()
	tm := &team{t: t}
	e, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: func() time.Time { return tm.clock },
		Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"}})
	if err != nil {
		t.Fatal(err)
	}
	tm.engine = e
	return tm
}

// at sets the clock to the day and time in Shanghai.
func (tm *team) at(month time.Month, day, hour, minute int) {
	tm.clock = time.Date(2026, month, day, hour, minute, 0, 0, shanghai)
}

// say sends text as user, in the group or (single) in their single chat
// with the bot, and fails unless the reply has every want.
func (tm *team) say(user, text string, wants ...string) {
	tm.t.Helper()
	tm.seq++
	msg := teambot.Message{ID: fmt.Sprint("m", tm.seq), ChatID: "group-1", UserID: user, Text: text, At: tm.clock, Whisper: true}
	if rest, ok := strings.CutPrefix(text, "(单聊)"); ok {
		msg.ChatID, msg.ChatType, msg.Text = "", teambot.ChatSingle, rest
	}
	r, err := tm.engine.Handle(context.Background(), msg)
	if err != nil {
		tm.t.Fatalf("%s: %q: %v", user, text, err)
	}
	for _, w := range wants {
		if !strings.Contains(r.Text, w) {
			tm.t.Errorf("%s: %q\nreply: %s\nwant it to contain %q", user, text, r.Text, w)
		}
	}
}

func (tm *team) closeVotes() {
	tm.t.Helper()
	if err := (vote.Jobs{Engine: tm.engine}).CloseDue(context.Background(), tm.clock); err != nil {
		tm.t.Fatal(err)
	}
}

// Confidential texts of the month, all of which the appendix holds and
// none of which the dashboard may show.
var secrets = []string{"有用户在社区发广告", "素材库网盘满了", "team_gzh", "lisi_douyin", "xhs_zhaoliu",
	"海报延期", "需求变更", "双十二前要上线", "家里装修"}

// private is what members wrote that is theirs and the supervisor's alone
// but in no document: the reason of an approved leave (R14).
var private = []string{"回老家办事"}

// seedMonth plays the end of October and November 2026 of a team of four:
// 王芳 supervises; 张三 (文案), 李四 (美工) and 赵六 (技术) report, on time,
// late and not at all, 李四 on leave for a week; four meetings (one
// cancelled) with absences; three platforms updated most weeks, with
// campaigns; a commendation and a warning; a motion and a poll; accounts,
// escalations and a rejected leave for the appendix. It leaves the clock
// at Monday 2026-11-30 10:00, the month's last workday.
func seedMonth(t *testing.T, db *storage.DB) *team {
	t.Helper()
	c := newTeam(t, db)
	c.at(10, 19, 9, 0)
	c.say("wangfang", "/join 王芳", "已登记：王芳")
	c.say("zhangsan", "/加入 张三 文案", "已登记：张三")
	c.say("lisi", "/加入 李四 美工", "已登记：李四")
	c.say("zhaoliu", "/加入 赵六 技术", "已登记：赵六")
	c.say("boss", "/主管 @王芳", "王芳 现在是主管")
	// October, for the changes from last month: reports half on time.
	c.at(10, 23, 17, 0)
	c.say("zhangsan", "/周报 国庆活动复盘")
	c.at(10, 24, 10, 0)
	c.say("lisi", "/周报 十月海报", "迟交")
	c.at(10, 26, 10, 0)
	c.say("wangfang", "/会议 通知 10月30日 15:00 十月总结", "已安排会议")
	c.at(10, 30, 12, 0)
	c.say("zhangsan", "/周报 双十一预告")
	c.say("lisi", "/周报 双十一主图草稿")
	c.at(10, 30, 14, 55)
	for _, u := range []string{"wangfang", "zhangsan", "lisi", "zhaoliu"} {
		c.say(u, "/签到", "已签到")
	}
	c.at(10, 30, 16, 5)
	c.say("wangfang", "/会议 结束")

	c.at(11, 2, 9, 0)
	c.say("zhangsan", "(单聊)/账号 登记 公众号 team_gzh", "#1")
	c.say("lisi", "(单聊)/账号 登记 抖音 lisi_douyin", "#2")
	c.say("zhaoliu", "(单聊)/账号 登记 小红书 xhs_zhaoliu", "#3")
	c.at(11, 4, 10, 0)
	c.say("wangfang", "/会议 通知 11月6日 15:00 双十一分工", "已安排会议")
	c.say("zhangsan", "/更新 公众号 双十一预热推文")
	c.say("zhaoliu", "/更新 小红书 种草笔记")
	c.at(11, 5, 10, 0)
	c.say("lisi", "/更新 抖音 预热短视频")
	c.say("zhangsan", "/更新 公众号 预热推文二")
	c.at(11, 6, 14, 50)
	c.say("zhangsan", "/签到", "已签到")
	c.say("wangfang", "/签到", "已签到")
	c.say("zhaoliu", "/签到", "已签到")
	c.at(11, 6, 16, 5)
	c.say("wangfang", "/会议 结束", "缺席 1 人：李四")
	c.at(11, 6, 17, 0)
	c.say("zhangsan", "/周报 完成双十一预热推文三篇\n亮点：预热推文阅读量破十万")
	c.say("zhaoliu", "/周报 小程序下单页改版")
	c.at(11, 7, 10, 0)
	c.say("lisi", "/周报 完成主图设计", "迟交")
	c.at(11, 9, 10, 0)
	c.say("zhangsan", "/更新 公众号 活动 双十一大促专题")
	c.say("lisi", "/更新 抖音 活动 双十一直播")
	c.say("zhangsan", "(单聊)/账号 已改密 1")
	c.say("wangfang", "/会议 通知 11月13日 15:00 双十一复盘", "已安排会议")
	c.at(11, 11, 10, 0)
	c.say("zhaoliu", "/更新 小红书 晒单合集")
	c.at(11, 13, 14, 55)
	c.say("wangfang", "/签到", "已签到")
	c.say("zhaoliu", "/签到", "已签到")
	c.at(11, 13, 15, 15)
	c.say("zhangsan", "/签到", "迟到")
	c.at(11, 13, 16, 5)
	c.say("wangfang", "/会议 结束", "缺席 1 人：李四")
	c.at(11, 13, 17, 0)
	c.say("zhangsan", "/周报 双十一复盘")
	c.say("zhaoliu", "/周报 大促期间服务器扩容\n亮点：大促零故障")
	c.say("lisi", "/请假 11月16日到11月20日 回老家办事", "#1")
	c.say("wangfang", "/请假 批准 1", "已批准")
	c.say("zhaoliu", "/请假 12月7日 家里装修", "#2")
	c.say("wangfang", "/请假 驳回 2 双十二前要上线", "已驳回")
	c.at(11, 16, 9, 0)
	c.say("wangfang", "/惩处 确认 1", "已记录 #1：李四 警告")
	c.say("wangfang", "/惩处 @李四 批评 依据2 海报延期", "【通报批评】李四")
	c.say("wangfang", "/惩处 撤销 2 延期是因为需求变更", "已撤销")
	c.say("wangfang", "/会议 通知 11月20日 15:00 双十二筹备", "已安排会议")
	c.say("zhangsan", "/更新 公众号 双十二预告")
	c.at(11, 20, 14, 50)
	c.say("zhangsan", "/签到", "已签到")
	c.say("wangfang", "/签到", "已签到")
	c.at(11, 20, 16, 5)
	c.say("wangfang", "/会议 结束", "请假 1 人：李四")
	c.say("zhangsan", "/周报 双十二筹备")
	c.at(11, 23, 10, 0)
	c.say("zhangsan", "/更新 公众号 https://mp.weixin.qq.com/s/abc")
	c.say("lisi", "/更新 抖音 双十二预热")
	c.say("zhaoliu", "/更新 小红书 活动 双十二清单")
	c.say("zhangsan", "(单聊)/上报 有用户在社区发广告，已备份并删除，对方还在换号发", "编号 #1")
	c.say("lisi", "(单聊)/上报 素材库网盘满了", "编号 #2")
	c.say("wangfang", "/投票 发起 是否参加双十二大促 截止 2小时", "#1")
	c.say("zhangsan", "/同意 1", "同意")
	c.say("lisi", "/同意 1", "同意")
	c.say("zhaoliu", "/同意 1", "同意")
	c.say("wangfang", "/反对 1", "反对")
	c.say("wangfang", "/投票 发起 团建时间 选项 周五下午 | 周六上午 截止 2小时", "#2")
	c.say("zhangsan", "/投票 2 周六上午", "周六上午")
	c.say("zhaoliu", "/投票 2 周五下午", "周五下午")
	c.say("lisi", "/投票 2 周六上午", "周六上午")
	c.at(11, 23, 12, 30)
	c.closeVotes()
	c.at(11, 24, 10, 0)
	c.say("wangfang", "/嘉奖 @张三 三等功 依据1 双十一推文阅读量破十万", "【嘉奖】张三：三等功")
	c.say("wangfang", "/会议 通知 11月27日 15:00 周会", "已安排会议")
	c.at(11, 25, 10, 0)
	c.say("lisi", "/周报 双十二主视觉\n亮点：主视觉一稿通过")
	c.at(11, 27, 10, 0)
	c.say("wangfang", "/会议 取消 改到下周一起开")
	c.say("zhaoliu", "/周报 订单导出工具上线")
	c.at(11, 28, 9, 0)
	c.say("zhangsan", "/周报 双十二文案初稿", "迟交")
	c.at(11, 30, 10, 0)
	return c
}
