package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// alertsAdminPage is the administrator's page of alerts: the webhook new alerts are
// posted to with its latest deliveries, the rules of the test, and a scan on demand.
type alertsAdminPage struct {
	basePage
	Webhook    string
	Errors     formErrors
	Deliveries []deliveryRow
	Rules      survey.DropRules
	Every      string // how often serve scans, in words; "" when it does not
}

type deliveryRow struct {
	models.AlertDelivery
	Created, Next string
}

func (a *App) alertsAdmin(c echo.Context) error {
	return a.renderAlertsAdmin(c, http.StatusOK, "", formErrors{})
}

func (a *App) renderAlertsAdmin(c echo.Context, status int, webhook string, errs formErrors) error {
	p, err := a.newPage(c, "/admin/alerts")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	page := alertsAdminPage{basePage: p, Errors: errs, Rules: survey.DefaultDropRules()}
	if a.cfg.AlertsEvery > 0 {
		page.Every = a.duration(c, a.cfg.AlertsEvery)
	}
	if page.Webhook = webhook; len(errs) == 0 {
		if page.Webhook, err = a.store.WebhookURL(ctx); err != nil {
			return err
		}
	}
	deliveries, err := a.store.RecentDeliveries(ctx, 20)
	if err != nil {
		return err
	}
	for _, d := range deliveries {
		page.Deliveries = append(page.Deliveries, deliveryRow{AlertDelivery: d, Created: when(p.Lang, d.CreatedAt), Next: when(p.Lang, d.NextAt)})
	}
	return c.Render(status, "alerts_admin", page)
}

// alertsWebhook sets or removes the URL new alerts are posted to.
func (a *App) alertsWebhook(c echo.Context) error {
	raw := strings.TrimSpace(c.FormValue("webhook"))
	if raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 {
			return a.renderAlertsAdmin(c, http.StatusBadRequest, raw, formErrors{"webhook": a.t(c, "alerts.admin.error.url")})
		}
	}
	if err := a.store.SetWebhookURL(c.Request().Context(), raw, a.actor(c)); err != nil {
		return err
	}
	return a.redirectWith(c, "/admin/alerts?lang="+a.lang(c), noticeOf(survey.Msg("alerts.admin.saved")))
}

// alertsScan scans for drops now, as the background job does every AlertsEvery.
func (a *App) alertsScan(c echo.Context) error {
	res, err := a.store.ScanAlerts(c.Request().Context(), a.cfg.Questionnaire, a.now(), survey.DefaultDropRules())
	if err != nil {
		return err
	}
	return a.redirectWith(c, "/admin/alerts?lang="+a.lang(c), noticeOf(survey.Msg("alerts.admin.scanned", res.Opened, res.Updated, res.Resolved)))
}
