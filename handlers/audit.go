package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
	"sipas/survey/sheets"
)

// auditPageSize is the number of events a page of the audit log shows.
const auditPageSize = 50

// auditPage is the audit log, newest first, filtered and paginated.
type auditPage struct {
	basePage
	Filter       auditForm
	Errors       formErrors
	Kinds        []string
	Events       []auditRow
	Total        int64
	Page, Pages  int
	Prev, Next   string
	CSVURL       string
	From, Until  int // the events shown, counted from 1
	FilterActive bool
}

type auditForm struct {
	Actor, Kind, From, To string
}

type auditRow struct {
	When, Actor, Addr, Kind, Target, Before, After string
}

// readAuditFilter reads the filter of the page and of its CSV: user, kind, and a range
// of days in Vietnam time (both inclusive).
func (a *App) readAuditFilter(c echo.Context, errs formErrors) (auditForm, models.AuditFilter) {
	form := auditForm{Actor: strings.TrimSpace(c.QueryParam("actor")), Kind: strings.TrimSpace(c.QueryParam("kind")),
		From: c.QueryParam("from"), To: c.QueryParam("to")}
	f := models.AuditFilter{Actor: form.Actor, Kind: form.Kind}
	for _, d := range []struct {
		field, value string
		out          *time.Time
		days         int
	}{{"from", form.From, &f.From, 0}, {"to", form.To, &f.To, 1}} {
		if d.value == "" {
			continue
		}
		day, err := survey.ParseDate(d.value)
		if err != nil {
			errs[d.field] = a.t(c, "audit.error.date", d.value)
			continue
		}
		*d.out = day.AddDate(0, 0, d.days)
	}
	if len(errs) == 0 && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		errs["to"] = a.t(c, "audit.error.range")
	}
	return form, f
}

func (a *App) auditPage(c echo.Context) error {
	errs := formErrors{}
	form, f := a.readAuditFilter(c, errs)
	p, err := a.newPage(c, "/admin/audit")
	if err != nil {
		return err
	}
	ap := auditPage{basePage: p, Filter: form, Errors: errs, Page: 1}
	ap.FilterActive = form != auditForm{}
	ctx := c.Request().Context()
	if ap.Kinds, err = a.store.AuditKinds(ctx); err != nil {
		return err
	}
	if len(errs) > 0 {
		return c.Render(http.StatusBadRequest, "audit", ap)
	}
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 1 {
		ap.Page = n
	}
	events, total, err := a.store.AuditEvents(ctx, f, (ap.Page-1)*auditPageSize, auditPageSize)
	if err != nil {
		return err
	}
	ap.Total, ap.Pages = total, max(1, int((total+auditPageSize-1)/auditPageSize))
	ap.From, ap.Until = (ap.Page-1)*auditPageSize+1, (ap.Page-1)*auditPageSize+len(events)
	for _, ev := range events {
		ap.Events = append(ap.Events, auditRow{When: when(p.Lang, ev.At), Actor: ev.Actor, Addr: ev.ClientAddr,
			Kind: ev.Kind, Target: ev.Target, Before: ev.Before, After: ev.After})
	}
	query := func(page int) string {
		v := url.Values{"lang": {p.Lang}}
		for k, x := range map[string]string{"actor": form.Actor, "kind": form.Kind, "from": form.From, "to": form.To} {
			if x != "" {
				v.Set(k, x)
			}
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return v.Encode()
	}
	if ap.Page > 1 {
		ap.Prev = "/admin/audit?" + query(ap.Page-1)
	}
	if ap.Page < ap.Pages {
		ap.Next = "/admin/audit?" + query(ap.Page+1)
	}
	ap.CSVURL = "/admin/audit.csv?" + query(1)
	ap.SwitchURL = "/admin/audit?" + strings.Replace(query(ap.Page), "lang="+p.Lang, "lang="+p.OtherLang, 1)
	return c.Render(http.StatusOK, "audit", ap)
}

// auditCSV exports the events the filter selects, oldest first, streamed row by row.
// Times are RFC 3339 in Vietnam time; a cell that a spreadsheet would take for a formula
// is prefixed with an apostrophe.
func (a *App) auditCSV(c echo.Context) error {
	errs := formErrors{}
	_, f := a.readAuditFilter(c, errs)
	if len(errs) > 0 {
		return a.fail(c, http.StatusBadRequest, errs["from"]+" "+errs["to"])
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, mimeCSV)
	res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="sipas-audit-%s.csv"`, a.now().In(survey.VietnamTime()).Format("20060102")))
	w := csv.NewWriter(res)
	if err := w.Write([]string{"at", "actor", "client_addr", "kind", "target", "before", "after"}); err != nil {
		return err
	}
	err := a.store.EachAuditEvent(c.Request().Context(), f, func(ev models.AuditEvent) error {
		return w.Write([]string{ev.At.In(survey.VietnamTime()).Format(time.RFC3339), sheets.SafeText(ev.Actor), ev.ClientAddr,
			ev.Kind, sheets.SafeText(ev.Target), sheets.SafeText(ev.Before), sheets.SafeText(ev.After)})
	})
	w.Flush()
	if err != nil {
		return err
	}
	return w.Error()
}
