package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
	"sipas/survey/sheets"
)

// questionnaireRoutes registers the questionnaires' versions, drafts and assignments,
// for province admins (their province's drafts and assignments) and administrators.
func (a *App) questionnaireRoutes(e *echo.Echo) {
	g := e.Group("/admin/questionnaires")
	g.GET("", a.questionnairesPage)
	g.POST("/drafts", a.draftStart)
	g.GET("/drafts/:draft", a.designerPage)
	g.POST("/drafts/:draft", a.draftSave)
	g.GET("/drafts/:draft/preview", a.draftPreview)
	g.GET("/drafts/:draft/preview/frame", a.draftPreviewFrame)
	g.POST("/drafts/:draft/publish", a.draftPublish)
	g.POST("/drafts/:draft/discard", a.draftDiscard)
	g.GET("/versions/:version", a.versionPage)
	g.GET("/versions/:version/questionnaire.json", a.versionJSON)
	g.POST("/versions/:version/assign", a.versionAssign)
	g.GET("/versions/:version/paper", a.paperForm)
	g.GET("/versions/:version/template.csv", a.versionTemplate("csv"))
	g.GET("/versions/:version/template.xlsx", a.versionTemplate("xlsx"))
}

// editor is the signed-in user who designs and assigns questionnaires: an administrator
// everywhere, a province admin within their province (Province is 0 for an administrator).
type editor struct {
	Actor     models.Actor
	Province  uint   // the province admin's province; 0: an administrator
	Territory []uint // the province and the former ones merged into it; nil: every one
}

func (a *App) editor(c echo.Context) (editor, error) {
	v, err := a.viewer(c)
	if err != nil {
		return editor{}, err
	}
	ed := editor{Actor: a.actor(c)}
	if acc := v.user.Account(); acc.Role != survey.RoleAdmin {
		ed.Province, ed.Territory = acc.ProvinceID, v.scope.ProvinceIDs
	}
	return ed, nil
}

// mayEdit tells whether the editor may change a draft: the administrators' own drafts
// are theirs only, a province's are its admins' and the administrators'.
func (ed editor) mayEdit(d models.Draft) bool {
	return ed.Province == 0 || d.ProvinceID != nil && *d.ProvinceID == ed.Province
}

// questionnairesPage lists every published version, the drafts the user may edit and
// the assignments in their scope.
type questionnairesPage struct {
	basePage
	Versions    []models.VersionSummary
	Drafts      []models.Draft
	Assignments []assignmentRow
	National    bool
}

// assignmentRow is an assignment with its state at the moment: in force, not yet started,
// or replaced by a later one at its place.
type assignmentRow struct {
	models.AssignmentRow
	From  string
	State string // in words
	Place string // in words
}

func (a *App) questionnairesPage(c echo.Context) error {
	ed, err := a.editor(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, "/admin/questionnaires")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	qp := questionnairesPage{basePage: p, National: ed.Province == 0}
	if qp.Versions, err = a.store.Versions(ctx); err != nil {
		return err
	}
	owners := []uint(nil)
	if ed.Province != 0 {
		owners = []uint{ed.Province}
	}
	if qp.Drafts, err = a.store.Drafts(ctx, owners); err != nil {
		return err
	}
	if qp.Assignments, err = a.assignmentRows(c, ed.Territory, 0); err != nil {
		return err
	}
	return c.Render(http.StatusOK, "questionnaires", qp)
}

// assignmentRows lists the assignments of the territory (nil: all) and the country's,
// of one version when versionID is not 0, each with its state now.
func (a *App) assignmentRows(c echo.Context, territory []uint, versionID uint) ([]assignmentRow, error) {
	rows, err := a.store.Assignments(c.Request().Context(), territory)
	if err != nil {
		return nil, err
	}
	now := a.now()
	var all []survey.Assignment
	for _, r := range rows {
		all = append(all, r.Domain())
	}
	var out []assignmentRow
	for _, r := range rows {
		if versionID != 0 && r.QuestionnaireID != versionID {
			continue
		}
		ar := assignmentRow{AssignmentRow: r, From: when(a.lang(c), r.StartsAt)}
		if r.StartsAt.Unix() <= 0 {
			ar.From = a.t(c, "questionnaires.since_always")
		}
		d := r.Domain()
		switch cur, _ := survey.InForce(all, d.ProvinceID, d.OfficeID, now); {
		case d.From.After(now):
			ar.State = a.t(c, "questionnaires.state.scheduled")
		case sameAssignmentPlace(cur, d) && cur.ID == d.ID:
			ar.State = a.t(c, "questionnaires.state.in_force")
		default:
			ar.State = a.t(c, "questionnaires.state.replaced")
		}
		switch d.Level() {
		case 2:
			ar.Place = a.t(c, "questionnaires.place.office", r.OfficeName, r.OfficeCode)
		case 1:
			ar.Place = a.t(c, "questionnaires.place.province", r.ProvinceName)
		default:
			ar.Place = a.t(c, "questionnaires.place.country")
		}
		out = append(out, ar)
	}
	return out, nil
}

// sameAssignmentPlace tells whether the assignment in force at a's place is at a's level
// (an office's own, not its province's).
func sameAssignmentPlace(cur, a survey.Assignment) bool { return cur.Level() == a.Level() }

// draftStart starts a draft from a published version (form: from, its ID).
func (a *App) draftStart(c echo.Context) error {
	ed, err := a.editor(c)
	if err != nil {
		return err
	}
	from, _ := strconv.ParseUint(c.FormValue("from"), 10, 64)
	d, err := a.store.StartDraft(c.Request().Context(), uint(from), ed.Province, ed.Actor)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return a.fail(c, http.StatusBadRequest, a.t(c, "questionnaires.error.no_version"))
	case errors.Is(err, models.ErrDraftExists):
		return a.redirectWith(c, "/admin/questionnaires?lang="+a.lang(c), errorNotice(survey.Msg("questionnaires.error.draft_exists")))
	case err != nil:
		return err
	}
	return a.redirectWith(c, draftPath(d.ID)+"?lang="+a.lang(c), noticeOf(survey.Msg("designer.started", d.Code)))
}

func draftPath(id uint) string { return fmt.Sprintf("/admin/questionnaires/drafts/%d", id) }

func versionPath(id uint) string { return fmt.Sprintf("/admin/questionnaires/versions/%d", id) }

// version is the path's published version (:version, its ID); 404 otherwise.
func (a *App) version(c echo.Context) (models.Questionnaire, *survey.Questionnaire, error) {
	id, err := strconv.ParseUint(c.Param("version"), 10, 64)
	if err != nil {
		return models.Questionnaire{}, nil, a.fail(c, http.StatusNotFound, a.t(c, "error.not_found"))
	}
	row, q, err := a.store.Version(c.Request().Context(), uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return row, q, a.fail(c, http.StatusNotFound, a.t(c, "error.not_found"))
	}
	return row, q, err
}

// versionPage shows a published version: what it asks, where it is assigned, a form to
// assign it, and its paper form, import templates and JSON.
type versionPage struct {
	basePage
	Version     models.Questionnaire
	Q           *survey.Questionnaire
	Assignments []assignmentRow
	National    bool
	Provinces   []option
	Offices     []option
	Form        assignForm
	Errors      formErrors
}

// assignForm is an assignment as typed.
type assignForm struct {
	Place, Province, Office, From string
}

func (a *App) versionPage(c echo.Context) error {
	return a.renderVersion(c, http.StatusOK, assignForm{Place: "office", From: a.today()}, formErrors{})
}

func (a *App) renderVersion(c echo.Context, status int, form assignForm, errs formErrors) error {
	ed, err := a.editor(c)
	if err != nil {
		return err
	}
	row, q, err := a.version(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, versionPath(row.ID))
	if err != nil {
		return err
	}
	vp := versionPage{basePage: p, Version: row, Q: q, National: ed.Province == 0, Form: form, Errors: errs}
	if vp.Assignments, err = a.assignmentRows(c, ed.Territory, row.ID); err != nil {
		return err
	}
	me := survey.Account{Role: survey.RoleAdmin}
	if ed.Province != 0 {
		me = survey.Account{Role: survey.RoleProvinceAdmin, ProvinceID: ed.Province}
	}
	if vp.Provinces, err = a.provinceOptions(c, me); err != nil {
		return err
	}
	offices, err := a.store.OfficesIn(c.Request().Context(), ed.territoryOr(a, c))
	if err != nil {
		return err
	}
	for _, o := range offices {
		if o.ClosedAt == nil {
			vp.Offices = append(vp.Offices, option{Value: o.Code, Label: o.Name + " (" + o.Code + ")"})
		}
	}
	return c.Render(status, "version", vp)
}

// territoryOr is the editor's territory, or for an administrator the offices of the
// province the form names (none when it names none).
func (ed editor) territoryOr(a *App, c echo.Context) []uint {
	if ed.Territory != nil {
		return ed.Territory
	}
	units, err := a.store.Units(c.Request().Context())
	if err != nil {
		return []uint{}
	}
	code := c.FormValue("province")
	if code == "" {
		code = c.QueryParam("province")
	}
	u, ok := survey.UnitAt(units, code, a.today())
	if !ok {
		return []uint{}
	}
	return survey.UnitIDs(survey.UnitsInto(units, u))
}

// versionJSON downloads a version's definition, as `sipas questionnaire export` writes it.
func (a *App) versionJSON(c echo.Context) error {
	row, q, err := a.version(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-v%d.json"`, row.Code, row.Version))
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", q.JSON())
}

// versionAssign assigns the version to the whole country (administrators), a province or
// an office, from a day (Vietnam time; today: from now).
func (a *App) versionAssign(c echo.Context) error {
	ed, err := a.editor(c)
	if err != nil {
		return err
	}
	row, _, err := a.version(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form := assignForm{Place: c.FormValue("place"), Province: strings.TrimSpace(c.FormValue("province")),
		Office: strings.TrimSpace(c.FormValue("office")), From: strings.TrimSpace(c.FormValue("from"))}
	errs := formErrors{}
	from, err := survey.ParseDate(form.From)
	if err != nil {
		errs["from"] = a.t(c, "questionnaires.error.from", form.From)
	} else if survey.DayKey(from) <= survey.DayKey(a.now()) {
		from = a.now() // today or earlier: from now on, as the past is not changed
	}
	var provinceID, officeID uint
	units, err := a.store.Units(ctx)
	if err != nil {
		return err
	}
	switch form.Place {
	case "country":
		if ed.Province != 0 {
			return a.forbidden(c)
		}
	case "province", "office":
		code := form.Province
		if ed.Province != 0 {
			code = a.provinceCode(c, ed.Province)
		}
		u, ok := survey.UnitAt(units, code, a.today())
		if !ok {
			errs["province"] = a.t(c, "users.error.province", code)
			break
		}
		provinceID = u.ID
		if form.Place == "office" {
			o, err := a.store.OfficeIn(ctx, survey.UnitIDs(survey.UnitsInto(units, u)), form.Office)
			if errors.Is(err, models.ErrNotFound) {
				errs["office"] = a.t(c, "users.error.office", form.Office, u.Name)
				break
			}
			if err != nil {
				return err
			}
			officeID, provinceID = o.ID, o.ProvinceID
		}
	default:
		errs["place"] = a.t(c, "questionnaires.error.place")
	}
	if len(errs) > 0 {
		return a.renderVersion(c, http.StatusBadRequest, form, errs)
	}
	if _, err := a.store.Assign(ctx, row.ID, provinceID, officeID, from, ed.Actor); err != nil {
		return err
	}
	return a.redirectWith(c, versionPath(row.ID)+"?lang="+a.lang(c),
		noticeOf(survey.Msg("questionnaires.assigned", row.Code, row.Version, when(a.lang(c), from))))
}

// templateCounters are the counters an import template is filled in for: the one named
// (?counter=) or every open counter of an office (?province=&office=), within the
// user's scope; none without either.
func (a *App) templateCounters(c echo.Context) ([]models.Counter, []survey.Unit, error) {
	ctx := c.Request().Context()
	units, err := a.store.Units(ctx)
	if err != nil {
		return nil, nil, err
	}
	scope := a.scope(c)
	inScope := func(provinceID uint) bool {
		return scope.ProvinceIDs == nil || containsID(scope.ProvinceIDs, provinceID)
	}
	notFound := a.fail(c, http.StatusNotFound, a.t(c, "error.not_found"))
	if code := c.QueryParam("counter"); code != "" {
		ctr, err := a.store.CounterByCode(ctx, code)
		if err != nil {
			return nil, units, notFound
		}
		if !inScope(ctr.ProvinceID) {
			return nil, units, a.forbidden(c)
		}
		return []models.Counter{ctr}, units, nil
	}
	if code := c.QueryParam("office"); code != "" {
		u, ok := survey.UnitAt(units, c.QueryParam("province"), a.today())
		if !ok {
			return nil, units, notFound
		}
		if !inScope(u.ID) {
			return nil, units, a.forbidden(c)
		}
		o, err := a.store.OfficeIn(ctx, survey.UnitIDs(survey.UnitsInto(units, u)), code)
		if err != nil {
			return nil, units, notFound
		}
		all, err := a.store.CountersOf(ctx, o.ID)
		var open []models.Counter
		for _, x := range all {
			if x.ClosedAt == nil {
				open = append(open, x)
			}
		}
		return open, units, err
	}
	return nil, units, nil
}

// versionTemplate is an import template of the version: its columns, and a row for each
// chosen counter with the province, office, counter and channel filled in, for the
// answers of each paper form to be typed under (copy the row down).
func (a *App) versionTemplate(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		row, q, err := a.version(c)
		if err != nil {
			return err
		}
		counters, units, err := a.templateCounters(c)
		if err != nil {
			return err
		}
		t := survey.ImportTemplate(q)
		for _, ctr := range counters {
			o, err := a.store.OfficeByID(c.Request().Context(), ctr.OfficeID)
			if err != nil {
				return err
			}
			t.AddCounter(unitCode(units, o.ProvinceID), o.Code, ctr.Code)
		}
		name := fmt.Sprintf("sipas-%s-v%d-template", row.Code, row.Version)
		if len(counters) == 1 {
			name += "-" + counters[0].Code
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
		if format == "csv" {
			c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
			c.Response().WriteHeader(http.StatusOK)
			return sheets.WriteCSV(c.Response(), t.Table)
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Response().WriteHeader(http.StatusOK)
		return sheets.WriteXLSX(c.Response(), t.Table)
	}
}

func unitCode(units []survey.Unit, id uint) string {
	for _, u := range units {
		if u.ID == id {
			return u.Code
		}
	}
	return ""
}
