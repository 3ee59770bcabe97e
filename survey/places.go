package survey

import (
	_ "embed"
	"encoding/json"
	"sort"
	"strings"
	"time"
)

//go:embed provinces.json
var officialProvinces []byte

// Unit is a provincial unit with its validity. A code may name different territories at
// different times (31 before and after 1 July 2025): a unit is its code and its validity.
type Unit struct {
	ID         uint // the store's identifier; 0 before it is stored
	Code       string
	Name       string
	ValidFrom  string // YYYY-MM-DD
	ValidUntil string // YYYY-MM-DD, "" while in force
	MergedFrom []string
}

// ValidOn reports whether the unit was in force on day (YYYY-MM-DD).
func (u Unit) ValidOn(day string) bool {
	return u.ValidFrom <= day && (u.ValidUntil == "" || day <= u.ValidUntil)
}

type provinceFile struct {
	Sets []struct {
		ValidFrom  string `json:"valid_from"`
		ValidUntil string `json:"valid_until"`
		Provinces  []struct {
			Code       string   `json:"code"`
			Name       string   `json:"name"`
			MergedFrom []string `json:"merged_from"`
		} `json:"provinces"`
	} `json:"sets"`
}

// OfficialUnits returns both lists of provincial units from the embedded provinces.json:
// the 63 valid until 30 June 2025 and the 34 valid from 1 July 2025.
func OfficialUnits() []Unit {
	var f provinceFile
	if err := json.Unmarshal(officialProvinces, &f); err != nil {
		panic("survey: embedded provinces.json is invalid: " + err.Error())
	}
	var units []Unit
	for _, s := range f.Sets {
		for _, p := range s.Provinces {
			units = append(units, Unit{Code: p.Code, Name: p.Name, ValidFrom: s.ValidFrom, ValidUntil: s.ValidUntil, MergedFrom: p.MergedFrom})
		}
	}
	return units
}

// UnitsOn returns the units in force on day (YYYY-MM-DD), ordered by code.
func UnitsOn(all []Unit, day string) []Unit {
	var units []Unit
	for _, u := range all {
		if u.ValidOn(day) {
			units = append(units, u)
		}
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Code < units[j].Code })
	return units
}

// UnitAt finds the unit with code in force on day.
func UnitAt(all []Unit, code, day string) (Unit, bool) {
	for _, u := range all {
		if u.Code == code && u.ValidOn(day) {
			return u, true
		}
	}
	return Unit{}, false
}

// Successor is the unit of targets that took over u's territory: u itself when it is a
// target, else the later target that lists u's code in merged_from.
func Successor(u Unit, targets []Unit) (Unit, bool) {
	for _, t := range targets {
		if t.ID == u.ID && t.Code == u.Code && t.ValidFrom == u.ValidFrom {
			return t, true
		}
	}
	for _, t := range targets {
		if u.ValidUntil == "" || t.ValidFrom <= u.ValidUntil {
			continue
		}
		for _, code := range t.MergedFrom {
			if code == u.Code {
				return t, true
			}
		}
	}
	return Unit{}, false
}

// ReportDay is the day whose units a period's figures are shown for: the period's last
// day, or today if the period ends later, or today whatever the period when current is
// set (units=current: earlier responses mapped onto today's provinces).
func ReportDay(p Period, now time.Time, current bool) time.Time {
	today := DayOf(now)
	if current || p.To.After(today) {
		return today
	}
	return p.To
}

// dayString writes a day the way units' validity dates are written: YYYY-MM-DD.
func dayString(day time.Time) string { return day.In(vietnam).Format("2006-01-02") }

// ProvinceAt finds the province with code in force on day, and the former units merged
// into it whose counts belong to its territory (see UnitsInto).
func ProvinceAt(all []Unit, code string, day time.Time) (unit Unit, formers []Unit, ok bool) {
	unit, ok = UnitAt(all, code, dayString(day))
	if !ok {
		return Unit{}, nil, false
	}
	return unit, UnitsInto(all, unit)[1:], true
}

// UnitsQuery says how a report's provinces are chosen: "" (those in force at the end of
// the period) or "current" (today's, with earlier responses mapped through merged_from).
func UnitsQuery(s string) (current bool, err error) {
	switch s {
	case "", "period":
		return false, nil
	case "current":
		return true, nil
	}
	return false, periodError(Msg("period.error.units", s))
}

// ShortName is the unit's name without "Thành phố" (city): "Hải Phòng", as badges and
// headlines name it.
func (u Unit) ShortName() string { return strings.TrimPrefix(u.Name, "Thành phố ") }
