package apijson

import "sipas/survey"

// Projection is a province's projection of the current year in the province API; the
// document holds null instead when the period is not of the current year or the year so
// far has too few responses.
type Projection struct {
	Year        int              `json:"year"`
	SoFar       SoFar            `json:"so_far"`
	ShareLeft   float64          `json:"share_left"` // of the year still to come, 0 to 1
	SIPAS       float64          `json:"sipas"`
	CI95        survey.Interval  `json:"ci95"`
	Seasonal    *float64         `json:"seasonal"` // last year's rest-of-year minus the same months so far
	Calibrated  *float64         `json:"calibrated"`
	Calibration *Calibration     `json:"calibration"`
	Rank        int              `json:"rank"`
	RankLikely  [2]int           `json:"rank_likely"` // 80 %: best, worst
	RankOdds    []float64        `json:"rank_probabilities"`
	Ranked      int              `json:"ranked_provinces"`
	History     []YearComparison `json:"history"`
}

// SoFar is the year so far.
type SoFar struct {
	Responses int64           `json:"responses"`
	SIPAS     *float64        `json:"sipas"`
	CI95      survey.Interval `json:"ci95"`
}

// Calibration is what the calibrated figure rests on.
type Calibration struct {
	Basis string          `json:"basis"` // province or national
	Years int             `json:"years"`
	Gap   float64         `json:"gap"` // official − ours, points
	CI95  survey.Interval `json:"ci95"`
}

// YearComparison is a past year: our figure beside the official one.
type YearComparison struct {
	Year      int      `json:"year"`
	Ours      *float64 `json:"ours"`
	Responses int64    `json:"responses"`
	Official  *float64 `json:"official"`
	Gap       *float64 `json:"gap"`
}

// ProjectionDoc is u's projection as the API gives it; nil when there is none.
func ProjectionDoc(p survey.Projections, u survey.UnitProjection) *Projection {
	if u.SIPAS == nil {
		return nil
	}
	out := &Projection{Year: p.Year, SoFar: SoFar{Responses: u.SoFar.Responses, SIPAS: u.SoFar.SIPAS, CI95: u.SoFar.CI95},
		ShareLeft: p.ShareLeft, SIPAS: *u.SIPAS, CI95: u.CI95, Seasonal: u.Seasonal, Calibrated: u.Calibrated,
		Rank: u.Rank, RankLikely: u.RankLikely, RankOdds: u.Odds.Prob, Ranked: len(u.Odds.Prob), History: []YearComparison{}}
	if u.Calibrated != nil {
		out.Calibration = &Calibration{Basis: u.Calibration.Basis, Years: u.Calibration.Years, Gap: u.Calibration.Gap, CI95: u.CalibratedCI}
	}
	for _, h := range u.History {
		out.History = append(out.History, YearComparison{Year: h.Year, Ours: h.Ours, Responses: h.Responses, Official: h.Official, Gap: h.Gap})
	}
	return out
}
