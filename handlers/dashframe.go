package handlers

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// values is the canonical query string of a report request, which links keep.
func (rq reportQuery) values() url.Values {
	v := url.Values{}
	p := rq.period
	switch p.Kind {
	case "range":
		v.Set("from", p.From.Format("2006-01-02"))
		v.Set("to", p.To.Format("2006-01-02"))
	default:
		v.Set("year", strconv.Itoa(p.Year))
		if p.Kind == "quarter" {
			v.Set("quarter", strconv.Itoa(p.Quarter))
		}
		if p.Kind == "month" {
			v.Set("month", strconv.Itoa(p.Month))
		}
	}
	if rq.current {
		v.Set("units", "current")
	}
	return v
}

// link is path with the request's period, units and language.
func (rq reportQuery) link(path, lang string) string {
	v := rq.values()
	v.Set("lang", lang)
	return path + "?" + v.Encode()
}

// dashFrame is what every dashboard page shows around its content: language, the period
// selector and the period's name.
type dashFrame struct {
	Lang, OtherLang, SwitchURL string
	Nav                        navBar // who is signed in and what they may open (nav.go)
	Path                       string
	PeriodName                 string // "Năm 2025", "Quý 2/2025", …
	From, To                   time.Time
	Day                        time.Time // the day whose provinces are shown
	Current                    bool
	MinSample                  int
	Form                       periodForm
	Query                      reportQuery
	Versions                   string // which questionnaire versions the figures come from
}

// periodForm fills the two GET forms of the period selector (year/quarter/month, or a
// date range); they work without JavaScript.
type periodForm struct {
	Year, Quarter, Month int
	From, To             string
	IsRange              bool
	Quarters, Months     []int
}

func (a *App) frame(c echo.Context, rq reportQuery, path string) dashFrame {
	lang := a.lang(c)
	other := a.views.Catalog.Next(lang)
	p := rq.period
	f := dashFrame{
		Lang: lang, OtherLang: other, SwitchURL: rq.link(path, other), Path: path,
		PeriodName: a.msg(c, p.Name()), From: p.From, To: p.To, Day: rq.day(a.now()),
		Current: rq.current, MinSample: a.cfg.MinSample, Query: rq, Nav: a.navBar(c),
		Form: periodForm{Year: p.Year, Quarter: p.Quarter, Month: p.Month, IsRange: p.Kind == "range",
			From: p.From.Format("2006-01-02"), To: p.To.Format("2006-01-02"),
			Quarters: []int{1, 2, 3, 4}, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
	}
	return f
}

// Link is a dashboard URL with the page's period, units and language.
func (f dashFrame) Link(path string) string { return f.Query.link(path, f.Lang) }

// chart is the data-chart JSON that static/js/dashboard.js draws with Chart.js.
type chart struct {
	Type   string `json:"type"`
	Title  string `json:"title,omitempty"`
	Labels []any  `json:"labels,omitempty"` // a label is a string or lines of one

	Datasets  []chartDataset    `json:"datasets"`
	Options   map[string]any    `json:"options,omitempty"`
	YMin      *float64          `json:"yMin,omitempty"`
	YMax      *float64          `json:"yMax,omitempty"`
	XMin      *float64          `json:"xMin,omitempty"`
	XMax      *float64          `json:"xMax,omitempty"`
	XLabel    string            `json:"xLabel,omitempty"`
	YLabel    string            `json:"yLabel,omitempty"`
	RefLines  []refLine         `json:"refLines,omitempty"`
	QuadrantX *float64          `json:"quadrantX,omitempty"`
	QuadrantY *float64          `json:"quadrantY,omitempty"`
	Quadrants map[string]string `json:"quadrants,omitempty"`
	Tall      bool              `json:"tall,omitempty"`
}

type chartDataset struct {
	Label           string `json:"label"`
	Data            any    `json:"data"`
	BackgroundColor any    `json:"backgroundColor,omitempty"`
	BorderColor     any    `json:"borderColor,omitempty"`
	PointStyle      string `json:"pointStyle,omitempty"`
}

type refLine struct {
	Value float64 `json:"value"`
	Label string  `json:"label"`
	Color string  `json:"color,omitempty"`
}

type scatterPoint struct {
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Label string  `json:"label"`
}

// Chart colours: the app's primary blue, a grey that still has 3:1 against white for
// units below the minimum sample, and the reference-line red.
const (
	colorBar      = "#0b4f8a"
	colorLowBar   = "#7b8794"
	colorNational = "#1d6b35"
)

// round2 rounds for charts (the tables show the same two decimals); nil stays null.
func round2(v *float64) *float64 {
	if v == nil {
		return nil
	}
	r := math.Round(*v*100) / 100
	return &r
}

func fptr(v float64) *float64 { return &v }

// axisFloor is a lower bound for a percent axis that leaves room below the lowest value,
// in steps of 10, so that differences between units stay visible.
func axisFloor(values ...*float64) *float64 {
	lo := 100.0
	for _, v := range values {
		if v != nil && *v < lo {
			lo = *v
		}
	}
	return fptr(math.Max(0, math.Floor((lo-5)/10)*10))
}

// wrapLabel splits a long chart label into lines of about width characters, so that
// category labels stay readable on a phone.
func wrapLabel(s string, width int) any {
	words := strings.Fields(s)
	var lines []string
	line := ""
	for _, w := range words {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) <= 1 {
		return s
	}
	return lines
}
