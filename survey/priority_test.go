package survey

import (
	"reflect"
	"testing"
)

// crit is a criterion index with the fields Priorities reads.
func crit(code string, index, importance *float64, answered int64) CriterionIndex {
	return CriterionIndex{Code: code, Element: code[:2], Text: Text{"vi": "tiêu chí " + code, "en": "criterion " + code},
		Index: index, Importance: importance, Answered: answered}
}

func TestPriorities(t *testing.T) {
	type pt struct {
		code string
		q    Quadrant
	}
	cases := []struct {
		name           string
		criteria       []CriterionIndex
		minAnswered    int64
		want           []pt
		meanIndex      float64
		meanImportance float64
	}{
		{
			name: "one per quadrant",
			criteria: []CriterionIndex{
				crit("E1.1", fp(40), fp(0.8), 50), // important, below → fix first
				crit("E1.2", fp(90), fp(0.7), 50), // important, above → keep up
				crit("E2.1", fp(50), fp(0.2), 50), // less important, below → secondary
				crit("E2.2", fp(80), fp(0.3), 50), // less important, above → overserved
			},
			// means: index 65, importance 0.5
			want:           []pt{{"E1.1", FixFirst}, {"E2.1", Secondary}, {"E2.2", Overserved}, {"E1.2", KeepUp}},
			meanIndex:      65,
			meanImportance: 0.5,
		},
		{
			name: "left out: no index, no importance, too few answers",
			criteria: []CriterionIndex{
				crit("E1.1", fp(40), fp(0.8), 50),
				crit("E1.2", fp(90), fp(0.7), 50),
				crit("E1.3", nil, nil, 0),
				crit("E1.4", fp(10), nil, 2),          // importance undefined
				crit("E2.1", fp(0), fp(0.9), 9),       // below minAnswered
				crit("E2.2", nil, fp(0.9), 50),        // cannot happen, but is left out
				crit("E2.3", fp(50), fp(0.2), 10),     // exactly minAnswered: in
				crit("E2.4", fp(80), fp(0.3), 100000), // in
			},
			minAnswered:    10,
			want:           []pt{{"E1.1", FixFirst}, {"E2.3", Secondary}, {"E2.4", Overserved}, {"E1.2", KeepUp}},
			meanIndex:      65,
			meanImportance: 0.5,
		},
		{
			name: "several fix-first by ascending index, then the rest by ascending index",
			criteria: []CriterionIndex{
				crit("E1.1", fp(60), fp(0.9), 30),
				crit("E1.2", fp(95), fp(0.1), 30),
				crit("E1.3", fp(55), fp(0.8), 30),
				crit("E3.1", fp(70), fp(0.2), 30),
				crit("E3.2", fp(90), fp(0.6), 30),
			},
			// means: index 74, importance 0.52
			want:           []pt{{"E1.3", FixFirst}, {"E1.1", FixFirst}, {"E3.1", Secondary}, {"E3.2", KeepUp}, {"E1.2", Overserved}},
			meanIndex:      74,
			meanImportance: 0.52,
		},
		{
			name:           "single criterion: on both lines, kept up",
			criteria:       []CriterionIndex{crit("E4.1", fp(30), fp(0.4), 5)},
			want:           []pt{{"E4.1", KeepUp}},
			meanIndex:      30,
			meanImportance: 0.4,
		},
		{
			name: "equal importances: all important",
			criteria: []CriterionIndex{
				crit("E1.1", fp(80), fp(0.1), 5),
				crit("E1.2", fp(60), fp(0.1), 5),
				crit("E1.3", fp(70), fp(0.1), 5),
			},
			want:           []pt{{"E1.2", FixFirst}, {"E1.3", KeepUp}, {"E1.1", KeepUp}},
			meanIndex:      70,
			meanImportance: 0.1,
		},
		{
			name: "equal indices: none below average",
			criteria: []CriterionIndex{
				crit("E1.1", fp(50), fp(0.9), 5),
				crit("E1.2", fp(50), fp(0.1), 5),
				crit("E1.3", fp(50), fp(0.5), 5),
			},
			// ties in index keep questionnaire order
			want:           []pt{{"E1.1", KeepUp}, {"E1.2", Overserved}, {"E1.3", KeepUp}},
			meanIndex:      50,
			meanImportance: 0.5,
		},
		{
			name: "negative importances",
			criteria: []CriterionIndex{
				crit("E1.1", fp(20), fp(-0.5), 5),
				crit("E1.2", fp(40), fp(0.5), 5),
			},
			want:           []pt{{"E1.1", Secondary}, {"E1.2", KeepUp}},
			meanIndex:      30,
			meanImportance: 0,
		},
		{
			name:     "nothing to place",
			criteria: []CriterionIndex{crit("E1.1", nil, nil, 0), crit("E1.2", fp(50), nil, 1)},
		},
		{
			name:        "everything below the minimum",
			criteria:    []CriterionIndex{crit("E1.1", fp(50), fp(0.3), 4), crit("E1.2", fp(70), fp(0.6), 4)},
			minAnswered: 5,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Priorities(Index{Criteria: c.criteria}, c.minAnswered)
			var got []pt
			for _, x := range p.Points {
				got = append(got, pt{x.Code, x.Quadrant})
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("points = %v, want %v", got, c.want)
			}
			if !near(p.MeanIndex, c.meanIndex, 1e-9) || !near(p.MeanImportance, c.meanImportance, 1e-9) {
				t.Errorf("means = %v, %v; want %v, %v", p.MeanIndex, p.MeanImportance, c.meanIndex, c.meanImportance)
			}
			// Points carry their criterion's data.
			byCode := map[string]CriterionIndex{}
			for _, ci := range c.criteria {
				byCode[ci.Code] = ci
			}
			for _, x := range p.Points {
				ci := byCode[x.Code]
				if x.Index != *ci.Index || x.Importance != *ci.Importance || x.Answered != ci.Answered ||
					x.Element != ci.Element || x.Text.In("en") != ci.Text.In("en") {
					t.Errorf("point %+v does not match %+v", x, ci)
				}
			}
		})
	}
}

// Priorities of a computed index: quadrants agree with the dividing lines.
func TestPrioritiesFromCompute(t *testing.T) {
	// Responses where E1.1 moves with the others and E1.4 does not.
	subs := []Submission{
		sub(map[string]int{"E1.1": 5, "E1.2": 5, "E1.3": 4, "E1.4": 2}),
		sub(map[string]int{"E1.1": 1, "E1.2": 2, "E1.3": 1, "E1.4": 4}),
		sub(map[string]int{"E1.1": 2, "E1.2": 2, "E1.3": 3, "E1.4": 5}),
		sub(map[string]int{"E1.1": 4, "E1.2": 5, "E1.3": 5, "E1.4": 1}),
		sub(map[string]int{"E1.1": 1, "E1.2": 4, "E1.3": 2, "E1.4": 4}),
		sub(map[string]int{"E2.1": 5}), // answered alone: no importance
	}
	ix := official.Compute(tallyOf(subs...))
	p := Priorities(ix, 0)
	if len(p.Points) != 4 {
		t.Fatalf("%d points, want E1.1–E1.4", len(p.Points))
	}
	sumI, sumR := 0.0, 0.0
	seenOther := false
	for i, x := range p.Points {
		ci := criterionByCode(t, ix, x.Code)
		if ci.Importance == nil || *ci.Importance != x.Importance || *ci.Index != x.Index {
			t.Errorf("point %s does not match the index", x.Code)
		}
		sumI += x.Index
		sumR += x.Importance
		important, below := x.Importance >= p.MeanImportance, x.Index < p.MeanIndex
		want := map[[2]bool]Quadrant{{true, true}: FixFirst, {true, false}: KeepUp, {false, true}: Secondary, {false, false}: Overserved}[[2]bool{important, below}]
		if x.Quadrant != want {
			t.Errorf("%s in %s, want %s", x.Code, x.Quadrant, want)
		}
		if x.Quadrant != FixFirst {
			seenOther = true
		} else if seenOther {
			t.Errorf("fix-first %s after another quadrant", x.Code)
		}
		if i > 0 && p.Points[i-1].Quadrant == x.Quadrant && p.Points[i-1].Index > x.Index {
			t.Errorf("points not by ascending index: %s after %s", x.Code, p.Points[i-1].Code)
		}
	}
	if !near(p.MeanIndex, sumI/4, 1e-9) || !near(p.MeanImportance, sumR/4, 1e-9) {
		t.Errorf("means %v %v", p.MeanIndex, p.MeanImportance)
	}
	// E1.1: index 40 (2 of 5 satisfied), strongly tied to the others → fix first.
	if p.Points[0].Code != "E1.1" || p.Points[0].Quadrant != FixFirst {
		t.Errorf("first point = %s %s, want E1.1 fix-first", p.Points[0].Code, p.Points[0].Quadrant)
	}
	// A higher minimum leaves everything out; no responses give no points.
	if got := Priorities(ix, 6); len(got.Points) != 0 {
		t.Errorf("minAnswered 6 kept %d points", len(got.Points))
	}
	if got := Priorities(official.Compute(nil), 0); len(got.Points) != 0 || got.MeanIndex != 0 || got.MeanImportance != 0 {
		t.Errorf("empty index = %+v", got)
	}
}

func TestQuadrantLabel(t *testing.T) {
	cases := []struct {
		q           Quadrant
		label, help string
	}{
		{FixFirst, "quadrant.fix_first", "dash.quadrant.fix-first"},
		{KeepUp, "quadrant.keep_up", "dash.quadrant.keep-up"},
		{Secondary, "quadrant.secondary", "dash.quadrant.secondary"},
		{Overserved, "quadrant.overserved", "dash.quadrant.overserved"},
	}
	for _, c := range cases {
		if got := c.q.Label().Key; got != c.label {
			t.Errorf("%s label %q, want %q", c.q, got, c.label)
		}
		if got := c.q.Help().Key; got != c.help {
			t.Errorf("%s help %q, want %q", c.q, got, c.help)
		}
	}
	if got := Quadrants(); len(got) != 4 || got[0] != FixFirst {
		t.Errorf("legend order %v", got)
	}
	if string(FixFirst) != "fix-first" || string(KeepUp) != "keep-up" || string(Secondary) != "secondary" || string(Overserved) != "overserved" {
		t.Error("quadrant values changed")
	}
}
