package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// fail ends a request with status and a message meant for the person who sent it.
func (a *App) fail(_ echo.Context, status int, msg string) error {
	return echo.NewHTTPError(status, msg)
}

// wantsJSON tells whether the client asked for JSON (the API, the kiosk's script).
func wantsJSON(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/") ||
		strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

// lang is the interface language of the request: ?lang=, else the form's lang, else the
// default language. A form not read yet is read only when its body is announced and
// small: an error answered before the form is read (a body too large, a rate limit) must
// not wait for a large body, or one a client announced and never sends.
func (a *App) lang(c echo.Context) string {
	catalog := a.views.Catalog
	if l := c.QueryParam("lang"); l != "" {
		return catalog.Lang(l)
	}
	req := c.Request()
	if req.Method != http.MethodPost {
		return views.DefaultLang
	}
	if req.PostForm == nil && (req.ContentLength < 0 || req.ContentLength > defaultMaxBody) {
		return views.DefaultLang
	}
	return catalog.Lang(c.FormValue("lang"))
}

// t translates key into the request's language.
func (a *App) t(c echo.Context, key string, args ...any) string {
	return a.views.Catalog.T(a.lang(c), key, args...)
}

// msg puts a message of the domain into words in the request's language.
func (a *App) msg(c echo.Context, m survey.Message) string {
	return a.views.Catalog.Message(a.lang(c), m)
}

// apiLang is the language of the API's error messages, whatever the request's lang (which
// names the language of the documents' texts).
const apiLang = "en"

// badRequest is a 400 for an error the domain describes (a period, a form, a file): in
// the page's language, or in apiLang for a client that asked for JSON. Any other error
// is left to handleError.
func (a *App) badRequest(c echo.Context, err error) error {
	lang := a.lang(c)
	if wantsJSON(c) {
		lang = apiLang
	}
	if text, ok := a.views.Catalog.Error(lang, err); ok {
		return a.fail(c, http.StatusBadRequest, text)
	}
	return err
}

// retryAfterSeconds is how long a client is asked to wait when the database is
// unavailable (Retry-After of a 503).
const retryAfterSeconds = 5

type errorPage struct {
	Lang    string
	Status  int
	Message string
}

// handleError is the one place errors become responses: a message the client can show,
// as JSON or as a page; a 5xx is logged and its cause never shown.
func (a *App) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		// the client went away (a closed tab, a browser that moved on): nobody reads the
		// answer, and it is no server fault
		slog.Info("request abandoned by the client", "method", c.Request().Method, "path", c.Request().URL.Path)
		return
	}
	status, msg := http.StatusInternalServerError, ""
	var he *echo.HTTPError
	if models.IsUnavailable(err) {
		// the disk is full, the database read-only or locked: nothing was stored, and a
		// retry in a moment may succeed (the kiosk script keeps the answer until it does)
		slog.Warn("database unavailable", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		status, msg = http.StatusServiceUnavailable, a.t(c, "error.unavailable")
	} else if errors.As(err, &he) {
		status = he.Code
		msg = fmt.Sprint(he.Message)
		switch {
		case status == http.StatusRequestEntityTooLarge:
			msg = a.t(c, "error.too_large")
		case msg != http.StatusText(status): // a message of ours
		case status == http.StatusNotFound:
			msg = a.t(c, "error.not_found")
		case status == http.StatusMethodNotAllowed:
			msg = a.t(c, "error.method")
		default: // echo's English words for the status
			msg = a.t(c, "error.status", status)
		}
	}
	if status >= 500 && status != http.StatusServiceUnavailable {
		slog.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		msg = a.t(c, "error.server")
	}
	if wantsJSON(c) {
		err = c.JSON(status, map[string]string{"error": msg})
	} else {
		err = c.Render(status, "error", errorPage{Lang: a.lang(c), Status: status, Message: msg})
	}
	if err != nil {
		slog.Error("writing error response", "err", err)
	}
}
