package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// paperPage is the printable A4 questionnaire of a version, in two languages, whose boxes
// are the columns of the import file one to one: a clerk types what is ticked under the
// code printed beside it.
type paperPage struct {
	Lang, OtherLang, SwitchURL string
	Second                     string // the second language printed, "" for one
	Version                    models.Questionnaire
	Q                          *survey.Questionnaire
	Province, Office, Counter  string // codes printed in their boxes, "" to write by hand
	OfficeName, CounterName    string
	Columns                    []string // the import file's header, for the key at the end
	Span                       int      // the columns of the criteria's table
	Back                       string
}

func (a *App) paperForm(c echo.Context) error {
	row, q, err := a.version(c)
	if err != nil {
		return err
	}
	counters, units, err := a.templateCounters(c)
	if err != nil {
		return err
	}
	lang := a.lang(c)
	other := a.views.Catalog.Next(lang)
	p := paperPage{Lang: lang, OtherLang: other, Version: row, Q: q, Columns: survey.PaperHeader(q), Span: len(q.Scale.Values()) + 2,
		Back: versionPath(row.ID) + "?lang=" + lang}
	p.SwitchURL = versionPath(row.ID) + "/paper?lang=" + other
	p.Second = c.QueryParam("second")
	if p.Second == "" {
		p.Second = other
	}
	if p.Second == lang || p.Second == "none" {
		p.Second = ""
	} else {
		p.Second = a.views.Catalog.Lang(p.Second)
	}
	if len(counters) == 1 {
		ctr := counters[0]
		o, err := a.store.OfficeByID(c.Request().Context(), ctr.OfficeID)
		if err != nil {
			return err
		}
		p.Province, p.Office, p.Counter, p.OfficeName, p.CounterName = unitCode(units, o.ProvinceID), o.Code, ctr.Code, o.Name, ctr.Name
		p.SwitchURL += "&counter=" + ctr.Code
	}
	return c.Render(http.StatusOK, "paper", p)
}
