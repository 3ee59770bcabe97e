package survey

import (
	"errors"
	"testing"
	"time"
)

// FuzzDecodeSubmission feeds the decoder of stored answers (what verify reads back)
// arbitrary bytes: it never panics, and what it decodes encodes and decodes to itself.
func FuzzDecodeSubmission(f *testing.F) {
	for _, s := range []string{`{"criteria":{"E1.1":4}}`, `{"field":"land","criteria":{"E1.1":4,"E2.1":5},"answers":{"P1":"1"}}`,
		`{"criteria":null}`, `{"criteria":{"E1.1":1e400}}`, `{"criteria":{"\u0000":-1}}`, `[]`, `{`, `{"answers":{"<":"&"}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		s, err := DecodeSubmission(data)
		if err != nil {
			return
		}
		back, err := DecodeSubmission(s.Encode())
		if err != nil || back.Encode() != s.Encode() {
			t.Fatalf("%q: decodes to %+v, which encodes as %s and decodes to %+v, %v", data, s, s.Encode(), back, err)
		}
	})
}

// FuzzParsePeriod feeds the period parameters of every report arbitrary text: it never
// panics; it refuses with a *PeriodError, or returns a period of at least one day, from
// its first day to its last, within the years it accepts.
func FuzzParsePeriod(f *testing.F) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, VietnamTime())
	for _, s := range [][5]string{{"2025", "", "", "", ""}, {"2025", "3", "", "", ""}, {"2025", "", "12", "", ""},
		{"", "", "", "2025-01-01", "2025-03-31"}, {"", "", "", "2025-02-30", "2025-03-01"}, {"99999999999999999999", "", "", "", ""},
		{"2025", "1", "1", "", ""}, {"", "", "", "2025-03-01", "2025-02-01"}, {"", "", "", "0001-01-01", "9999-12-31"}} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, year, quarter, month, from, to string) {
		p, err := ParsePeriod(PeriodQuery{Year: year, Quarter: quarter, Month: month, From: from, To: to}, now)
		if err != nil {
			var pe *PeriodError
			if !errors.As(err, &pe) || pe.Describe().Key == "" {
				t.Fatalf("%T %v is not a *PeriodError with a message", err, err)
			}
			return
		}
		if p.To.Before(p.From) || p.Days() < 1 || !p.Contains(p.From) || !p.Contains(p.To) {
			t.Fatalf("%+v: from %s to %s, %d days", p, p.From, p.To, p.Days())
		}
		if len(p.Months()) == 0 || p.Previous().To.After(p.From) {
			t.Fatalf("%+v: months %v, previous %+v", p, p.Months(), p.Previous())
		}
	})
}
