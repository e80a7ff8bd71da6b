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
)

const consoleHelp = `控制台：每行是一条群消息，回复打印在下面；到点的提醒也会打印出来。
  :as USERID     换一个人说话（当前：%s）
  :chat CHATID   换一个群（当前：%s）；:chat - 是和机器人的单聊
  :time 2026-11-30T09:00   把控制台的时钟拨到这个时刻（%s 时间），看提醒按时发出；:time now 回到真实时间
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("console takes no arguments, got %q; pipe messages on standard input", fs.Args())
	}
	// Warnings only: the console's own output is the chat.
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	clock := &consoleClock{}
	a, err := openApp(ctx, getenv, log, clock.Now, true)
	if err != nil {
		return err
	}
	defer a.db.Close()

	c := &console{app: a, user: *as, chat: *chat, out: stdout, interactive: isTerminal(stdin), clock: clock}
	c.sched = a.newScheduler(clock.Now, printer{out: stdout})
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
// them to WeCom.
type printer struct{ out io.Writer }

func (p printer) Deliver(_ context.Context, team teambot.Team, m teambot.Outgoing) error {
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
		return c.meta(line)
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
func (c *console) meta(line string) (quit bool) {
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
		c.setTime(arg)
	case ":help":
		c.help()
	default:
		fmt.Fprintf(c.out, "（不认识的控制台命令 %s，输入 :help 查看）\n", cmd)
	}
	return false
}

// setTime moves the console's clock: :time 2026-11-30T09:00 (in the
// default time zone), :time now, or :time alone to show it.
func (c *console) setTime(arg string) {
	switch arg {
	case "":
	case "now":
		c.clock.Set(time.Time{})
	default:
		loc, _ := time.LoadLocation(c.cfg.TimeZone) // validated by loadConfig
		t, err := time.ParseInLocation("2006-01-02T15:04", strings.Replace(arg, " ", "T", 1), loc)
		if err != nil {
			fmt.Fprintf(c.out, "（用法：:time 2026-11-30T09:00，%s 时间）\n", c.cfg.TimeZone)
			return
		}
		c.clock.Set(t)
	}
	loc, _ := time.LoadLocation(c.cfg.TimeZone)
	now := c.clock.Now().In(loc)
	fmt.Fprintf(c.out, "（现在是 %s %s）\n", now.Format("2006-01-02 15:04"), []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[now.Weekday()])
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
