package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/handlers/apijson"
	"sipas/models"
	"sipas/survey"
)

// clock writes a moment's time of day in Vietnam.
func clock(t time.Time) string { return t.In(survey.VietnamTime()).Format("15:04:05") }

// heldPage lists the responses held for review within the reviewer's scope, by counter,
// day and reasons, each group with the buttons that include or exclude it; and, for
// administrators, the thresholds of the checks.
type heldPage struct {
	basePage
	Groups    []heldGroupRow
	Counts    models.HeldCounts
	Rules     survey.HoldRules
	RulesForm holdRulesForm
	Errors    formErrors
	MayEdit   bool // an administrator: the thresholds can be changed
}

type heldGroupRow struct {
	models.HeldGroup
	Day, From, To string
	Reasons       []string
}

type holdRulesForm struct {
	Enabled, OutsideHours                           bool
	BurstCount, BurstMinutes, RunLength, RunMinutes string
}

func (a *App) heldList(c echo.Context) error {
	return a.renderHeld(c, http.StatusOK, nil, formErrors{})
}

func (a *App) renderHeld(c echo.Context, status int, form *holdRulesForm, errs formErrors) error {
	p, err := a.newPage(c, "/admin/held")
	if err != nil {
		return err
	}
	v, me, err := a.manager(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	groups, err := a.store.HeldGroups(ctx, models.HeldFilter{Scope: v.scope})
	if err != nil {
		return err
	}
	page := heldPage{basePage: p, Errors: errs, MayEdit: me.Role == survey.RoleAdmin}
	if page.Counts, err = a.store.HeldCounts(ctx, models.HeldFilter{Scope: v.scope}); err != nil {
		return err
	}
	for _, g := range groups {
		day, _ := survey.ParseDate(apijson.DayOf(g.Day))
		row := heldGroupRow{HeldGroup: g, Day: a.date(c, day), From: clock(g.First), To: clock(g.Last)}
		for _, r := range strings.Split(g.Reasons, ",") {
			row.Reasons = append(row.Reasons, a.msg(c, survey.HoldReason(r).Label()))
		}
		page.Groups = append(page.Groups, row)
	}
	if page.Rules, err = a.store.HoldRules(ctx); err != nil {
		return err
	}
	if form == nil {
		form = rulesForm(page.Rules)
	}
	page.RulesForm = *form
	return c.Render(status, "held", page)
}

// heldReview includes or excludes a group of held responses within the reviewer's scope.
func (a *App) heldReview(c echo.Context) error {
	v, _, err := a.manager(c)
	if err != nil {
		return err
	}
	counter, err1 := strconv.ParseUint(c.FormValue("counter"), 10, 32)
	day, err2 := strconv.Atoi(c.FormValue("day"))
	action := c.FormValue("action")
	if err1 != nil || err2 != nil || (action != "include" && action != "exclude") {
		return a.fail(c, http.StatusBadRequest, a.t(c, "held.error.review"))
	}
	key := models.HeldKey{CounterID: uint(counter), Day: day, Reasons: c.FormValue("reasons")}
	n, err := a.store.ReviewHeld(c.Request().Context(), key, action == "include", v.scope, a.actor(c))
	if err != nil {
		return err
	}
	if n == 0 {
		return a.redirectWith(c, "/admin/held?lang="+a.lang(c), errorNotice(survey.Msg("held.none_left")))
	}
	m := survey.Msg("held.excluded", n)
	if action == "include" {
		m = survey.Msg("held.included", n)
	}
	return a.redirectWith(c, "/admin/held?lang="+a.lang(c), noticeOf(m))
}

// heldRules changes the thresholds of the kiosk's checks (administrators).
func (a *App) heldRules(c echo.Context) error {
	form := holdRulesForm{Enabled: c.FormValue("enabled") == "on", OutsideHours: c.FormValue("outside_hours") == "on",
		BurstCount: c.FormValue("burst_count"), BurstMinutes: c.FormValue("burst_minutes"),
		RunLength: c.FormValue("run_length"), RunMinutes: c.FormValue("run_minutes")}
	r := survey.HoldRules{Enabled: form.Enabled, OutsideHours: form.OutsideHours}
	errs := formErrors{}
	for _, f := range []struct {
		name, value string
		out         *int
	}{{"burst_count", form.BurstCount, &r.BurstCount}, {"burst_minutes", form.BurstMinutes, &r.BurstMinutes},
		{"run_length", form.RunLength, &r.RunLength}, {"run_minutes", form.RunMinutes, &r.RunMinutes}} {
		n, err := strconv.Atoi(strings.TrimSpace(f.value))
		if err != nil {
			errs[f.name] = a.t(c, "held.error.number")
		}
		*f.out = n
	}
	if len(errs) == 0 {
		var ie *survey.InputError
		if err := r.Check(); errors.As(err, &ie) {
			errs[ie.Name] = a.msg(c, ie.Describe())
		}
	}
	if len(errs) > 0 {
		return a.renderHeld(c, http.StatusBadRequest, &form, errs)
	}
	if err := a.store.SetHoldRules(c.Request().Context(), r, a.actor(c)); err != nil {
		return err
	}
	a.forgetHoldRules()
	return a.redirectWith(c, "/admin/held?lang="+a.lang(c), noticeOf(survey.Msg("held.rules_saved")))
}

func rulesForm(r survey.HoldRules) *holdRulesForm {
	return &holdRulesForm{Enabled: r.Enabled, OutsideHours: r.OutsideHours, BurstCount: strconv.Itoa(r.BurstCount),
		BurstMinutes: strconv.Itoa(r.BurstMinutes), RunLength: strconv.Itoa(r.RunLength), RunMinutes: strconv.Itoa(r.RunMinutes)}
}
