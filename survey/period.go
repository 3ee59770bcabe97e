package survey

import (
	"fmt"
	"strconv"
	"time"
)

// VietnamTime is the zone every period and day is counted in (UTC+7, no daylight saving).
func VietnamTime() *time.Location { return time.FixedZone("ICT", 7*60*60) }

// DayKey is t's calendar day in Vietnam as YYYYMMDD.
func DayKey(t time.Time) int {
	t = t.In(VietnamTime())
	return t.Year()*10000 + int(t.Month())*100 + t.Day()
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

// PeriodError is a period that cannot be understood; Error is the English message.
type PeriodError struct{ Msg Text }

func (e *PeriodError) Error() string { return e.Msg.In("en") }

func periodError(en, vi string) error { return &PeriodError{Msg: Text{"en": en, "vi": vi}} }

// ParsePeriod reads a year (default: the current one in Vietnam), optionally narrowed to a
// quarter or a month, or an explicit from/to range of YYYY-MM-DD dates.
func ParsePeriod(pq PeriodQuery, now time.Time) (Period, error) {
	if pq.From != "" || pq.To != "" {
		if pq.Year != "" || pq.Quarter != "" || pq.Month != "" {
			return Period{}, periodError("give either from/to or year/quarter/month, not both",
				"chọn khoảng ngày (từ ngày, đến ngày) hoặc năm/quý/tháng, không chọn cả hai")
		}
		return parseRange(pq.From, pq.To)
	}
	year := now.In(VietnamTime()).Year()
	if pq.Year != "" {
		y, err := strconv.Atoi(pq.Year)
		if err != nil || y < 2000 || y > 2100 {
			return Period{}, periodError(fmt.Sprintf("year %q is not a year between 2000 and 2100", pq.Year),
				fmt.Sprintf("năm %q không phải là một năm từ 2000 đến 2100", pq.Year))
		}
		year = y
	}
	switch {
	case pq.Quarter != "" && pq.Month != "":
		return Period{}, periodError("give either quarter or month, not both", "chọn quý hoặc tháng, không chọn cả hai")
	case pq.Quarter != "":
		q, err := strconv.Atoi(pq.Quarter)
		if err != nil || q < 1 || q > 4 {
			return Period{}, periodError(fmt.Sprintf("quarter %q is not 1, 2, 3 or 4", pq.Quarter),
				fmt.Sprintf("quý %q không phải là 1, 2, 3 hoặc 4", pq.Quarter))
		}
		return QuarterPeriod(year, q), nil
	case pq.Month != "":
		m, err := strconv.Atoi(pq.Month)
		if err != nil || m < 1 || m > 12 {
			return Period{}, periodError(fmt.Sprintf("month %q is not a month from 1 to 12", pq.Month),
				fmt.Sprintf("tháng %q không phải là một tháng từ 1 đến 12", pq.Month))
		}
		return MonthPeriod(year, m), nil
	}
	return YearPeriod(year), nil
}

func parseRange(from, to string) (Period, error) {
	if from == "" || to == "" {
		return Period{}, periodError("a date range needs both from and to (YYYY-MM-DD)",
			"khoảng ngày cần cả ngày bắt đầu và ngày kết thúc")
	}
	f, err := ParseDate(from)
	if err != nil {
		return Period{}, periodError(fmt.Sprintf("from %q is not a date YYYY-MM-DD", from),
			fmt.Sprintf("ngày bắt đầu %q không phải là một ngày (YYYY-MM-DD)", from))
	}
	t, err := ParseDate(to)
	if err != nil {
		return Period{}, periodError(fmt.Sprintf("to %q is not a date YYYY-MM-DD", to),
			fmt.Sprintf("ngày kết thúc %q không phải là một ngày (YYYY-MM-DD)", to))
	}
	if t.Before(f) {
		return Period{}, periodError(fmt.Sprintf("from %s is after to %s", from, to),
			fmt.Sprintf("ngày bắt đầu %s ở sau ngày kết thúc %s", from, to))
	}
	if t.Sub(f) > 20*366*24*time.Hour {
		return Period{}, periodError("a date range may span at most 20 years", "khoảng ngày dài tối đa 20 năm")
	}
	return Period{Kind: "range", Year: f.Year(), From: f, To: t}, nil
}

// ParseDate reads YYYY-MM-DD as a day in Vietnam.
func ParseDate(s string) (time.Time, error) {
	return time.ParseInLocation("2006-01-02", s, VietnamTime())
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, VietnamTime()) }

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
