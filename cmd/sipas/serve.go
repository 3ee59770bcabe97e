package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"sipas/handlers"
	"sipas/models"
	"sipas/static"
)

// The garbage collector's settings of serve, unless GOGC or GOMEMLIMIT say otherwise.
// serve keeps 7-8 MB of live heap (its templates, caches and pools), so at Go's default
// a collection ran every 7 MB allocated: during one or two of the bench's five first
// requests of a date range (1.4 MB each), and each one it overlapped took 5-10 ms longer
// on the 2-core machine (gctrace, six rounds). Collecting when the heap quadruples, none
// did in six rounds; kiosk loads peaked at 89 MB resident instead of 81-83 (SPEC §7:
// under 100). The limit makes the collector work harder as the heap nears it (an import
// of a million rows, a large export), so that serve stays within that memory.
const (
	serveGCPercent   = 300
	serveMemoryLimit = 64 << 20
)

func serve(ctx context.Context, env cmdEnv, args []string) error {
	cfg := handlers.DefaultConfig()
	fs := newFlags("serve", env)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (env SIPAS_ADDR)")
	dsn := dbFlag(fs)
	fs.IntVar(&cfg.RateLimit, "rate-limit", cfg.RateLimit, "kiosk submissions a minute per client address, 0 for no limit (env SIPAS_RATE_LIMIT)")
	trusted := fs.String("trusted-proxies", "", "comma-separated CIDR prefixes of the reverse proxies whose X-Forwarded-For and X-Real-IP name the client; empty: the direct peer is the client (env SIPAS_TRUSTED_PROXIES)")
	fs.IntVar(&cfg.MinSample, "min-sample", cfg.MinSample, "responses below which an index is shown greyed (env SIPAS_MIN_SAMPLE)")
	fs.IntVar(&cfg.KioskResetSeconds, "kiosk-reset", cfg.KioskResetSeconds, "seconds of inactivity before a kiosk returns to a fresh form (env SIPAS_KIOSK_RESET)")
	fs.DurationVar(&cfg.SubmitWait, "kiosk-wait", models.DefaultSubmitWait, "how long a kiosk submission waits for the database before it is answered 503 with Retry-After (env SIPAS_KIOSK_WAIT)")
	sessionKey := fs.String("session-key", "", "128 hex digits that sign and encrypt session cookies; empty: the key kept in the database, made on first start (env SIPAS_SESSION_KEY)")
	public := fs.Bool("public", true, "show the province-level figures (ranking, indices, their API and exports) to anyone; false: to signed-in users only (env SIPAS_PUBLIC)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", false, "mark the session cookie Secure even over plain HTTP, behind a TLS proxy (env SIPAS_SECURE_COOKIES)")
	fs.DurationVar(&cfg.SessionIdle, "session-idle", cfg.SessionIdle, "sign a session out after so long unused (env SIPAS_SESSION_IDLE)")
	fs.DurationVar(&cfg.AlertsEvery, "alerts-every", cfg.AlertsEvery, "scan every counter and office for a drop in satisfaction this often; 0 for never (env SIPAS_ALERTS_EVERY)")
	pprofAddr := fs.String("pprof", "", "serve Go's profiles (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060, for profiling under load; empty: off (env SIPAS_PPROF)")
	backupEvery := fs.Duration("backup-every", 0, "keep a copy of the SQLite database this often, e.g. 24h; 0 for none (env SIPAS_BACKUP_EVERY)")
	backupKeep := fs.Int("backup-keep", 7, "how many of those copies to keep (env SIPAS_BACKUP_KEEP)")
	backupDir := fs.String("backup-dir", "", "directory of the copies; default: backups beside the database (env SIPAS_BACKUP_DIR)")
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	cfg.FiguresNeedSignIn = !*public
	if cfg.AlertsEvery != 0 && cfg.AlertsEvery < time.Minute {
		return fmt.Errorf("-alerts-every %s: at least 1m, or 0", cfg.AlertsEvery)
	}
	if cfg.SubmitWait < 100*time.Millisecond {
		return fmt.Errorf("-kiosk-wait must be at least 100ms")
	}
	if cfg.SessionIdle < time.Minute {
		return fmt.Errorf("-session-idle must be at least 1m")
	}
	if *pprofAddr != "" {
		stop, err := startProfiles(*pprofAddr, env)
		if err != nil {
			return err
		}
		defer stop()
	}
	proxies, err := handlers.ParseTrustedProxies(*trusted)
	if err != nil {
		return fmt.Errorf("-trusted-proxies: %w", err)
	}
	cfg.TrustedProxies = proxies
	if *backupEvery != 0 {
		switch {
		case models.IsPostgresDSN(*dsn):
			return fmt.Errorf("-backup-every: %w", postgresBackupHelp(*dsn))
		case *backupEvery < time.Minute:
			return fmt.Errorf("-backup-every %s: at least 1m", *backupEvery)
		case *backupKeep < 1:
			return fmt.Errorf("-backup-keep %d: at least 1", *backupKeep)
		}
		if *backupDir == "" {
			*backupDir = filepath.Join(filepath.Dir(models.SQLitePath(*dsn)), "backups")
		}
	}
	if *sessionKey != "" {
		key, err := hex.DecodeString(*sessionKey)
		if err != nil || len(key) != 64 {
			return fmt.Errorf("-session-key must be 128 hex digits (64 bytes)")
		}
		cfg.SessionKey = key
	}
	collectorSettings(env, serveGCPercent, serveMemoryLimit)
	store, err := openStore(ctx, *dsn, env.stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	if *backupEvery != 0 {
		backups, stopBackups := context.WithCancel(ctx)
		var running sync.WaitGroup
		running.Go(func() { scheduledBackups{store, *backupDir, *backupEvery, *backupKeep}.run(backups) })
		defer func() { stopBackups(); running.Wait() }() // before the store closes
		fmt.Fprintf(env.stdout, "keeping a copy of the database every %s in %s (the newest %d)\n", *backupEvery, *backupDir, *backupKeep)
	}
	app, err := handlers.New(store, static.FS(), cfg, time.Now)
	if err != nil {
		return err
	}
	defer app.Close() // after the server stopped, the imports and the background jobs: the last submissions are written
	jobs, stopJobs := context.WithCancel(ctx)
	var background sync.WaitGroup
	background.Go(func() { app.Background(jobs) }) // the alert scan and webhook deliveries
	// Import jobs run beside the server: those uploaded here or to another serve process
	// on the same database. Stopped before the app closes (its writer), after the server.
	background.Go(func() { app.RunImports(jobs) })
	defer func() { stopJobs(); background.Wait() }()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           app.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	base := "http://" + ln.Addr().String()
	db := models.Redact(*dsn)
	fmt.Fprintf(env.stdout, "sipas is listening on %s (database %s)\n", base, db)
	fmt.Fprintf(env.stdout, "  national figures: %s/api/v1/sipas, dashboards: %s/dashboard\n", base, base)
	if n, err := store.CountResponses(ctx); err == nil && n == 0 {
		fmt.Fprintf(env.stdout, "  no responses yet: run 'sipas demo -db %s' (or 'go run ./cmd/sipas demo') and open %s/kiosk/demo-31\n", db, base)
	} else if err == nil {
		fmt.Fprintf(env.stdout, "  %d responses stored; kiosks at %s/kiosk/<counter code>\n", n, base)
	}
	if link, err := app.SetupLink(ctx, base); err != nil {
		return err
	} else if link != "" {
		fmt.Fprintf(env.stdout, "  no administrator yet: open %s within an hour to create the first one\n", link)
		fmt.Fprintf(env.stdout, "  (the link works once; or run 'sipas user add -db %s -name NAME -role admin' with the password on standard input)\n", db)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
