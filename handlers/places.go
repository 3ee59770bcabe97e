package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// placeRoutes registers the offices and counters of a province, for its admins and the
// administrators (the province in the path must be in their scope: access_rules.go).
func (a *App) placeRoutes(e *echo.Echo) {
	admin := e.Group("/admin")
	admin.GET("/places", a.placesIndex)
	p := admin.Group("/provinces/:code")
	p.GET("/offices", a.officesPage)
	p.POST("/offices", a.officeCreate)
	p.GET("/offices/:office", a.officePage)
	p.POST("/offices/:office", a.officeUpdate)
	p.POST("/offices/:office/close", a.officeClose(true))
	p.POST("/offices/:office/reopen", a.officeClose(false))
	p.POST("/offices/:office/counters", a.counterCreate)
	p.GET("/counters/:counter", a.counterPage)
	p.POST("/counters/:counter", a.counterUpdate)
	p.POST("/counters/:counter/move", a.counterMove)
	p.POST("/counters/:counter/close", a.counterClose(true))
	p.POST("/counters/:counter/reopen", a.counterClose(false))
	p.GET("/counters/:counter/card", a.counterCard)
}

// province is the province of a request's path (:code) as in force today, with its
// territory: the former provinces merged into it, whose offices it took over.
type province struct {
	survey.Unit
	Territory []uint
}

// province resolves the path's :code; 404 for a code no current province has.
func (a *App) province(c echo.Context) (province, error) {
	units, err := a.store.Units(c.Request().Context())
	if err != nil {
		return province{}, err
	}
	u, ok := survey.UnitAt(units, c.Param("code"), a.today())
	if !ok {
		return province{}, a.fail(c, http.StatusNotFound, a.t(c, "places.error.province", c.Param("code")))
	}
	return province{Unit: u, Territory: survey.UnitIDs(survey.UnitsInto(units, u))}, nil
}

// path is the address of a page of the province's administration.
func (p province) path(parts ...string) string {
	s := "/admin/provinces/" + url.PathEscape(p.Code)
	for _, x := range parts {
		s += "/" + url.PathEscape(x)
	}
	return s
}

// placesIndex sends a province admin to their province's offices, and shows an
// administrator the provinces to choose from.
func (a *App) placesIndex(c echo.Context) error {
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	if code := a.provinceCode(c, v.user.Account().ProvinceID); code != "" {
		return c.Redirect(http.StatusSeeOther, "/admin/provinces/"+code+"/offices?lang="+a.lang(c))
	}
	p, err := a.newPage(c, "/admin/places")
	if err != nil {
		return err
	}
	units, err := a.store.Units(c.Request().Context())
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "places", struct {
		basePage
		Provinces []survey.Unit
	}{p, survey.UnitsOn(units, a.today())})
}

// placeForm is an office's or a counter's settings as typed.
type placeForm struct {
	Code, Name, Dossiers, Field, Office string
	RequiresDevice                      bool
}

func readPlaceForm(c echo.Context) placeForm {
	return placeForm{Code: strings.TrimSpace(c.FormValue("code")), Name: strings.TrimSpace(c.FormValue("name")),
		Dossiers: strings.TrimSpace(c.FormValue("annual_dossiers")), Field: c.FormValue("field"),
		Office: c.FormValue("office"), RequiresDevice: c.FormValue("requires_device") == "on"}
}

// maxNameLen bounds the name of an office, a counter or a device.
const maxNameLen = 200

// check reads the name and yearly dossiers (and the code, when creating), putting the
// problems under their fields.
func (f placeForm) check(a *App, c echo.Context, errs formErrors, withCode bool) (dossiers int64) {
	if withCode {
		if m, ok := survey.CheckCode(f.Code); !ok {
			errs["code"] = a.t(c, "places.error.code", a.msg(c, m))
		}
	}
	if n := utf8.RuneCountInString(f.Name); n == 0 || n > maxNameLen {
		errs["name"] = a.t(c, "places.error.name", maxNameLen)
	}
	if f.Dossiers != "" {
		n, err := strconv.ParseInt(strings.ReplaceAll(strings.ReplaceAll(f.Dossiers, ".", ""), ",", ""), 10, 64)
		if err != nil || n < 0 || n > 100_000_000 {
			errs["annual_dossiers"] = a.t(c, "places.error.dossiers")
		}
		dossiers = n
	}
	return dossiers
}

// formCtx is what the fields of an office or counter form show (partials/place_parts.html):
// the values, their problems, and a prefix that keeps their ids apart from another form's.
type formCtx struct {
	Lang, Prefix string
	Form         placeForm
	Errors       formErrors
	Fields       []option
}

// officesPage lists a province's offices, with a form to create one.
type officesPage struct {
	basePage
	Province  province
	Offices   []models.OfficeRow
	NewOffice formCtx
	Errors    formErrors
}

func (a *App) officesPage(c echo.Context) error {
	return a.renderOffices(c, http.StatusOK, placeForm{}, formErrors{})
}

func (a *App) renderOffices(c echo.Context, status int, form placeForm, errs formErrors) error {
	pr, err := a.province(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, pr.path("offices"))
	if err != nil {
		return err
	}
	rows, err := a.store.OfficesIn(c.Request().Context(), pr.Territory)
	if err != nil {
		return err
	}
	return c.Render(status, "offices", officesPage{basePage: p, Province: pr, Offices: rows, Errors: errs,
		NewOffice: formCtx{Lang: p.Lang, Prefix: "office-", Form: form, Errors: errs}})
}

func (a *App) officeCreate(c echo.Context) error {
	pr, err := a.province(c)
	if err != nil {
		return err
	}
	form, errs := readPlaceForm(c), formErrors{}
	dossiers := form.check(a, c, errs, true)
	if len(errs) == 0 {
		o := models.Office{ProvinceID: pr.ID, Code: form.Code, Name: form.Name, AnnualDossiers: dossiers}
		err = a.store.CreateOffice(c.Request().Context(), &o, pr.Territory, a.actor(c))
		if errors.Is(err, models.ErrCodeTaken) {
			errs["code"] = a.t(c, "places.error.office_taken", form.Code, pr.Name)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return a.renderOffices(c, http.StatusBadRequest, form, errs)
	}
	return a.redirectWith(c, pr.path("offices", form.Code)+"?lang="+a.lang(c), noticeOf(survey.Msg("places.office.created", form.Name)))
}

// officeInPath is the path's province and office (:office, its code) in it; 404 otherwise.
func (a *App) officeInPath(c echo.Context) (province, models.Office, error) {
	pr, err := a.province(c)
	if err != nil {
		return pr, models.Office{}, err
	}
	o, err := a.store.OfficeIn(c.Request().Context(), pr.Territory, c.Param("office"))
	if errors.Is(err, models.ErrNotFound) {
		return pr, o, a.fail(c, http.StatusNotFound, a.t(c, "places.error.office", c.Param("office"), pr.Name))
	}
	return pr, o, err
}

// officePage shows an office: its settings, its counters and a form to add one.
type officePage struct {
	basePage
	Province   province
	Office     models.Office
	Counters   []models.Counter
	Settings   formCtx // the office's name and dossiers
	NewCounter formCtx
	Errors     formErrors // both forms' problems, for the summary
	// FieldNames names a counter's preset procedure field in the page's language, by its
	// value in the questionnaire (a value it no longer has is shown as its code).
	FieldNames map[string]string
}

func (a *App) officePage(c echo.Context) error {
	return a.renderOffice(c, http.StatusOK, nil, formErrors{}, placeForm{}, formErrors{})
}

func (a *App) renderOffice(c echo.Context, status int, form *placeForm, errs formErrors, newForm placeForm, newErrs formErrors) error {
	pr, o, err := a.officeInPath(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, pr.path("offices", o.Code))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	counters, err := a.store.CountersOf(ctx, o.ID)
	if err != nil {
		return err
	}
	_, q, err := a.store.PublishedQuestionnaire(ctx, a.cfg.Questionnaire)
	if err != nil {
		return err
	}
	if form == nil {
		form = &placeForm{Name: o.Name, Dossiers: dossierText(o.AnnualDossiers)}
	}
	all := formErrors{}
	for k, v := range errs {
		all[k] = v
	}
	for k, v := range newErrs {
		all["new-"+k] = v
	}
	fields := a.fieldOptions(c, q)
	names := map[string]string{}
	for _, f := range fields[1:] { // after "ask the citizen"
		names[f.Value] = f.Label
	}
	return c.Render(status, "office", officePage{basePage: p, Province: pr, Office: o, Counters: counters, Errors: all,
		Settings:   formCtx{Lang: p.Lang, Prefix: "office-", Form: *form, Errors: errs},
		NewCounter: formCtx{Lang: p.Lang, Prefix: "counter-", Form: newForm, Errors: newErrs, Fields: fields},
		FieldNames: names})
}

func dossierText(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// fieldOptions are the procedure fields a counter may preset, "" (ask) first.
func (a *App) fieldOptions(c echo.Context, q *survey.Questionnaire) []option {
	out := []option{{Value: "", Label: a.t(c, "places.field.ask")}}
	for _, o := range q.Fields.Options {
		out = append(out, option{Value: o.Value, Label: o.Label.In(a.lang(c))})
	}
	return out
}

func (a *App) officeUpdate(c echo.Context) error {
	pr, o, err := a.officeInPath(c)
	if err != nil {
		return err
	}
	form, errs := readPlaceForm(c), formErrors{}
	dossiers := form.check(a, c, errs, false)
	if len(errs) > 0 {
		return a.renderOffice(c, http.StatusBadRequest, &form, errs, placeForm{}, formErrors{})
	}
	if _, err := a.store.UpdateOffice(c.Request().Context(), o.ID, "office.update", a.actor(c), func(x *models.Office) error {
		x.Name, x.AnnualDossiers = form.Name, dossiers
		return nil
	}); err != nil {
		return err
	}
	return a.redirectWith(c, pr.path("offices", o.Code)+"?lang="+a.lang(c), noticeOf(survey.Msg("places.office.updated", form.Name)))
}

// officeClose closes an office with its counters (close), or reopens it.
func (a *App) officeClose(close bool) echo.HandlerFunc {
	kind := "office.reopen"
	if close {
		kind = "office.close"
	}
	return func(c echo.Context) error {
		pr, o, err := a.officeInPath(c)
		if err != nil {
			return err
		}
		if _, err := a.store.UpdateOffice(c.Request().Context(), o.ID, kind, a.actor(c), func(x *models.Office) error {
			x.ClosedAt = nil
			if close {
				x.ClosedAt = models.Closing(a.now())
			}
			return nil
		}); err != nil {
			return err
		}
		msg := survey.Msg("places.office.reopened", o.Name)
		if close {
			msg = survey.Msg("places.office.closed", o.Name)
		}
		return a.redirectWith(c, pr.path("offices", o.Code)+"?lang="+a.lang(c), noticeOf(msg))
	}
}

// checkField puts a preset field that the questionnaire does not have under its field.
func (a *App) checkField(c echo.Context, q *survey.Questionnaire, field string, errs formErrors) {
	if field != "" && !q.HasField(field) {
		errs["field"] = a.t(c, "places.error.field", field)
	}
}

func (a *App) counterCreate(c echo.Context) error {
	pr, o, err := a.officeInPath(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form, errs := readPlaceForm(c), formErrors{}
	dossiers := form.check(a, c, errs, true)
	_, q, err := a.store.PublishedQuestionnaire(ctx, a.cfg.Questionnaire)
	if err != nil {
		return err
	}
	a.checkField(c, q, form.Field, errs)
	if o.ClosedAt != nil {
		errs["code"] = a.t(c, "places.error.office_closed")
	}
	if len(errs) == 0 {
		ctr := models.Counter{OfficeID: o.ID, ProvinceID: o.ProvinceID, Code: form.Code, Name: form.Name, Field: form.Field,
			RequiresDevice: form.RequiresDevice, AnnualDossiers: dossiers}
		err = a.store.CreateCounter(ctx, &ctr, a.actor(c))
		if errors.Is(err, models.ErrCodeTaken) {
			errs["code"] = a.t(c, "places.error.counter_taken", form.Code)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return a.renderOffice(c, http.StatusBadRequest, nil, formErrors{}, form, errs)
	}
	return a.redirectWith(c, pr.path("counters", form.Code)+"?lang="+a.lang(c), noticeOf(survey.Msg("places.counter.created", form.Name)))
}

// counterInPath is the path's province and counter (:counter, its code) with its office,
// when the office is in the province's territory; 404 otherwise.
func (a *App) counterInPath(c echo.Context) (province, models.Counter, models.Office, error) {
	pr, err := a.province(c)
	if err != nil {
		return pr, models.Counter{}, models.Office{}, err
	}
	ctx := c.Request().Context()
	notFound := a.fail(c, http.StatusNotFound, a.t(c, "error.counter_not_found", c.Param("counter")))
	ctr, err := a.store.CounterByCode(ctx, c.Param("counter"))
	if errors.Is(err, models.ErrNotFound) {
		return pr, ctr, models.Office{}, notFound
	}
	if err != nil {
		return pr, ctr, models.Office{}, err
	}
	o, err := a.store.OfficeByID(ctx, ctr.OfficeID)
	if err != nil {
		return pr, ctr, o, err
	}
	if !containsID(pr.Territory, o.ProvinceID) {
		return pr, ctr, o, notFound
	}
	return pr, ctr, o, nil
}
