// Package handlers owns HTTP: the echo routes, middleware, request binding and rendering.
// It runs no SQL (models does) and no SIPAS maths (survey does).
package handlers

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// Config is what the web app can be told at start.
type Config struct {
	// RateLimit is the number of kiosk submissions a minute one client address may make;
	// 0 turns the limit off (load tests).
	RateLimit int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Real-IP name
	// the client; none by default (serve -trusted-proxies).
	TrustedProxies TrustedProxies
	// MinSample is the number of responses below which an index is shown greyed.
	MinSample int
	// Questionnaire is the code of the questionnaire the kiosks show.
	Questionnaire string
	// KioskResetSeconds and ThanksSeconds time the kiosk's return to a fresh form.
	KioskResetSeconds, ThanksSeconds int
	// SessionKey signs and encrypts session cookies (64 bytes); empty: the key kept in the
	// database (generated on first start), so that a restart keeps everybody signed in.
	SessionKey []byte
	// FiguresNeedSignIn closes the province-level figures (national ranking, province
	// indices, their API and exports), public by default, to anyone not signed in
	// (serve -public=false).
	FiguresNeedSignIn bool
	// SecureCookies marks the session cookie Secure even on plain HTTP (behind a TLS proxy).
	SecureCookies bool
	// SessionIdle and SessionMaxAge end a session after so long unused, and so long after
	// sign-in whatever its use.
	SessionIdle, SessionMaxAge time.Duration
	// PasswordCost is the cost of new password hashes.
	PasswordCost survey.Argon2Params
	// Languages adds interface catalogues (i18n/<lang>.json) to the embedded ones, or
	// replaces them; nil: the embedded ones only.
	Languages fs.FS
	// AlertsEvery is how often Background scans for drops (0: never; serve -alerts-every).
	AlertsEvery time.Duration
	// SubmitWait is how long a kiosk submission waits for the database before it is
	// answered 503 with Retry-After (models.DefaultSubmitWait when 0).
	SubmitWait time.Duration
}

// DefaultConfig is the configuration when nothing is set.
func DefaultConfig() Config {
	return Config{RateLimit: 30, MinSample: 30, Questionnaire: "sipas-counter", KioskResetSeconds: 90, ThanksSeconds: 6,
		SessionIdle: 30 * time.Minute, SessionMaxAge: 12 * time.Hour, PasswordCost: survey.DefaultArgon2(), AlertsEvery: 15 * time.Minute}
}

// withDefaults fills the settings a Config literal left zero.
func withDefaults(cfg Config) Config {
	d := DefaultConfig()
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = d.SessionIdle
	}
	if cfg.SessionMaxAge <= 0 {
		cfg.SessionMaxAge = d.SessionMaxAge
	}
	if cfg.PasswordCost == (survey.Argon2Params{}) {
		cfg.PasswordCost = d.PasswordCost
	}
	return cfg
}

// App holds what every handler needs; handlers are its methods.
type App struct {
	store     *models.Store
	submitter *models.Submitter
	imports   *models.Importer // writes through submitter, between kiosk batches
	sessions  sessions.Store
	views     *views.Renderer
	static    fs.FS
	assets    *views.Assets
	cfg       Config
	now       func() time.Time

	rules map[string]routeRule // accessRules: who may use which route

	projectionCache projectionCache  // projections of the current year, see projection.go
	holds           survey.HoldWatch // this process's recent kiosk responses, see holds.go
	holdRulesCache  holdRulesCache
	reads           readCache // encoded figures and dashboards by counts version, see readcache.go
	dummyHash       string    // checked for an unknown account, so that it takes as long as a known one
}

// New builds the app. now is the clock (time.Now outside tests).
func New(store *models.Store, static fs.FS, cfg Config, now func() time.Time) (*App, error) {
	assets, err := views.LoadAssets(static, "/static/")
	if err != nil {
		return nil, err
	}
	r, err := views.New(assets.URL, nil, cfg.Languages)
	if err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)
	key := cfg.SessionKey
	if len(key) == 0 {
		key, err = store.SessionKey(context.Background(), func() ([]byte, error) {
			k := make([]byte, 64)
			_, err := rand.Read(k)
			return k, err
		})
		if err != nil {
			return nil, err
		}
	}
	if len(key) != 64 {
		return nil, fmt.Errorf("the session key must be 64 bytes, not %d", len(key))
	}
	dummy, err := survey.HashPassword(randomToken(), cfg.PasswordCost)
	if err != nil {
		return nil, err
	}
	sub := store.NewSubmitter(256, cfg.SubmitWait)
	return &App{store: store, submitter: sub, imports: store.NewImporter(sub, now), sessions: newSessionStore(key, int(cfg.SessionMaxAge.Seconds())),
		views: r, static: static, assets: assets, cfg: cfg, now: now, rules: accessRules(), dummyHash: dummy}, nil
}

// Close finishes writing the kiosk submissions in flight; call it after the server
// stopped and RunImports returned.
func (a *App) Close() { a.submitter.Close() }

// Handler returns the echo instance with every route and middleware.
func (a *App) Handler() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Renderer = a
	e.HTTPErrorHandler = a.handleError
	e.IPExtractor = a.cfg.TrustedProxies.clientAddr // c.RealIP(): the peer, or what trusted proxies say
	e.Pre(headAsGet)
	e.Use(middleware.Recover())
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'",
	}))
	e.Use(a.assetCaching)
	e.Use(a.admit) // after routing: it knows the route, and so its rule (access_rules.go)
	e.Use(a.strictQuery)

	e.GET("/healthz", a.health)
	e.StaticFS("/static", a.static)
	e.GET("/sw.js", a.serviceWorker)

	kiosk := e.Group("/kiosk")
	kiosk.GET("/:counter", a.kioskForm(modeKiosk))
	kiosk.GET("/:counter/thanks", a.kioskThanks(modeKiosk))
	kiosk.POST("/:counter", a.kioskSubmit(modeKiosk), middleware.BodyLimit("64K"), a.rateLimit())
	kiosk.POST("/:counter/ping", a.kioskPing, middleware.BodyLimit("1K"), a.rateLimit())

	// the counter's short link, for citizens who answer on their own phone
	phone := e.Group("/q")
	phone.GET("/:counter", a.kioskForm(modePhone))
	phone.GET("/:counter/thanks", a.kioskThanks(modePhone))
	phone.POST("/:counter", a.kioskSubmit(modePhone), middleware.BodyLimit("64K"), a.rateLimit())

	a.authRoutes(e)

	api := e.Group("/api/v1")
	api.GET("/sipas", a.apiNational)

	a.dashboardRoutes(e)
	a.paperRoutes(e)
	a.placeRoutes(e)
	a.deviceRoutes(e)
	a.fleetRoutes(e)
	a.questionnaireRoutes(e)
	a.insightRoutes(e)
	return e
}

// Render lets echo render the views.
func (a *App) Render(w io.Writer, name string, data any, _ echo.Context) error {
	return a.views.Render(w, name, data)
}

func (a *App) health(c echo.Context) error {
	if err := a.store.Ping(c.Request().Context()); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unavailable")
	}
	return c.String(http.StatusOK, "ok")
}

func (a *App) serviceWorker(c echo.Context) error {
	data, err := fs.ReadFile(a.static, "js/sw.js")
	if err != nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Service-Worker-Allowed", "/")
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", data)
}

// rateLimit limits kiosk submissions per client address; the address is used only here,
// in memory, and never stored with a response. Each call makes a limiter of its own
// (kiosk submissions, kiosk reports, phone submissions are counted apart).
func (a *App) rateLimit() echo.MiddlewareFunc {
	if a.cfg.RateLimit <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(float64(a.cfg.RateLimit) / 60), Burst: max(a.cfg.RateLimit/2, 5), ExpiresIn: 10 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			return a.fail(c, http.StatusTooManyRequests, a.t(c, "error.rate"))
		},
	})
}
