package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"teambot/bot"
	"teambot/dashboard"
	"teambot/scheduler"
	"teambot/storage"
)

// processedRetention is how long message ids are kept to recognize WeCom's
// retries (it retries within seconds; a week is generous).
const processedRetention = 7 * 24 * time.Hour

// runServe is production: the HTTP server for WeCom callbacks and health
// checks, and the scheduler, until ctx ends (SIGINT or SIGTERM in main);
// then it drains in-flight requests and stops.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	// A callback's request id rides in its context onto every line it logs.
	log := slog.New(bot.LogRequests(slog.NewTextHandler(stderr, nil)))
	// SQLite has one writer: one serve per database file, and a second one
	// is refused before it touches the file. PostgreSQL takes any number.
	if cfg, err := loadConfig(getenv); err == nil {
		if path, ok := storage.SQLitePath(cfg.DatabaseURL); ok {
			release, err := storage.LockFile(path)
			if err != nil {
				return err
			}
			defer release()
		}
	}
	a, err := openApp(ctx, getenv, log, time.Now, false)
	if err != nil {
		return err
	}
	defer a.db.Close()
	a.ready = &readiness{db: a.db, now: time.Now}
	log.Info("starting", "config", a.cfg)

	// The callback port, which WeCom reaches, serves only /wecom/… and,
	// with TEAMBOT_PUBLIC_URL, the dashboard people open from their links;
	// the operations endpoints have a port of their own (TEAMBOT_ADMIN_LISTEN).
	mux := http.NewServeMux()
	callbacks, err := a.mountCallbacks(mux)
	if err != nil {
		return err
	}
	dash, err := a.mountDashboard(mux)
	if err != nil {
		return err
	}
	adminMux := http.NewServeMux()
	adminMux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	adminMux.HandleFunc("GET /readyz", a.readyz)
	adminMux.Handle("/metrics", a.metricsHandler())

	var deliverer scheduler.Deliverer = a.wecomPusher(time.Now)
	lc := a.newLongConn(time.Now)
	if lc != nil {
		deliverer = lc.socket(a.wecomPusher(time.Now))
		a.ready.longConn = lc.ready
	}
	sched := a.newScheduler(time.Now, deliverer)
	log.Info("ways in", "callbacks", len(callbacks), "long_connection", lc != nil, "dashboard", dash)

	var servers []*http.Server
	serveErr := make(chan error, 2)
	if a.cfg.AdminListen == "" {
		// Said before "listening", which tells a watcher the start is done.
		log.Info("admin port off (TEAMBOT_ADMIN_LISTEN=off): no /healthz, /readyz or /metrics")
	}
	// With only the long connection there is nothing for WeCom to call:
	// no callback port, unless people open the dashboard on it.
	if len(callbacks) > 0 || lc == nil || dash {
		ln, err := net.Listen("tcp", a.cfg.Listen)
		if err != nil {
			return fmt.Errorf("TEAMBOT_LISTEN %s: %w", a.cfg.Listen, err)
		}
		srv := newHTTPServer(ctx, mux)
		log.Info("listening", "addr", ln.Addr().String())
		servers = append(servers, srv)
		go func() { serveErr <- srv.Serve(ln) }()
	} else {
		log.Info("no callback port: the AI bot's long connection is the only way in")
	}
	if a.cfg.AdminListen != "" {
		adminLn, err := net.Listen("tcp", a.cfg.AdminListen)
		if err != nil {
			for _, s := range servers {
				s.Close()
			}
			return fmt.Errorf("TEAMBOT_ADMIN_LISTEN %s: %w", a.cfg.AdminListen, err)
		}
		admin := newHTTPServer(ctx, adminMux)
		servers = append(servers, admin)
		log.Info("admin listening", "addr", adminLn.Addr().String(), "serves", "/healthz /readyz /metrics")
		go func() { serveErr <- admin.Serve(adminLn) }()
	}

	var wg sync.WaitGroup
	schedCtx, stopSched := context.WithCancel(ctx)
	defer stopSched()
	wg.Go(func() { sched.Run(schedCtx) })
	if lc != nil {
		wg.Go(func() { lc.run(schedCtx) })
	}

	select {
	case err := <-serveErr:
		for _, s := range servers {
			s.Close()
		}
		stopSched()
		wg.Wait()
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		if e := s.Shutdown(shutdownCtx); err == nil {
			err = e
		}
	}
	for _, cb := range callbacks {
		cb.Wait() // commands still running: a late one's answer goes to the outbox
	}
	stopSched()
	wg.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// newHTTPServer is an HTTP server with serve's timeouts whose requests
// outlive ctx's cancellation (shutdown drains them).
func newHTTPServer(ctx context.Context, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
}

// mountCallbacks mounts each WeCom callback endpoint whose variables are
// set, and says at start which are not.
func (a *app) mountCallbacks(mux *http.ServeMux) ([]*bot.Callback, error) {
	var mounted []*bot.Callback
	gate := bot.NewGate(a.cfg.MaxInflight) // one cap for the process, all endpoints
	for _, ep := range a.cfg.endpoints() {
		if len(ep.missing) > 0 {
			a.log.Info("WeCom endpoint not mounted", "path", ep.path, "mode", ep.mode, "unset", ep.missing)
			continue
		}
		cb, err := bot.NewCallback(bot.Config{
			Mode: ep.mode, Token: ep.token, AESKey: ep.aesKey, ReceiveID: ep.receiveID,
			Engine: a.engine, Now: time.Now, MaxSkew: a.cfg.MaxSkew, Metrics: a.botMetrics, Log: a.log,
			Inbox: dbInbox{db: a.db, now: time.Now}, Sealer: a.botSealer(), Lease: a.cfg.InboxLease, AppMessages: a.appMessages(),
			MaxBody: a.cfg.MaxBody, Gate: gate,
		})
		if err != nil {
			return nil, err
		}
		mux.Handle(ep.path, cb)
		mounted = append(mounted, cb)
		a.log.Info("WeCom endpoint mounted", "path", ep.path, "mode", ep.mode)
		if ep.mode == bot.ModeApp && a.cfg.AppSecret == "" {
			a.log.Warn("the app endpoint cannot answer late: set WECOM_APP_AGENT_ID and WECOM_APP_SECRET for app messages; answers to commands slower than 3 s will be given up")
		}
	}
	return mounted, nil
}

// mountDashboard mounts GET /dashboard when TEAMBOT_PUBLIC_URL is set: the
// month of a team as the signed link's user may see it, built from the
// records when the page is opened. It reports whether it did.
func (a *app) mountDashboard(mux *http.ServeMux) (bool, error) {
	if a.links == nil {
		a.log.Info("dashboard off: set TEAMBOT_PUBLIC_URL to serve it and send its links")
		return false, nil
	}
	loc, err := time.LoadLocation(a.cfg.TimeZone) // validated by loadConfig
	if err != nil {
		return false, err
	}
	h, err := dashboard.NewHandler(dashboard.Config{Signer: a.links, View: dashboard.EngineView(a.engine), Now: time.Now,
		Location: loc, Log: a.log})
	if err != nil {
		return false, err
	}
	mux.Handle("GET "+dashboard.Path, h)
	a.log.Info("dashboard mounted", "path", dashboard.Path, "links", redactURL(a.cfg.PublicURL)+dashboard.Path)
	return true, nil
}

// webhookBroken marks a team's webhook broken and tells the admins: by app
// message when the app is configured, otherwise in the log.
func (a *app) webhookBroken(ctx context.Context, chatID string) {
	if _, err := a.engine.PushBroken(ctx, chatID); err != nil {
		a.log.Error("cannot record a broken webhook", "chat", chatID, "err", err)
		return
	}
	a.log.Warn("group robot webhook refused by WeCom (robot removed or disabled); pushes to this team paused", "chat", chatID)
	if len(a.cfg.Admins) == 0 || a.cfg.AppSecret == "" {
		return
	}
	text := "群 " + chatID + " 的群机器人推送地址已失效（机器人被移出群或被停用）。" +
		"请把机器人重新加进群，或由主管在单聊中发送 /团队 推送 URL 设置新的地址。"
	if err := a.wecom.SendApp(ctx, a.cfg.Admins, text); err != nil {
		a.log.Error("cannot tell the admins about a broken webhook", "err", err)
	}
}

// readyz answers 200 when the database takes a write within two seconds.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	if err := a.ready.check(r.Context()); err != nil {
		a.log.Warn("not ready", "err", err)
		http.Error(w, "database unreachable or not writable", http.StatusServiceUnavailable)
		return
	}
	if a.ready.longConn != nil {
		if err := a.ready.longConn(); err != nil {
			http.Error(w, "long connection stopped: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	io.WriteString(w, "ready\n")
}

// readiness is /readyz's answer: whether the database takes a write (a
// ping would pass on a full disk or a read-only file). It writes at most
// once a second, however often it is asked; in between it repeats the last
// answer.
type readiness struct {
	db  *storage.DB
	now func() time.Time
	// longConn, when set, says whether the long connection stopped for
	// good (refused credentials, another installation on the bot).
	longConn func() error

	mu  sync.Mutex
	at  time.Time // of the last write check
	err error     // its outcome
}

func (r *readiness) check(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && r.now().Sub(r.at) < time.Second {
		return r.err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	r.err = r.db.CheckWritable(ctx, r.now())
	r.at = r.now()
	return r.err
}
