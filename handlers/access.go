package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// viewer is who sends a request: nobody, or a signed-in user with their session and the
// scope of what they may see. admit works it out once per request.
type viewer struct {
	user    *models.User // nil: nobody is signed in
	session models.Session
	scope   models.Scope
}

const viewerKey = "sipas.viewer"

// admit is the one middleware that decides who may pass: it finds the route's rule
// (deny by default), refuses cross-site state changes, signs the user in from the session
// cookie, applies the rule and the scope, and checks the CSRF token of every state-changing
// request but the kiosk's. Anonymous browsers are sent to /login, the API answers 401, and
// a signed-in user out of scope gets 403.
func (a *App) admit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		rr, ok := a.ruleOf(req.Method, c.Path())
		if !ok {
			if registered(c.Echo(), req.Method, c.Path()) {
				slog.Error("route without an access rule: refused", "method", req.Method, "path", c.Path())
				return a.forbidden(c)
			}
			return next(c) // no such route: echo's 404 or 405
		}
		unsafe := req.Method != http.MethodGet && req.Method != http.MethodHead && req.Method != http.MethodOptions
		checked := unsafe && rr.rule != ruleKiosk
		if checked && !sameOrigin(req) {
			return a.refused(c, "cross_site", a.fail(c, http.StatusForbidden, a.t(c, "auth.error.cross_site")))
		}
		if err := a.allow(c, rr.rule); err != nil || c.Response().Committed {
			if checked {
				return a.refused(c, "not_allowed", err)
			}
			return err // refused, or sent to the sign-in page
		}
		if checked {
			defer removeUploads(req)
			if err := a.checkCSRF(c, rr.maxBody); err != nil {
				return a.refused(c, "csrf_token", err)
			}
		}
		return next(c)
	}
}

// removeUploads removes the temporary files of a multipart form, whoever parsed it.
func removeUploads(req *http.Request) {
	if req.MultipartForm != nil {
		req.MultipartForm.RemoveAll()
	}
}

// refused audits a state-changing request that admit turned away (a forged form, a
// cross-site post, a role's overreach) and returns err, the answer.
func (a *App) refused(c echo.Context, reason string, err error) error {
	req := c.Request()
	if aerr := a.store.Audit(req.Context(), a.actor(c), "access.refused", req.Method+" "+req.URL.Path, nil,
		map[string]string{"reason": reason}); aerr != nil {
		slog.Error("auditing a refused request", "err", aerr)
	}
	return err
}

// registered tells whether e has a route for method and path (not the router's 404 or 405).
func registered(e *echo.Echo, method, path string) bool {
	for _, r := range e.Routes() {
		if r.Method == method && r.Path == path {
			return true
		}
	}
	return false
}

// allow applies a rule to the request's viewer.
func (a *App) allow(c echo.Context, r rule) error {
	switch {
	case r == rulePublic || r == ruleKiosk, r == ruleFigures && !a.cfg.FiguresNeedSignIn:
		return nil // nothing to look up: a kiosk reads no session
	}
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	if v.user == nil {
		return a.signInFirst(c)
	}
	if !permits(v.user, r) {
		return a.forbidden(c)
	}
	if code := c.Param("code"); (r == ruleOfficial || r == ruleProvinceAdmin) && code != "" {
		ok, err := a.provinceInScope(c, v.scope, code)
		if err != nil {
			return err
		}
		if !ok {
			return a.forbidden(c)
		}
	}
	return nil
}

// permits tells whether a signed-in user's role passes a rule (scope aside).
func permits(u *models.User, r rule) bool {
	role := survey.Role(u.Role)
	switch r {
	case rulePublic, ruleKiosk, ruleFigures, ruleSignedIn, ruleOfficial:
		return true
	case ruleProvinceAdmin:
		return role == survey.RoleAdmin || role == survey.RoleProvinceAdmin
	case ruleAdmin:
		return role == survey.RoleAdmin
	}
	return false
}

// mayOpen tells whether the viewer may open a route with rule r (for the navigation).
func (a *App) mayOpen(v *viewer, r rule) bool {
	if v.user == nil {
		return r == rulePublic || r == ruleFigures && !a.cfg.FiguresNeedSignIn
	}
	return permits(v.user, r)
}

// signInFirst answers a request that needs a signed-in user: 401 for the API, else a
// redirect to the sign-in page that comes back here.
func (a *App) signInFirst(c echo.Context) error {
	if wantsJSON(c) {
		return a.fail(c, http.StatusUnauthorized, a.apiText(c, survey.Msg("auth.error.sign_in")))
	}
	target := "/login"
	if req := c.Request(); req.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(req.URL.RequestURI())
	}
	return c.Redirect(http.StatusSeeOther, target)
}

func (a *App) forbidden(c echo.Context) error {
	return a.fail(c, http.StatusForbidden, a.apiText(c, survey.Msg("auth.error.forbidden")))
}

// apiText is a message in the request's language, but in English for the JSON API
// unless ?lang= asks for another (as the API's other errors are).
func (a *App) apiText(c echo.Context, m survey.Message) string {
	if wantsJSON(c) && c.QueryParam("lang") == "" {
		return a.views.Catalog.Message("en", m)
	}
	return a.msg(c, m)
}

// provinceInScope tells whether every provincial unit with code is in scope (an unknown
// code is left to the handler's 404).
func (a *App) provinceInScope(c echo.Context, scope models.Scope, code string) (bool, error) {
	if scope.ProvinceIDs == nil {
		return true, nil
	}
	units, err := a.store.Units(c.Request().Context())
	if err != nil {
		return false, err
	}
	for _, u := range units {
		if u.Code == code && !containsID(scope.ProvinceIDs, u.ID) {
			return false, nil
		}
	}
	return true, nil
}

func containsID(ids []uint, id uint) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// scope is what the request's viewer may see below province level: every province for an
// administrator, the user's province (with the former units merged into it) or one
// office of it for the others, and nothing for somebody not signed in.
func (a *App) scope(c echo.Context) models.Scope {
	v, err := a.viewer(c)
	if err != nil {
		slog.Error("reading the session", "err", err)
		return models.Scope{ProvinceIDs: []uint{}}
	}
	return v.scope
}

// viewer returns the request's viewer, reading the session once per request.
func (a *App) viewer(c echo.Context) (*viewer, error) {
	if v, ok := c.Get(viewerKey).(*viewer); ok {
		return v, nil
	}
	v, err := a.loadViewer(c)
	if err != nil {
		return nil, err
	}
	c.Set(viewerKey, v)
	return v, nil
}

// lastSeenEvery is how stale a session's last-seen time may get: it is written at most
// once a minute, so that reading pages costs no write.
const lastSeenEvery = time.Minute

func (a *App) loadViewer(c echo.Context) (*viewer, error) {
	nobody := &viewer{scope: models.Scope{ProvinceIDs: []uint{}}}
	token := a.sessionToken(c)
	if token == "" {
		return nobody, nil
	}
	ctx := c.Request().Context()
	sess, u, err := a.store.SessionByToken(ctx, hashToken(token))
	if errors.Is(err, models.ErrNotFound) {
		return nobody, nil
	}
	if err != nil {
		return nil, err
	}
	now := a.now()
	if u.Disabled || now.Sub(sess.LastSeenAt) >= a.cfg.SessionIdle || now.Sub(sess.CreatedAt) >= a.cfg.SessionMaxAge {
		return nobody, a.store.DropSession(ctx, sess.ID)
	}
	if now.Sub(sess.LastSeenAt) >= lastSeenEvery {
		if err := a.store.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, err
		}
		sess.LastSeenAt = now
	}
	scope, err := a.scopeOf(c, u)
	if err != nil {
		return nil, err
	}
	return &viewer{user: &u, session: sess, scope: scope}, nil
}

// scopeOf computes a user's scope from their role, province and office.
func (a *App) scopeOf(c echo.Context, u models.User) (models.Scope, error) {
	acc := u.Account()
	if acc.Role == survey.RoleAdmin {
		return models.AllProvinces(), nil
	}
	units, err := a.store.Units(c.Request().Context())
	if err != nil {
		return models.Scope{}, err
	}
	scope := models.Scope{ProvinceIDs: []uint{}}
	for _, unit := range units {
		if unit.ID == acc.ProvinceID {
			scope.ProvinceIDs = survey.UnitIDs(survey.UnitsInto(units, unit))
		}
	}
	if acc.OfficeID != 0 {
		scope.OfficeIDs = []uint{acc.OfficeID}
	}
	return scope, nil
}

// sameOrigin refuses what a browser marks as cross-site, and an Origin that is not this
// server's. A request without either (curl, an old browser) still needs the CSRF token.
func sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && u.Host == r.Host
}
