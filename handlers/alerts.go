package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sipas/handlers/apijson"
	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// alertsPage lists the alerts within the reader's scope: the open ones, each with a form
// to acknowledge it, and those resolved lately; and the reader's feed link.
type alertsPage struct {
	basePage
	Open, Resolved []alertView
	Feed           feedState
	Errors         formErrors
	Admin          bool // an administrator: a link to the alert settings
}

// alertView is an alert as the pages show it (partial "alert-card").
type alertView struct {
	models.AlertRow
	Lang              string
	Since             string
	Criteria          []apijson.AlertCriterion
	Kind              string  // "counter" or "office", in words
	Fall              float64 // −Drop: how the index moved
	BeforeCI, AfterCI survey.Interval
	CSRF              string // the acknowledge form's token; "" shows no form
	NoteError         string
}

// feedState is the reader's feed link: whether there is one and since when; URL only
// right after it was made (it is kept hashed).
type feedState struct {
	Active  bool
	Created string
	URL     string
}

// maxAckNote bounds an acknowledgement's note, in characters.
const maxAckNote = 500

// alertRows reads the alerts within the request's scope.
func (a *App) alertRows(c echo.Context, f models.AlertFilter) ([]models.AlertRow, *survey.Questionnaire, error) {
	f.Scope = a.scope(c)
	rows, err := a.store.Alerts(c.Request().Context(), f)
	if err != nil {
		return nil, nil, err
	}
	_, q, err := a.store.PublishedQuestionnaire(c.Request().Context(), a.cfg.Questionnaire)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, a.fail(c, http.StatusServiceUnavailable, a.t(c, "error.no_questionnaire"))
	}
	return rows, q, err
}

// apiAlerts answers the open alerts within the reader's scope.
func (a *App) apiAlerts(c echo.Context) error {
	rows, q, err := a.alertRows(c, models.AlertFilter{OpenOnly: true})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apijson.AlertsDoc(rows, q, a.lang(c)))
}

func (a *App) alertsPage(c echo.Context) error {
	return a.renderAlerts(c, http.StatusOK, formErrors{}, 0, "")
}

func (a *App) renderAlerts(c echo.Context, status int, errs formErrors, noteFor uint, feedURL string) error {
	p, err := a.newPage(c, "/alerts")
	if err != nil {
		return err
	}
	since := survey.DayOf(a.now()).AddDate(0, 0, -90)
	recent := survey.Period{From: since, To: survey.DayOf(a.now())}
	rows, q, err := a.alertRows(c, models.AlertFilter{Period: &recent})
	if err != nil {
		return err
	}
	page := alertsPage{basePage: p, Errors: errs}
	if v, err := a.viewer(c); err == nil && v.user != nil {
		page.Admin = survey.Role(v.user.Role) == survey.RoleAdmin
	}
	for _, r := range rows {
		v := a.alertView(c, r, q)
		v.CSRF = p.CSRF
		if r.ID == noteFor {
			v.NoteError = errs["note"]
		}
		if r.ResolvedAt == nil {
			page.Open = append(page.Open, v)
		} else {
			page.Resolved = append(page.Resolved, v)
		}
	}
	if page.Feed, err = a.feedState(c, feedURL); err != nil {
		return err
	}
	return c.Render(status, "alerts", page)
}

func (a *App) alertView(c echo.Context, r models.AlertRow, q *survey.Questionnaire) alertView {
	doc := apijson.AlertDoc(r, q, a.lang(c))
	since, _ := survey.ParseDate(doc.Since)
	v := alertView{AlertRow: r, Lang: a.lang(c), Since: a.date(c, since), Criteria: doc.Criteria, Kind: a.t(c, "alerts.kind.office"),
		Fall: -r.Drop, BeforeCI: doc.Before.CI95, AfterCI: doc.After.CI95}
	if r.UnitKind == survey.AlertCounter {
		v.Kind = a.t(c, "alerts.kind.counter")
	}
	return v
}

// date writes a day as the page's language does.
func (a *App) date(c echo.Context, t time.Time) string {
	return views.Date(a.views.Catalog.Locale(a.lang(c)), t)
}

// alertAcknowledge acknowledges an alert within the reader's scope with a note.
func (a *App) alertAcknowledge(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return a.fail(c, http.StatusNotFound, a.t(c, "alerts.error.not_found"))
	}
	note := strings.TrimSpace(c.FormValue("note"))
	switch n := utf8.RuneCountInString(note); {
	case n == 0:
		return a.renderAlerts(c, http.StatusBadRequest, formErrors{"note": a.t(c, "alerts.error.note")}, uint(id), "")
	case n > maxAckNote:
		return a.renderAlerts(c, http.StatusBadRequest, formErrors{"note": a.t(c, "alerts.error.note_long", maxAckNote)}, uint(id), "")
	}
	err = a.store.AcknowledgeAlert(c.Request().Context(), uint(id), a.scope(c), note, a.actor(c))
	switch {
	case errors.Is(err, models.ErrNotFound):
		return a.fail(c, http.StatusNotFound, a.t(c, "alerts.error.not_found"))
	case errors.Is(err, models.ErrAcknowledged):
		return a.redirectWith(c, "/alerts?lang="+a.lang(c), errorNotice(survey.Msg("alerts.already")))
	case err != nil:
		return err
	}
	return a.redirectWith(c, "/alerts?lang="+a.lang(c), noticeOf(survey.Msg("alerts.acknowledged")))
}

// provinceAlerts are the alerts f selects of the province of a report (its territory),
// within the reader's scope.
func (a *App) provinceAlerts(c echo.Context, r survey.ProvinceReport, f models.AlertFilter) ([]alertView, error) {
	ids := []uint{r.Unit.ID}
	for _, former := range r.Formers {
		ids = append(ids, former.Unit.ID)
	}
	f.Scope = a.scope(c).Narrow(ids)
	rows, err := a.store.Alerts(c.Request().Context(), f)
	if err != nil {
		return nil, err
	}
	var out []alertView
	for _, row := range rows {
		out = append(out, a.alertView(c, row, r.Questionnaire))
	}
	return out, nil
}

// openAlerts is the number of open alerts within a signed-in reader's scope; 0 for
// somebody not signed in.
func (a *App) openAlerts(c echo.Context) (int, error) {
	v, err := a.viewer(c)
	if err != nil || v.user == nil {
		return 0, err
	}
	rows, err := a.store.Alerts(c.Request().Context(), models.AlertFilter{Scope: v.scope, OpenOnly: true})
	return len(rows), err
}
