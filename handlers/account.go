package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// accountPage is the signed-in user's own account: their password and their sessions.
type accountPage struct {
	basePage
	Name, Role, Place string
	Sessions          []sessionRow
	Errors            formErrors
}

type sessionRow struct {
	ID                uint
	Started, LastSeen string
	Addr, Agent       string
	Current           bool
}

// when writes a moment in Vietnam time the way the language does.
func when(lang string, t time.Time) string {
	t = t.In(survey.VietnamTime())
	if lang == "vi" {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

func (a *App) accountPage(c echo.Context) error {
	return a.renderAccount(c, http.StatusOK, formErrors{})
}

func (a *App) renderAccount(c echo.Context, status int, errs formErrors) error {
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, "/account")
	if err != nil {
		return err
	}
	ap := accountPage{basePage: p, Name: v.user.Name, Role: a.msg(c, survey.Role(v.user.Role).Name()), Errors: errs}
	if ap.Place, err = a.placeName(c, *v.user); err != nil {
		return err
	}
	sessions, err := a.store.UserSessions(c.Request().Context(), v.user.ID)
	if err != nil {
		return err
	}
	for _, s := range sessions {
		ap.Sessions = append(ap.Sessions, sessionRow{ID: s.ID, Started: when(p.Lang, s.CreatedAt), LastSeen: when(p.Lang, s.LastSeenAt),
			Addr: s.ClientAddr, Agent: s.UserAgent, Current: s.ID == v.session.ID})
	}
	return c.Render(status, "account", ap)
}

// placeName names what an account sees: every province, a province, or an office in it.
func (a *App) placeName(c echo.Context, u models.User) (string, error) {
	r, err := a.store.UserRowByID(c.Request().Context(), u.ID)
	if err != nil {
		return "", err
	}
	return a.placeOf(c, r), nil
}

func (a *App) placeOf(c echo.Context, r models.UserRow) string {
	switch {
	case r.ProvinceID == nil:
		return a.t(c, "users.place.all")
	case r.OfficeID != nil:
		return r.OfficeName + " (" + r.OfficeCode + "), " + r.ProvinceName
	}
	return r.ProvinceName
}

// accountPassword changes the user's own password; it needs the current one, whose
// failures count as failed sign-ins. The user's other sessions end.
func (a *App) accountPassword(c echo.Context) error {
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	by := a.actor(c)
	errs := formErrors{}
	if ok, err := survey.VerifyPassword(v.user.PasswordHash, c.FormValue("current")); err != nil || !ok {
		if err := a.store.AddLoginFailure(ctx, by.Now, "account:"+v.user.Name); err != nil {
			return err
		}
		errs["current"] = a.t(c, "account.error.current")
		return a.renderAccount(c, http.StatusBadRequest, errs)
	}
	hash, err := a.hashNewPassword(c, c.FormValue("password"), c.FormValue("password_confirm"), errs)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return a.renderAccount(c, http.StatusBadRequest, errs)
	}
	if _, err := a.store.UpdateUser(ctx, v.user.ID, "account.password", by, v.session.ID,
		func(u *models.User) error { u.PasswordHash = hash; return nil }); err != nil {
		return err
	}
	return a.redirectWith(c, "/account?lang="+a.lang(c), noticeOf(survey.Msg("account.password_changed")))
}

// accountEndSessions signs out one of the user's sessions, or ("others") all but this one.
func (a *App) accountEndSessions(c echo.Context) error {
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	var id uint
	if which := c.FormValue("session"); which != "others" {
		n, err := strconv.ParseUint(which, 10, 64)
		if err != nil || n == 0 {
			return a.fail(c, http.StatusBadRequest, a.t(c, "error.bad_form"))
		}
		id = uint(n)
	}
	n, err := a.store.EndSessions(c.Request().Context(), v.user.ID, id, v.session.ID, "auth.session_end", a.actor(c))
	if err != nil {
		return err
	}
	if id == v.session.ID {
		return c.Redirect(http.StatusSeeOther, "/login?lang="+a.lang(c))
	}
	return a.redirectWith(c, "/account?lang="+a.lang(c), noticeOf(survey.Msg("account.sessions_ended", strconv.FormatInt(n, 10))))
}
