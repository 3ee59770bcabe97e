package survey

import (
	"math/rand/v2"
	"time"
)

// SyntheticSet is a deterministic data set of made-up responses for the demo and the
// benchmarks: places (today's units, each with a profile and a weight) and responses
// spread over [Start, End). Response i is the same for a seed whatever batch it is made in.
type SyntheticSet struct {
	q          *Questionnaire
	all        []Unit
	Places     []SyntheticPlace
	Seed       uint64
	Start, End time.Time
}

// SyntheticPlace is one place of a SyntheticSet.
type SyntheticPlace struct {
	Unit    Unit
	Profile Synthetic
	Weight  float64 // relative number of responses
}

// SyntheticResponse is response Index of a set, at place Place (an index of Places), given
// at At in Unit: the place's unit, or before it existed one of the former units merged
// into it, as a real response would be.
type SyntheticResponse struct {
	Index      int
	Place      int
	Unit       Unit
	At         time.Time
	Submission Submission
}

// NewSyntheticSet draws a profile and a weight for each of places (usually the units in
// force today) from seed; all is every unit, old and current.
func (q *Questionnaire) NewSyntheticSet(all, places []Unit, seed uint64, start, end time.Time) *SyntheticSet {
	r := rand.New(rand.NewPCG(seed, 0x5195a5))
	s := &SyntheticSet{q: q, all: all, Seed: seed, Start: start, End: end}
	for _, u := range places {
		s.Places = append(s.Places, SyntheticPlace{Unit: u, Profile: q.NewSynthetic(r), Weight: 0.4 + 1.6*r.Float64()})
	}
	return s
}

// Batch makes responses from (inclusive) to to (exclusive). A set without places makes none.
func (s *SyntheticSet) Batch(from, to int) []SyntheticResponse {
	if len(s.Places) == 0 || to <= from {
		return nil
	}
	total := 0.0
	for _, p := range s.Places {
		total += p.Weight
	}
	out := make([]SyntheticResponse, 0, to-from)
	span := s.End.Sub(s.Start)
	for i := from; i < to; i++ {
		r := rand.New(rand.NewPCG(s.Seed, uint64(i)))
		place := s.pick(r.Float64() * total)
		at := s.Start.Add(time.Duration(r.Float64() * float64(span)))
		years := at.Sub(s.Start).Hours() / (24 * 365)
		sub := s.q.Synthesize(r, s.Places[place].Profile, 0.08*years)
		out = append(out, SyntheticResponse{Index: i, Place: place, Unit: s.unitAt(s.Places[place].Unit, at, r), At: at, Submission: sub})
	}
	return out
}

// pick finds the place where the cumulative weight reaches x.
func (s *SyntheticSet) pick(x float64) int {
	for i, p := range s.Places {
		if x -= p.Weight; x <= 0 {
			return i
		}
	}
	return len(s.Places) - 1
}

// unitAt is the unit in force at t on u's territory: u itself, or before u existed one
// of the former units it was merged from.
func (s *SyntheticSet) unitAt(u Unit, t time.Time, r *rand.Rand) Unit {
	day := dayString(t)
	if u.ValidOn(day) || len(u.MergedFrom) == 0 {
		return u
	}
	code := u.MergedFrom[r.IntN(len(u.MergedFrom))]
	if old, ok := UnitAt(s.all, code, day); ok {
		return old
	}
	return u
}
