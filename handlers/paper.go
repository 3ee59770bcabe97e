package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/handlers/apijson"
	"sipas/models"
	"sipas/survey"
	"sipas/survey/sheets"
)

// maxImportMB bounds an uploaded paper-questionnaire file (100,000 rows of CSV are
// about 8 MB, of XLSX about 5 MB).
const maxImportMB = 50

// uploadMemory is how much of an uploaded file is kept in memory.
const uploadMemory = 1 << 20

// paperRoutes registers the paper-questionnaire upload and the exports.
func (a *App) paperRoutes(e *echo.Echo) {
	// Province admins (rows of their province only) and admins; the body limit and the
	// CSRF check are in access_rules.go.
	admin := e.Group("/admin")
	admin.GET("/import", a.importForm)
	admin.GET("/import/template.csv", a.importTemplate)
	admin.POST("/import", a.importUpload)

	// The exports hold the province-level figures, public like /api/v1/sipas.
	e.GET("/export.csv", a.export("csv"))
	e.GET("/export.xlsx", a.export("xlsx"))
	e.GET("/export.json", a.export("json"))
}

// importPage is the upload form, with the problems of a refused file or the counts of
// an imported one.
type importPage struct {
	Lang, OtherLang, SwitchURL string
	Nav                        navBar
	CSRF                       string
	MaxMB                      int
	Header                     string // the columns of SPEC §4 for this questionnaire, ", " between them
	FileName                   string
	Problems                   []string
	More                       bool // Problems stops at survey.MaxPaperErrors
	Result                     *models.ImportResult
	Rows                       int
}

func (a *App) importPage(c echo.Context) (importPage, error) {
	lang := a.lang(c)
	other := a.views.Catalog.Next(lang)
	_, q, err := a.store.PublishedQuestionnaire(c.Request().Context(), a.cfg.Questionnaire)
	if err != nil {
		return importPage{}, err
	}
	token, err := a.csrfToken(c)
	if err != nil {
		return importPage{}, err
	}
	return importPage{Lang: lang, OtherLang: other, SwitchURL: "/admin/import?lang=" + other, Nav: a.navBar(c), CSRF: token,
		MaxMB: maxImportMB, Header: strings.Join(paperHeader(q), ", ")}, nil
}

// paperHeader is every column an import file may have, in the usual order.
func paperHeader(q *survey.Questionnaire) []string {
	h := append(survey.PaperColumns(), q.CriterionCodes()...)
	h = append(h, survey.FieldName)
	return append(h, q.QuestionCodes()...)
}

// importDone is what an import did, carried to the page after the redirect.
type importDone struct {
	FileName string
	Rows     int
	Result   models.ImportResult
}

// importForm shows the upload form, and after an import what it did.
func (a *App) importForm(c echo.Context) error {
	page, err := a.importPage(c)
	if err != nil {
		return err
	}
	var done importDone
	if a.takeFlash(c, &done) {
		page.FileName, page.Rows, page.Result = done.FileName, done.Rows, &done.Result
	}
	return c.Render(http.StatusOK, "import", page)
}

// importTemplate is a CSV with the header and one example row, to fill in a spreadsheet.
func (a *App) importTemplate(c echo.Context) error {
	_, q, err := a.store.PublishedQuestionnaire(c.Request().Context(), a.cfg.Questionnaire)
	if err != nil {
		return err
	}
	header := paperHeader(q)
	example := make([]string, len(header))
	copy(example, []string{"31", "ubnd-hong-bang", "hb-quay-1", "paper", a.now().In(survey.VietnamTime()).Format("2006-01-02")})
	for i, col := range header {
		if _, _, ok := q.Criterion(col); ok {
			example[i] = "4"
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	w.Write(example)
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="sipas-paper-template.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// importUpload stores an uploaded file of paper questionnaires, all of it or nothing. A
// refused file is shown again with its problems; an imported one redirects to the form,
// which shows what was stored (so that reloading the page does not post the file again).
func (a *App) importUpload(c echo.Context) error {
	// Parsed before anything reads a form value: a file beyond uploadMemory goes to a
	// temporary file, removed when the request ends (admit), instead of sitting in memory
	// while it is read; a body beyond the limit is 413 however it is sent.
	if err := c.Request().ParseMultipartForm(uploadMemory); tooLarge(err) {
		return echo.ErrStatusRequestEntityTooLarge
	}
	page, err := a.importPage(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	fh, err := c.FormFile("file")
	if err != nil {
		page.Problems = []string{a.t(c, "paper.error.no_file")}
		return c.Render(http.StatusBadRequest, "import", page)
	}
	page.FileName = fh.Filename
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	records, err := sheets.ReadAll(fh.Filename, f, fh.Size, sheets.DefaultLimits())
	if err != nil {
		return a.rejectImport(c, page, err)
	}
	qrow, q, err := a.store.PublishedQuestionnaire(ctx, a.cfg.Questionnaire)
	if err != nil {
		return err
	}
	units, err := a.store.Units(ctx)
	if err != nil {
		return err
	}
	rows, err := survey.ParsePaper(q, units, records, a.now())
	if err != nil {
		return a.rejectImport(c, page, err)
	}
	if page.Problems = a.outOfScope(c, rows); len(page.Problems) > 0 {
		return c.Render(http.StatusBadRequest, "import", page)
	}
	res, err := a.store.ImportPaper(ctx, rows, q, qrow.ID)
	if err != nil {
		return a.rejectImport(c, page, err)
	}
	if err := a.store.Audit(ctx, a.actor(c), "paper.import", fh.Filename, nil, map[string]any{
		"sha256": hex.EncodeToString(sum.Sum(nil)), "rows": len(rows), "stored": res.Stored, "repeated": res.Repeated,
		"offices": res.Offices, "counters": res.Counters}); err != nil {
		return err
	}
	if err := a.setFlash(c, importDone{FileName: fh.Filename, Rows: len(rows), Result: res}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/import?lang="+page.Lang)
}

// outOfScope names the rows of a province the user may not import into (a province
// admin imports its own province's questionnaires, former units merged into it included).
func (a *App) outOfScope(c echo.Context, rows []survey.PaperRow) []string {
	scope := a.scope(c)
	if scope.ProvinceIDs == nil {
		return nil
	}
	var problems []string
	for _, r := range rows {
		if !containsID(scope.ProvinceIDs, r.Unit.ID) && len(problems) < survey.MaxPaperErrors {
			problems = append(problems, a.t(c, "auth.import.other_province", r.Row, r.Unit.Code, r.Unit.Name))
		}
	}
	return problems
}

// rejectImport shows the form again with the problems of the file (400); an error that
// is not the file's is left to the central handler.
func (a *App) rejectImport(c echo.Context, page importPage, err error) error {
	var (
		list  survey.PaperErrors
		one   *survey.PaperError
		sheet *sheets.Error
	)
	switch {
	case errors.As(err, &list):
		for _, e := range list {
			page.Problems = append(page.Problems, a.msg(c, e.Describe()))
		}
		page.More = len(list) == survey.MaxPaperErrors
	case errors.As(err, &one):
		page.Problems = []string{a.msg(c, one.Describe())}
	case errors.As(err, &sheet):
		page.Problems = []string{a.msg(c, sheet.Describe())}
	default:
		return err
	}
	return c.Render(http.StatusBadRequest, "import", page)
}

// Media types of the exports.
const (
	mimeCSV  = "text/csv; charset=utf-8"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// export downloads the national table of a period (the parameters of /api/v1/sipas) as
// CSV (one level, ?level=provinces|elements|criteria), XLSX (a sheet per level) or JSON.
func (a *App) export(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		rq, err := a.readReportQuery(c)
		if err != nil {
			return err
		}
		level := c.QueryParam("level")
		if level == "" {
			level = survey.LevelProvinces
		}
		if err := survey.CheckLevel(level); err != nil {
			return a.badRequest(c, err)
		}
		r, err := a.nationalReport(c, rq, false)
		if err != nil {
			return err
		}
		lang := a.lang(c)
		name := "sipas-" + strings.ReplaceAll(rq.period.String(), "/", "_")
		if rq.current {
			name += "-current"
		}
		var buf bytes.Buffer
		mime := echo.MIMEApplicationJSON
		switch format {
		case "json":
			err = json.NewEncoder(&buf).Encode(apijson.NationalDoc(r, rq.current, lang))
		case "xlsx":
			mime = mimeXLSX
			err = sheets.WriteXLSX(&buf, r.Tables(lang)...)
		default:
			mime, name = mimeCSV, name+"-"+level
			var t survey.Table
			if t, err = survey.TableOf(r.Tables(lang), level); err == nil {
				err = sheets.WriteCSV(&buf, t)
			}
		}
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
		return c.Blob(http.StatusOK, mime, buf.Bytes())
	}
}
