package survey

import (
	"math"
	"testing"
	"time"
)

// official is parsed once: the questionnaire is read-only in the tests.
var official = Official()

const tol = 1e-9

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

func fp(v float64) *float64 { return &v }

// assertPtr checks an optional value: want nil means "undefined".
func assertPtr(t *testing.T, what string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", what, show(got), show(want))
	case !near(*got, *want, 1e-9):
		t.Errorf("%s = %.12g, want %.12g", what, *got, *want)
	}
}

func show(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

// sub builds a submission from criterion values.
func sub(criteria map[string]int) Submission {
	return Submission{Criteria: criteria, Answers: map[string]string{}}
}

// allCriteria gives every criterion of the official questionnaire value v.
func allCriteria(v int) Submission {
	m := map[string]int{}
	for _, c := range official.CriterionCodes() {
		m[c] = v
	}
	return sub(m)
}

// tallyOf adds up the contributions of subs.
func tallyOf(subs ...Submission) *Tally {
	t := NewTally()
	for _, s := range subs {
		t.Add(official.Tally(s))
	}
	return t
}

func criterionByCode(t *testing.T, ix Index, code string) CriterionIndex {
	t.Helper()
	for _, c := range ix.Criteria {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("criterion %s not in index", code)
	return CriterionIndex{}
}

func elementByCode(t *testing.T, ix Index, code string) ElementIndex {
	t.Helper()
	for _, e := range ix.Elements {
		if e.Code == code {
			return e
		}
	}
	t.Fatalf("element %s not in index", code)
	return ElementIndex{}
}

// mustDay reads a YYYY-MM-DD day in Vietnam.
func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
