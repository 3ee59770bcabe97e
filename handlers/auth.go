package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// authRoutes registers signing in and out, the first administrator's setup link, the
// user's own account, and the administration of accounts and of the audit log.
func (a *App) authRoutes(e *echo.Echo) {
	e.GET("/login", a.loginForm)
	e.POST("/login", a.loginSubmit)
	e.POST("/logout", a.logout)
	e.GET("/setup/:token", a.setupForm)
	e.POST("/setup/:token", a.setupSubmit)
	e.GET("/account", a.accountPage)
	e.POST("/account/password", a.accountPassword)
	e.POST("/account/sessions/end", a.accountEndSessions)
	e.GET("/admin", a.adminHub)
	admin := e.Group("/admin")
	admin.GET("/users", a.usersPage)
	admin.POST("/users", a.userCreate)
	admin.GET("/users/:id", a.userPage)
	admin.POST("/users/:id", a.userUpdate)
	admin.POST("/users/:id/password", a.userPassword)
	admin.POST("/users/:id/disable", a.userEnable(false))
	admin.POST("/users/:id/enable", a.userEnable(true))
	admin.GET("/audit", a.auditPage)
	admin.GET("/audit.csv", a.auditCSV)
}

// loginThrottle allows 5 failed sign-ins of one account name, and 20 from one client
// address (an office may sit behind one address), within 15 minutes.
func loginThrottle(name, addr string) map[string]models.Throttle {
	return map[string]models.Throttle{
		"account:" + name: {Limit: 5, Window: 15 * time.Minute},
		"addr:" + addr:    {Limit: 20, Window: 15 * time.Minute},
	}
}

// formErrors are a form's problems by field name, in words; templates tie each to its field.
type formErrors map[string]string

// add puts an account error (survey.AccountError) into words under its field; another
// error is returned as it is.
func (fe formErrors) add(a *App, c echo.Context, err error) error {
	var ae *survey.AccountError
	if !errors.As(err, &ae) {
		return err
	}
	fe[ae.Field] = a.msg(c, ae.Msg)
	return nil
}

type loginPage struct {
	basePage
	Name, Next string
	Error      string
}

// safeNext keeps a sign-in's return address on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/dashboard"
	}
	return next
}

func (a *App) loginForm(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if v, err := a.viewer(c); err != nil {
		return err
	} else if v.user != nil {
		return c.Redirect(http.StatusSeeOther, next)
	}
	p, err := a.newPage(c, "/login")
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "login", loginPage{basePage: p, Next: next})
}

// loginSubmit signs a user in. A wrong password and an unknown or disabled account get
// the same answer after the same work (a hash is checked either way); failures are
// counted per account and per address, and too many are answered 429 with Retry-After.
func (a *App) loginSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	name := survey.NormalizeName(c.FormValue("name"))
	password := c.FormValue("password")
	by := a.actor(c)
	p, err := a.newPage(c, "/login")
	if err != nil {
		return err
	}
	lp := loginPage{basePage: p, Name: name, Next: safeNext(c.FormValue("next"))}
	var wait time.Duration
	throttles := loginThrottle(name, by.Addr)
	for subject, th := range throttles {
		d, err := a.store.LoginWait(ctx, th, subject, by.Now)
		if err != nil {
			return err
		}
		wait = max(wait, d)
	}
	if wait > 0 {
		if err := a.store.Audit(ctx, by, "auth.login_throttled", name, nil, nil); err != nil {
			return err
		}
		c.Response().Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		lp.Error = a.t(c, "auth.login.throttled", int(math.Ceil(wait.Minutes())))
		return c.Render(http.StatusTooManyRequests, "login", lp)
	}
	u, ok, err := a.checkCredentials(ctx, name, password)
	if err != nil {
		return err
	}
	if !ok {
		subjects := make([]string, 0, len(throttles))
		for s := range throttles {
			subjects = append(subjects, s)
		}
		if err := a.store.AddLoginFailure(ctx, by.Now, subjects...); err != nil {
			return err
		}
		if err := a.store.Audit(ctx, by, "auth.login_failed", name, nil, nil); err != nil {
			return err
		}
		lp.Error = a.t(c, "auth.login.failed")
		return c.Render(http.StatusUnauthorized, "login", lp)
	}
	if err := a.store.ClearLoginFailures(ctx, "account:"+name); err != nil {
		return err
	}
	if err := a.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, lp.Next)
}

// checkCredentials tells whether name and password open an enabled account. An unknown or
// disabled name is checked against a dummy hash, so that it takes as long.
func (a *App) checkCredentials(ctx context.Context, name, password string) (models.User, bool, error) {
	u, err := a.store.UserByName(ctx, name)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return u, false, err
	}
	hash := a.dummyHash
	if err == nil && !u.Disabled {
		hash = u.PasswordHash
	}
	ok, verr := survey.VerifyPassword(hash, password)
	return u, ok && err == nil && !u.Disabled && verr == nil, nil
}

// signIn starts a new session for u: a new token, stored hashed, and a new CSRF token;
// nothing of the cookie before carries over (no session fixation).
func (a *App) signIn(c echo.Context, u models.User) error {
	ctx := c.Request().Context()
	now := a.now()
	if err := a.store.DropExpiredSessions(ctx, now.Add(-a.cfg.SessionIdle), now.Add(-a.cfg.SessionMaxAge)); err != nil {
		return err
	}
	token := randomToken()
	req := c.Request()
	sess := models.Session{TokenHash: hashToken(token), UserID: u.ID, ClientAddr: c.RealIP(), UserAgent: shorten(req.UserAgent(), 200)}
	if err := a.store.StartSession(ctx, &sess, models.Actor{ID: u.ID, Name: u.Name, Addr: sess.ClientAddr, Now: now}); err != nil {
		return err
	}
	s := a.cookieSession(c)
	for k := range s.Values {
		delete(s.Values, k)
	}
	s.Values[tokenKey] = token
	s.Values[csrfKey] = randomToken()
	return a.saveCookie(c, s)
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// logout ends the session (POST only: a link or an image cannot sign anybody out).
func (a *App) logout(c echo.Context) error {
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	if _, err := a.store.EndSessions(c.Request().Context(), v.user.ID, v.session.ID, 0, "auth.logout", a.actor(c)); err != nil {
		return err
	}
	s := a.cookieSession(c)
	for k := range s.Values {
		delete(s.Values, k)
	}
	return a.redirectWith(c, "/login?lang="+a.lang(c), noticeOf(survey.Msg("auth.login.signed_out")))
}

// actor is who makes a change in this request, for the audit log.
func (a *App) actor(c echo.Context) models.Actor {
	by := models.Actor{Addr: c.RealIP(), Now: a.now()}
	if v, err := a.viewer(c); err == nil && v.user != nil {
		by.ID, by.Name = v.user.ID, v.user.Name
	}
	return by
}

// setupLinkValidity is how long the first administrator's setup link works.
const setupLinkValidity = time.Hour

// SetupLink returns, while the database has no enabled administrator, a new one-time
// link (under base) that creates the first one in the browser; "" once there is one.
func (a *App) SetupLink(ctx context.Context, base string) (string, error) {
	if ok, err := a.store.HasAdmin(ctx); err != nil || ok {
		return "", err
	}
	token := randomToken()
	now := a.now()
	if err := a.store.CreateSetupToken(ctx, hashToken(token), now, now.Add(setupLinkValidity)); err != nil {
		return "", err
	}
	return base + "/setup/" + token, nil
}

type setupPage struct {
	basePage
	Token  string
	Form   userForm
	Errors formErrors
}

func (a *App) setupForm(c echo.Context) error {
	if err := a.checkSetupLink(c); err != nil {
		return err
	}
	p, err := a.newPage(c, c.Request().URL.Path)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "setup", setupPage{basePage: p, Token: c.Param("token"), Errors: formErrors{}})
}

func (a *App) checkSetupLink(c echo.Context) error {
	ok, err := a.store.SetupTokenValid(c.Request().Context(), hashToken(c.Param("token")), a.now())
	if err != nil {
		return err
	}
	if !ok {
		return a.fail(c, http.StatusNotFound, a.t(c, "auth.setup.invalid"))
	}
	return nil
}

// setupSubmit creates the first administrator with the setup link and signs them in.
func (a *App) setupSubmit(c echo.Context) error {
	if err := a.checkSetupLink(c); err != nil {
		return err
	}
	p, err := a.newPage(c, c.Request().URL.Path)
	if err != nil {
		return err
	}
	sp := setupPage{basePage: p, Token: c.Param("token"), Form: userForm{Name: survey.NormalizeName(c.FormValue("name"))}, Errors: formErrors{}}
	acc := survey.Account{Name: sp.Form.Name, Role: survey.RoleAdmin}
	u, err := a.newUser(c, acc, c.FormValue("password"), c.FormValue("password_confirm"), sp.Errors)
	if err != nil {
		return err
	}
	if len(sp.Errors) > 0 {
		return c.Render(http.StatusBadRequest, "setup", sp)
	}
	err = a.store.CreateFirstAdmin(c.Request().Context(), hashToken(sp.Token), &u, a.actor(c))
	if errors.Is(err, models.ErrSetupLink) {
		return a.fail(c, http.StatusNotFound, a.t(c, "auth.setup.invalid"))
	}
	if err != nil {
		return err
	}
	if err := a.signIn(c, u); err != nil {
		return err
	}
	return a.redirectWith(c, "/admin/users?lang="+sp.Lang, noticeOf(survey.Msg("auth.setup.done", u.Name)))
}

// newUser checks a new account and its password (typed twice) and hashes the password;
// the problems go into errs by field.
func (a *App) newUser(c echo.Context, acc survey.Account, password, confirm string, errs formErrors) (models.User, error) {
	var u models.User
	u.SetAccount(acc)
	if err := errs.add(a, c, acc.Validate()); err != nil {
		return u, err
	}
	hash, err := a.hashNewPassword(c, password, confirm, errs)
	u.PasswordHash = hash
	return u, err
}

// hashNewPassword checks a new password typed twice and hashes it; "" with the problem in
// errs["password"] or errs["password_confirm"] when it is refused.
func (a *App) hashNewPassword(c echo.Context, password, confirm string, errs formErrors) (string, error) {
	if err := errs.add(a, c, survey.CheckPassword(password)); err != nil {
		return "", err
	}
	if errs["password"] == "" && password != confirm {
		errs["password_confirm"] = a.t(c, "account.error.password_confirm")
	}
	if len(errs) > 0 {
		return "", nil
	}
	return survey.HashPassword(password, a.cfg.PasswordCost)
}
