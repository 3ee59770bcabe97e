package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// deviceLinkValidity is how long a device registration link works: long enough to walk
// to the counter with the tablet, short enough that a photo of the screen is useless.
const deviceLinkValidity = 15 * time.Minute

// deviceCookieAge is how long a device's cookie lives; every contact renews it (browsers
// cap a cookie at 400 days).
const deviceCookieAge = 400 * 24 * time.Hour

// deviceRoutes registers the registration of kiosk devices: the one-time link made by an
// admin, the page the tablet opens, renaming and revoking.
func (a *App) deviceRoutes(e *echo.Echo) {
	p := e.Group("/admin/provinces/:code")
	p.POST("/counters/:counter/devices", a.deviceLink)
	p.POST("/devices/:device", a.deviceRename)
	p.POST("/devices/:device/revoke", a.deviceRevoke)
	e.GET("/device/:token", a.deviceForm)
	e.POST("/device/:token", a.deviceRegister)
}

// deviceLink makes a one-time registration link for the counter and shows it with its
// QR code, once.
func (a *App) deviceLink(c echo.Context) error {
	_, ctr, _, err := a.counterInPath(c)
	if err != nil {
		return err
	}
	token := randomToken()
	expires := a.now().Add(deviceLinkValidity)
	if err := a.store.CreateDeviceLink(c.Request().Context(), ctr, hashToken(token), expires, a.actor(c)); err != nil {
		return err
	}
	link := baseURL(c) + "/device/" + token + "?lang=" + a.lang(c)
	qr, err := qrSVG(link, a.t(c, "devices.link.qr_label"))
	if err != nil {
		return err
	}
	return a.renderCounter(c, http.StatusOK, nil, formErrors{}, &deviceLinkView{URL: link, QR: qr, Expires: expires})
}

// deviceInPath is the path's province and device (:device) with its counter, when the
// counter is in the province; 404 otherwise.
func (a *App) deviceInPath(c echo.Context) (province, models.Device, models.Counter, error) {
	pr, err := a.province(c)
	if err != nil {
		return pr, models.Device{}, models.Counter{}, err
	}
	d, ctr, err := a.deviceIn(c, pr)
	return pr, d, ctr, err
}

func (a *App) deviceIn(c echo.Context, pr province) (models.Device, models.Counter, error) {
	ctx := c.Request().Context()
	notFound := a.fail(c, http.StatusNotFound, a.t(c, "error.not_found"))
	id, err := strconv.ParseUint(c.Param("device"), 10, 64)
	if err != nil {
		return models.Device{}, models.Counter{}, notFound
	}
	d, err := a.store.DeviceByID(ctx, uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return d, models.Counter{}, notFound
	}
	if err != nil {
		return d, models.Counter{}, err
	}
	ctr, err := a.store.CounterByID(ctx, d.CounterID)
	if err != nil {
		return d, ctr, err
	}
	o, err := a.store.OfficeByID(ctx, ctr.OfficeID)
	if err != nil {
		return d, ctr, err
	}
	if !containsID(pr.Territory, o.ProvinceID) {
		return d, ctr, notFound
	}
	return d, ctr, nil
}

// deviceName reads a device's name: 1 to 200 characters.
func deviceName(c echo.Context) (string, bool) {
	name := strings.TrimSpace(c.FormValue("name"))
	n := utf8.RuneCountInString(name)
	return name, n > 0 && n <= maxNameLen
}

func (a *App) deviceRename(c echo.Context) error {
	pr, d, ctr, err := a.deviceInPath(c)
	if err != nil {
		return err
	}
	back := pr.path("counters", ctr.Code) + "?lang=" + a.lang(c)
	name, ok := deviceName(c)
	if !ok {
		return a.redirectWith(c, back, errorNotice(survey.Msg("places.error.name", maxNameLen)))
	}
	if _, err := a.store.UpdateDevice(c.Request().Context(), d.ID, "device.rename", a.actor(c), func(x *models.Device) { x.Name = name }); err != nil {
		return err
	}
	return a.redirectWith(c, back, noticeOf(survey.Msg("devices.renamed", d.Name, name)))
}

// deviceRevoke stops a device from submitting: its token is refused from then on, and
// the kiosk script drops what it had queued.
func (a *App) deviceRevoke(c echo.Context) error {
	pr, d, ctr, err := a.deviceInPath(c)
	if err != nil {
		return err
	}
	if d.RevokedAt == nil {
		if _, err := a.store.UpdateDevice(c.Request().Context(), d.ID, "device.revoke", a.actor(c), func(x *models.Device) {
			x.RevokedAt = models.Closing(a.now())
		}); err != nil {
			return err
		}
	}
	return a.redirectWith(c, pr.path("counters", ctr.Code)+"?lang="+a.lang(c), noticeOf(survey.Msg("devices.revoked", d.Name)))
}

// devicePage is what the tablet shows when it opens a registration link: the counter it
// will serve and a name to give it.
type devicePage struct {
	basePage
	Token       string
	CounterName string
	OfficeName  string
	Name        string
	Error       string
}

// deviceForm shows the registration form; opening the link uses nothing (a link
// previewer or a prefetch must not spend it).
func (a *App) deviceForm(c echo.Context) error {
	ctr, err := a.store.DeviceLinkCounter(c.Request().Context(), hashToken(c.Param("token")), a.now())
	if errors.Is(err, models.ErrDeviceLink) {
		return a.fail(c, http.StatusNotFound, a.t(c, "devices.link.invalid"))
	}
	if err != nil {
		return err
	}
	return a.renderDevice(c, http.StatusOK, ctr, a.t(c, "devices.default_name", ctr.Name), "")
}

func (a *App) renderDevice(c echo.Context, status int, ctr models.Counter, name, problem string) error {
	p, err := a.newPage(c, "/device/"+c.Param("token"))
	if err != nil {
		return err
	}
	o, err := a.store.OfficeByID(c.Request().Context(), ctr.OfficeID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Render(status, "device", devicePage{basePage: p, Token: c.Param("token"), CounterName: ctr.Name, OfficeName: o.Name,
		Name: name, Error: problem})
}

// deviceRegister uses the link: the device is registered with a new token, which its
// cookie carries on the kiosk's paths from now on, and the tablet opens the kiosk.
func (a *App) deviceRegister(c echo.Context) error {
	ctx := c.Request().Context()
	linkHash := hashToken(c.Param("token"))
	ctr, err := a.store.DeviceLinkCounter(ctx, linkHash, a.now())
	if errors.Is(err, models.ErrDeviceLink) {
		return a.fail(c, http.StatusNotFound, a.t(c, "devices.link.invalid"))
	}
	if err != nil {
		return err
	}
	name, ok := deviceName(c)
	if !ok {
		return a.renderDevice(c, http.StatusBadRequest, ctr, name, a.t(c, "places.error.name", maxNameLen))
	}
	token := randomToken()
	if _, _, err := a.store.RegisterDevice(ctx, linkHash, name, hashToken(token), a.actor(c)); errors.Is(err, models.ErrDeviceLink) {
		return a.fail(c, http.StatusNotFound, a.t(c, "devices.link.invalid"))
	} else if err != nil {
		return err
	}
	a.setDeviceCookie(c, token)
	return c.Redirect(http.StatusSeeOther, "/kiosk/"+url.PathEscape(ctr.Code)+"?lang="+a.lang(c))
}

// setDeviceCookie gives the browser a device's token for the kiosk's paths: HttpOnly
// (no script reads it), SameSite=Lax, Secure over TLS or with -secure-cookies.
func (a *App) setDeviceCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{Name: deviceCookie, Value: token, Path: "/kiosk", MaxAge: int(deviceCookieAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.cfg.SecureCookies || c.Request().TLS != nil})
}
