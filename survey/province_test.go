package survey

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// provinceInput is today's Hải Phòng (31, formed from the former Hải Phòng and Hải
// Dương) over 2026, on 10 March 2026, with counts to be filled in.
func provinceInput(t *testing.T) ProvinceInput {
	t.Helper()
	all := stored()
	day := mustDay(t, "2026-03-10")
	unit, formers, ok := ProvinceAt(all, "31", day)
	if !ok {
		t.Fatal("no Hải Phòng")
	}
	return ProvinceInput{Questionnaire: official, Units: all, Unit: unit, Formers: formers, Period: YearPeriod(2026), Day: day}
}

var provinceNow = time.Date(2026, 3, 10, 9, 0, 0, 0, VietnamTime())

func TestProvinceReportHeadline(t *testing.T) {
	in := provinceInput(t)
	hp, hn := in.Unit.ID, unitOn(t, in.Units, "01", "2026-03-10").ID
	jan, feb := tallyOf(allCriteria(5), allCriteria(2)), tallyOf(allCriteria(4))
	in.Counts = ProvinceCounts{
		Provinces: map[uint]*Tally{hp: tallyOf(allCriteria(5), allCriteria(2), allCriteria(4)), hn: tallyOf(allCriteria(5))},
		Previous:  tallyOf(allCriteria(2), allCriteria(4)),
		Months:    map[int]*Tally{202601: jan, 202602: feb},
	}
	r, err := in.Report(provinceNow, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Months added up: 5, 2, 4 → 2/3 satisfied everywhere; the previous year 2, 4 → 50.
	assertPtr(t, "SIPAS", r.Index.SIPAS, fp(200.0/3))
	assertPtr(t, "previous", r.Previous.SIPAS, fp(50))
	assertPtr(t, "change", r.Change, fp(200.0/3-50))
	if r.Index.Responses != 3 || !r.Reliable || r.Rank != 2 || r.Ranked != 2 || r.MinSample != 3 {
		t.Errorf("%d responses, reliable %v, rank %d of %d", r.Index.Responses, r.Reliable, r.Rank, r.Ranked)
	}
	if r.Period.String() != "2026" || r.PrevPeriod.String() != "2025" || r.Days != 69 || r.Questionnaire != official {
		t.Errorf("period %s, previous %s, %d days", r.Period, r.PrevPeriod, r.Days)
	}
	// The trend has every month of the period, empty ones undefined.
	if len(r.Trend) != 12 || r.Trend[0].Month != 202601 || r.Trend[0].Index.Responses != 2 || r.Trend[0].Reliable ||
		r.Trend[1].Index.Responses != 1 || r.Trend[2].Index.SIPAS != nil {
		t.Errorf("trend %+v", r.Trend[:3])
	}
	// The formers with their last day.
	var formers []string
	for _, f := range r.Formers {
		formers = append(formers, f.Unit.Code+" until "+f.Until.Format("2006-01-02"))
	}
	if want := []string{"30 until 2025-06-30", "31 until 2025-06-30"}; !sameSet(formers, want) {
		t.Errorf("formers %v, want %v", formers, want)
	}
	// The counts given are not changed.
	if jan.Responses != 2 || feb.Responses != 1 {
		t.Error("the report changed the counts it was given")
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestProvinceReportRankAndWeakest(t *testing.T) {
	in := provinceInput(t)
	hp := in.Unit.ID
	other := func(code string) uint { return unitOn(t, in.Units, code, "2026-03-10").ID }
	weak := sub(map[string]int{"E1.1": 1, "E1.2": 5, "E2.1": 4})
	tests := []struct {
		name         string
		provinces    map[uint]*Tally
		rank, ranked int
	}{
		{"alone", map[uint]*Tally{hp: tallyOf(weak)}, 1, 1},
		{"behind one", map[uint]*Tally{hp: tallyOf(weak), other("01"): tallyOf(allCriteria(5))}, 2, 2},
		{"tied first", map[uint]*Tally{hp: tallyOf(allCriteria(5)), other("01"): tallyOf(allCriteria(5)), other("79"): tallyOf(allCriteria(1))}, 1, 3},
		{"without responses", map[uint]*Tally{other("01"): tallyOf(allCriteria(5))}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in.Counts = ProvinceCounts{Provinces: tt.provinces, Months: map[int]*Tally{202602: tallyOf(weak)}}
			r, err := in.Report(provinceNow, 30)
			if err != nil {
				t.Fatal(err)
			}
			if r.Rank != tt.rank || r.Ranked != tt.ranked {
				t.Errorf("rank %d of %d, want %d of %d", r.Rank, r.Ranked, tt.rank, tt.ranked)
			}
			// Weakest first: E1.1 (0 %), then E1.2 and E2.1 (100 %) in questionnaire
			// order, then the 19 unanswered criteria.
			var order []string
			for _, c := range r.Weakest[:4] {
				order = append(order, c.Code)
			}
			if !reflect.DeepEqual(order, []string{"E1.1", "E1.2", "E2.1", "E1.3"}) || len(r.Weakest) != 22 || r.Weakest[21].Index != nil {
				t.Errorf("weakest first: %v …", order)
			}
			if r.Reliable {
				t.Error("one response reliable with a minimum of 30")
			}
		})
	}
}

func TestProvinceReportPlaces(t *testing.T) {
	in := provinceInput(t)
	offices := []Place{{ID: 1, Code: "a", Name: "Office A", AnnualDossiers: 3650}, {ID: 2, Code: "b", Name: "Office B"}, {ID: 3, Code: "c", Name: "Office C"}}
	counters := []Place{{ID: 10, Code: "a-1", Name: "Counter 1", OfficeID: 1}, {ID: 11, Code: "b-1", Name: "Counter 1", OfficeID: 2, AnnualDossiers: 365}}
	in.Counts = ProvinceCounts{
		Offices:      map[uint]*Tally{1: tallyOf(allCriteria(2), allCriteria(5)), 2: tallyOf(allCriteria(5))},
		Counters:     map[uint]*Tally{10: tallyOf(allCriteria(2), allCriteria(5)), 11: tallyOf(allCriteria(5))},
		OfficePlaces: offices, CounterPlaces: counters,
	}
	r, err := in.Report(provinceNow, 2)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		code, office string
		rank         int
		reliable     bool
		sample       Adequacy
	}
	var got []row
	for _, p := range append(r.Offices, r.Counters...) {
		got = append(got, row{p.Code, p.Office, p.Rank, p.Reliable, p.Sample})
	}
	// 69 days of 2026: office A handled 690 dossiers (Yamane 254), counter b-1 69 (59).
	want := []row{
		{"b", "", 1, false, Adequacy{Responses: 1}},
		{"a", "", 2, true, Adequacy{Configured: true, Dossiers: 690, Needed: 254, Responses: 2}},
		{"c", "", 0, false, Adequacy{}}, // no responses: unranked, last
		{"b-1", "Office B", 1, false, Adequacy{Configured: true, Dossiers: 69, Needed: 59, Responses: 1}},
		{"a-1", "Office A", 2, true, Adequacy{Responses: 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("places\n got %+v\nwant %+v", got, want)
	}
}

func TestProvinceReportFieldsAndPerceptions(t *testing.T) {
	in := provinceInput(t)
	withAnswers := func(s Submission, answers map[string]string) Submission { s.Answers = answers; return s }
	all := tallyOf(
		withAnswers(allCriteria(5), map[string]string{"P1": "1", "P2": "no", "P3": "no", "P4": "f"}),
		withAnswers(allCriteria(4), map[string]string{"P1": "2", "P2": "yes"}),
		allCriteria(1),
	)
	in.Counts = ProvinceCounts{
		Months: map[int]*Tally{202601: all},
		Fields: map[string]*Tally{"": tallyOf(allCriteria(1)), "land": tallyOf(allCriteria(5), allCriteria(4)), "construction": tallyOf()},
	}
	r, err := in.Report(provinceNow, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Fields in questionnaire order (land before construction), the field not given last.
	var fields []string
	for _, f := range r.Fields {
		fields = append(fields, f.Value+":"+f.Label.In("en"))
	}
	if want := []string{"land:Land", "construction:Construction", ":"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
	if !r.Fields[0].Reliable || r.Fields[2].Reliable || r.Fields[1].Index.SIPAS != nil {
		t.Errorf("fields %+v", r.Fields)
	}
	// The perceptions are the questions the questionnaire marks so (not P4, P5), each
	// with its headline share.
	tests := []struct {
		code, headline string
		answered       int64
		share          *float64
	}{
		{"P1", "came only once", 2, fp(50)},
		{"P2", "answered “yes”", 2, fp(50)},
		{"P3", "answered “yes”", 1, fp(0)},
	}
	if len(r.Perceptions) != len(tests) {
		t.Fatalf("%d perceptions, want %d", len(r.Perceptions), len(tests))
	}
	for i, tt := range tests {
		p := r.Perceptions[i]
		if p.Code != tt.code || p.Answered != tt.answered || p.Headline == nil || p.HeadlineText.In("en") != tt.headline {
			t.Errorf("perception %d: %s answered %d headline %v %q; want %s %d %q", i, p.Code, p.Answered, p.Headline, p.HeadlineText.In("en"), tt.code, tt.answered, tt.headline)
			continue
		}
		assertPtr(t, tt.code+" headline share", p.Headline.Share, tt.share)
	}
}

func TestProvinceReportRefusesABadFormerDate(t *testing.T) {
	in := provinceInput(t)
	in.Formers = append([]Unit(nil), in.Formers...)
	in.Formers[0].ValidUntil = "30/06/2025"
	if _, err := in.Report(provinceNow, 30); err == nil || !strings.Contains(err.Error(), "30/06/2025") {
		t.Errorf("error %v, want one naming the bad date", err)
	}
}

func TestElapsedDays(t *testing.T) {
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, VietnamTime())
	tests := []struct {
		p    Period
		want int
	}{
		{YearPeriod(2026), 69},     // 1 January to 10 March
		{YearPeriod(2025), 365},    // over
		{MonthPeriod(2026, 3), 10}, // running
		{MonthPeriod(2026, 4), 0},  // not begun
		{QuarterPeriod(2026, 1), 69},
	}
	for _, tt := range tests {
		if got := ElapsedDays(tt.p, now); got != tt.want {
			t.Errorf("ElapsedDays(%s) = %d, want %d", tt.p, got, tt.want)
		}
	}
}

func TestNationalInputChange(t *testing.T) {
	all := stored()
	day := mustDay(t, "2026-03-10")
	hp, hn := unitOn(t, all, "31", "2026-03-10").ID, unitOn(t, all, "01", "2026-03-10").ID
	hd := unitOn(t, all, "30", "2025-03-01").ID // merged into Hải Phòng since 1 July 2025
	tests := []struct {
		name     string
		previous map[uint]*Tally
		change   *float64 // Hải Phòng's
	}{
		{"not asked", nil, nil},
		{"the same territory a year before", map[uint]*Tally{hd: tallyOf(allCriteria(2)), hp: tallyOf(allCriteria(4))}, fp(50)},
		{"no responses before", map[uint]*Tally{hn: tallyOf(allCriteria(4))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := NationalInput{Questionnaire: official, Units: all, Period: YearPeriod(2026),
				Counts: map[uint]*Tally{hp: tallyOf(allCriteria(5))}, Previous: tt.previous}
			r := in.Report(day)
			if r.PreviousPeriod.String() != "2025" || !r.Day.Equal(day) || r.Questionnaire != official {
				t.Errorf("previous %s, day %v", r.PreviousPeriod, r.Day)
			}
			if r.Units[0].Unit.ID != hp {
				t.Fatalf("first row %s", r.Units[0].Unit.Code)
			}
			assertPtr(t, "change", r.Units[0].Change, tt.change)
		})
	}
}

// A reader who may see one office only gets the province's own figures whole, but the
// perceptions and priorities of that office's counts.
func TestProvinceReportNarrowedBelowProvince(t *testing.T) {
	withAnswers := func(s Submission, answers map[string]string) Submission { s.Answers = answers; return s }
	office := tallyOf(withAnswers(allCriteria(5), map[string]string{"P2": "no"}))
	province := tallyOf(withAnswers(allCriteria(5), map[string]string{"P2": "no"}), withAnswers(allCriteria(1), map[string]string{"P2": "yes"}))
	for _, tt := range []struct {
		name      string
		detail    *Tally
		narrowed  bool
		responses int64 // of the province, whatever the detail
		p2Yes     float64
	}{
		{"the whole province", nil, false, 2, 50},
		{"one office", office, true, 2, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := provinceInput(t)
			in.Counts = ProvinceCounts{Months: map[int]*Tally{202601: province}, Detail: tt.detail}
			r, err := in.Report(provinceNow, 1)
			if err != nil {
				t.Fatal(err)
			}
			if r.Narrowed != tt.narrowed || r.Index.Responses != tt.responses {
				t.Errorf("narrowed %v, %d responses; want %v, %d", r.Narrowed, r.Index.Responses, tt.narrowed, tt.responses)
			}
			var p2 *QuestionShares
			for i := range r.Perceptions {
				if r.Perceptions[i].Code == "P2" {
					p2 = &r.Perceptions[i]
				}
			}
			if p2 == nil || p2.Headline == nil {
				t.Fatalf("no P2 headline in %+v", r.Perceptions)
			}
			assertPtr(t, "P2 yes", p2.Headline.Share, fp(tt.p2Yes))
		})
	}
}
