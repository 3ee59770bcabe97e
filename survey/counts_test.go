package survey

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// Adding submissions to Counts gives exactly the Tally of adding their Tallies, sum for
// sum: the import adds up its counts one way, the kiosks and verify the other.
func TestCountsAddUpAsTallies(t *testing.T) {
	l := official.Layout()
	r := rand.New(rand.NewPCG(7, 11))
	profile := official.NewSynthetic(r)
	for _, n := range []int{1, 2, 3, 50, 400} {
		c, want := l.New(), NewTally()
		for range n {
			s := official.Synthesize(r, profile, 0)
			x, err := l.Contribution(s)
			if err != nil {
				t.Fatal(err)
			}
			c.Add(&x)
			want.Add(official.Tally(s))
		}
		if got := l.Tally(c); !reflect.DeepEqual(got, want) {
			t.Errorf("%d submissions: counts %+v, tallies %+v", n, got, want)
		}
		twice := l.New()
		twice.AddCounts(c)
		twice.AddCounts(c)
		want.Add(want)
		if got := l.Tally(twice); got.Responses != want.Responses || got.SumScore != want.SumScore ||
			!reflect.DeepEqual(got.Options, want.Options) {
			t.Errorf("%d submissions added twice: %d responses, want %d", n, got.Responses, want.Responses)
		}
	}
	if got := l.Tally(l.New()); !reflect.DeepEqual(got, NewTally()) {
		t.Errorf("empty counts: %+v", got)
	}
}

func TestContributionRefusesWhatTheQuestionnaireDoesNotKnow(t *testing.T) {
	l := official.Layout()
	tests := []struct {
		name string
		s    Submission
		want string
	}{
		{"unknown criterion", Submission{Criteria: map[string]int{"E9.9": 3}}, "criterion E9.9"},
		{"value off the scale", Submission{Criteria: map[string]int{"E1.1": 6}}, "criterion E1.1 = 6"},
		{"unknown option", Submission{Criteria: map[string]int{"E1.1": 3}, Answers: map[string]string{"P2": "maybe"}}, `P2 = "maybe"`},
		{"unknown field", Submission{Criteria: map[string]int{"E1.1": 3}, Field: "space"}, `field "space"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := l.Contribution(tt.s); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%v, want %q", err, tt.want)
			}
		})
	}
}

// The layout numbers the criteria and options in the order their codes sort.
func TestLayoutOrder(t *testing.T) {
	l := official.Layout()
	if len(l.Criteria) != 22 || l.Criteria[0] != "E1.1" || l.Criteria[21] != "E5.4" {
		t.Errorf("criteria %v", l.Criteria)
	}
	for i, q := range l.Questions {
		if i > 0 && l.Questions[i-1] >= q {
			t.Errorf("questions out of order: %v", l.Questions)
		}
		for j := 1; j < len(l.Values[i]); j++ {
			if l.Values[i][j-1] >= l.Values[i][j] {
				t.Errorf("%s: values out of order: %v", q, l.Values[i])
			}
		}
	}
	if !strings.Contains(strings.Join(l.Questions, ","), FieldName) {
		t.Errorf("no procedure field among %v", l.Questions)
	}
}
