package survey

import (
	"sort"
	"time"
)

// Unit kinds an alert is about.
const (
	AlertCounter = "counter"
	AlertOffice  = "office"
)

// AlertInput is what a scan for drops reads: every counter with its office and province,
// and its lean daily counts over the days the test looks at.
type AlertInput struct {
	Questionnaire *Questionnaire
	Counters      []AlertPlace
	Days          map[uint]DayCounts // by counter ID
}

// AlertPlace is a counter and where it belongs.
type AlertPlace struct {
	CounterID, OfficeID, ProvinceID uint
}

// UnitDrop is a drop found at a counter or an office.
type UnitDrop struct {
	Kind       string // AlertCounter or AlertOffice
	ID         uint   // the counter's or the office's
	OfficeID   uint
	ProvinceID uint
	Drop
}

// Days the scan needs before today: the baseline and recent windows, and the baseline
// before the earliest start the CUSUM may find.
func (r DropRules) Days() int { return max(r.Recent, r.Lookback) + r.Baseline }

// Scan tests every counter and every office (its counters' counts added up) for a drop as
// of today, counters first, each kind in ID order.
func (in AlertInput) Scan(today time.Time, rules DropRules) []UnitDrop {
	var out []UnitDrop
	offices := map[uint]DayCounts{}
	officeProvince := map[uint]uint{}
	counters := append([]AlertPlace(nil), in.Counters...)
	sort.Slice(counters, func(i, j int) bool { return counters[i].CounterID < counters[j].CounterID })
	for _, c := range counters {
		days := in.Days[c.CounterID]
		if len(days) == 0 {
			continue
		}
		if d, ok := in.Questionnaire.DetectDrop(days, today, rules); ok {
			out = append(out, UnitDrop{Kind: AlertCounter, ID: c.CounterID, OfficeID: c.OfficeID, ProvinceID: c.ProvinceID, Drop: d})
		}
		sum := offices[c.OfficeID]
		if sum == nil {
			sum = DayCounts{}
			offices[c.OfficeID], officeProvince[c.OfficeID] = sum, c.ProvinceID
		}
		for day, t := range days {
			if sum[day] == nil {
				sum[day] = NewTally()
			}
			sum[day].Add(t)
		}
	}
	ids := make([]uint, 0, len(offices))
	for id := range offices {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if d, ok := in.Questionnaire.DetectDrop(offices[id], today, rules); ok {
			out = append(out, UnitDrop{Kind: AlertOffice, ID: id, OfficeID: id, ProvinceID: officeProvince[id], Drop: d})
		}
	}
	return out
}
