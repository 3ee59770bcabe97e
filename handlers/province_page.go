package handlers

import (
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/survey"
)

// provincePage is a province's dashboard.
type provincePage struct {
	dashFrame
	R             provinceReport
	Q             *survey.Questionnaire
	PrevName      string
	NationalURL   string
	ElementsChart chart
	TrendChart    chart
	MatrixChart   chart
	Quadrants     []quadrantLegend
	FixFirst      int // criteria in the fix-first quadrant
	Formers       []formerUnit
	Criteria      []criterionRow
	TrendRows     []trendRow
	Offices       placeTable
	Counters      placeTable
	PeriodDays    int
}

type formerUnit struct {
	Name  string
	Until time.Time
}

// criterionRow is one row of the criteria table (flat: templates find promoted fields slowly).
type criterionRow struct {
	Code     string
	Text     survey.Text
	Index    *float64
	Wilson   survey.Interval
	Answered int64
	Mean     *float64
	Values   [survey.MaxScale]int64
	Low      bool // answered fewer times than the minimum sample
}

type trendRow struct {
	Label string
	Index survey.Index
	Low   bool
}

// placeTable is the offices' or the counters' table (partial "dash-places").
type placeTable struct {
	Lang      string
	Kind      string // "offices" or "counters"
	Caption   string
	Rows      []placeRow
	MinSample int
}

type quadrantLegend struct {
	Quadrant survey.Quadrant
	Label    string
	Help     string
}

// provinceDashboard shows one province: SIPAS and its elements, criteria weakest first,
// the monthly trend, offices and counters, procedure fields, perceptions and priorities.
func (a *App) provinceDashboard(c echo.Context) error {
	rq, pr, err := a.loadProvince(c)
	if err != nil {
		return err
	}
	f := a.frame(c, rq, "/dashboard/province/"+pr.Unit.Code)
	page := provincePage{dashFrame: f, R: pr, Q: pr.q, PrevName: periodName(f.Lang, pr.PrevPeriod), NationalURL: f.Link("/dashboard")}
	page.PeriodDays = pr.Days
	for _, u := range pr.Formers {
		until, _ := survey.ParseDate(u.ValidUntil)
		page.Formers = append(page.Formers, formerUnit{Name: u.Name, Until: until})
	}
	for _, cr := range pr.Weakest {
		page.Criteria = append(page.Criteria, criterionRow{Code: cr.Code, Text: cr.Text, Index: cr.Index, Wilson: cr.Wilson,
			Answered: cr.Answered, Mean: cr.Mean, Values: cr.Values, Low: !survey.Reliable(cr.Answered, a.cfg.MinSample)})
	}
	for _, m := range pr.Trend {
		page.TrendRows = append(page.TrendRows, trendRow{Label: monthName(f.Lang, m.Month), Index: m.Index,
			Low: m.Index.SIPAS != nil && !survey.Reliable(m.Index.Responses, a.cfg.MinSample)})
	}
	page.Offices = placeTable{Lang: f.Lang, Kind: "offices", Rows: pr.Offices, MinSample: a.cfg.MinSample,
		Caption: a.t(c, "dash.province.offices_table", pr.Unit.Name, f.PeriodName)}
	page.Counters = placeTable{Lang: f.Lang, Kind: "counters", Rows: pr.Counters, MinSample: a.cfg.MinSample,
		Caption: a.t(c, "dash.province.counters_table", pr.Unit.Name, f.PeriodName)}
	page.ElementsChart = a.elementsChart(c, f.Lang, pr)
	page.TrendChart = a.trendChart(c, f.Lang, pr)
	page.MatrixChart = a.matrixChart(c, f.Lang, pr.Priority)
	for _, q := range []survey.Quadrant{survey.FixFirst, survey.KeepUp, survey.Secondary, survey.Overserved} {
		page.Quadrants = append(page.Quadrants, quadrantLegend{Quadrant: q, Label: q.Label(f.Lang), Help: a.t(c, "dash.quadrant."+string(q))})
	}
	for _, p := range pr.Priority.Points {
		if p.Quadrant == survey.FixFirst {
			page.FixFirst++
		}
	}
	return c.Render(http.StatusOK, "province", page)
}

func (a *App) elementsChart(c echo.Context, lang string, pr provinceReport) chart {
	ch := chart{Type: "bar", Title: a.t(c, "dash.province.elements"), XLabel: a.t(c, "dash.axis.index"), Tall: true,
		Options: map[string]any{"indexAxis": "y", "scales": map[string]any{"y": map[string]any{"ticks": map[string]any{"autoSkip": false}}}}}
	var data []*float64
	values := []*float64{pr.Index.SIPAS}
	for _, e := range pr.Index.Elements {
		ch.Labels = append(ch.Labels, wrapLabel(e.Code+" "+e.Name.In(lang), 20))
		data = append(data, round2(e.Index))
		values = append(values, e.Index)
	}
	ch.Datasets = []chartDataset{{Label: a.t(c, "dash.col.index"), Data: data}}
	if pr.Index.SIPAS != nil {
		ch.RefLines = []refLine{{Value: *round2(pr.Index.SIPAS), Label: "SIPAS"}}
	}
	ch.YMin, ch.YMax = axisFloor(values...), fptr(100)
	return ch
}

func (a *App) trendChart(c echo.Context, lang string, pr provinceReport) chart {
	ch := chart{Type: "line", Title: a.t(c, "dash.province.trend"), YLabel: a.t(c, "dash.axis.sipas")}
	var data []*float64
	var values []*float64
	for _, m := range pr.Trend {
		ch.Labels = append(ch.Labels, monthName(lang, m.Month))
		data = append(data, round2(m.Index.SIPAS))
		values = append(values, m.Index.SIPAS)
	}
	ch.Datasets = []chartDataset{{Label: "SIPAS (%)", Data: data}}
	if pr.Index.SIPAS != nil {
		ch.RefLines = []refLine{{Value: *round2(pr.Index.SIPAS), Label: a.t(c, "dash.ref.period"), Color: colorNational}}
	}
	ch.YMin, ch.YMax = axisFloor(values...), fptr(100)
	return ch
}

// matrixChart is the importance × performance scatter, one dataset per quadrant so that
// each has its own colour, shape and legend entry.
func (a *App) matrixChart(c echo.Context, lang string, p survey.Priority) chart {
	ch := chart{Type: "scatter", Title: a.t(c, "dash.chart.matrix"), XLabel: a.t(c, "dash.axis.index"), YLabel: a.t(c, "dash.axis.importance"), Tall: true,
		Quadrants: map[string]string{
			"tl": survey.FixFirst.Label(lang), "tr": survey.KeepUp.Label(lang),
			"bl": survey.Secondary.Label(lang), "br": survey.Overserved.Label(lang)}}
	if len(p.Points) == 0 {
		return ch
	}
	ch.QuadrantX, ch.QuadrantY = round2(&p.MeanIndex), fptr(math.Round(p.MeanImportance*1000)/1000)
	styles := map[survey.Quadrant]struct{ color, shape string }{
		survey.FixFirst: {"#b3261e", "triangle"}, survey.KeepUp: {"#0b4f8a", "circle"},
		survey.Secondary: {"#8a5a00", "rect"}, survey.Overserved: {"#1d6b35", "rectRot"},
	}
	for _, q := range []survey.Quadrant{survey.FixFirst, survey.KeepUp, survey.Secondary, survey.Overserved} {
		var pts []scatterPoint
		for _, pt := range p.Points {
			if pt.Quadrant == q {
				pts = append(pts, scatterPoint{X: *round2(&pt.Index), Y: math.Round(pt.Importance*1000) / 1000, Label: pt.Code})
			}
		}
		if len(pts) > 0 {
			s := styles[q]
			ch.Datasets = append(ch.Datasets, chartDataset{Label: q.Label(lang), Data: pts, BackgroundColor: s.color, PointStyle: s.shape})
		}
	}
	return ch
}
