package handlers

import (
	"github.com/labstack/echo/v4"

	"sipas/survey"
	"sipas/views"
)

// projectionView is the projection of one province as its pages show it.
type projectionView struct {
	Year         int
	Ready        bool // enough responses so far for a projection
	U            survey.UnitProjection
	ShareLeft    float64 // percent of the year still to come
	Ranked       int
	Calibration  string // what the calibrated figure rests on, in words
	RankChart    chart
	RankRows     []rankRow
	NationalGaps []survey.YearComparison
}

// rankRow is one rank with a probability worth showing (at least 0.5 %).
type rankRow struct {
	Rank int
	Prob float64 // percent
}

// projectionViewOf builds the view of u's projection.
func (a *App) projectionViewOf(c echo.Context, p survey.Projections, u survey.UnitProjection) *projectionView {
	v := &projectionView{Year: p.Year, Ready: u.SIPAS != nil, U: u, ShareLeft: 100 * p.ShareLeft,
		Ranked: len(u.Odds.Prob), NationalGaps: p.NationalHistory}
	switch cal := u.Calibration; {
	case u.Calibrated == nil:
		v.Calibration = a.t(c, "dash.projection.calibration_none")
	case cal.Basis == survey.BasisProvince:
		v.Calibration = a.t(c, "dash.projection.calibration_province", signed(a, c, cal.Gap), cal.Years)
	default:
		v.Calibration = a.t(c, "dash.projection.calibration_national", signed(a, c, cal.Gap), cal.Years)
	}
	ch := chart{Type: "bar", Title: a.t(c, "dash.projection.rank_chart", p.Year), XLabel: a.t(c, "dash.projection.rank_axis"),
		YLabel: a.t(c, "dash.projection.prob_axis")}
	var data []*float64
	for i, prob := range u.Odds.Prob {
		if prob < 0.005 {
			continue
		}
		pct := 100 * prob
		v.RankRows = append(v.RankRows, rankRow{Rank: i + 1, Prob: pct})
		ch.Labels = append(ch.Labels, i+1)
		data = append(data, round2(&pct))
	}
	ch.Datasets = []chartDataset{{Label: a.t(c, "dash.projection.prob_axis"), Data: data}}
	ch.YMin = fptr(0)
	v.RankChart = ch
	return v
}

// signed writes a number of points with its sign, as the page's language writes it.
func signed(a *App, c echo.Context, v float64) string {
	return views.Points(a.views.Catalog.Locale(a.lang(c)), v)
}
