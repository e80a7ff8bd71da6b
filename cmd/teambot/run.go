package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"teambot/bot"
	"teambot/bot/wecom"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/dashboard"
	"teambot/rulebook"
	"teambot/scheduler"
	"teambot/storage"
)

const usage = `usage: teambot COMMAND [flags]

commands:
  console   simulate a group chat on the embedded database (no WeCom needed)
  serve     answer WeCom callbacks, run the scheduler, serve /healthz, /readyz and /metrics on the admin port
  migrate   apply database migrations and exit
  export    write records for spreadsheets: export reports … | export monthly --team CHATID --month 2026-11
  loadtest  drive a running 'teambot serve' with encrypted callbacks and report throughput and latency
  version   print the module version and the commit it was built from

Configuration comes from the environment (TEAMBOT_DATABASE_URL, TEAMBOT_ADMINS,
TEAMBOT_TIMEZONE, WECOM_*); see README.md. Run 'teambot COMMAND -h' for flags.
`

// errUsage is returned for a command line that names no known command.
var errUsage = errors.New("see usage above")

// run is the whole program: main only adds the process's signals, arguments
// and standard streams, so tests drive run directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "console":
		return runConsole(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], getenv, stdout, stderr)
	case "loadtest":
		return runLoadtest(ctx, args[1:], getenv, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, versionLine())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q: %w", args[0], errUsage)
}

// app is what every mode shares: the configuration, the database and the
// command engine.
type app struct {
	cfg        config
	db         *storage.DB
	engine     *commands.Engine
	wecom      *wecom.Client
	metrics    *prometheus.Registry // this app's own; served by metricsHandler
	botMetrics *bot.Metrics
	sends      *prometheus.CounterVec
	sealer     *bot.KeySealer // nil when no EncodingAESKey is configured
	log        *slog.Logger

	schedMetrics *scheduler.Metrics // the scheduler's and the outbox's work
	outbox       *outboxGauges      // sets the outbox gauges at a scrape
	ready        *readiness         // serve's /readyz
	// longConnState is the long connection's state (longconn.State), for
	// /metrics; nil when the mode is off.
	longConnState prometheus.Gauge
	// links signs the dashboard's links; nil when TEAMBOT_PUBLIC_URL is
	// unset, and in the console.
	links *dashboard.Signer
}

// appMessages says the app is configured, so one member can be messaged
// privately.
func (a *app) appMessages() bool { return a.cfg.AppAgentID != "" && a.cfg.AppSecret != "" }

// botSealer is the sealer the callbacks keep private input under; nil when
// no EncodingAESKey is configured.
func (a *app) botSealer() bot.Sealer {
	if a.sealer == nil {
		return nil
	}
	return a.sealer
}

// observeSend counts a call to WeCom by operation and errcode.
func (a *app) observeSend(op, result string) { a.sends.WithLabelValues(op, result).Inc() }

// agentID is the app's numeric AgentId (validated by loadConfig), or 0.
func (a *app) agentID() int64 {
	id, _ := strconv.ParseInt(a.cfg.AppAgentID, 10, 64)
	return id
}

// openApp validates the configuration, opens (and migrates) the database and
// builds the engine. now is the clock everything below reads.
func openApp(ctx context.Context, getenv func(string) string, log *slog.Logger, now func() time.Time, console bool) (*app, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", storage.Redact(cfg.DatabaseURL), err)
	}
	// A database that answers but takes no write (a read-only file, a full
	// disk, a standby) would fail every command: refuse to start on it.
	if err := db.CheckWritable(ctx, now()); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w; make it writable for this user (or give the disk room) and start again",
			storage.Redact(cfg.DatabaseURL), err)
	}
	a := &app{cfg: cfg, db: db, metrics: newRegistry(), log: log}
	a.botMetrics = bot.NewMetrics(a.metrics)
	a.registerMetrics(now)
	commandsRun := promauto.With(a.metrics).NewCounterVec(prometheus.CounterOpts{Name: "teambot_commands_total",
		Help: "Commands by name and outcome: handled, refused (the reply says why), failed (logged)."}, []string{"command", "outcome"})
	ccfg := commands.Config{
		Store:    commands.StoreOf(db.Update),
		Now:      now,
		Admins:   cfg.Admins,
		TimeZone: cfg.TimeZone,
		BotNames: cfg.BotNames,
		Log:      log,
		Observe:  func(command, outcome string) { commandsRun.WithLabelValues(command, outcome).Inc() },
		Split:    splitOutgoing,
		// Private messages need the app; the console prints them.
		// The long connection reaches a member's single chat once they
		// wrote to the bot there (until then the group is told to open one).
		DirectMessages: (cfg.AppAgentID != "" && cfg.AppSecret != "") || console || cfg.BotID != "",
		// Cards can be pushed over the long connection only (docs/cards.md §5).
		PushCards: cfg.BotID != "" && !console,
	}
	if secret := cfg.sealingSecret(); secret != "" {
		if a.sealer, err = bot.NewKeySealer(secret); err != nil {
			db.Close()
			return nil, err
		}
		ccfg.Sealer = a.sealer
		ccfg.BallotKey = cfg.ballotKey()
	}
	// The dashboard is served by serve alone, on its public port; the
	// console has none, and its DashboardLink stays nil.
	if cfg.PublicURL != "" && !console {
		if a.links, err = dashboard.NewSigner(cfg.dashboardKey(), cfg.PublicURL); err != nil {
			db.Close()
			return nil, err
		}
		ccfg.DashboardLink = a.dashboardLink(now)
	}
	if a.engine, err = rulebook.New(ccfg); err != nil {
		db.Close()
		return nil, err
	}
	a.sends = promauto.With(a.metrics).NewCounterVec(prometheus.CounterOpts{Name: "teambot_wecom_sends_total",
		Help: "Calls to WeCom by operation and errcode (\"error\": no errcode)."}, []string{"op", "errcode"})
	a.wecom = wecom.New(wecom.Config{
		APIBase: cfg.APIBase, CorpID: cfg.CorpID, AppSecret: cfg.AppSecret, AgentID: a.agentID(), Now: now, Log: log,
		Observe: a.observeSend,
	})
	return a, nil
}

// dashboardLink is commands.Config.DashboardLink: the signed link to the
// team's current month for userID, valid for a day. The month is the one
// now falls in where the bot's teams are (TEAMBOT_TIMEZONE, which every
// team is created with). The hook runs inside the command's transaction,
// so it reads nothing from the database: on SQLite's single connection a
// second transaction would wait for the first forever.
func (a *app) dashboardLink(now func() time.Time) func(context.Context, int64, string) (string, error) {
	loc, err := time.LoadLocation(a.cfg.TimeZone) // validated by loadConfig
	if err != nil {
		loc = time.UTC
	}
	return func(_ context.Context, teamID int64, userID string) (string, error) {
		t := now()
		return a.links.Link(teamID, userID, lang.MonthOf(t.In(loc)), t), nil
	}
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	db, err := storage.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("database %s: %w", storage.Redact(cfg.DatabaseURL), err)
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "database %s is up to date\n", storage.Redact(cfg.DatabaseURL))
		return nil
	}
	fmt.Fprintf(stdout, "database %s: applied migrations %v\n", storage.Redact(cfg.DatabaseURL), applied)
	return nil
}

// newFlagSet makes a subcommand's flag set that reports errors instead of
// exiting, so run stays testable.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("teambot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
