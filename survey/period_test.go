package survey

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDayKey(t *testing.T) {
	cases := []struct {
		at    string
		day   int
		month int
	}{
		{"2025-12-31T16:30:00Z", 20251231, 202512}, // 23:30 on 31 Dec in Vietnam
		{"2025-12-31T16:59:59Z", 20251231, 202512},
		{"2025-12-31T17:00:00Z", 20260101, 202601}, // midnight in Vietnam
		{"2025-06-30T17:00:00Z", 20250701, 202507},
		{"2025-03-01T00:00:00+07:00", 20250301, 202503},
		{"2025-02-28T23:59:59+07:00", 20250228, 202502},
		{"2024-02-29T12:00:00Z", 20240229, 202402},
		{"2025-01-01T06:00:00-05:00", 20250101, 202501}, // 18:00 in Vietnam
	}
	for _, c := range cases {
		tm := mustTime(t, c.at)
		if got := DayKey(tm); got != c.day {
			t.Errorf("DayKey(%s) = %d, want %d", c.at, got, c.day)
		}
		if got := MonthKey(tm); got != c.month {
			t.Errorf("MonthKey(%s) = %d, want %d", c.at, got, c.month)
		}
	}
	// A response at 23:30 on 31 Dec in Vietnam belongs to that year.
	late := mustTime(t, "2025-12-31T16:30:00Z")
	if !YearPeriod(2025).Contains(late) || YearPeriod(2026).Contains(late) {
		t.Error("23:30 on 31 Dec 2025 (Vietnam) is not in 2025")
	}
	early := mustTime(t, "2025-12-31T17:00:00Z")
	if YearPeriod(2025).Contains(early) || !YearPeriod(2026).Contains(early) {
		t.Error("00:00 on 1 Jan 2026 (Vietnam) is not in 2026")
	}
	if _, off := time.Now().In(VietnamTime()).Zone(); off != 7*3600 {
		t.Errorf("Vietnam offset = %d", off)
	}
}

type wantPeriod struct {
	kind                 string
	year, quarter, month int
	first, last          int
	str                  string
	days                 int
}

func checkPeriod(t *testing.T, p Period, w wantPeriod) {
	t.Helper()
	if p.Kind != w.kind || p.Year != w.year || p.Quarter != w.quarter || p.Month != w.month {
		t.Errorf("period = %s %d Q%d M%d, want %s %d Q%d M%d", p.Kind, p.Year, p.Quarter, p.Month, w.kind, w.year, w.quarter, w.month)
	}
	if p.FirstDay() != w.first || p.LastDay() != w.last {
		t.Errorf("days = %d..%d, want %d..%d", p.FirstDay(), p.LastDay(), w.first, w.last)
	}
	if p.String() != w.str {
		t.Errorf("String() = %q, want %q", p.String(), w.str)
	}
	if p.Days() != w.days {
		t.Errorf("Days() = %d, want %d", p.Days(), w.days)
	}
	for _, b := range []time.Time{p.From, p.To} {
		if b.Hour() != 0 || b.Minute() != 0 {
			t.Errorf("bound %v is not midnight", b)
		}
		if _, off := b.Zone(); off != 7*3600 {
			t.Errorf("bound %v is not in Vietnam time", b)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	now := mustTime(t, "2025-05-10T03:00:00Z")
	cases := []struct {
		name string
		q    PeriodQuery
		now  time.Time
		want wantPeriod
	}{
		{"default year", PeriodQuery{}, now, wantPeriod{"year", 2025, 0, 0, 20250101, 20251231, "2025", 365}},
		{"default year in Vietnam time", PeriodQuery{}, mustTime(t, "2025-12-31T17:30:00Z"),
			wantPeriod{"year", 2026, 0, 0, 20260101, 20261231, "2026", 365}},
		{"default year still 2025 in Vietnam", PeriodQuery{}, mustTime(t, "2025-12-31T16:30:00Z"),
			wantPeriod{"year", 2025, 0, 0, 20250101, 20251231, "2025", 365}},
		{"year", PeriodQuery{Year: "2024"}, now, wantPeriod{"year", 2024, 0, 0, 20240101, 20241231, "2024", 366}},
		{"year bounds 2000", PeriodQuery{Year: "2000"}, now, wantPeriod{"year", 2000, 0, 0, 20000101, 20001231, "2000", 366}},
		{"year bounds 2100", PeriodQuery{Year: "2100"}, now, wantPeriod{"year", 2100, 0, 0, 21000101, 21001231, "2100", 365}},
		{"quarter 1", PeriodQuery{Year: "2025", Quarter: "1"}, now, wantPeriod{"quarter", 2025, 1, 0, 20250101, 20250331, "2025-Q1", 90}},
		{"quarter 4", PeriodQuery{Year: "2025", Quarter: "4"}, now, wantPeriod{"quarter", 2025, 4, 0, 20251001, 20251231, "2025-Q4", 92}},
		{"quarter in the current year", PeriodQuery{Quarter: "3"}, now, wantPeriod{"quarter", 2025, 3, 0, 20250701, 20250930, "2025-Q3", 92}},
		{"month", PeriodQuery{Year: "2025", Month: "7"}, now, wantPeriod{"month", 2025, 0, 7, 20250701, 20250731, "2025-07", 31}},
		{"leap February", PeriodQuery{Year: "2024", Month: "2"}, now, wantPeriod{"month", 2024, 0, 2, 20240201, 20240229, "2024-02", 29}},
		{"February", PeriodQuery{Year: "2025", Month: "02"}, now, wantPeriod{"month", 2025, 0, 2, 20250201, 20250228, "2025-02", 28}},
		{"December", PeriodQuery{Year: "2025", Month: "12"}, now, wantPeriod{"month", 2025, 0, 12, 20251201, 20251231, "2025-12", 31}},
		{"range", PeriodQuery{From: "2025-01-15", To: "2025-03-10"}, now, wantPeriod{"range", 2025, 0, 0, 20250115, 20250310, "2025-01-15/2025-03-10", 55}},
		{"one-day range", PeriodQuery{From: "2025-07-01", To: "2025-07-01"}, now, wantPeriod{"range", 2025, 0, 0, 20250701, 20250701, "2025-07-01/2025-07-01", 1}},
		{"range across years", PeriodQuery{From: "2024-12-01", To: "2025-01-31"}, now, wantPeriod{"range", 2024, 0, 0, 20241201, 20250131, "2024-12-01/2025-01-31", 62}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePeriod(c.q, c.now)
			if err != nil {
				t.Fatal(err)
			}
			checkPeriod(t, p, c.want)
		})
	}
}

func TestParsePeriodErrors(t *testing.T) {
	now := mustTime(t, "2025-05-10T03:00:00Z")
	cases := map[string]PeriodQuery{
		"year abc":            {Year: "abc"},
		"year 1999":           {Year: "1999"},
		"year 2101":           {Year: "2101"},
		"year 2025.0":         {Year: "2025.0"},
		"year negative":       {Year: "-2025"},
		"quarter 5":           {Year: "2025", Quarter: "5"},
		"quarter 0":           {Quarter: "0"},
		"quarter x":           {Quarter: "x"},
		"quarter Q1":          {Quarter: "Q1"},
		"month 13":            {Year: "2025", Month: "13"},
		"month 0":             {Month: "0"},
		"month May":           {Month: "May"},
		"quarter and month":   {Year: "2025", Quarter: "1", Month: "2"},
		"from without to":     {From: "2025-01-01"},
		"to without from":     {To: "2025-01-01"},
		"from after to":       {From: "2025-03-02", To: "2025-03-01"},
		"from with year":      {Year: "2025", From: "2025-01-01", To: "2025-02-01"},
		"from with quarter":   {Quarter: "1", From: "2025-01-01", To: "2025-02-01"},
		"to with month":       {Month: "1", To: "2025-02-01"},
		"bad from":            {From: "2025-13-01", To: "2025-12-31"},
		"bad to":              {From: "2025-01-01", To: "2025-02-30"},
		"from not iso":        {From: "01/01/2025", To: "2025-02-01"},
		"from with time":      {From: "2025-01-01T00:00:00Z", To: "2025-02-01"},
		"range over 20 years": {From: "2000-01-01", To: "2025-01-01"},
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := ParsePeriod(q, now)
			if err == nil {
				t.Fatalf("accepted: %s", p)
			}
			var pe *PeriodError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *PeriodError", err, err)
			}
			if pe.Error() == "" {
				t.Error("empty message")
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2025-07-01")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Equal(mustTime(t, "2025-06-30T17:00:00Z")) {
		t.Errorf("ParseDate = %v, want midnight in Vietnam", d)
	}
	if _, err := ParseDate("2025-7-1"); err == nil {
		t.Error("accepted 2025-7-1")
	}
}

func TestPeriodContains(t *testing.T) {
	p := MonthPeriod(2025, 3)
	cases := map[string]bool{
		"2025-02-28T16:59:59Z": false, // 23:59:59 on 28 Feb in Vietnam
		"2025-02-28T17:00:00Z": true,  // 00:00 on 1 Mar
		"2025-03-31T16:59:59Z": true,
		"2025-03-31T17:00:00Z": false,
	}
	for at, want := range cases {
		if got := p.Contains(mustTime(t, at)); got != want {
			t.Errorf("March contains %s = %v", at, got)
		}
	}
}

func TestPrevious(t *testing.T) {
	rng := func(from, to string) Period {
		p, err := ParsePeriod(PeriodQuery{From: from, To: to}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		p    Period
		want wantPeriod
	}{
		{"year", YearPeriod(2025), wantPeriod{"year", 2024, 0, 0, 20240101, 20241231, "2024", 366}},
		{"quarter 3", QuarterPeriod(2025, 3), wantPeriod{"quarter", 2025, 2, 0, 20250401, 20250630, "2025-Q2", 91}},
		{"quarter 1", QuarterPeriod(2025, 1), wantPeriod{"quarter", 2024, 4, 0, 20241001, 20241231, "2024-Q4", 92}},
		{"month March", MonthPeriod(2024, 3), wantPeriod{"month", 2024, 0, 2, 20240201, 20240229, "2024-02", 29}},
		{"month January", MonthPeriod(2025, 1), wantPeriod{"month", 2024, 0, 12, 20241201, 20241231, "2024-12", 31}},
		// 55 days: 15 Jan – 10 Mar 2025 → the 55 days up to 14 Jan 2025
		{"range", rng("2025-01-15", "2025-03-10"), wantPeriod{"range", 2024, 0, 0, 20241121, 20250114, "2024-11-21/2025-01-14", 55}},
		{"one day", rng("2025-01-01", "2025-01-01"), wantPeriod{"range", 2024, 0, 0, 20241231, 20241231, "2024-12-31/2024-12-31", 1}},
		{"leap range", rng("2024-03-01", "2024-03-31"), wantPeriod{"range", 2024, 0, 0, 20240130, 20240229, "2024-01-30/2024-02-29", 31}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkPeriod(t, c.p.Previous(), c.want)
		})
	}
}

func TestMonths(t *testing.T) {
	p, _ := ParsePeriod(PeriodQuery{From: "2024-11-30", To: "2025-02-01"}, time.Now())
	if got, want := p.Months(), []int{202411, 202412, 202501, 202502}; !reflect.DeepEqual(got, want) {
		t.Errorf("Months = %v, want %v", got, want)
	}
	if got := YearPeriod(2025).Months(); len(got) != 12 || got[0] != 202501 || got[11] != 202512 {
		t.Errorf("Months of a year = %v", got)
	}
	if got := MonthPeriod(2025, 2).Months(); !reflect.DeepEqual(got, []int{202502}) {
		t.Errorf("Months of a month = %v", got)
	}
}

func TestSpans(t *testing.T) {
	rng := func(from, to string) Period {
		p, err := ParsePeriod(PeriodQuery{From: from, To: to}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		p    Period
		want Spans
	}{
		{"whole year", YearPeriod(2025), Spans{Months: [][2]int{{202501, 202512}}}},
		{"quarter", QuarterPeriod(2025, 2), Spans{Months: [][2]int{{202504, 202506}}}},
		{"month", MonthPeriod(2025, 4), Spans{Months: [][2]int{{202504, 202504}}}},
		{"leap February month", MonthPeriod(2024, 2), Spans{Months: [][2]int{{202402, 202402}}}},
		{"days, month, days", rng("2025-01-15", "2025-03-10"),
			Spans{Days: [][2]int{{20250115, 20250131}, {20250301, 20250310}}, Months: [][2]int{{202502, 202502}}}},
		{"inside one month", rng("2025-03-05", "2025-03-20"), Spans{Days: [][2]int{{20250305, 20250320}}}},
		{"one day", rng("2025-03-01", "2025-03-01"), Spans{Days: [][2]int{{20250301, 20250301}}}},
		{"to the end of a month, partial", rng("2025-03-05", "2025-03-31"), Spans{Days: [][2]int{{20250305, 20250331}}}},
		{"from a month's start, partial", rng("2025-03-01", "2025-03-30"), Spans{Days: [][2]int{{20250301, 20250330}}}},
		{"ending on the last day of a month", rng("2025-01-15", "2025-02-28"),
			Spans{Days: [][2]int{{20250115, 20250131}}, Months: [][2]int{{202502, 202502}}}},
		{"starting on the first day of a month", rng("2025-02-01", "2025-04-10"),
			Spans{Months: [][2]int{{202502, 202503}}, Days: [][2]int{{20250401, 20250410}}}},
		{"leap February whole", rng("2024-02-01", "2024-02-29"), Spans{Months: [][2]int{{202402, 202402}}}},
		{"leap February but one day", rng("2024-02-01", "2024-02-28"), Spans{Days: [][2]int{{20240201, 20240228}}}},
		{"ending on 29 Feb", rng("2024-01-20", "2024-02-29"),
			Spans{Days: [][2]int{{20240120, 20240131}}, Months: [][2]int{{202402, 202402}}}},
		{"across a year", rng("2024-12-15", "2025-02-05"),
			Spans{Days: [][2]int{{20241215, 20241231}, {20250201, 20250205}}, Months: [][2]int{{202501, 202501}}}},
		{"two partial months, no whole one", rng("2025-01-20", "2025-02-10"), Spans{Days: [][2]int{{20250120, 20250210}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.p.Spans()
			if !reflect.DeepEqual(got.Months, c.want.Months) || !reflect.DeepEqual(got.Days, c.want.Days) {
				t.Errorf("Spans = %+v, want %+v", got, c.want)
			}
			// The spans cover exactly the period's days.
			covered := 0
			for _, d := range got.Days {
				covered += daysBetween(t, d[0], d[1])
			}
			for _, m := range got.Months {
				from, _ := time.Parse("20060102", strconv.Itoa(m[0])+"01")
				to, _ := time.Parse("20060102", strconv.Itoa(m[1])+"01")
				covered += int(to.AddDate(0, 1, 0).Sub(from).Hours() / 24)
			}
			if covered != c.p.Days() {
				t.Errorf("spans cover %d days, the period has %d", covered, c.p.Days())
			}
		})
	}
}

func daysBetween(t *testing.T, a, b int) int {
	t.Helper()
	fa, err1 := time.Parse("20060102", strconv.Itoa(a))
	fb, err2 := time.Parse("20060102", strconv.Itoa(b))
	if err1 != nil || err2 != nil {
		t.Fatalf("bad day keys %d %d", a, b)
	}
	return int(fb.Sub(fa).Hours()/24) + 1
}
