package handlers

import (
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// counterPage shows a counter: its links (kiosk, phone, QR card, paper form, import
// templates), its settings, moving and closing it, and its kiosk devices.
type counterPage struct {
	basePage
	Province province
	Office   models.Office
	Counter  models.Counter
	Version  models.Questionnaire // in force at the counter now
	KioskURL string
	PhoneURL string
	Devices  []models.Device
	Offices  []option // the province's open offices it may move to
	Settings formCtx
	Errors   formErrors
	Link     *deviceLinkView // a registration link just made, shown once
}

// deviceLinkView is a one-time registration link and its QR code.
type deviceLinkView struct {
	URL     string
	QR      template.HTML
	Expires time.Time
}

// baseURL is this server's address as the browser reached it, for links printed or
// shown as a QR code.
func baseURL(c echo.Context) string { return c.Scheme() + "://" + c.Request().Host }

func (a *App) counterPage(c echo.Context) error {
	return a.renderCounter(c, http.StatusOK, nil, formErrors{}, nil)
}

// renderCounter shows the counter page, with the form as typed and its problems when
// given, and a registration link just made.
func (a *App) renderCounter(c echo.Context, status int, form *placeForm, errs formErrors, link *deviceLinkView) error {
	pr, ctr, o, err := a.counterInPath(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, pr.path("counters", ctr.Code))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	k, err := a.store.Kiosk(ctx, models.KioskLookup{Counter: ctr.Code, Questionnaire: a.cfg.Questionnaire, Now: a.now()})
	if err != nil {
		return err
	}
	devices, err := a.store.Devices(ctx, ctr.ID)
	if err != nil {
		return err
	}
	offices, err := a.store.OfficesIn(ctx, pr.Territory)
	if err != nil {
		return err
	}
	cp := counterPage{basePage: p, Province: pr, Office: o, Counter: ctr, Version: k.Questionnaire, Devices: devices,
		Errors: errs, Link: link,
		KioskURL: baseURL(c) + "/kiosk/" + url.PathEscape(ctr.Code), PhoneURL: baseURL(c) + "/q/" + url.PathEscape(ctr.Code)}
	for _, x := range offices {
		if x.ClosedAt == nil && x.ID != o.ID {
			cp.Offices = append(cp.Offices, option{Value: x.Code, Label: x.Name + " (" + x.Code + ")"})
		}
	}
	if form == nil {
		form = &placeForm{Name: ctr.Name, Dossiers: dossierText(ctr.AnnualDossiers), Field: ctr.Field, RequiresDevice: ctr.RequiresDevice}
	}
	cp.Settings = formCtx{Lang: p.Lang, Prefix: "counter-", Form: *form, Errors: errs, Fields: a.fieldOptions(c, k.Q)}
	if link != nil {
		c.Response().Header().Set("Cache-Control", "no-store") // the link is shown once
	}
	return c.Render(status, "counter", cp)
}

// counterUpdate changes a counter's name, preset procedure field, yearly dossiers and
// whether it needs a registered device.
func (a *App) counterUpdate(c echo.Context) error {
	pr, ctr, _, err := a.counterInPath(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form, errs := readPlaceForm(c), formErrors{}
	dossiers := form.check(a, c, errs, false)
	k, err := a.store.Kiosk(ctx, models.KioskLookup{Counter: ctr.Code, Questionnaire: a.cfg.Questionnaire, Now: a.now()})
	if err != nil {
		return err
	}
	a.checkField(c, k.Q, form.Field, errs)
	if len(errs) > 0 {
		return a.renderCounter(c, http.StatusBadRequest, &form, errs, nil)
	}
	if _, err := a.store.UpdateCounter(ctx, ctr.ID, "counter.update", a.actor(c), func(x *models.Counter) error {
		x.Name, x.Field, x.AnnualDossiers, x.RequiresDevice = form.Name, form.Field, dossiers, form.RequiresDevice
		return nil
	}); err != nil {
		return err
	}
	return a.redirectWith(c, pr.path("counters", ctr.Code)+"?lang="+a.lang(c), noticeOf(survey.Msg("places.counter.updated", form.Name)))
}

// counterMove moves a counter to another open office of the province: its future
// responses count there, those it had stay where they were given.
func (a *App) counterMove(c echo.Context) error {
	pr, ctr, from, err := a.counterInPath(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	to, err := a.store.OfficeIn(ctx, pr.Territory, c.FormValue("office"))
	if err != nil || to.ClosedAt != nil || to.ID == from.ID {
		return a.redirectWith(c, pr.path("counters", ctr.Code)+"?lang="+a.lang(c),
			errorNotice(survey.Msg("places.error.move", c.FormValue("office"))))
	}
	if _, err := a.store.UpdateCounter(ctx, ctr.ID, "counter.move", a.actor(c), func(x *models.Counter) error {
		x.OfficeID, x.ProvinceID = to.ID, to.ProvinceID
		return nil
	}); err != nil {
		return err
	}
	return a.redirectWith(c, pr.path("counters", ctr.Code)+"?lang="+a.lang(c), noticeOf(survey.Msg("places.counter.moved", ctr.Name, to.Name)))
}

// counterClose closes a counter (its kiosk takes nothing more; its history stays), or
// reopens it when its office is open.
func (a *App) counterClose(close bool) echo.HandlerFunc {
	kind := "counter.reopen"
	if close {
		kind = "counter.close"
	}
	return func(c echo.Context) error {
		pr, ctr, o, err := a.counterInPath(c)
		if err != nil {
			return err
		}
		back := pr.path("counters", ctr.Code) + "?lang=" + a.lang(c)
		if !close && o.ClosedAt != nil {
			return a.redirectWith(c, back, errorNotice(survey.Msg("places.error.reopen_in_closed", o.Name)))
		}
		if _, err := a.store.UpdateCounter(c.Request().Context(), ctr.ID, kind, a.actor(c), func(x *models.Counter) error {
			x.ClosedAt = nil
			if close {
				x.ClosedAt = models.Closing(a.now())
			}
			return nil
		}); err != nil {
			return err
		}
		msg := survey.Msg("places.counter.reopened", ctr.Name)
		if close {
			msg = survey.Msg("places.counter.closed", ctr.Name)
		}
		return a.redirectWith(c, back, noticeOf(msg))
	}
}

// cardPage is the printable A6 card of a counter's phone link: the office, the counter,
// the QR code and the instruction in every language of the interface.
type cardPage struct {
	Lang, OtherLang, SwitchURL string
	Office                     models.Office
	Counter                    models.Counter
	URL                        string
	QR                         template.HTML
	Languages                  []string
	Back                       string
}

func (a *App) counterCard(c echo.Context) error {
	pr, ctr, o, err := a.counterInPath(c)
	if err != nil {
		return err
	}
	lang := a.lang(c)
	other := a.views.Catalog.Next(lang)
	link := baseURL(c) + "/q/" + url.PathEscape(ctr.Code)
	qr, err := qrSVG(link, a.t(c, "card.qr_label", link))
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "card", cardPage{Lang: lang, OtherLang: other, SwitchURL: pr.path("counters", ctr.Code, "card") + "?lang=" + other,
		Office: o, Counter: ctr, URL: link, QR: qr, Languages: a.views.Catalog.Languages(),
		Back: pr.path("counters", ctr.Code) + "?lang=" + lang})
}
