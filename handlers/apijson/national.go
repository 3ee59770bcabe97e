// Package apijson holds the JSON documents of the web API — GET /api/v1/sipas (also
// /export.json and `sipas export -format json`) and GET /api/v1/sipas/provinces/:code —
// and fills them from survey's reports. They are a contract with other programs: plain
// numbers at full precision, null where a value is undefined, every interval a 95 % one
// ([low, high], percent); the golden files of handlers/testdata/golden pin them.
package apijson

import (
	"sipas/survey"
)

// National is the document of GET /api/v1/sipas (SPEC §5).
type National struct {
	Year          int             `json:"year"`
	Period        string          `json:"period"`
	From          string          `json:"from"`
	To            string          `json:"to"`
	Units         string          `json:"units"`
	Questionnaire string          `json:"questionnaire"`
	National      NationalSummary `json:"national"`
	Provinces     []NationalUnit  `json:"provinces"`
}

// NationalSummary is the national line.
type NationalSummary struct {
	Responses int64           `json:"responses"`
	Held      int64           `json:"held"`  // responses held for review, not counted`
	SIPAS     *float64        `json:"sipas"` // the unweighted mean of the provinces, as MoHA reports it
	CI95      survey.Interval `json:"ci95"`
	Provinces int             `json:"provinces_with_responses"`
	Pooled    NationalPooled  `json:"pooled"`
}

// NationalPooled is the index over every response of the country together.
type NationalPooled struct {
	SIPAS *float64        `json:"sipas"`
	CI95  survey.Interval `json:"ci95"`
}

// NationalUnit is one province.
type NationalUnit struct {
	Code      string              `json:"code"`
	Name      string              `json:"name"`
	Responses int64               `json:"responses"`
	Held      int64               `json:"held"` // responses held for review, not counted
	SIPAS     *float64            `json:"sipas"`
	CI95      *survey.Interval    `json:"ci95"`
	Rank      *int                `json:"rank"`
	Elements  []NationalElement   `json:"elements"`
	Criteria  []NationalCriterion `json:"criteria"`
}

// NationalElement is one element index of a province.
type NationalElement struct {
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Index *float64 `json:"index"`
}

// NationalCriterion is one criterion index of a province; ci95 is its Wilson interval.
type NationalCriterion struct {
	Code     string          `json:"code"`
	Index    *float64        `json:"index"`
	Answered int64           `json:"answered"`
	Wilson   survey.Interval `json:"ci95"`
}

// NationalDoc is the national report as the API gives it, element names in lang; current
// says whether the units are today's (units=current) or the period's.
func NationalDoc(r survey.Report, current bool, lang string) National {
	out := National{
		Year: r.Period.Year, Period: r.Period.String(), Units: unitsName(current),
		From: day(r.Period.From), To: day(r.Period.To), Questionnaire: r.Questionnaire.Code,
		National: NationalSummary{Responses: r.Pooled.Responses, Held: r.Held, SIPAS: r.Average, CI95: r.AverageCI,
			Pooled: NationalPooled{SIPAS: r.Pooled.SIPAS, CI95: r.Pooled.CI95}},
		Provinces: make([]NationalUnit, 0, len(r.Units)),
	}
	for _, u := range r.Units {
		p := NationalUnit{Code: u.Unit.Code, Name: u.Unit.Name, Responses: u.Index.Responses, Held: u.Held, SIPAS: u.Index.SIPAS}
		if u.Index.SIPAS != nil {
			ci, rank := u.Index.CI95, u.Rank
			p.CI95, p.Rank = &ci, &rank
			out.National.Provinces++
		}
		// made at their size (nil when empty, as "null"): a document not kept yet makes
		// these for every province
		if len(u.Index.Elements) > 0 {
			p.Elements = make([]NationalElement, 0, len(u.Index.Elements))
		}
		for _, e := range u.Index.Elements {
			p.Elements = append(p.Elements, NationalElement{Code: e.Code, Name: e.Name.In(lang), Index: e.Index})
		}
		if len(u.Index.Criteria) > 0 {
			p.Criteria = make([]NationalCriterion, 0, len(u.Index.Criteria))
		}
		for _, cr := range u.Index.Criteria {
			p.Criteria = append(p.Criteria, NationalCriterion{Code: cr.Code, Index: cr.Index, Answered: cr.Answered, Wilson: cr.Wilson})
		}
		out.Provinces = append(out.Provinces, p)
	}
	return out
}
