package models

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"sipas/survey"
)

func TestCountsRoundTrip(t *testing.T) {
	q := survey.Official()
	r := rand.New(rand.NewPCG(7, 7))
	profile := q.NewSynthetic(r)
	want := survey.NewTally()
	for range 50 {
		want.Add(q.Tally(q.Synthesize(r, profile, 0)))
	}
	got := survey.NewTally()
	if err := addCounts(got, encodeCounts(want), true); err != nil {
		t.Fatal(err)
	}
	got.Responses, got.SumScore, got.SumScore2 = want.Responses, want.SumScore, want.SumScore2
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the counts:\n got %+v\nwant %+v", got, want)
	}
	// Adding the same counts twice doubles them.
	if err := addCounts(got, encodeCounts(want), true); err != nil {
		t.Fatal(err)
	}
	if got.Criteria["E1.1"].Answered() != 2*want.Criteria["E1.1"].Answered() {
		t.Error("counts were not added")
	}
}

func TestCountsRejectsDamagedData(t *testing.T) {
	q := survey.Official()
	data := encodeCounts(q.Tally(survey.Submission{Criteria: map[string]int{"E1.1": 4, "E2.1": 5}, Answers: map[string]string{"P1": "1"}}))
	for _, bad := range [][]byte{nil, {9}, data[:len(data)-1], append(append([]byte{}, data...), 0)} {
		if err := addCounts(survey.NewTally(), bad, true); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

// Rows decoded into one tally add up whatever criteria each holds: the first row's
// criteria are made in one piece, and a later row's other criteria join them.
func TestCountsAddUpIntoOneTally(t *testing.T) {
	row := func(values map[string]int64) *survey.Tally {
		tl := survey.NewTally()
		for code, n := range values {
			c := tl.Criterion(code)
			c.Values[3] = n
			c.PairN, c.SumX = n, float64(n)
		}
		return tl
	}
	for _, tc := range []struct {
		name string
		rows []map[string]int64
		want map[string]int64
	}{
		{"one row", []map[string]int64{{"a": 1, "b": 2}}, map[string]int64{"a": 1, "b": 2}},
		{"same criteria", []map[string]int64{{"a": 1, "b": 2}, {"a": 3, "b": 4}}, map[string]int64{"a": 4, "b": 6}},
		{"new criteria later", []map[string]int64{{"a": 1}, {"a": 2, "b": 5, "c": 7}, {"d": 1}}, map[string]int64{"a": 3, "b": 5, "c": 7, "d": 1}},
		{"no criteria first", []map[string]int64{{}, {"a": 2}}, map[string]int64{"a": 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := survey.NewTally()
			for _, r := range tc.rows {
				if err := addCountsNamed(got, encodeCounts(row(r)), false, codeNames{}); err != nil {
					t.Fatal(err)
				}
			}
			if len(got.Criteria) != len(tc.want) {
				t.Fatalf("%d criteria, want %d", len(got.Criteria), len(tc.want))
			}
			for code, n := range tc.want {
				c := got.Criteria[code]
				if c == nil || c.Values[3] != n || c.PairN != n || c.SumX != float64(n) {
					t.Errorf("%s = %+v, want %d", code, c, n)
				}
			}
		})
	}
}
