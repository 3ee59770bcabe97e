package survey

import (
	"sort"
	"time"
)

// Assignment puts a published questionnaire version in force at the counters of the
// whole country, of a province or of an office, from a moment on. Assignments are never
// changed: a later one at the same place takes over from its start.
type Assignment struct {
	ID         uint // the later made wins a tie of start
	VersionID  uint
	ProvinceID uint // 0: the whole country
	OfficeID   uint // 0: every office of the province (or of the country)
	From       time.Time
}

// Level is how specific the assignment is: 2 an office, 1 a province, 0 the country.
func (a Assignment) Level() int {
	switch {
	case a.OfficeID != 0:
		return 2
	case a.ProvinceID != 0:
		return 1
	}
	return 0
}

// appliesTo tells whether a covers an office of a province.
func (a Assignment) appliesTo(provinceID, officeID uint) bool {
	switch a.Level() {
	case 2:
		return a.OfficeID == officeID
	case 1:
		return a.ProvinceID == provinceID
	}
	return true
}

// InForce is the assignment a kiosk at an office of a province follows at moment now:
// among those that cover it and started at or before now, the most specific (office,
// then province, then country), and at that level the latest start, then the latest
// made. ok is false when none covers it yet.
func InForce(list []Assignment, provinceID, officeID uint, now time.Time) (Assignment, bool) {
	var best Assignment
	found := false
	for _, a := range list {
		if a.From.After(now) || !a.appliesTo(provinceID, officeID) {
			continue
		}
		if !found || later(a, best) {
			best, found = a, true
		}
	}
	return best, found
}

// later tells whether a takes precedence over b.
func later(a, b Assignment) bool {
	if a.Level() != b.Level() {
		return a.Level() > b.Level()
	}
	if !a.From.Equal(b.From) {
		return a.From.After(b.From)
	}
	return a.ID > b.ID
}

// Replacements are the assignments that publishing version newID, corrected from
// baseID, adds: wherever baseID is the assignment in force at its own place (the country,
// a province or an office) at from, newID takes over from then. allowed narrows the
// places to those the publisher may assign (a province admin's province and its offices).
func Replacements(list []Assignment, baseID, newID uint, from time.Time, allowed func(Assignment) bool) []Assignment {
	type place struct{ province, office uint }
	current := map[place]Assignment{}
	for _, a := range list {
		p := place{a.ProvinceID, a.OfficeID}
		if a.From.After(from) {
			continue
		}
		if c, ok := current[p]; !ok || later(a, c) {
			current[p] = a
		}
	}
	var out []Assignment
	for p, a := range current {
		if a.VersionID == baseID && allowed(a) {
			out = append(out, Assignment{VersionID: newID, ProvinceID: p.province, OfficeID: p.office, From: from})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ProvinceID != out[j].ProvinceID {
			return out[i].ProvinceID < out[j].ProvinceID
		}
		return out[i].OfficeID < out[j].OfficeID
	})
	return out
}
