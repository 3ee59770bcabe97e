package survey

import (
	"math"
	"sort"
	"time"
)

// Early alerts: a real drop in a counter's or an office's satisfaction, told from noise.
//
// The test compares the mean response score (each response's weighted share of satisfied
// answers, s_r, whose sums the kept counts hold) of the last Recent days with that of the
// Baseline days before them: Welch's z on the two means, one-sided. Responses, not
// answers, are the units of the test, since a citizen's answers go together. A drop must
// also pass a minimum sample on both sides and a minimum size in SIPAS points, so that
// noise and trivial moves are not alerts. When it does, a CUSUM of the daily scores
// against the baseline mean, over the last Lookback days, dates its start: the day after
// the CUSUM last stood at zero.

// DropRules are the settings of the test.
type DropRules struct {
	Recent      int     // days of the recent window
	Baseline    int     // days before it that give the usual level
	MinRecent   int64   // responses the recent window needs
	MinBaseline int64   // responses the baseline needs
	Z           float64 // the one-sided z a drop must reach
	MinDrop     float64 // SIPAS points a drop must reach
	Lookback    int     // days searched for the start of the drop
}

// DefaultDropRules: the last 14 days against the 90 before, at least 30 and 60
// responses, z ≥ 3.09 (one-sided p < 0.001) and 5 points.
func DefaultDropRules() DropRules {
	return DropRules{Recent: 14, Baseline: 90, MinRecent: 30, MinBaseline: 60, Z: 3.09, MinDrop: 5, Lookback: 42}
}

// DayCounts are one unit's lean counts by YYYYMMDD day.
type DayCounts map[int]*Tally

// Drop is a fall in a unit's satisfaction that the test found real.
type Drop struct {
	Since    time.Time // the first day of the drop
	Before   Index     // the Baseline days before Since
	After    Index     // from Since to today (at least the recent window)
	Drop     float64   // Before.SIPAS − After.SIPAS, points
	Z        float64
	Criteria []CriterionDrop // those that fell most, most first
}

// CriterionDrop is one criterion's fall.
type CriterionDrop struct {
	Code          string
	Before, After float64 // indices, percent
	Drop          float64 // points
}

// maxCriteriaDrops is how many criteria an alert names.
const maxCriteriaDrops = 3

// minCriterionAnswers is how often a criterion must be answered on each side to be named.
const minCriterionAnswers = 10

// scoreSums are the score sums of a run of days.
type scoreSums struct {
	n       int64
	sum, sq float64
}

func (s *scoreSums) add(t *Tally) {
	if t == nil {
		return
	}
	s.n += t.Responses
	s.sum += t.SumScore
	s.sq += t.SumScore2
}

// meanVar is the mean score and its sampling variance.
func (s scoreSums) meanVar() (mean, variance float64) {
	n := float64(s.n)
	mean = s.sum / n
	v := 0.25 // the widest spread of scores in [0, 1], for a single response
	if s.n >= 2 {
		v = math.Max(0, (s.sq-s.sum*s.sum/n)/(n-1))
	}
	return mean, v / n
}

// DetectDrop tests whether a unit's satisfaction fell, as of today, from its daily counts.
func (q *Questionnaire) DetectDrop(days DayCounts, today time.Time, rules DropRules) (Drop, bool) {
	today = DayOf(today)
	day := func(offset int) int { return DayKey(today.AddDate(0, 0, offset)) }
	sums := func(from, to int) scoreSums { // offsets from today, inclusive
		var s scoreSums
		for o := from; o <= to; o++ {
			s.add(days[day(o)])
		}
		return s
	}
	recent := sums(-(rules.Recent - 1), 0)
	base := sums(-(rules.Recent + rules.Baseline - 1), -rules.Recent)
	if recent.n < rules.MinRecent || base.n < rules.MinBaseline {
		return Drop{}, false
	}
	mb, vb := base.meanVar()
	mr, vr := recent.meanVar()
	z := (mb - mr) / math.Max(math.Sqrt(vb+vr), 1e-9)
	if z < rules.Z {
		return Drop{}, false
	}
	since := q.dropStart(days, today, mb, rules)
	start := -int(today.Sub(since).Hours()/24 + 0.5)
	tallies := func(from, to int) *Tally {
		t := NewTally()
		for o := from; o <= to; o++ {
			if d := days[day(o)]; d != nil {
				t.Add(d)
			}
		}
		return t
	}
	after := tallies(min(start, -(rules.Recent-1)), 0)
	if sums(start, 0).n >= rules.MinRecent {
		after = tallies(start, 0)
	}
	d := Drop{Since: since, Z: z, Before: q.Compute(tallies(start-rules.Baseline, start-1)), After: q.Compute(after)}
	if d.Before.SIPAS == nil || d.After.SIPAS == nil {
		return Drop{}, false
	}
	d.Drop = *d.Before.SIPAS - *d.After.SIPAS
	if d.Drop < rules.MinDrop {
		return Drop{}, false
	}
	d.Criteria = criteriaDrops(d.Before, d.After)
	return d, true
}

// dropStart dates the start of a drop below the baseline mean: a one-sided CUSUM of the
// daily scores, with half the minimum drop as its slack, over the last Lookback days;
// the drop starts the day after it last stood at zero.
func (q *Questionnaire) dropStart(days DayCounts, today time.Time, baseline float64, rules DropRules) time.Time {
	k := rules.MinDrop / 200 // half the minimum drop, on the score's 0–1 scale
	first := today.AddDate(0, 0, -(rules.Lookback - 1))
	since, cusum := first, 0.0
	for d := first; !d.After(today); d = d.AddDate(0, 0, 1) {
		if t := days[DayKey(d)]; t != nil && t.Responses > 0 {
			cusum = math.Max(0, cusum+float64(t.Responses)*(baseline-k)-t.SumScore)
		}
		if cusum == 0 {
			since = d.AddDate(0, 0, 1)
		}
	}
	if since.After(today) { // the last day itself was above the slack: the recent window
		since = today.AddDate(0, 0, -(rules.Recent - 1))
	}
	return since
}

// criteriaDrops lists the criteria that fell, most first, answered often enough on both
// sides to tell.
func criteriaDrops(before, after Index) []CriterionDrop {
	var out []CriterionDrop
	for i, b := range before.Criteria {
		a := after.Criteria[i]
		if b.Index == nil || a.Index == nil || b.Answered < minCriterionAnswers || a.Answered < minCriterionAnswers {
			continue
		}
		if d := *b.Index - *a.Index; d > 0 {
			out = append(out, CriterionDrop{Code: b.Code, Before: *b.Index, After: *a.Index, Drop: d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Drop > out[j].Drop })
	if len(out) > maxCriteriaDrops {
		out = out[:maxCriteriaDrops]
	}
	return out
}
