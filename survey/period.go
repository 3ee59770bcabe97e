package survey

import (
	"fmt"
	"strconv"
	"time"
)

// vietnamOffset is Vietnam's offset from UTC: seven hours, with no daylight saving.
const vietnamOffset = 7 * time.Hour

// vietnamZone is made once: time.FixedZone allocates, and the import and the kiosk ask
// for the zone of every row. A time.Location is never changed once made.
var vietnamZone = time.FixedZone("ICT", int(vietnamOffset/time.Second))

// VietnamTime is the zone every period and day is counted in (UTC+7, no daylight saving).
func VietnamTime() *time.Location { return vietnamZone }

// DayKey is t's calendar day in Vietnam as YYYYMMDD. It shifts t into UTC rather than
// converting it: the same day, without a zone look-up.
func DayKey(t time.Time) int {
	y, m, d := t.UTC().Add(vietnamOffset).Date()
	return y*10000 + int(m)*100 + d
}

// MonthKey is t's calendar month in Vietnam as YYYYMM.
func MonthKey(t time.Time) int { return DayKey(t) / 100 }

// Period is an inclusive range of days in Vietnam time, with how it was asked for.
type Period struct {
	Kind    string // "year", "quarter", "month" or "range"
	Year    int
	Quarter int
	Month   int
	From    time.Time // first day, 00:00 Vietnam time
	To      time.Time // last day, 00:00 Vietnam time
}

// PeriodQuery is a period as given in a URL or on the command line.
type PeriodQuery struct {
	Year, Quarter, Month, From, To string
}

// PeriodError is a period that cannot be understood.
type PeriodError struct{ Msg Message }

func (e *PeriodError) Error() string { return "period: " + e.Msg.String() }

// Describe says what is wrong with the period.
func (e *PeriodError) Describe() Message { return e.Msg }

func periodError(m Message) error { return &PeriodError{Msg: m} }

// ParsePeriod reads a year (default: the current one in Vietnam), optionally narrowed to a
// quarter or a month, or an explicit from/to range of YYYY-MM-DD dates.
func ParsePeriod(pq PeriodQuery, now time.Time) (Period, error) {
	if pq.From != "" || pq.To != "" {
		if pq.Year != "" || pq.Quarter != "" || pq.Month != "" {
			return Period{}, periodError(Msg("period.error.range_and_year"))
		}
		return parseRange(pq.From, pq.To)
	}
	year := now.In(VietnamTime()).Year()
	if pq.Year != "" {
		y, err := strconv.Atoi(pq.Year)
		if err != nil || y < 2000 || y > 2100 {
			return Period{}, periodError(Msg("period.error.year", pq.Year))
		}
		year = y
	}
	switch {
	case pq.Quarter != "" && pq.Month != "":
		return Period{}, periodError(Msg("period.error.quarter_and_month"))
	case pq.Quarter != "":
		q, err := strconv.Atoi(pq.Quarter)
		if err != nil || q < 1 || q > 4 {
			return Period{}, periodError(Msg("period.error.quarter", pq.Quarter))
		}
		return QuarterPeriod(year, q), nil
	case pq.Month != "":
		m, err := strconv.Atoi(pq.Month)
		if err != nil || m < 1 || m > 12 {
			return Period{}, periodError(Msg("period.error.month", pq.Month))
		}
		return MonthPeriod(year, m), nil
	}
	return YearPeriod(year), nil
}

func parseRange(from, to string) (Period, error) {
	if from == "" || to == "" {
		return Period{}, periodError(Msg("period.error.range_incomplete"))
	}
	f, err := ParseDate(from)
	if err != nil {
		return Period{}, periodError(Msg("period.error.from", from))
	}
	t, err := ParseDate(to)
	if err != nil {
		return Period{}, periodError(Msg("period.error.to", to))
	}
	if t.Before(f) {
		return Period{}, periodError(Msg("period.error.reversed", from, to))
	}
	if t.Sub(f) > 20*366*24*time.Hour {
		return Period{}, periodError(Msg("period.error.too_long"))
	}
	return Period{Kind: "range", Year: f.Year(), From: f, To: t}, nil
}

// ParseDate reads YYYY-MM-DD as a day in Vietnam.
func ParseDate(s string) (time.Time, error) {
	return time.ParseInLocation("2006-01-02", s, VietnamTime())
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, VietnamTime()) }

// DayOf is the day of moment t in Vietnam, at its first instant: how days travel.
func DayOf(t time.Time) time.Time { return date(t.In(VietnamTime()).Date()) }

// YearPeriod is calendar year y.
func YearPeriod(y int) Period {
	return Period{Kind: "year", Year: y, From: date(y, 1, 1), To: date(y, 12, 31)}
}

// QuarterPeriod is quarter q (1–4) of year y.
func QuarterPeriod(y, q int) Period {
	from := date(y, time.Month(3*q-2), 1)
	return Period{Kind: "quarter", Year: y, Quarter: q, From: from, To: from.AddDate(0, 3, -1)}
}

// MonthPeriod is month m of year y.
func MonthPeriod(y, m int) Period {
	from := date(y, time.Month(m), 1)
	return Period{Kind: "month", Year: y, Month: m, From: from, To: from.AddDate(0, 1, -1)}
}

// FirstDay and LastDay are the period's bounds as YYYYMMDD keys.
func (p Period) FirstDay() int { return DayKey(p.From) }

// LastDay is the period's last day as a YYYYMMDD key.
func (p Period) LastDay() int { return DayKey(p.To) }

// Days is the number of days in the period.
func (p Period) Days() int { return int(p.To.Sub(p.From).Hours()/24+0.5) + 1 }

// Contains reports whether t falls in the period, in Vietnam time.
func (p Period) Contains(t time.Time) bool {
	d := DayKey(t)
	return d >= p.FirstDay() && d <= p.LastDay()
}

// Previous is the period of the same kind just before p (a range: as long, just before).
func (p Period) Previous() Period {
	switch p.Kind {
	case "year":
		return YearPeriod(p.Year - 1)
	case "quarter":
		if p.Quarter == 1 {
			return QuarterPeriod(p.Year-1, 4)
		}
		return QuarterPeriod(p.Year, p.Quarter-1)
	case "month":
		if p.Month == 1 {
			return MonthPeriod(p.Year-1, 12)
		}
		return MonthPeriod(p.Year, p.Month-1)
	}
	to := p.From.AddDate(0, 0, -1)
	from := to.AddDate(0, 0, -(p.Days() - 1))
	return Period{Kind: "range", Year: from.Year(), From: from, To: to}
}

// String names the period the way the API and exports do.
func (p Period) String() string {
	switch p.Kind {
	case "year":
		return strconv.Itoa(p.Year)
	case "quarter":
		return fmt.Sprintf("%d-Q%d", p.Year, p.Quarter)
	case "month":
		return fmt.Sprintf("%d-%02d", p.Year, p.Month)
	}
	return p.From.Format("2006-01-02") + "/" + p.To.Format("2006-01-02")
}

// Months lists the YYYYMM keys the period touches, in order.
func (p Period) Months() []int {
	var keys []int
	for m := date(p.From.Year(), p.From.Month(), 1); !m.After(p.To); m = m.AddDate(0, 1, 0) {
		keys = append(keys, MonthKey(m))
	}
	return keys
}

// Spans splits the period into whole months (read from monthly counts) and the days of
// partly covered months (read from daily counts), so that a long range reads few rows.
type Spans struct {
	Months [][2]int // inclusive YYYYMM ranges
	Days   [][2]int // inclusive YYYYMMDD ranges
}

// Spans returns the period's split into whole months and leftover days.
func (p Period) Spans() Spans {
	var s Spans
	firstWhole := date(p.From.Year(), p.From.Month(), 1)
	if !firstWhole.Equal(p.From) {
		firstWhole = firstWhole.AddDate(0, 1, 0)
	}
	afterLastWhole := date(p.To.Year(), p.To.Month(), 1) // first day of To's month
	if p.To.AddDate(0, 0, 1).Day() == 1 {
		afterLastWhole = p.To.AddDate(0, 0, 1)
	}
	if !firstWhole.Before(afterLastWhole) { // no whole month inside
		return Spans{Days: [][2]int{{p.FirstDay(), p.LastDay()}}}
	}
	if p.From.Before(firstWhole) {
		s.Days = append(s.Days, [2]int{p.FirstDay(), DayKey(firstWhole.AddDate(0, 0, -1))})
	}
	s.Months = append(s.Months, [2]int{MonthKey(firstWhole), MonthKey(afterLastWhole.AddDate(0, 0, -1))})
	if afterLastWhole.Before(p.To) || afterLastWhole.Equal(p.To) {
		s.Days = append(s.Days, [2]int{DayKey(afterLastWhole), p.LastDay()})
	}
	return s
}

// Name names the period for people: "Năm 2025", "Quý 2/2025", "March 2026", a range of days.
func (p Period) Name() Message {
	switch p.Kind {
	case "year":
		return Msg("period.name.year", p.Year)
	case "quarter":
		return Msg("period.name.quarter", p.Quarter, p.Year)
	case "month":
		return Msg("period.name.month", p.Month, p.Year, monthName(p.Month))
	}
	return Msg("period.name.range", p.From, p.To)
}

// MonthName names a YYYYMM month compactly for people: 03/2025 or 2025-03.
func MonthName(key int) Message { return Msg("period.name.month_short", key/100, key%100) }

// MonthString writes a YYYYMM month the way the API and exports do: 2025-03.
func MonthString(key int) string { return fmt.Sprintf("%d-%02d", key/100, key%100) }

// monthName is the name of month m (1–12) of the year.
func monthName(m int) Message {
	names := [...]Message{Msg("month.name.1"), Msg("month.name.2"), Msg("month.name.3"), Msg("month.name.4"),
		Msg("month.name.5"), Msg("month.name.6"), Msg("month.name.7"), Msg("month.name.8"),
		Msg("month.name.9"), Msg("month.name.10"), Msg("month.name.11"), Msg("month.name.12")}
	return names[m-1]
}
