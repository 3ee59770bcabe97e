package survey

import (
	"math"
	"testing"
)

type wantIndex struct {
	responses int64
	sipas     *float64
	se        float64
	ci        Interval
	elements  map[string]*float64 // every element; absent = nil
	answered  map[string]int64    // element answered counts checked when listed
	criteria  map[string]*float64 // criteria checked; those not listed must be nil
}

func checkIndex(t *testing.T, ix Index, w wantIndex) {
	t.Helper()
	if ix.Responses != w.responses {
		t.Errorf("Responses = %d, want %d", ix.Responses, w.responses)
	}
	assertPtr(t, "SIPAS", ix.SIPAS, w.sipas)
	if !near(ix.SE, w.se, 1e-9) {
		t.Errorf("SE = %.12g, want %.12g", ix.SE, w.se)
	}
	if !near(ix.CI95[0], w.ci[0], 1e-9) || !near(ix.CI95[1], w.ci[1], 1e-9) {
		t.Errorf("CI95 = %v, want %v", ix.CI95, w.ci)
	}
	if len(ix.Elements) != 5 || len(ix.Criteria) != 22 {
		t.Fatalf("%d elements and %d criteria, want 5 and 22", len(ix.Elements), len(ix.Criteria))
	}
	for i, e := range official.Elements {
		if ix.Elements[i].Code != e.Code || ix.Elements[i].Name.In("en") != e.Name.In("en") {
			t.Errorf("element %d = %s, want %s in questionnaire order", i, ix.Elements[i].Code, e.Code)
		}
		assertPtr(t, "element "+e.Code, ix.Elements[i].Index, w.elements[e.Code])
		if n, ok := w.answered[e.Code]; ok && ix.Elements[i].Answered != n {
			t.Errorf("element %s answered = %d, want %d", e.Code, ix.Elements[i].Answered, n)
		}
	}
	for i, code := range official.CriterionCodes() {
		c := ix.Criteria[i]
		if c.Code != code {
			t.Errorf("criterion %d = %s, want %s", i, c.Code, code)
		}
		assertPtr(t, "criterion "+code, c.Index, w.criteria[code])
		if c.Index == nil && (c.Answered != 0 || c.Mean != nil || c.Wilson != (Interval{0, 100})) {
			t.Errorf("criterion %s without answers: %+v", code, c)
		}
	}
}

func TestComputeFromSubmissions(t *testing.T) {
	// A: E1.1=5 E1.2=3 E2.1=4   score (1/2 + 1)/2 = 0.75
	// B: E1.1=2 E2.1=4 E2.2=1   score (0 + 1/2)/2 = 0.25
	// E1.1 1/2 = 50, E1.2 0/1 = 0, E2.1 2/2 = 100, E2.2 0/1 = 0
	// E1 = 25, E2 = 50, E3–E5 unanswered → SIPAS = 37.5
	// sd of (0.75, 0.25) = √0.125, SE = 100·√0.125/√2 = 25
	a := sub(map[string]int{"E1.1": 5, "E1.2": 3, "E2.1": 4})
	b := sub(map[string]int{"E1.1": 2, "E2.1": 4, "E2.2": 1})
	ix := official.Compute(tallyOf(a, b))
	checkIndex(t, ix, wantIndex{
		responses: 2,
		sipas:     fp(37.5),
		se:        25,
		ci:        Interval{0, 37.5 + z95*25},
		elements:  map[string]*float64{"E1": fp(25), "E2": fp(50)},
		answered:  map[string]int64{"E1": 3, "E2": 3, "E3": 0, "E4": 0, "E5": 0},
		criteria:  map[string]*float64{"E1.1": fp(50), "E1.2": fp(0), "E2.1": fp(100), "E2.2": fp(0)},
	})
	c := criterionByCode(t, ix, "E1.1")
	if c.Answered != 2 || c.Satisfied != 1 || c.Element != "E1" || c.Values != [MaxScale]int64{0, 1, 0, 0, 1} {
		t.Errorf("E1.1 = %+v", c)
	}
	assertPtr(t, "E1.1 mean", c.Mean, fp(3.5))
	if c.Wilson != Wilson(1, 2) {
		t.Errorf("E1.1 Wilson = %v, want %v", c.Wilson, Wilson(1, 2))
	}
	if c.Importance != nil {
		t.Errorf("importance from 2 pairs = %v, want nil", *c.Importance)
	}
	if c.Text.In("en") == "" {
		t.Error("criterion text missing")
	}
}

func TestComputeFromTallyDirectly(t *testing.T) {
	tl := NewTally()
	tl.Responses, tl.SumScore, tl.SumScore2 = 10, 6, 4
	tl.Criterion("E1.1").Values = [MaxScale]int64{1, 0, 0, 2, 1} // 3/4 = 75
	tl.Criterion("E1.2")                                         // present, nobody answered: skipped
	tl.Criterion("E1.3").Values = [MaxScale]int64{0, 2, 0, 0, 0} // 0/2 = 0
	tl.Criterion("E3.1").Values = [MaxScale]int64{0, 0, 1, 1, 0} // 1/2 = 50
	tl.Criterion("E3.4").Values = [MaxScale]int64{0, 0, 0, 0, 3} // 3/3 = 100
	tl.Criterion("E5.2").Values = [MaxScale]int64{5, 0, 0, 0, 0} // 0/5 = 0
	tl.Criterion("Z9").Values = [MaxScale]int64{0, 0, 0, 0, 7}   // not in the questionnaire: ignored
	// E1 = (75 + 0)/2 = 37.5, E3 = (50 + 100)/2 = 75, E5 = 0 → SIPAS = 112.5/3 = 37.5
	// SE = 100 · √((4 − 36/10)/9) / √10 = 100 · √(0.4/90) = 20/3
	se := 100 * math.Sqrt(0.4/90)
	ix := official.Compute(tl)
	checkIndex(t, ix, wantIndex{
		responses: 10,
		sipas:     fp(37.5),
		se:        se,
		ci:        Interval{37.5 - z95*se, 37.5 + z95*se},
		elements:  map[string]*float64{"E1": fp(37.5), "E3": fp(75), "E5": fp(0)},
		answered:  map[string]int64{"E1": 6, "E2": 0, "E3": 5, "E4": 0, "E5": 5},
		criteria:  map[string]*float64{"E1.1": fp(75), "E1.3": fp(0), "E3.1": fp(50), "E3.4": fp(100), "E5.2": fp(0)},
	})
	if !near(se, 20.0/3, 1e-12) {
		t.Fatalf("hand computation: %v", se)
	}
	c := criterionByCode(t, ix, "E1.1")
	assertPtr(t, "E1.1 mean", c.Mean, fp(3.5)) // (1 + 4·2 + 5)/4
	if c.Satisfied != 3 || c.Answered != 4 {
		t.Errorf("E1.1 satisfied/answered = %d/%d", c.Satisfied, c.Answered)
	}
	if e := elementByCode(t, ix, "E2"); e.Index != nil || e.Answered != 0 {
		t.Errorf("unanswered element E2 = %+v", e)
	}
}

func TestComputeCriterionIsNotElementWeighted(t *testing.T) {
	// E1: E1.1 answered 9 times all satisfied, E1.2 once dissatisfied → E1 = (100 + 0)/2 = 50,
	// not 90: each criterion weighs the same inside its element whatever its number of answers.
	var subs []Submission
	for i := 0; i < 9; i++ {
		subs = append(subs, sub(map[string]int{"E1.1": 5}))
	}
	subs = append(subs, sub(map[string]int{"E1.2": 1}))
	ix := official.Compute(tallyOf(subs...))
	assertPtr(t, "E1", ix.Elements[0].Index, fp(50))
	assertPtr(t, "SIPAS", ix.SIPAS, fp(50))
	// scores: nine 1s and one 0: mean 0.9, sd = √((9 − 8.1)/9) = √0.1
	if want := 100 * math.Sqrt(0.1) / math.Sqrt(10); !near(ix.SE, want, 1e-9) {
		t.Errorf("SE = %v, want %v", ix.SE, want)
	}
}

// The kiosk-flow contract: one response all 4, one all 2 → every criterion 50 %, SIPAS 50.
func TestComputeKioskContract(t *testing.T) {
	ix := official.Compute(tallyOf(allCriteria(4), allCriteria(2)))
	crit := map[string]*float64{}
	for _, c := range official.CriterionCodes() {
		crit[c] = fp(50)
	}
	// scores 1 and 0: sd = √0.5, SE = 100·√0.5/√2 = 50 → CI 50 ± 98 clipped to [0, 100]
	checkIndex(t, ix, wantIndex{
		responses: 2,
		sipas:     fp(50),
		se:        50,
		ci:        Interval{0, 100},
		elements:  map[string]*float64{"E1": fp(50), "E2": fp(50), "E3": fp(50), "E4": fp(50), "E5": fp(50)},
		answered:  map[string]int64{"E1": 8, "E2": 10, "E3": 12, "E4": 6, "E5": 8},
		criteria:  crit,
	})
	for _, c := range ix.Criteria {
		if c.Answered != 2 || c.Satisfied != 1 || c.Mean == nil || *c.Mean != 3 {
			t.Errorf("criterion %s = %+v", c.Code, c)
		}
	}
}

func TestComputeNoResponses(t *testing.T) {
	for name, tl := range map[string]*Tally{"nil": nil, "empty": NewTally(), "criteria without answers": func() *Tally {
		t := NewTally()
		t.Criterion("E1.1")
		return t
	}()} {
		t.Run(name, func(t *testing.T) {
			ix := official.Compute(tl)
			checkIndex(t, ix, wantIndex{ci: Interval{0, 100}})
			if ix.SE != 0 {
				t.Errorf("SE = %v", ix.SE)
			}
		})
	}
}

func TestComputeSingleResponse(t *testing.T) {
	// One response: its SIPAS is exact but its spread unknown: sd 0.5 → SE 50.
	ix := official.Compute(tallyOf(sub(map[string]int{"E4.1": 5, "E4.2": 4, "E4.3": 1})))
	checkIndex(t, ix, wantIndex{
		responses: 1,
		sipas:     fp(200.0 / 3),
		se:        50,
		ci:        Interval{0, 100},
		elements:  map[string]*float64{"E4": fp(200.0 / 3)},
		criteria:  map[string]*float64{"E4.1": fp(100), "E4.2": fp(100), "E4.3": fp(0)},
	})
}

func TestComputeImportance(t *testing.T) {
	// Four responses to E1.1, E1.2, E1.3.
	subs := []Submission{
		sub(map[string]int{"E1.1": 5, "E1.2": 4, "E1.3": 3}),
		sub(map[string]int{"E1.1": 2, "E1.2": 4, "E1.3": 4}),
		sub(map[string]int{"E1.1": 4, "E1.2": 1, "E1.3": 2}),
		sub(map[string]int{"E1.1": 3, "E1.2": 3, "E1.3": 5}),
	}
	ix := official.Compute(tallyOf(subs...))
	// E1.1: x = 5, 2, 4, 3; o = 3.5, 4, 1.5, 4 → Σdx·do = −2, Σdx² = 5, Σdo² = 4.25
	c := criterionByCode(t, ix, "E1.1")
	assertPtr(t, "E1.1 importance", c.Importance, fp(-2/math.Sqrt(5*4.25)))
	// Check every criterion against a direct Pearson over the raw pairs.
	for _, code := range []string{"E1.1", "E1.2", "E1.3"} {
		var xs, os []float64
		for _, s := range subs {
			sum := 0
			for _, v := range s.Criteria {
				sum += v
			}
			x := s.Criteria[code]
			xs = append(xs, float64(x))
			os = append(os, float64(sum-x)/float64(len(s.Criteria)-1))
		}
		want := pearson(xs, os)
		assertPtr(t, code+" importance", criterionByCode(t, ix, code).Importance, &want)
	}

	// Perfectly aligned answers: importance 1.
	aligned := official.Compute(tallyOf(
		sub(map[string]int{"E2.1": 5, "E2.2": 5}),
		sub(map[string]int{"E2.1": 3, "E2.2": 3}),
		sub(map[string]int{"E2.1": 1, "E2.2": 1}),
	))
	assertPtr(t, "E2.1 importance", criterionByCode(t, aligned, "E2.1").Importance, fp(1))
	// A criterion always answered the same has no importance.
	constant := official.Compute(tallyOf(
		sub(map[string]int{"E2.1": 4, "E2.2": 5}),
		sub(map[string]int{"E2.1": 4, "E2.2": 3}),
		sub(map[string]int{"E2.1": 4, "E2.2": 1}),
	))
	if c := criterionByCode(t, constant, "E2.1"); c.Importance != nil {
		t.Errorf("constant criterion importance = %v", *c.Importance)
	}
	// Responses answering a criterion alone give no pair.
	lone := official.Compute(tallyOf(
		sub(map[string]int{"E3.1": 5}), sub(map[string]int{"E3.1": 1}), sub(map[string]int{"E3.1": 3}),
	))
	if c := criterionByCode(t, lone, "E3.1"); c.Importance != nil || c.Answered != 3 {
		t.Errorf("lone criterion = %+v", c)
	}
}

func pearson(xs, ys []float64) float64 {
	mx, my := 0.0, 0.0
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(ys))
	var sxy, sxx, syy float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// Computing from the sum of two tallies equals computing from all submissions at once.
func TestComputeAdditive(t *testing.T) {
	s1 := []Submission{allCriteria(5), sub(map[string]int{"E1.1": 1, "E5.4": 4})}
	s2 := []Submission{sub(map[string]int{"E3.3": 2, "E3.4": 4, "E4.1": 5}), allCriteria(3)}
	whole := official.Compute(tallyOf(append(append([]Submission{}, s1...), s2...)...))
	t1, t2 := tallyOf(s1...), tallyOf(s2...)
	t1.Add(t2)
	parts := official.Compute(t1)
	assertPtr(t, "SIPAS", parts.SIPAS, whole.SIPAS)
	if !near(parts.SE, whole.SE, 1e-12) {
		t.Errorf("SE %v vs %v", parts.SE, whole.SE)
	}
	for i := range whole.Criteria {
		assertPtr(t, whole.Criteria[i].Code, parts.Criteria[i].Index, whole.Criteria[i].Index)
	}
}

func TestReliable(t *testing.T) {
	for _, c := range []struct {
		n    int64
		min  int
		want bool
	}{{0, 30, false}, {29, 30, false}, {30, 30, true}, {31, 30, true}, {0, 0, true}} {
		if got := Reliable(c.n, c.min); got != c.want {
			t.Errorf("Reliable(%d, %d) = %v", c.n, c.min, got)
		}
	}
}

// A sum started empty holds copies of the first tally's counts: adding more to it leaves
// that tally as it was (the read cache keeps tallies that later sums start from).
func TestAddIntoEmptyCopies(t *testing.T) {
	first := tallyOf(allCriteria(5), allCriteria(2))
	before := official.Compute(first)
	sum := NewTally()
	sum.Add(first)
	sum.Add(tallyOf(allCriteria(1)))
	sum.Criterion("E1.1").Values[0] += 10
	after := official.Compute(first)
	assertPtr(t, "SIPAS of the first tally", after.SIPAS, before.SIPAS)
	for i := range before.Criteria {
		if after.Criteria[i].Values != before.Criteria[i].Values {
			t.Errorf("%s: %v, was %v", before.Criteria[i].Code, after.Criteria[i].Values, before.Criteria[i].Values)
		}
	}
	if got, want := sum.Responses, int64(3); got != want {
		t.Errorf("sum of %d responses, want %d", got, want)
	}
	if got := sum.Criteria["E2.1"].Answered(); got != 3 {
		t.Errorf("E2.1 answered %d times in the sum, want 3", got)
	}
}
