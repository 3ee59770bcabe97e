package handlers

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// projectionFresh is how long computed projections are shown without looking at the
// counts again: a year's projection does not move in a minute, while the open month's
// counts change with every kiosk response, so that a fingerprint alone would recompute
// them on nearly every page on a busy day.
const projectionFresh = time.Minute

// projectionSeed makes the simulated rankings the same on every page for the same figures.
const projectionSeed = 20251001

// projectionCache keeps the projections of a few years with the fingerprint of the data
// they were computed from (models.Store.Projection).
type projectionCache struct {
	mu      sync.Mutex
	entries map[int]projectionEntry // by year
}

type projectionEntry struct {
	print    string
	day      int // the day they were computed for (the share of the year left)
	computed time.Time
	p        survey.Projections
}

// forget drops every kept projection: an official result recorded here is shown on the
// next page (one recorded by another serve process within a minute).
func (pc *projectionCache) forget() {
	pc.mu.Lock()
	pc.entries = nil
	pc.mu.Unlock()
}

// projections returns the projections of year as of now, computed at most once per
// fingerprint and day, and looked at again at most once a minute.
func (a *App) projections(c echo.Context, year int) (survey.Projections, error) {
	now := a.now()
	day := survey.DayKey(now)
	pc := &a.projectionCache
	pc.mu.Lock()
	e, ok := pc.entries[year]
	pc.mu.Unlock()
	if ok && e.day == day && now.Sub(e.computed) < projectionFresh {
		return e.p, nil
	}
	in, print, err := a.store.Projection(c.Request().Context(), models.ProjectionQuery{Questionnaire: a.cfg.Questionnaire, Year: year})
	if errors.Is(err, models.ErrNotFound) {
		return survey.Projections{}, a.fail(c, http.StatusServiceUnavailable, a.t(c, "error.no_questionnaire"))
	}
	if err != nil {
		return survey.Projections{}, err
	}
	if !ok || e.print != print || e.day != day {
		e.p = in.Project(now, survey.ProjectionRules{MinSample: a.cfg.MinSample, Draws: survey.RankDraws, Seed: projectionSeed})
	}
	e.print, e.day, e.computed = print, day, now
	pc.mu.Lock()
	if pc.entries == nil || len(pc.entries) > 4 {
		pc.entries = map[int]projectionEntry{}
	}
	pc.entries[year] = e
	pc.mu.Unlock()
	return e.p, nil
}

// projectionOf is the projection of the province with code for the year of the period,
// when that year is the current one; ok is false otherwise (a year that is over has its
// figure, not a projection).
func (a *App) projectionOf(c echo.Context, p survey.Period, code string) (pr survey.Projections, u survey.UnitProjection, ok bool, err error) {
	year := a.now().In(survey.VietnamTime()).Year()
	if p.From.Year() != year || p.To.Year() != year {
		return pr, u, false, nil
	}
	if pr, err = a.projections(c, year); err != nil {
		return pr, u, false, err
	}
	u, ok = pr.Of(code)
	return pr, u, ok, nil
}
