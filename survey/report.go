package survey

import "sort"

// UnitIndex is a provincial unit's index in a report.
type UnitIndex struct {
	Unit  Unit
	Index Index
	Rank  int // 0: no responses, not ranked
}

// Report is the national table of a period: every unit in force on Day with its index and
// rank, the national average of the provinces' SIPAS (as MoHA reports it) and the index
// pooled over every response.
type Report struct {
	Period    Period
	Day       string
	Units     []UnitIndex
	Average   *float64
	AverageCI Interval
	Pooled    Index
}

// NationalReport builds the report from the counts kept per stored unit (keyed by Unit.ID,
// the unit in force when each response was given). Counts of former units are added to
// the unit that took over their territory.
func (q *Questionnaire) NationalReport(all []Unit, counts map[uint]*Tally, p Period, day string) Report {
	targets := UnitsOn(all, day)
	byID := make(map[uint]Unit, len(all))
	for _, u := range all {
		byID[u.ID] = u
	}
	merged := make(map[uint]*Tally, len(targets))
	pooled := NewTally()
	for id, t := range counts {
		pooled.Add(t)
		succ, ok := Successor(byID[id], targets)
		if !ok {
			continue // a later unit's responses cannot be split back onto earlier units
		}
		if merged[succ.ID] == nil {
			merged[succ.ID] = NewTally()
		}
		merged[succ.ID].Add(t)
	}
	r := Report{Period: p, Day: day, Pooled: q.Compute(pooled)}
	sipas := make([]*float64, len(targets))
	for i, u := range targets {
		ix := q.Compute(merged[u.ID])
		r.Units = append(r.Units, UnitIndex{Unit: u, Index: ix})
		sipas[i] = ix.SIPAS
	}
	for i, rank := range Rank(sipas) {
		r.Units[i].Rank = rank
	}
	r.Average = Mean(sipas)
	if r.Average != nil {
		var ses []float64
		for _, u := range r.Units {
			if u.Index.SIPAS != nil {
				ses = append(ses, u.Index.SE)
			}
		}
		r.AverageCI = AverageCI(*r.Average, ses)
	}
	SortByRank(r.Units, func(u UnitIndex) (int, string) { return u.Rank, u.Unit.Code })
	return r
}

// SortByRank orders ranked items first, best first, then unranked ones by key.
func SortByRank[T any](items []T, key func(T) (rank int, name string)) {
	sort.SliceStable(items, func(i, j int) bool {
		ri, ni := key(items[i])
		rj, nj := key(items[j])
		if (ri == 0) != (rj == 0) {
			return rj == 0
		}
		if ri != rj {
			return ri < rj
		}
		return ni < nj
	})
}
