package survey

import (
	"math"
	"sort"
	"time"
)

// A projection of a year's figure: the year so far with its interval, and what the year
// will come to if the remaining months behave like the months so far, shifted by how the
// same months differed last year where there is data. Its variance adds up what is not
// known: the level so far (its sampling error), the seasonal shift (its sampling error),
// how far the rest of the year's level may move (τ, from the month-to-month variation of
// the last twelve months beyond sampling), and the sampling noise of the responses still
// to come. So the interval is wide early in the year and with few responses, and narrows
// to the year's own interval at its end.

// ProjectionInput is what the projections of one year are computed from, as the store
// reads it: lean counts per stored unit (keyed by Unit.ID, the unit in force when each
// response was given), by month for the year and the one before, and by year for the
// earlier years an official figure is known for.
type ProjectionInput struct {
	Questionnaire *Questionnaire
	Units         []Unit
	Year          int
	Months        map[int]map[uint]*Tally // YYYYMM of Year−1 and Year
	Years         map[int]map[uint]*Tally // earlier years with an official figure
	Official      []OfficialResult        // recorded by administrators; PublishedAverages are added
}

// NationalCode is the code under which an official national average is recorded.
const NationalCode = "national"

// OfficialResult is a figure the Ministry published: a province's SIPAS for a year, or
// the national average (Code NationalCode).
type OfficialResult struct {
	Year  int
	Code  string
	SIPAS float64
}

// ProjectionRules are the settings of a projection.
type ProjectionRules struct {
	MinSample int    // responses so far below which a unit gets no projection
	Draws     int    // rankings simulated for the likely rank
	Seed      uint64 // of the simulated rankings
}

// Projections are the projections of every province in force today for one year.
type Projections struct {
	Year      int
	Day       time.Time // today: the provinces shown are those in force
	ShareLeft float64   // the share of the year still to come, 0 to 1
	Units     []UnitProjection
	National  Calibration // the national average's gap, for provinces without their own
	// NationalHistory is our national average beside the official one, year by year.
	NationalHistory []YearComparison
	Draws           int
}

// UnitProjection is one province's projection of the year.
type UnitProjection struct {
	Unit  Unit
	SoFar Index // the year so far
	// SIPAS is the projected figure of the whole year; nil when the year so far has fewer
	// responses than the minimum sample. SE is its standard error, CI95 its interval.
	SIPAS    *float64
	SE       float64
	CI95     Interval
	Seasonal *float64 // last year's rest-of-year minus same-months-so-far, when known
	// Calibrated is SIPAS corrected by the average gap between the official figures and
	// ours (Calibration says on what it rests); nil when no year has both.
	Calibrated   *float64
	CalibratedCI Interval
	Calibration  Calibration
	// Rank is the rank of the projected figure among the provinces that have one; Odds
	// how likely each rank is in simulated rankings, from which RankLikely, the 80 % range.
	Rank       int
	Odds       RankOdds
	RankLikely [2]int
	History    []YearComparison // past years: our figure beside the official one
}

// Calibration is the average gap, official minus ours, and what it rests on.
type Calibration struct {
	Basis string  // "province", "national", or "" when there is none
	Years int     // how many years it rests on
	Gap   float64 // percent points, official − ours
	SD    float64 // how much the gap varies from year to year (assumed when one year)
}

// CalibrationBasis values.
const (
	BasisProvince = "province"
	BasisNational = "national"
)

// YearComparison is a past year's figure as we measured it beside the official one.
type YearComparison struct {
	Year      int
	Ours      *float64
	Responses int64
	Official  *float64
	Gap       *float64 // official − ours, when both are known and ours is reliable
}

// Defaults of the uncertainty when the data cannot say.
const (
	// defaultMonthSpread is how much a month's level varies beyond sampling, in points,
	// when fewer than four reliable months show it.
	defaultMonthSpread = 2.0
	// minMonthSpread keeps τ from vanishing on a unit whose months happened to agree.
	minMonthSpread = 0.5
	// assumedGapSD is the year-to-year variation of the gap assumed when one year is known.
	assumedGapSD = 3.0
	// minGapSD keeps a gap measured in a few agreeing years from looking exact.
	minGapSD = 1.0
)

// Project computes every current province's projection of the year as of now.
func (in ProjectionInput) Project(now time.Time, rules ProjectionRules) Projections {
	q := in.Questionnaire
	day := DayOf(now)
	targets := UnitsOn(in.Units, dayString(day))
	out := Projections{Year: in.Year, Day: day, ShareLeft: shareLeft(in.Year, day), Draws: rules.Draws}
	current := MonthKey(day)
	if current/100 > in.Year {
		current = in.Year*100 + 12
	}
	months := map[int]map[uint]*Tally{}
	for m, counts := range in.Months {
		months[m] = mergeOnto(in.Units, targets, counts)
	}
	official := officialIndex(in.Official)
	ours := in.yearFigures()
	out.National, out.NationalHistory = nationalCalibration(ours, official, rules.MinSample)
	var ranked []int
	for _, u := range targets {
		p := q.projectUnit(u, months, in.Year, current, out.ShareLeft, rules.MinSample)
		p.History = unitHistory(u.Code, ours, official)
		p.Calibration = provinceCalibration(p.History, ours, u.Code, rules.MinSample)
		if p.Calibration.Years == 0 {
			p.Calibration = out.National
		}
		if p.SIPAS != nil {
			ranked = append(ranked, len(out.Units))
			if c := p.Calibration; c.Years > 0 {
				v := *p.SIPAS + c.Gap
				p.Calibrated = &v
				p.CalibratedCI = CI(v, math.Sqrt(p.SE*p.SE+c.SD*c.SD*(1+1/float64(c.Years))))
			}
		}
		out.Units = append(out.Units, p)
	}
	out.rank(ranked, rules)
	return out
}

// rank gives the units with a projection their rank and simulated odds.
func (out *Projections) rank(ranked []int, rules ProjectionRules) {
	means, sds, values := make([]float64, len(ranked)), make([]float64, len(ranked)), make([]*float64, len(ranked))
	for j, i := range ranked {
		means[j], sds[j], values[j] = *out.Units[i].SIPAS, out.Units[i].SE, out.Units[i].SIPAS
	}
	odds := SimulateRanks(means, sds, rules.Draws, rules.Seed+uint64(out.Year))
	for j, rank := range Rank(values) {
		u := &out.Units[ranked[j]]
		u.Rank, u.Odds, u.RankLikely = rank, odds[j], odds[j].Likely()
	}
}

// shareLeft is the share of the year's days after day: the responses still to come if
// they keep arriving at the same pace.
func shareLeft(year int, day time.Time) float64 {
	y := YearPeriod(year)
	switch {
	case day.Before(y.From):
		return 1
	case !day.Before(y.To):
		return 0
	}
	return float64(y.Days()-Period{From: y.From, To: day}.Days()) / float64(y.Days())
}

// projectUnit projects one province's year from its months (already merged onto today's
// provinces); current is the YYYYMM month of today within the year.
func (q *Questionnaire) projectUnit(u Unit, months map[int]map[uint]*Tally, year, current int, left float64, minSample int) UnitProjection {
	p := UnitProjection{Unit: u}
	sum := func(from, to int) *Tally {
		t := NewTally()
		for m := from; m <= to; m = NextMonth(m) {
			if c := months[m][u.ID]; c != nil {
				t.Add(c)
			}
		}
		return t
	}
	soFar := sum(year*100+1, current)
	p.SoFar = q.Compute(soFar)
	if p.SoFar.SIPAS == nil || !Reliable(p.SoFar.Responses, minSample) {
		return p
	}
	level, se := *p.SoFar.SIPAS, p.SoFar.SE
	shift, shiftVar := 0.0, 0.0
	if left > 0 && current%100 < 12 {
		before := q.Compute(sum((year-1)*100+1, (year-1)*100+current%100))
		after := q.Compute(sum((year-1)*100+current%100+1, (year-1)*100+12))
		if before.SIPAS != nil && after.SIPAS != nil && Reliable(before.Responses, minSample) && Reliable(after.Responses, minSample) {
			d := *after.SIPAS - *before.SIPAS
			p.Seasonal, shift, shiftVar = &d, d, before.SE*before.SE+after.SE*after.SE
		}
	}
	tau := q.monthSpread(u, months, current, minSample)
	future := 0.0 // sampling variance of the mean of the responses still to come
	if left > 0 && left < 1 {
		n := float64(p.SoFar.Responses)
		sd := se * math.Sqrt(n) // one response's spread, in points
		future = sd * sd / (n * left / (1 - left))
	}
	projected := level + left*shift
	p.SIPAS = &projected
	p.SE = math.Sqrt(se*se + left*left*(shiftVar+tau*tau+future))
	p.CI95 = CI(projected, p.SE)
	return p
}

// monthSpread is τ: how much one month's level varies beyond its sampling error, from
// the last twelve whole months before current with a reliable sample.
func (q *Questionnaire) monthSpread(u Unit, months map[int]map[uint]*Tally, current, minSample int) float64 {
	var values, variances []float64
	m := current
	for range 12 {
		m = PrevMonth(m)
		ix := q.Compute(months[m][u.ID])
		if ix.SIPAS != nil && Reliable(ix.Responses, minSample) {
			values = append(values, *ix.SIPAS)
			variances = append(variances, ix.SE*ix.SE)
		}
	}
	if len(values) < 4 {
		return defaultMonthSpread
	}
	mean, meanVar := 0.0, 0.0
	for i, v := range values {
		mean += v
		meanVar += variances[i]
	}
	mean /= float64(len(values))
	meanVar /= float64(len(values))
	spread := 0.0
	for _, v := range values {
		spread += (v - mean) * (v - mean)
	}
	spread /= float64(len(values) - 1)
	return math.Max(minMonthSpread, math.Sqrt(math.Max(0, spread-meanVar)))
}

// NextMonth is the YYYYMM month after m.
func NextMonth(m int) int {
	if m%100 == 12 {
		return (m/100+1)*100 + 1
	}
	return m + 1
}

// PrevMonth is the YYYYMM month before m.
func PrevMonth(m int) int {
	if m%100 == 1 {
		return (m/100-1)*100 + 12
	}
	return m - 1
}

// officialIndex is the official figures by year and code, the built-in national averages
// first so that a recorded one replaces them.
func officialIndex(recorded []OfficialResult) map[int]map[string]float64 {
	out := map[int]map[string]float64{}
	set := func(r OfficialResult) {
		if out[r.Year] == nil {
			out[r.Year] = map[string]float64{}
		}
		out[r.Year][r.Code] = r.SIPAS
	}
	for _, p := range PublishedAverages() {
		set(OfficialResult{Year: p.Year, Code: NationalCode, SIPAS: p.Average})
	}
	for _, r := range recorded {
		set(r)
	}
	return out
}

// yearFigures is our national table of every earlier year read, shown with the provinces
// in force at its end, as the national API shows that year.
func (in ProjectionInput) yearFigures() map[int]Report {
	out := map[int]Report{}
	for y, counts := range in.Years {
		p := YearPeriod(y)
		out[y] = in.Questionnaire.NationalReport(in.Units, counts, p, p.To)
	}
	return out
}

// unitHistory lists, for every year with our figure or an official one for code, both.
func unitHistory(code string, ours map[int]Report, official map[int]map[string]float64) []YearComparison {
	var out []YearComparison
	for _, y := range yearsWith(ours, official, code) {
		yc := YearComparison{Year: y}
		for _, u := range ours[y].Units {
			if u.Unit.Code == code {
				yc.Ours, yc.Responses = u.Index.SIPAS, u.Index.Responses
			}
		}
		if v, ok := official[y][code]; ok {
			yc.Official = &v
		}
		if yc.Ours == nil && yc.Official == nil {
			continue
		}
		out = append(out, yc)
	}
	return out
}

// provinceCalibration is the average gap of the years whose own figure is reliable.
func provinceCalibration(history []YearComparison, ours map[int]Report, code string, minSample int) Calibration {
	var gaps []float64
	for i := range history {
		h := &history[i]
		if h.Ours != nil && h.Official != nil && Reliable(h.Responses, minSample) {
			g := *h.Official - *h.Ours
			h.Gap = &g
			gaps = append(gaps, g)
		}
	}
	return calibrationOf(BasisProvince, gaps)
}

// nationalCalibration is the average gap between the official national averages and
// ours (the mean of the provinces' SIPAS) over the years with both.
func nationalCalibration(ours map[int]Report, official map[int]map[string]float64, minSample int) (Calibration, []YearComparison) {
	var history []YearComparison
	var gaps []float64
	for _, y := range yearsWith(ours, official, NationalCode) {
		yc := YearComparison{Year: y, Ours: ours[y].Average, Responses: ours[y].Pooled.Responses}
		if v, ok := official[y][NationalCode]; ok {
			yc.Official = &v
		}
		if yc.Ours != nil && yc.Official != nil && Reliable(yc.Responses, minSample) {
			g := *yc.Official - *yc.Ours
			yc.Gap = &g
			gaps = append(gaps, g)
		}
		history = append(history, yc)
	}
	return calibrationOf(BasisNational, gaps), history
}

// calibrationOf averages gaps; their spread is measured from two years on, and assumed
// from one.
func calibrationOf(basis string, gaps []float64) Calibration {
	if len(gaps) == 0 {
		return Calibration{}
	}
	c := Calibration{Basis: basis, Years: len(gaps), SD: assumedGapSD}
	for _, g := range gaps {
		c.Gap += g
	}
	c.Gap /= float64(len(gaps))
	if len(gaps) >= 2 {
		ss := 0.0
		for _, g := range gaps {
			ss += (g - c.Gap) * (g - c.Gap)
		}
		c.SD = math.Max(minGapSD, math.Sqrt(ss/float64(len(gaps)-1)))
	}
	return c
}

// yearsWith lists, in order, the years with a figure of ours or an official one for code.
func yearsWith(ours map[int]Report, official map[int]map[string]float64, code string) []int {
	years := map[int]bool{}
	for y := range ours {
		years[y] = true
	}
	for y, byCode := range official {
		if _, ok := byCode[code]; ok {
			years[y] = true
		}
	}
	out := make([]int, 0, len(years))
	for y := range years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// Of finds the projection of the province with code; ok is false when it is not in force.
func (p Projections) Of(code string) (UnitProjection, bool) {
	for _, u := range p.Units {
		if u.Unit.Code == code {
			return u, true
		}
	}
	return UnitProjection{}, false
}
