package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// assetCaching says how long browsers may keep a static file: for ever when its URL
// carries the file's current content version (?v=, as the pages link them: a new version
// is a new URL), otherwise only after asking again, which its version as ETag answers
// with a 304 while the file is unchanged.
func (a *App) assetCaching(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		name, ok := strings.CutPrefix(c.Request().URL.Path, "/static/")
		if !ok {
			return next(c)
		}
		h := c.Response().Header()
		version, known := a.assets.Version(name)
		if known && c.QueryParam("v") == version {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if known {
			h.Set("ETag", `"`+version+`"`)
		}
		return next(c)
	}
}

// headAsGet answers a HEAD request as its GET, with the same status and headers and no
// body (uptime monitors ask HEAD): the route, middleware, handler and error handler see a
// GET, and the body they write is dropped. Echo routes by the request's own method, so
// the request is changed in place and given back its method before the server finishes
// the response (which then sends no body and no length of its own).
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodHead {
			return next(c)
		}
		req.Method = http.MethodGet
		defer func() { req.Method = http.MethodHead }()
		c.Response().Writer = bodyless{c.Response().Writer}
		if err := next(c); err != nil {
			c.Error(err)
		}
		return nil
	}
}

// bodyless is a response writer that sends the status and headers but no body.
type bodyless struct{ http.ResponseWriter }

func (w bodyless) Write(p []byte) (int, error) { return len(p), nil }

// Unwrap lets http.ResponseController reach the writer beneath.
func (w bodyless) Unwrap() http.ResponseWriter { return w.ResponseWriter }
