package survey

import "sort"

// YearIndex is one calendar year's index.
type YearIndex struct {
	Year     int
	Index    Index
	Reliable bool
}

// History is a unit's figures over the years and the latest months, for the public
// province page: every year with responses, oldest first, and the last months up to
// last (YYYYMM), empty ones included.
type History struct {
	Years  []YearIndex
	Months []MonthIndex
}

// History computes a unit's history from its monthly counts; a year's counts are its
// months' added up.
func (q *Questionnaire) History(months map[int]*Tally, last, lastMonths, minSample int) History {
	var h History
	years := map[int]*Tally{}
	for m, t := range months {
		if years[m/100] == nil {
			years[m/100] = NewTally()
		}
		years[m/100].Add(t)
	}
	keys := make([]int, 0, len(years))
	for y := range years {
		keys = append(keys, y)
	}
	sort.Ints(keys)
	for _, y := range keys {
		ix := q.Compute(years[y])
		h.Years = append(h.Years, YearIndex{Year: y, Index: ix, Reliable: Reliable(ix.Responses, minSample)})
	}
	m := last
	for range lastMonths - 1 {
		m = PrevMonth(m)
	}
	for range lastMonths {
		ix := q.Compute(months[m])
		h.Months = append(h.Months, MonthIndex{Month: m, Index: ix, Reliable: Reliable(ix.Responses, minSample)})
		m = NextMonth(m)
	}
	return h
}
