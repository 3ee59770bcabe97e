package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// badgeMaxAge is how long a browser or a proxy may keep a badge: an hour's responses do
// not move a year's figure much, and a portal's page is then cheap to show.
const badgeMaxAge = 3600

// badgeLabel is a badge's left part: "SIPAS Hải Phòng 2026".
func (a *App) badgeLabel(u survey.Unit) string {
	return fmt.Sprintf("SIPAS %s %d", u.ShortName(), a.now().In(survey.VietnamTime()).Year())
}

// badge answers /badge/<code>.svg: the province's SIPAS of the current year so far, as an
// SVG image any site may embed (its own CSP, CORS and cache headers), "88,1 %" in
// Vietnamese or "88.1%" with ?lang=en.
func (a *App) badge(c echo.Context) error {
	code, ok := strings.CutSuffix(c.Param("file"), ".svg")
	if !ok || code == "" {
		return a.fail(c, http.StatusNotFound, a.t(c, "error.not_found"))
	}
	rq := reportQuery{period: survey.YearPeriod(a.now().In(survey.VietnamTime()).Year())}
	in, err := a.store.National(c.Request().Context(), models.NationalQuery{Questionnaire: a.cfg.Questionnaire, Period: rq.period, Scope: models.AllProvinces()})
	if errors.Is(err, models.ErrNotFound) {
		return a.fail(c, http.StatusServiceUnavailable, a.t(c, "error.no_questionnaire"))
	}
	if err != nil {
		return err
	}
	for _, u := range in.Report(rq.day(a.now())).Units {
		if u.Unit.Code != code {
			continue
		}
		value := a.t(c, "public.badge.no_data")
		if u.Index.SIPAS != nil {
			value = views.Percent1(a.views.Catalog.Locale(a.lang(c)), *u.Index.SIPAS)
		}
		hdr := c.Response().Header()
		hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		hdr.Del("X-Frame-Options") // an <object> or <iframe> may show it too
		hdr.Set("Cross-Origin-Resource-Policy", "cross-origin")
		hdr.Set(echo.HeaderAccessControlAllowOrigin, "*")
		hdr.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", badgeMaxAge))
		return c.Blob(http.StatusOK, "image/svg+xml; charset=utf-8", views.Badge(a.badgeLabel(u.Unit), value, views.BadgeColor(u.Index.SIPAS)))
	}
	return a.fail(c, http.StatusNotFound, a.t(c, "dash.error.province", code, a.msg(c, rq.period.Name())))
}
