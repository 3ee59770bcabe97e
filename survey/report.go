package survey

import (
	"sort"
	"time"
)

// UnitIndex is a provincial unit's index in a report.
type UnitIndex struct {
	Unit  Unit
	Index Index
	Rank  int // 0: no responses, not ranked
	// Previous is the unit's SIPAS in the period before, on the same territory, and
	// Change this period's minus it, in points; nil when either is undefined or the
	// previous period was not asked for.
	Previous, Change *float64
	// Held is the number of the unit's responses of the period held for review, not in Index.
	Held int64
}

// Report is the national table of a period: every unit in force on Day with its index and
// rank, the national average of the provinces' SIPAS (as MoHA reports it) and the index
// pooled over every response.
type Report struct {
	Questionnaire  *Questionnaire
	Period         Period
	PreviousPeriod Period    // the period the change is against
	Day            time.Time // the day whose units are shown
	Units          []UnitIndex
	Average        *float64
	AverageCI      Interval
	Pooled         Index
	Held           int64 // responses of the period held for review, in every unit
}

// NationalInput is what a national table is computed from, as the store reads it: the
// questionnaire, every stored unit and the kept counts of the period per stored unit
// (keyed by Unit.ID, the unit in force when each response was given).
type NationalInput struct {
	Questionnaire *Questionnaire
	Units         []Unit
	Period        Period
	Counts        map[uint]*Tally
	// Previous holds the counts of Period.Previous(), for the change of every unit; nil
	// when the change is not wanted.
	Previous map[uint]*Tally
	// Held counts the responses of the period held for review, by stored unit.
	Held map[uint]int64
}

// Report is the national table of the input's period shown with the units in force on day
// (ReportDay), with every unit's change against the previous period when its counts were read.
func (in NationalInput) Report(day time.Time) Report {
	q := in.Questionnaire
	r := q.NationalReport(in.Units, in.Counts, in.Period, day)
	r.addHeld(in.Units, in.Held)
	if in.Previous == nil {
		return r
	}
	before := map[uint]*float64{}
	for _, u := range q.NationalReport(in.Units, in.Previous, r.PreviousPeriod, day).Units {
		before[u.Unit.ID] = u.Index.SIPAS
	}
	for i := range r.Units {
		u := &r.Units[i]
		u.Previous = before[u.Unit.ID]
		u.Change = Change(u.Index.SIPAS, u.Previous)
	}
	return r
}

// NationalReport builds the report from the counts kept per stored unit (keyed by Unit.ID,
// the unit in force when each response was given). Counts of former units are added to
// the unit that took over their territory.
func (q *Questionnaire) NationalReport(all []Unit, counts map[uint]*Tally, p Period, day time.Time) Report {
	targets := UnitsOn(all, dayString(day))
	merged := mergeOnto(all, targets, counts)
	pooled := NewTally()
	for _, t := range counts {
		pooled.Add(t)
	}
	r := Report{Questionnaire: q, Period: p, PreviousPeriod: p.Previous(), Day: day, Pooled: q.Compute(pooled)}
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

// addHeld gives every unit of the report the held responses of its territory.
func (r *Report) addHeld(all []Unit, held map[uint]int64) {
	if len(held) == 0 {
		return
	}
	byID := make(map[uint]Unit, len(all))
	for _, u := range all {
		byID[u.ID] = u
	}
	targets := make([]Unit, len(r.Units))
	for i, u := range r.Units {
		targets[i] = u.Unit
	}
	for id, n := range held {
		r.Held += n
		if succ, ok := Successor(byID[id], targets); ok {
			for i := range r.Units {
				if r.Units[i].Unit.ID == succ.ID {
					r.Units[i].Held += n
				}
			}
		}
	}
}

// mergeOnto adds the counts kept per stored unit onto the targets that took over each
// unit's territory (the unit itself, or its successor through merged_from). A target
// with one source shares that source's tally: the result is for reading only.
func mergeOnto(all, targets []Unit, counts map[uint]*Tally) map[uint]*Tally {
	byID := make(map[uint]Unit, len(all))
	for _, u := range all {
		byID[u.ID] = u
	}
	merged := make(map[uint]*Tally, len(targets))
	owned := map[uint]bool{}
	for id, t := range counts {
		succ, ok := Successor(byID[id], targets)
		if !ok {
			continue // a later unit's responses cannot be split back onto earlier units
		}
		switch sum := merged[succ.ID]; {
		case sum == nil:
			merged[succ.ID] = t
		case !owned[succ.ID]:
			own := NewTally()
			own.Add(sum)
			own.Add(t)
			merged[succ.ID], owned[succ.ID] = own, true
		default:
			sum.Add(t)
		}
	}
	return merged
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
