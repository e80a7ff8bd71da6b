package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"teambot"
	"teambot/scheduler"
	"teambot/storage"
)

const consoleHelp = `控制台：每行是一条群消息，回复打印在下面；到点的提醒也会打印出来。
  :as USERID     换一个人说话（当前：%s）
  :chat CHATID   换一个群（当前：%s）；:chat - 是和机器人的单聊
  :time 2026-11-30T09:00   把控制台的时钟拨到这个时刻（%s 时间）：其间到点的提醒按时间顺序逐一发出，
                 每批前打印 ⏰ 和它的时刻；往回拨只改时钟；:time now 回到真实时间
  :quit          退出（或输入结束）
发送 /帮助 查看机器人的命令。
`

// runConsole simulates a group chat on the configured database (by default
// the embedded SQLite file teambot.db): each input line is a message from
// the current speaker, each reply is printed. It needs no configuration.
func runConsole(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("console", stderr)
	as := fs.String("as", "me", "the WeCom userid who speaks")
	chat := fs.String("chat", "console", "the group chat id the messages are sent in")
	verbose := fs.Bool("v", false, "log the bot's work to standard error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("console takes no arguments, got %q; pipe messages on standard input", fs.Args())
	}
	// The console's own output is the chat: logs go to stderr, and only
	// when asked for.
	log := slog.New(slog.DiscardHandler)
	if *verbose {
		log = slog.New(slog.NewTextHandler(stderr, nil))
	}
	clock := &consoleClock{}
	a, err := openApp(ctx, getenv, log, clock.Now, true)
	if err != nil {
		return err
	}
	defer a.db.Close()

	c := &console{app: a, user: *as, chat: *chat, out: stdout, interactive: isTerminal(stdin), clock: clock,
		printer: &printer{out: stdout}}
	c.sched = a.newScheduler(clock.Now, c.printer)
	replayInOrder(c.sched)
	if c.interactive {
		c.help()
	}
	return c.loop(ctx, stdin)
}

// singleChat is the :chat name of a one-to-one chat with the bot.
const singleChat = "-"

type console struct {
	*app
	user, chat  string
	out         io.Writer
	interactive bool
	seq         int
	clock       *consoleClock
	sched       *scheduler.Scheduler
	printer     *printer
}

func (c *console) help() {
	fmt.Fprintf(c.out, consoleHelp, c.user, c.chat, c.cfg.TimeZone)
}

// consoleClock is real time until :time sets it; then it stays where it was
// set until the next :time.
type consoleClock struct {
	mu  sync.Mutex
	set time.Time
}

func (k *consoleClock) Now() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.set.IsZero() {
		return time.Now()
	}
	return k.set
}

func (k *consoleClock) Set(t time.Time) {
	k.mu.Lock()
	k.set = t
	k.mu.Unlock()
}

// printer shows the outbox's messages in the console instead of sending
// them to WeCom. While :time replays, each batch of messages is headed by
// the line of its time.
type printer struct {
	out    io.Writer
	header string // printed before the next message, then cleared
}

// Deliver prints m (the outbox sends with one sender in the console).
func (p *printer) Deliver(_ context.Context, team teambot.Team, m teambot.Outgoing) error {
	if p.header != "" {
		fmt.Fprintln(p.out, p.header)
		p.header = ""
	}
	if m.Channel == teambot.ToUsers {
		fmt.Fprintf(p.out, "【私信 → %s】%s\n", strings.Join(m.Users, "、"), m.Text)
		return nil
	}
	mentions := ""
	if len(m.Mentions) > 0 {
		mentions = "（@" + strings.Join(m.Mentions, " @") + "）"
	}
	fmt.Fprintf(p.out, "【群 %s】%s%s\n", team.ChatID, m.Text, mentions)
	return nil
}

func (c *console) loop(ctx context.Context, stdin io.Reader) error {
	lines, readErr := readLines(stdin)
	// Interactively, reminders also fire while nobody types; a script ticks
	// after each line only, so its output is deterministic.
	var ticks <-chan time.Time
	if c.interactive {
		t := time.NewTicker(tickEvery)
		defer t.Stop()
		ticks = t.C
	}
	for c.prompt(); ; {
		select {
		case <-ctx.Done():
			return nil
		case <-ticks:
			c.tick(ctx)
		case line, ok := <-lines:
			if !ok {
				return <-readErr
			}
			if quit := c.handle(ctx, strings.TrimSpace(line)); quit {
				return nil
			}
			c.tick(ctx)
			c.prompt()
		}
	}
}

// handle acts on one input line; it reports whether to quit.
func (c *console) handle(ctx context.Context, line string) (quit bool) {
	switch {
	case line == "":
	case strings.HasPrefix(line, ":"):
		return c.meta(ctx, line)
	default:
		c.say(ctx, line)
	}
	return false
}

// readLines delivers stdin's lines on a channel, closed at the end, after
// which the error channel says how reading ended.
func readLines(stdin io.Reader) (<-chan string, <-chan error) {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(lines)
		in := bufio.NewScanner(stdin)
		// Allow lines longer than a message may be, so that the engine (not
		// the scanner) tells the user the message is too long.
		in.Buffer(make([]byte, 64<<10), 1<<20)
		for in.Scan() {
			lines <- in.Text()
		}
		if err := in.Err(); err != nil {
			errc <- fmt.Errorf("read input: %w", err)
			return
		}
		errc <- nil
	}()
	return lines, errc
}

func (c *console) prompt() {
	if c.interactive {
		fmt.Fprintf(c.out, "[%s@%s] > ", c.user, c.chat)
	}
}

// meta handles a console command; it reports whether to quit.
func (c *console) meta(ctx context.Context, line string) (quit bool) {
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch cmd {
	case ":quit", ":q", ":exit":
		return true
	case ":as", ":chat":
		if arg == "" || strings.ContainsAny(arg, " \t") {
			fmt.Fprintf(c.out, "（用法：%s ID，ID 不能为空或含空格）\n", cmd)
			return false
		}
		if cmd == ":as" {
			c.user = arg
		} else {
			c.chat = arg
		}
		if c.interactive {
			fmt.Fprintf(c.out, "（现在是 %s 在 %s 里说话）\n", c.user, c.chat)
		}
	case ":time":
		c.setTime(ctx, arg)
	case ":help":
		c.help()
	default:
		fmt.Fprintf(c.out, "（不认识的控制台命令 %s，输入 :help 查看）\n", cmd)
	}
	return false
}

// setTime moves the console's clock: :time 2026-11-30T09:00 (in the
// default time zone), :time now, or :time alone to show it. Forward, it
// plays every firing on the way, each at its own time (see play);
// backward, it only sets the clock.
func (c *console) setTime(ctx context.Context, arg string) {
	loc := c.location()
	switch arg {
	case "":
	case "now":
		if c.play(ctx, time.Now()) {
			c.clock.Set(time.Time{})
		}
	default:
		t, err := time.ParseInLocation("2006-01-02T15:04", strings.Replace(arg, " ", "T", 1), loc)
		if err != nil {
			fmt.Fprintf(c.out, "（用法：:time 2026-11-30T09:00，%s 时间）\n", c.cfg.TimeZone)
			return
		}
		if c.play(ctx, t) {
			c.clock.Set(t)
		}
	}
	fmt.Fprintf(c.out, "（现在是 %s）\n", clockLine(c.clock.Now().In(loc)))
}

// play runs the scheduler through every instant from the console's time
// to t at which something is due, in order, each with the clock set to
// it, and prints each batch of messages under a line with its time, as
// serve would have sent them. Nothing is played from before the chat's
// team was created; a t before that is said so. When the scheduler fails
// on the way, play says so and reports false: the clock stays where it
// stopped.
func (c *console) play(ctx context.Context, t time.Time) (ok bool) {
	from := c.clock.Now()
	if created, ok := c.teamCreated(ctx); ok {
		if t.Before(created) {
			fmt.Fprintf(c.out, "（%s 时这个群的团队还不存在：它创建于 %s，那之前没有提醒）\n",
				clockLine(t.In(c.location())), clockLine(created.In(c.location())))
		}
		if created.After(from) {
			from = created
		}
	}
	if !t.After(from) {
		return true
	}
	err := c.sched.Play(ctx, from, t, c.clock.Set, func(at time.Time) {
		c.printer.header = "⏰ " + clockLine(at.In(c.location()))
	})
	c.printer.header = ""
	if err != nil {
		c.log.Error("console: replaying the scheduler", "err", err)
		fmt.Fprintf(c.out, "（拨钟途中出错，时钟停在 %s；加 -v 启动可在标准错误看到原因）\n", clockLine(c.clock.Now().In(c.location())))
		return false
	}
	return true
}

// teamCreated is when the team of the current chat was created; ok is
// false when the chat has no team (yet).
func (c *console) teamCreated(ctx context.Context) (created time.Time, ok bool) {
	if c.chat == singleChat {
		return time.Time{}, false
	}
	err := c.db.Update(ctx, func(tx *storage.Tx) error {
		team, err := tx.TeamByChat(ctx, c.chat)
		created = team.CreatedAt
		return err
	})
	return created, err == nil && !created.IsZero()
}

// location is the console's time zone.
func (c *console) location() *time.Location {
	loc, _ := time.LoadLocation(c.cfg.TimeZone) // validated by loadConfig
	return loc
}

// clockLine shows a time as the console's clock does: 2026-12-07 09:00 周一.
func clockLine(t time.Time) string {
	return t.Format("2006-01-02 15:04") + " " + []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[t.Weekday()]
}

// tick runs the scheduler once at the console's time: due reminders are
// claimed, then the outbox (the next job of the same tick) prints them.
func (c *console) tick(ctx context.Context) { c.sched.Tick(ctx) }

// say sends one message from the current speaker and prints the reply.
func (c *console) say(ctx context.Context, text string) {
	c.seq++
	msg := teambot.Message{
		ID:     "console-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.Itoa(c.seq),
		ChatID: c.chat, UserID: c.user, Text: text, At: c.clock.Now(),
	}
	if c.chat == singleChat {
		msg.ChatID, msg.ChatType = "", teambot.ChatSingle
	}
	// The console's group is the group robot's, which can show a reply to
	// its sender alone; it prints such a reply marked （仅你可见）.
	msg.Whisper = true
	// Console ids are never seen twice; were one, the reply would be the
	// kept answer of its first run (ErrAlreadyHandled), printed the same.
	reply, _ := c.engine.Handle(ctx, msg)
	prefix := ""
	if reply.Private {
		prefix = "（仅你可见）"
	}
	fmt.Fprintln(c.out, prefix+reply.Text)
}

// isTerminal reports whether r is an interactive terminal, to decide whether
// to print prompts.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
