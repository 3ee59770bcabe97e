package apijson

import (
	"strconv"
	"time"

	"sipas/survey"
)

// OpenLicence is the licence of the public province figures.
type OpenLicence struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Attribution string `json:"attribution"`
}

// CCBy4 is CC BY 4.0, under which the province-level figures are published.
func CCBy4(attribution string) OpenLicence {
	return OpenLicence{Name: "CC BY 4.0", URL: "https://creativecommons.org/licenses/by/4.0/", Attribution: attribution}
}

// PublicProvince is the open data of a province's public page (/provinces/:code/data.json):
// province-level figures only, as MoHA publishes them.
type PublicProvince struct {
	Licence   OpenLicence     `json:"licence"`
	Generated string          `json:"generated"`
	Code      string          `json:"code"`
	Name      string          `json:"name"`
	Includes  []Former        `json:"includes"`
	Period    string          `json:"period"`
	From      string          `json:"from"`
	To        string          `json:"to"`
	Responses int64           `json:"responses"`
	Held      int64           `json:"held"` // responses held for review, not counted
	SIPAS     *float64        `json:"sipas"`
	CI95      survey.Interval `json:"ci95"`
	Rank      *int            `json:"rank"`
	Ranked    int             `json:"ranked_provinces"`
	Elements  []ElementDetail `json:"elements"`
	Criteria  []PublicCrit    `json:"criteria"`
	Years     []PublicPeriod  `json:"years"`
	Months    []PublicPeriod  `json:"months"`
}

// PublicCrit is a criterion of the public data.
type PublicCrit struct {
	Code     string          `json:"code"`
	Element  string          `json:"element"`
	Text     string          `json:"text"`
	Index    *float64        `json:"index"`
	CI95     survey.Interval `json:"ci95"` // Wilson
	Answered int64           `json:"answered"`
}

// PublicPeriod is a year's or a month's figure.
type PublicPeriod struct {
	Period    string           `json:"period"` // YYYY or YYYY-MM
	Responses int64            `json:"responses"`
	SIPAS     *float64         `json:"sipas"`
	CI95      *survey.Interval `json:"ci95"`
}

// PublicProvinceDoc is the open data of a province's report and history, texts in lang.
func PublicProvinceDoc(r survey.ProvinceReport, h survey.History, lang string, licence OpenLicence, now time.Time) PublicProvince {
	p := r.Period
	out := PublicProvince{Licence: licence, Generated: now.In(survey.VietnamTime()).Format(time.RFC3339),
		Code: r.Unit.Code, Name: r.Unit.Name, Includes: []Former{}, Period: p.String(), From: day(p.From), To: day(p.To),
		Responses: r.Index.Responses, Held: r.Held, SIPAS: r.Index.SIPAS, CI95: r.Index.CI95, Rank: rank(r.Rank), Ranked: r.Ranked,
		Elements: []ElementDetail{}, Criteria: []PublicCrit{}, Years: []PublicPeriod{}, Months: []PublicPeriod{}}
	out.Includes, out.Elements = formersAndElements(r, lang)
	for _, c := range r.Index.Criteria {
		out.Criteria = append(out.Criteria, PublicCrit{Code: c.Code, Element: c.Element, Text: c.Text.In(lang), Index: c.Index,
			CI95: c.Wilson, Answered: c.Answered})
	}
	for _, y := range h.Years {
		out.Years = append(out.Years, PublicPeriod{Period: strconv.Itoa(y.Year), Responses: y.Index.Responses, SIPAS: y.Index.SIPAS, CI95: ci(y.Index)})
	}
	for _, m := range h.Months {
		out.Months = append(out.Months, PublicPeriod{Period: survey.MonthString(m.Month), Responses: m.Index.Responses, SIPAS: m.Index.SIPAS, CI95: ci(m.Index)})
	}
	return out
}
