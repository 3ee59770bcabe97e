package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"os"
	"time"

	"sipas/handlers/apijson"
	"sipas/survey"
)

// The background jobs of serve: the alert scan and the webhook deliveries. Their state is
// in the database (open alerts, pending deliveries, leases), so that several serve
// processes on one PostgreSQL share them: a lease lets one process scan at a time, and a
// delivery is claimed by one process before it is posted. Nothing here touches the kiosk
// path; a slow webhook only delays the next delivery.

// Background settings.
const (
	deliveryEvery    = 10 * time.Second // how often due deliveries are looked for
	deliveryClaim    = time.Minute      // how long a process holds a delivery it is posting
	deliveryTimeout  = 10 * time.Second // one POST
	deliveryAttempts = 12               // then it is given up: 30 s, 1 min, … 6 h apart, about a day in all
	deliveryBatch    = 20
)

// Background runs the alert scan every cfg.AlertsEvery (0: never) and posts due webhook
// deliveries, until ctx ends.
func (a *App) Background(ctx context.Context) {
	holder := fmt.Sprintf("%s/%d/%s", hostname(), os.Getpid(), randomToken()[:8])
	scan := time.NewTicker(max(a.cfg.AlertsEvery, time.Minute))
	defer scan.Stop()
	deliver := time.NewTicker(deliveryEvery)
	defer deliver.Stop()
	if a.cfg.AlertsEvery > 0 {
		a.scanIfLeased(ctx, holder)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-scan.C:
			if a.cfg.AlertsEvery > 0 {
				a.scanIfLeased(ctx, holder)
			}
		case <-deliver.C:
			if err := a.DeliverAlerts(ctx); err != nil && ctx.Err() == nil {
				slog.Error("webhook deliveries", "err", err)
			}
		}
	}
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "sipas"
	}
	return h
}

// scanIfLeased scans for alerts when this process holds the scan's lease.
func (a *App) scanIfLeased(ctx context.Context, holder string) {
	ok, err := a.store.TakeLease(ctx, "alerts.scan", holder, a.now(), a.cfg.AlertsEvery/2+time.Minute)
	if err != nil || !ok {
		if err != nil && ctx.Err() == nil {
			slog.Error("alert scan lease", "err", err)
		}
		return
	}
	res, err := a.store.ScanAlerts(ctx, a.cfg.Questionnaire, a.now(), survey.DefaultDropRules())
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("alert scan", "err", err)
		}
		return
	}
	if res.Opened+res.Resolved > 0 {
		slog.Info("alert scan", "opened", res.Opened, "updated", res.Updated, "resolved", res.Resolved)
	}
}

// DeliverAlerts posts the due webhook deliveries this process could claim, each as the
// alert's JSON (in English, as the API), and records how each went: a 2xx is delivered,
// anything else is tried again later, further apart each time, until it is given up.
func (a *App) DeliverAlerts(ctx context.Context) error {
	claimed, err := a.store.ClaimDeliveries(ctx, a.now(), deliveryClaim, deliveryBatch)
	if err != nil {
		return err
	}
	if len(claimed) == 0 {
		return nil
	}
	_, q, err := a.store.PublishedQuestionnaire(ctx, a.cfg.Questionnaire)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: deliveryTimeout}
	for _, d := range claimed {
		status, problem := a.post(ctx, client, d.URL, d.AlertID, d.Payload, q)
		var next *time.Time
		if problem != "" && d.Attempts+1 < deliveryAttempts {
			t := a.now().Add(retryAfter(d.Attempts + 1))
			next = &t
		}
		if err := a.store.DeliveryResult(ctx, d.ID, a.now(), status, problem, next); err != nil {
			return err
		}
	}
	return nil
}

// retryAfter is the wait before attempt n+1: 30 s doubled each time, at most 6 h.
func retryAfter(attempts int) time.Duration {
	return time.Duration(math.Min(float64(30*time.Second)*math.Pow(2, float64(attempts-1)), float64(6*time.Hour)))
}

// post sends one alert to url and says how it went: the HTTP status, and "" when it was
// delivered or else what went wrong.
func (a *App) post(ctx context.Context, client *http.Client, url string, alertID uint, payload string, q *survey.Questionnaire) (int, string) {
	var event struct {
		Event string `json:"event"`
	}
	if err := json.Unmarshal([]byte(payload), &event); err != nil {
		return 0, "payload: " + err.Error()
	}
	row, err := a.store.AlertByID(ctx, alertID)
	if err != nil {
		return 0, "alert: " + err.Error()
	}
	body, err := json.Marshal(map[string]any{"event": event.Event, "alert": apijson.AlertDoc(row, q, "en")})
	if err != nil {
		return 0, err.Error()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sipas-alerts")
	res, err := client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, res.Status
	}
	return res.StatusCode, ""
}
