package handlers

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// officialPage lists the official SIPAS figures the projections are calibrated against:
// the national averages built in and those recorded, with a form to record one.
type officialPage struct {
	basePage
	Rows     []officialRow
	Form     survey.OfficialForm
	Errors   formErrors
	National bool // the user may record national averages (administrators)
}

type officialRow struct {
	Year             int
	Code, Name       string
	SIPAS            float64
	Source, Recorded string
	BuiltIn          bool
}

func (a *App) officialForm(c echo.Context) error {
	// MoHA publishes a year's results in the next year: the last year is the one to record.
	lastYear := strconv.Itoa(a.now().In(survey.VietnamTime()).Year() - 1)
	return a.renderOfficial(c, http.StatusOK, survey.OfficialForm{Year: lastYear}, formErrors{})
}

func (a *App) renderOfficial(c echo.Context, status int, form survey.OfficialForm, errs formErrors) error {
	_, me, err := a.manager(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, "/admin/official")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rows, err := a.store.OfficialResults(ctx)
	if err != nil {
		return err
	}
	units, err := a.store.Units(ctx)
	if err != nil {
		return err
	}
	page := officialPage{basePage: p, Form: form, Errors: errs, National: me.Role == survey.RoleAdmin}
	recorded := map[int]bool{} // years whose national average was recorded, replacing the built-in one
	for _, r := range rows {
		name := a.t(c, "official.national")
		if r.Code == survey.NationalCode {
			recorded[r.Year] = true
		} else if u, ok := survey.UnitAt(units, r.Code, survey.YearPeriod(r.Year).To.Format("2006-01-02")); ok {
			name = u.Name
		}
		page.Rows = append(page.Rows, officialRow{Year: r.Year, Code: r.Code, Name: name, SIPAS: r.SIPAS, Source: r.Source,
			Recorded: r.RecordedBy + ", " + when(p.Lang, r.RecordedAt)})
	}
	for _, pub := range survey.PublishedAverages() {
		if !recorded[pub.Year] {
			page.Rows = append(page.Rows, officialRow{Year: pub.Year, Code: survey.NationalCode, Name: a.t(c, "official.national"),
				SIPAS: pub.Average, BuiltIn: true})
		}
	}
	sort.SliceStable(page.Rows, func(i, j int) bool {
		if page.Rows[i].Year != page.Rows[j].Year {
			return page.Rows[i].Year > page.Rows[j].Year
		}
		return page.Rows[i].Code < page.Rows[j].Code
	})
	return c.Render(status, "official", page)
}

// officialRecord records an official figure: administrators any, province admins their
// province's (and its former units').
func (a *App) officialRecord(c echo.Context) error {
	v, me, err := a.manager(c)
	if err != nil {
		return err
	}
	form := survey.OfficialForm{Year: c.FormValue("year"), Code: strings.TrimSpace(c.FormValue("code")), SIPAS: c.FormValue("sipas")}
	units, err := a.store.Units(c.Request().Context())
	if err != nil {
		return err
	}
	thisYear := a.now().In(survey.VietnamTime()).Year()
	r, err := survey.ParseOfficial(units, form, thisYear)
	var ie *survey.InputError
	if errors.As(err, &ie) {
		return a.renderOfficial(c, http.StatusBadRequest, form, formErrors{ie.Name: a.msg(c, ie.Describe())})
	}
	if err != nil {
		return err
	}
	if !a.mayRecordOfficial(me, v.scope, units, r) {
		return a.forbidden(c)
	}
	row := models.OfficialResult{Year: r.Year, Code: r.Code, SIPAS: r.SIPAS, Source: strings.TrimSpace(c.FormValue("source"))}
	if err := a.store.RecordOfficial(c.Request().Context(), row, a.actor(c)); err != nil {
		return err
	}
	a.projectionCache.forget() // the calibration changed
	return a.redirectWith(c, "/admin/official?lang="+a.lang(c), noticeOf(survey.Msg("official.recorded", r.Code, r.Year)))
}

// mayRecordOfficial: an administrator records any figure; a province admin those of the
// units of its territory.
func (a *App) mayRecordOfficial(me survey.Account, scope models.Scope, units []survey.Unit, r survey.OfficialResult) bool {
	if me.Role == survey.RoleAdmin {
		return true
	}
	if r.Code == survey.NationalCode {
		return false
	}
	u, ok := survey.UnitAt(units, r.Code, survey.YearPeriod(r.Year).To.Format("2006-01-02"))
	return ok && containsID(scope.ProvinceIDs, u.ID)
}
