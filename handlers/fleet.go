package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// fleetRoutes registers the fleet page of a province's kiosk devices and its opening hours.
func (a *App) fleetRoutes(e *echo.Echo) {
	e.GET("/admin/fleet", a.fleetIndex)
	p := e.Group("/admin/provinces/:code")
	p.GET("/fleet", a.fleetPage)
	p.POST("/fleet/hours", a.fleetHours)
}

// fleetIndex sends a province admin to their province's fleet, an administrator to the
// list of provinces.
func (a *App) fleetIndex(c echo.Context) error {
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	if code := a.provinceCode(c, v.user.Account().ProvinceID); code != "" {
		return c.Redirect(http.StatusSeeOther, "/admin/provinces/"+code+"/fleet?lang="+a.lang(c))
	}
	return c.Redirect(http.StatusSeeOther, "/admin/places?lang="+a.lang(c))
}

// fleetPage lists every kiosk device of a province (or of one office), worst first.
type fleetPage struct {
	basePage
	Province province
	Offices  []option
	Office   string // the office chosen, "" for all
	Devices  []fleetRow
	Silent   int
	Queues   int
	Hours    hoursForm
	Errors   formErrors
	Version  string // the kiosk script's current version
}

// fleetRow is one device with what the page says about it.
type fleetRow struct {
	models.FleetRow
	Health    survey.DeviceHealth
	LastSeen  string // in words: the moment, or never
	SilentFor string // opening hours since the last contact, "2 h 10 min"
	CardURL   string // its counter's page
}

// hoursForm is the opening hours as the form shows them.
type hoursForm struct {
	Open, Close string
	Days        []dayBox
}

type dayBox struct {
	Value   int
	Label   string
	Checked bool
}

func (a *App) hoursForm(c echo.Context, h survey.OpeningHours) hoursForm {
	f := hoursForm{Open: survey.Clock(h.Open), Close: survey.Clock(h.Close)}
	names := [7]string{a.t(c, "fleet.day.sun"), a.t(c, "fleet.day.mon"), a.t(c, "fleet.day.tue"), a.t(c, "fleet.day.wed"),
		a.t(c, "fleet.day.thu"), a.t(c, "fleet.day.fri"), a.t(c, "fleet.day.sat")}
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		f.Days = append(f.Days, dayBox{Value: int(d), Label: names[d], Checked: h.Days[d]})
	}
	return f
}

func (a *App) fleetPage(c echo.Context) error {
	return a.renderFleet(c, http.StatusOK, nil, formErrors{})
}

func (a *App) renderFleet(c echo.Context, status int, hours *hoursForm, errs formErrors) error {
	pr, err := a.province(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	officeCode := c.QueryParam("office")
	p, err := a.newPage(c, pr.path("fleet"))
	if err != nil {
		return err
	}
	if officeCode != "" {
		p.SwitchURL = pr.path("fleet") + "?office=" + url.QueryEscape(officeCode) + "&lang=" + p.OtherLang
	}
	fp := fleetPage{basePage: p, Province: pr, Office: officeCode, Errors: errs}
	fp.Version, _ = a.assets.Version("js/kiosk.js")
	offices, err := a.store.OfficesIn(ctx, pr.Territory)
	if err != nil {
		return err
	}
	var officeID uint
	for _, o := range offices {
		fp.Offices = append(fp.Offices, option{Value: o.Code, Label: o.Name})
		if o.Code == officeCode {
			officeID = o.ID
		}
	}
	if officeCode != "" && officeID == 0 {
		return a.fail(c, http.StatusNotFound, a.t(c, "places.error.office", officeCode, pr.Name))
	}
	h, err := a.store.OpeningHours(ctx, pr.ID)
	if err != nil {
		return err
	}
	if hours == nil {
		f := a.hoursForm(c, h)
		hours = &f
	}
	fp.Hours = *hours
	now := a.now()
	today := survey.DayOf(now)
	monday := today.AddDate(0, 0, -(int(today.Weekday())+6)%7)
	rows, err := a.store.Fleet(ctx, pr.Territory, officeID, survey.DayKey(today), survey.DayKey(monday))
	if err != nil {
		return err
	}
	for _, r := range rows {
		fr := fleetRow{FleetRow: r, Health: h.Health(r.State(), fp.Version, now), LastSeen: a.t(c, "fleet.never"),
			CardURL: pr.path("counters", r.CounterCode) + "?lang=" + p.Lang}
		if r.LastSeenAt != nil {
			fr.LastSeen = when(p.Lang, *r.LastSeenAt)
		}
		fr.SilentFor = a.duration(c, fr.Health.SilentFor)
		if fr.Health.Silent {
			fp.Silent++
		}
		if fr.Health.QueueGrowing {
			fp.Queues++
		}
		fp.Devices = append(fp.Devices, fr)
	}
	survey.SortWorstFirst(fp.Devices, func(r fleetRow) survey.DeviceHealth { return r.Health },
		func(r fleetRow) int { return r.Queue }, func(r fleetRow) string { return r.Name })
	return c.Render(status, "fleet", fp)
}

// duration writes opening time in hours and minutes.
func (a *App) duration(c echo.Context, d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h == 0 {
		return a.t(c, "fleet.minutes", m)
	}
	return a.t(c, "fleet.hours_minutes", h, m)
}

// fleetHours sets the opening hours the province's devices are judged by.
func (a *App) fleetHours(c echo.Context) error {
	pr, err := a.province(c)
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	f := hoursForm{Open: strings.TrimSpace(form.Get("open")), Close: strings.TrimSpace(form.Get("close"))}
	var h survey.OpeningHours
	errs := formErrors{}
	for _, d := range form["day"] {
		for i := range 7 {
			if d == string(rune('0'+i)) {
				h.Days[i] = true
			}
		}
	}
	if h.Open, err = survey.ParseClock(f.Open); err != nil {
		errs["open"] = a.t(c, "fleet.hours.error.time", f.Open)
	}
	if h.Close, err = survey.ParseClock(f.Close); err != nil {
		errs["close"] = a.t(c, "fleet.hours.error.time", f.Close)
	}
	if len(errs) == 0 {
		var inputErr *survey.InputError
		if err := h.Check(); errors.As(err, &inputErr) {
			errs[inputErr.Name] = a.msg(c, inputErr.Describe())
		}
	}
	if len(errs) > 0 {
		shown := a.hoursForm(c, h)
		shown.Open, shown.Close = f.Open, f.Close
		return a.renderFleet(c, http.StatusBadRequest, &shown, errs)
	}
	if err := a.store.SetOpeningHours(c.Request().Context(), pr.ID, h, a.actor(c)); err != nil {
		return err
	}
	a.forgetHoldRules() // the kiosk's check of opening hours reads them again
	return a.redirectWith(c, pr.path("fleet")+"?lang="+a.lang(c), noticeOf(survey.Msg("fleet.hours.saved")))
}
