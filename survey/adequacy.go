package survey

import (
	"math"
	"time"
)

// Adequacy says whether a unit's sample is large enough for ±5 % at 95 % (Yamane), given
// the dossiers it handled in the period.
type Adequacy struct {
	Configured bool  // the unit's yearly dossiers are known
	Dossiers   int64 // dossiers handled in the period (the yearly number prorated)
	Needed     int64 // Yamane's sample for Dossiers
	Responses  int64
	Reached    bool
}

// SampleAdequacy compares responses with the sample a unit handling annualDossiers a year
// needs over a period of days: the yearly number is prorated to days/365, then Yamane's
// n = N / (1 + N·0.05²). annualDossiers ≤ 0 means not configured.
func SampleAdequacy(annualDossiers int64, days int, responses int64) Adequacy {
	a := Adequacy{Responses: responses}
	if annualDossiers <= 0 || days <= 0 {
		return a
	}
	a.Configured = true
	a.Dossiers = int64(math.Round(float64(annualDossiers) * float64(days) / 365))
	a.Needed = YamaneSample(a.Dossiers)
	a.Reached = responses >= a.Needed
	return a
}

// ElapsedDays is the number of days of p up to today (in Vietnam): a period still running
// has handled only those days' dossiers.
func ElapsedDays(p Period, now time.Time) int {
	today := DayOf(now)
	if today.Before(p.From) {
		return 0
	}
	if today.Before(p.To) {
		return Period{From: p.From, To: today}.Days()
	}
	return p.Days()
}
