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
	"time"

	"teambot"
)

const consoleHelp = `控制台：每行是一条群消息，回复打印在下面。
  :as USERID     换一个人说话（当前：%s）
  :chat CHATID   换一个群（当前：%s）
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
	a, err := openApp(ctx, getenv, log, time.Now)
	if err != nil {
		return err
	}
	defer a.db.Close()

	c := &console{app: a, user: *as, chat: *chat, out: stdout, interactive: isTerminal(stdin)}
	if c.interactive {
		fmt.Fprintf(stdout, consoleHelp, c.user, c.chat)
	}
	return c.loop(ctx, stdin)
}

type console struct {
	*app
	user, chat  string
	out         io.Writer
	interactive bool
	seq         int
}

func (c *console) loop(ctx context.Context, stdin io.Reader) error {
	in := bufio.NewScanner(stdin)
	// Allow lines longer than a message may be, so that the engine (not the
	// scanner) tells the user the message is too long.
	in.Buffer(make([]byte, 64<<10), 1<<20)
	for c.prompt(); in.Scan(); c.prompt() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(in.Text())
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, ":"):
			if quit := c.meta(line); quit {
				return nil
			}
		default:
			c.say(ctx, line)
		}
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	return nil
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
	case ":help":
		fmt.Fprintf(c.out, consoleHelp, c.user, c.chat)
	default:
		fmt.Fprintf(c.out, "（不认识的控制台命令 %s，输入 :help 查看）\n", cmd)
	}
	return false
}

// say sends one message from the current speaker and prints the reply.
func (c *console) say(ctx context.Context, text string) {
	c.seq++
	msg := teambot.Message{
		ID:     "console-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.Itoa(c.seq),
		ChatID: c.chat, UserID: c.user, Text: text, At: time.Now(),
	}
	reply, err := c.engine.Handle(ctx, msg)
	if err != nil { // only ErrAlreadyHandled, which console ids never are
		fmt.Fprintf(c.out, "（%v）\n", err)
		return
	}
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
