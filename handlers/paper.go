package handlers

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
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
	admin.GET("/imports", a.importJobs)
	admin.GET("/imports/:id", a.importJob)

	// The exports hold the province-level figures, public like /api/v1/sipas.
	e.GET("/export.csv", a.export("csv"))
	e.GET("/export.xlsx", a.export("xlsx"))
	e.GET("/export.json", a.export("json"))
}

// importPage is the upload form, with the problem of an upload that could not be taken
// (no file, not a table, too big); the file's own problems are on its job's page.
type importPage struct {
	Lang, OtherLang, SwitchURL string
	Nav                        navBar
	CSRF                       string
	MaxMB                      int
	Header                     string // the columns of SPEC §4 for this questionnaire, ", " between them
	FileName                   string
	Problems                   []string
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

// importForm shows the upload form.
func (a *App) importForm(c echo.Context) error {
	page, err := a.importPage(c)
	if err != nil {
		return err
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

// importUpload keeps an uploaded file of paper questionnaires and queues its import,
// then answers at once with the job's page (303), which shows its progress and its
// result: imported, all of it, or nothing, with the file's problems. An upload that
// cannot be taken (no file, not .csv or .xlsx) is the form again with the reason (400).
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
	fh, err := c.FormFile("file")
	if err != nil {
		page.Problems = []string{a.t(c, "paper.error.no_file")}
		return c.Render(http.StatusBadRequest, "import", page)
	}
	page.FileName = fh.Filename
	var sheet *sheets.Error
	if err := sheets.CheckName(fh.Filename); errors.As(err, &sheet) {
		page.Problems = []string{a.msg(c, sheet.Describe())}
		return c.Render(http.StatusBadRequest, "import", page)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	job, err := a.imports.Queue(c.Request().Context(), models.NewImport{FileName: fh.Filename, Questionnaire: a.cfg.Questionnaire,
		Scope: a.scope(c), By: a.actor(c)}, f, fh.Size)
	if errors.Is(err, models.ErrImportTooBig) {
		return echo.ErrStatusRequestEntityTooLarge
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/imports/"+strconv.FormatUint(uint64(job.ID), 10)+"?lang="+page.Lang)
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
