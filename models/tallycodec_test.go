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
