package apijson

import (
	"time"

	"sipas/models"
	"sipas/survey"
)

// Alerts is the document of GET /api/v1/alerts.
type Alerts struct {
	Alerts []Alert `json:"alerts"`
}

// Alert is a drop at a counter or an office (SPEC §5), with what the API adds: its id, the
// office and province names, when it was found and whether an official acknowledged it.
type Alert struct {
	ID           uint             `json:"id"`
	Unit         string           `json:"unit"` // counter or office
	Code         string           `json:"code"`
	Name         string           `json:"name"`
	Office       string           `json:"office"`
	Province     string           `json:"province"` // its code
	ProvinceName string           `json:"province_name"`
	Since        string           `json:"since"` // the first day of the drop, YYYY-MM-DD
	Before       Window           `json:"before"`
	After        Window           `json:"after"`
	Drop         float64          `json:"drop"`      // points, before − after
	Responses    int64            `json:"responses"` // since the drop began
	Criteria     []AlertCriterion `json:"criteria"`  // those that fell most
	DetectedAt   string           `json:"detected_at"`
	CheckedAt    string           `json:"checked_at"`
	ResolvedAt   *string          `json:"resolved_at"`
	Acknowledged *Acknowledgement `json:"acknowledged"`
}

// Window is the index of the days before the drop or since.
type Window struct {
	SIPAS     float64         `json:"sipas"`
	CI95      survey.Interval `json:"ci95"`
	Responses int64           `json:"responses"`
}

// AlertCriterion is a criterion that fell.
type AlertCriterion struct {
	Code   string  `json:"code"`
	Text   string  `json:"text"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Drop   float64 `json:"drop"`
}

// Acknowledgement says who acknowledged an alert, when, with what note.
type Acknowledgement struct {
	By   string `json:"by"`
	At   string `json:"at"`
	Note string `json:"note"`
}

// AlertDoc is one alert as the API and the webhook give it, texts in lang.
func AlertDoc(r models.AlertRow, q *survey.Questionnaire, lang string) Alert {
	a := Alert{ID: r.ID, Unit: r.UnitKind, Code: r.Code, Name: r.Name, Office: r.OfficeName, Province: r.ProvinceCode,
		ProvinceName: r.ProvinceName, Since: DayOf(r.Since),
		Before: Window{SIPAS: r.BeforeSIPAS, CI95: survey.Interval{r.BeforeLow, r.BeforeHigh}, Responses: r.BeforeResponses},
		After:  Window{SIPAS: r.AfterSIPAS, CI95: survey.Interval{r.AfterLow, r.AfterHigh}, Responses: r.AfterResponses},
		Drop:   r.Drop, Responses: r.AfterResponses, Criteria: []AlertCriterion{},
		DetectedAt: stamp(r.DetectedAt), CheckedAt: stamp(r.CheckedAt)}
	for _, c := range r.CriteriaList() {
		text := ""
		if cr, _, ok := q.Criterion(c.Code); ok {
			text = cr.Text.In(lang)
		}
		a.Criteria = append(a.Criteria, AlertCriterion{Code: c.Code, Text: text, Before: c.Before, After: c.After, Drop: c.Drop})
	}
	if r.ResolvedAt != nil {
		s := stamp(*r.ResolvedAt)
		a.ResolvedAt = &s
	}
	if r.AcknowledgedAt != nil {
		a.Acknowledged = &Acknowledgement{By: r.AcknowledgedBy, At: stamp(*r.AcknowledgedAt), Note: r.AckNote}
	}
	return a
}

// AlertsDoc is the alerts document.
func AlertsDoc(rows []models.AlertRow, q *survey.Questionnaire, lang string) Alerts {
	out := Alerts{Alerts: []Alert{}}
	for _, r := range rows {
		out.Alerts = append(out.Alerts, AlertDoc(r, q, lang))
	}
	return out
}

// DayOf writes a YYYYMMDD day key as YYYY-MM-DD.
func DayOf(key int) string {
	return time.Date(key/10000, time.Month(key/100%100), key%100, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// stamp writes a moment in Vietnam time, RFC 3339.
func stamp(t time.Time) string { return t.In(survey.VietnamTime()).Format(time.RFC3339) }
