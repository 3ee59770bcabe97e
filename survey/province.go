package survey

import (
	"fmt"
	"sort"
	"time"
)

// ProvinceInput is what a province's report is computed from, as the store reads it.
type ProvinceInput struct {
	Questionnaire *Questionnaire
	Units         []Unit    // every stored unit, for the national rank
	Unit          Unit      // the province: the unit with its code in force on Day
	Formers       []Unit    // former units merged into it, whose counts are included
	Period        Period    // the period of the report
	Day           time.Time // the day whose units are shown (ReportDay)
	Counts        ProvinceCounts
}

// ProvinceCounts are the kept counts of a province's report, each added up the way the
// report needs it, and the offices and counters they were kept at. Every count but
// Provinces is of the province's territory (the unit and its formers) within what the
// reader may see.
type ProvinceCounts struct {
	// Provinces are the period's lean counts of every province: the rank is among all
	// provinces (province figures are public), whatever the reader's scope.
	Provinces map[uint]*Tally
	Previous  *Tally            // the previous period, lean: the change
	Months    map[int]*Tally    // by YYYYMM month
	Offices   map[uint]*Tally   // by office ID
	Counters  map[uint]*Tally   // by counter ID
	Fields    map[string]*Tally // by procedure field, "" for responses without one
	// Detail is, when the reader may see only part of the province below its level (an
	// official of one office), the counts of that part: the perceptions and priorities are
	// then that part's, as are Offices, Counters and Fields. nil: the province's own.
	Detail *Tally
	// OfficePlaces and CounterPlaces are the offices and counters of the territory and
	// those where counts were kept for it, in the order the report lists them.
	OfficePlaces, CounterPlaces []Place
	// Held are the responses of the period held for review, not counted in any of these.
	Held PendingHeld
}

// PendingHeld counts the responses held for review that a report's figures would include:
// of the whole territory, and by office and counter (within what the reader may see).
type PendingHeld struct {
	Territory         int64
	Offices, Counters map[uint]int64
}

// Place is an office or a counter as a report shows it.
type Place struct {
	ID             uint
	Code, Name     string
	OfficeID       uint  // a counter's office; 0 for an office
	AnnualDossiers int64 // dossiers handled a year, 0 when not configured
}

// ProvinceReport is everything a province's dashboard and its API show for one period,
// all computed from kept counts.
type ProvinceReport struct {
	Questionnaire *Questionnaire
	Unit          Unit
	Formers       []Former // former units whose counts are included (merger)
	Period        Period
	Index         Index
	Rank          int
	Ranked        int // provinces with a rank in the period
	Reliable      bool
	Previous      Index
	PrevPeriod    Period
	Change        *float64
	Weakest       []CriterionIndex // the criteria, weakest first, unanswered last
	Trend         []MonthIndex
	Offices       []PlaceIndex
	Counters      []PlaceIndex
	Fields        []FieldIndex
	Perceptions   []QuestionShares
	Priority      Priority
	Days          int // days of the period up to today: the dossiers of sample adequacy are prorated to them
	MinSample     int // responses below which an index is not reliable
	// Narrowed says that what is below province level (offices, counters, fields,
	// perceptions, priorities) is only the part the reader may see, not the province.
	Narrowed bool
	// Held is the number of the territory's responses of the period held for review: not
	// counted in Index until an administrator includes them.
	Held int64
}

// Former is a former unit merged into the province, and its last day.
type Former struct {
	Unit  Unit
	Until time.Time
}

// MonthIndex is the index of one YYYYMM month of the trend.
type MonthIndex struct {
	Month    int
	Index    Index
	Reliable bool
}

// PlaceIndex is an office or a counter with its index, rank within the province and sample.
type PlaceIndex struct {
	Place
	Office   string // a counter's office, by name
	Index    Index
	Rank     int
	Reliable bool
	Sample   Adequacy
	Held     int64 // responses held for review, not in Index
}

// FieldIndex is the index of one procedure field; Value "" gathers the responses that
// gave none (and Label is then empty).
type FieldIndex struct {
	Value    string
	Label    Text
	Index    Index
	Reliable bool
}

// Report computes the province's report; now is the moment of the request (the days of
// a running period) and minSample the responses below which an index is not reliable.
func (in ProvinceInput) Report(now time.Time, minSample int) (ProvinceReport, error) {
	q, c := in.Questionnaire, in.Counts
	r := ProvinceReport{Questionnaire: q, Unit: in.Unit, Period: in.Period, PrevPeriod: in.Period.Previous(),
		Days: ElapsedDays(in.Period, now), MinSample: minSample}
	for _, u := range in.Formers {
		until, err := ParseDate(u.ValidUntil)
		if err != nil {
			return ProvinceReport{}, fmt.Errorf("former unit %s: valid until %q: %w", u.Code, u.ValidUntil, err)
		}
		r.Formers = append(r.Formers, Former{Unit: u, Until: until})
	}
	for _, u := range q.NationalReport(in.Units, c.Provinces, in.Period, in.Day).Units {
		if u.Unit.ID == in.Unit.ID {
			r.Rank = u.Rank
		}
		if u.Rank > 0 {
			r.Ranked++
		}
	}
	// The national counts are lean (no importances, no option counts): the province's
	// own index comes from its full counts, the months added up.
	whole := NewTally()
	for _, t := range c.Months {
		whole.Add(t)
	}
	r.Index = q.Compute(whole)
	r.Reliable = Reliable(r.Index.Responses, minSample)
	r.Previous = q.Compute(c.Previous)
	r.Change = Change(r.Index.SIPAS, r.Previous.SIPAS)
	for _, m := range in.Period.Months() {
		ix := q.Compute(c.Months[m])
		r.Trend = append(r.Trend, MonthIndex{Month: m, Index: ix, Reliable: Reliable(ix.Responses, minSample)})
	}
	r.Weakest = weakestFirst(r.Index.Criteria)
	detail := r.Index
	if c.Detail != nil {
		detail, whole, r.Narrowed = q.Compute(c.Detail), c.Detail, true
	}
	r.Priority = Priorities(detail, int64(minSample))
	r.Offices, r.Counters = q.placeIndices(c, r.Days, minSample)
	r.Held = c.Held.Territory
	r.Fields = q.fieldIndices(c.Fields, minSample)
	for _, x := range q.Perceptions() {
		r.Perceptions = append(r.Perceptions, x.Shares(whole))
	}
	return r, nil
}

// placeIndices ranks the offices and the counters within the province, each with its
// sample adequacy over days.
func (q *Questionnaire) placeIndices(c ProvinceCounts, days, minSample int) (offices, counters []PlaceIndex) {
	row := func(p Place, t *Tally) PlaceIndex {
		ix := q.Compute(t)
		return PlaceIndex{Place: p, Index: ix, Reliable: Reliable(ix.Responses, minSample),
			Sample: SampleAdequacy(p.AnnualDossiers, days, ix.Responses)}
	}
	names := map[uint]string{}
	for _, o := range c.OfficePlaces {
		names[o.ID] = o.Name
		r := row(o, c.Offices[o.ID])
		r.Held = c.Held.Offices[o.ID]
		offices = append(offices, r)
	}
	for _, ct := range c.CounterPlaces {
		r := row(ct, c.Counters[ct.ID])
		r.Office, r.Held = names[ct.OfficeID], c.Held.Counters[ct.ID]
		counters = append(counters, r)
	}
	rankPlaces(offices)
	rankPlaces(counters)
	return offices, counters
}

// rankPlaces ranks places by SIPAS and orders them by rank, then name.
func rankPlaces(rows []PlaceIndex) {
	values := make([]*float64, len(rows))
	for i, r := range rows {
		values[i] = r.Index.SIPAS
	}
	for i, rank := range Rank(values) {
		rows[i].Rank = rank
	}
	SortByRank(rows, func(r PlaceIndex) (int, string) { return r.Rank, r.Name })
}

// fieldIndices are the procedure fields with responses, in questionnaire order, then the
// responses without a field.
func (q *Questionnaire) fieldIndices(byField map[string]*Tally, minSample int) []FieldIndex {
	var rows []FieldIndex
	add := func(value string, label Text) {
		t, ok := byField[value]
		if !ok {
			return
		}
		ix := q.Compute(t)
		rows = append(rows, FieldIndex{Value: value, Label: label, Index: ix, Reliable: Reliable(ix.Responses, minSample)})
	}
	for _, o := range q.Fields.Options {
		add(o.Value, o.Label)
	}
	add("", nil)
	return rows
}

// weakestFirst orders criteria by index, lowest first; unanswered ones last, in
// questionnaire order.
func weakestFirst(criteria []CriterionIndex) []CriterionIndex {
	out := append([]CriterionIndex(nil), criteria...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Index, out[j].Index
		if (a == nil) != (b == nil) {
			return b == nil
		}
		return a != nil && *a < *b
	})
	return out
}
