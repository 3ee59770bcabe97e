package models

import (
	"reflect"
	"testing"

	"sipas/survey"
)

func TestDiffTallies(t *testing.T) {
	base := func() *survey.Tally {
		t := survey.NewTally()
		t.Responses, t.SumScore, t.SumScore2 = 3, 2.1, 1.7
		c := t.Criterion("E1.1")
		c.Values, c.PairN, c.SumX, c.SumXO = [5]int64{0, 1, 0, 2, 0}, 3, 10, 31.5
		t.AddOption("P1", "2", 3)
		return t
	}
	for _, tt := range []struct {
		name   string
		change func(*survey.Tally)
		want   []TallyDifference
	}{
		{"the same", func(*survey.Tally) {}, nil},
		{"sums added in another order", func(t *survey.Tally) { t.SumScore += 4e-16; t.Criteria["E1.1"].SumXO -= 1e-14 }, nil},
		{"an option counted zero times", func(t *survey.Tally) { t.AddOption("P2", "no", 0) }, nil},
		{"a criterion never answered", func(t *survey.Tally) { t.Criterion("E5.4") }, nil},
		{"one response more", func(t *survey.Tally) { t.Responses++ },
			[]TallyDifference{{DiffResponses, "", "", []float64{4}, []float64{3}}}},
		{"a score sum", func(t *survey.Tally) { t.SumScore2 += 0.5 },
			[]TallyDifference{{DiffScores, "", "", []float64{2.1, 2.2}, []float64{2.1, 1.7}}}},
		{"an answer", func(t *survey.Tally) { t.Criteria["E1.1"].Values[4]++ },
			[]TallyDifference{{DiffAnswers, "E1.1", "", []float64{0, 1, 0, 2, 1}, []float64{0, 1, 0, 2, 0}}}},
		{"a pair count", func(t *survey.Tally) { t.Criteria["E1.1"].PairN = 2 },
			[]TallyDifference{{DiffPairs, "E1.1", "", []float64{2, 10, 0, 0, 0, 31.5}, []float64{3, 10, 0, 0, 0, 31.5}}}},
		{"a criterion only kept", func(t *survey.Tally) { t.Criterion("E2.1").Values[0] = 1 },
			[]TallyDifference{{DiffAnswers, "E2.1", "", []float64{1, 0, 0, 0, 0}, []float64{0, 0, 0, 0, 0}}}},
		{"an option", func(t *survey.Tally) { t.AddOption("P1", "1", 1) },
			[]TallyDifference{{DiffOption, "P1", "1", []float64{1}, []float64{0}}}},
		{"a large count off by one", func(t *survey.Tally) { t.Responses = 1e12 + 1 },
			[]TallyDifference{{DiffResponses, "", "", []float64{1e12 + 1}, []float64{1e12}}}},
	} {
		want := base()
		if tt.name == "a large count off by one" {
			want.Responses = 1e12
		}
		kept := survey.NewTally()
		kept.Add(want)
		tt.change(kept)
		if got := diffTallies(kept, want); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
