package models

import (
	"math"
	"slices"

	"sipas/survey"
)

// DiffPart says which figures of a count row a TallyDifference is about.
type DiffPart int

// The parts of a count row, with the figures Kept and Recomputed hold for each.
const (
	DiffResponses DiffPart = iota // [responses]
	DiffScores                    // [Σ score, Σ score²]
	DiffAnswers                   // Code: [answers of 1, 2, 3, 4, 5]
	DiffPairs                     // Code: [pairs, Σx, Σx², Σo, Σo², Σx·o], the sums behind its importance
	DiffOption                    // Code, Value: [count]
)

// TallyDifference is one part of a kept count row that differs from the row recomputed
// from the raw responses.
type TallyDifference struct {
	Part             DiffPart
	Code             string // the criterion or question
	Value            string // the option value
	Kept, Recomputed []float64
}

// diffTallies lists the parts of kept that differ from recomputed: counts exactly, sums
// of scores to rounding (the two were added up in different orders).
func diffTallies(kept, recomputed *survey.Tally) []TallyDifference {
	if sameTally(kept, recomputed) {
		return nil // the usual case, answered without building the figures
	}
	var out []TallyDifference
	// exact: how many of the figures, from the first, are counts
	add := func(part DiffPart, code, value string, exact int, k, r []float64) {
		for i := range k {
			if k[i] != r[i] && (i < exact || !nearlyEqual(k[i], r[i])) {
				out = append(out, TallyDifference{part, code, value, k, r})
				return
			}
		}
	}
	add(DiffResponses, "", "", 1, []float64{float64(kept.Responses)}, []float64{float64(recomputed.Responses)})
	add(DiffScores, "", "", 0, []float64{kept.SumScore, kept.SumScore2}, []float64{recomputed.SumScore, recomputed.SumScore2})
	for _, code := range unionKeys(kept.Criteria, recomputed.Criteria) {
		k, r := criterionOrZero(kept, code), criterionOrZero(recomputed, code)
		add(DiffAnswers, code, "", survey.MaxScale, answers(k), answers(r))
		add(DiffPairs, code, "", 1, pairSums(k), pairSums(r))
	}
	for _, q := range unionKeys(kept.Options, recomputed.Options) {
		for _, v := range unionKeys(kept.Options[q], recomputed.Options[q]) {
			add(DiffOption, q, v, 1, []float64{float64(kept.Options[q][v])}, []float64{float64(recomputed.Options[q][v])})
		}
	}
	return out
}

// sameTally tells whether diffTallies would find nothing.
func sameTally(a, b *survey.Tally) bool {
	if a.Responses != b.Responses || !nearlyEqual(a.SumScore, b.SumScore) || !nearlyEqual(a.SumScore2, b.SumScore2) ||
		len(a.Criteria) != len(b.Criteria) || len(a.Options) != len(b.Options) {
		return false
	}
	for code, x := range a.Criteria {
		y := b.Criteria[code]
		if y == nil || x.Values != y.Values || x.PairN != y.PairN || !nearlyEqual(x.SumX, y.SumX) || !nearlyEqual(x.SumX2, y.SumX2) ||
			!nearlyEqual(x.SumO, y.SumO) || !nearlyEqual(x.SumO2, y.SumO2) || !nearlyEqual(x.SumXO, y.SumXO) {
			return false
		}
	}
	for q, x := range a.Options {
		y, ok := b.Options[q]
		if !ok || len(x) != len(y) {
			return false
		}
		for v, n := range x {
			if m, ok := y[v]; !ok || m != n {
				return false
			}
		}
	}
	return true
}

// nearlyEqual compares sums to a relative 1e-9: far below any figure shown, far above
// what adding a million responses in another order changes.
func nearlyEqual(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}

func criterionOrZero(t *survey.Tally, code string) *survey.CriterionTally {
	if c := t.Criteria[code]; c != nil {
		return c
	}
	return &survey.CriterionTally{}
}

func answers(c *survey.CriterionTally) []float64 {
	out := make([]float64, len(c.Values))
	for i, v := range c.Values {
		out[i] = float64(v)
	}
	return out
}

func pairSums(c *survey.CriterionTally) []float64 {
	return []float64{float64(c.PairN), c.SumX, c.SumX2, c.SumO, c.SumO2, c.SumXO}
}

// unionKeys lists the keys of a and b, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := survey.SortedKeys(a)
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
