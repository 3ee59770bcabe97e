package models

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sipas/survey"
)

type officeKey struct {
	provinceID uint
	code       string
}

// importPlaces finds the offices and counters a checked file names and creates those
// that do not exist, under the row's office unit, the code as name. A counter that
// exists at another office is a problem of the first row naming it; then nothing is
// created. It runs in one transaction with the job's record of what it created, so that
// a failed import removes exactly that.
type importPlaces struct {
	counters map[string]Counter // by code
	offices  []uint             // created
	created  []uint             // counters created
}

func findPlaces(tx writeTx, places *survey.PaperPlaces) (*importPlaces, []survey.Message, error) {
	out := &importPlaces{counters: map[string]Counter{}}
	// The offices: found by province and code, created when missing.
	wanted := places.Offices()
	offices := map[officeKey]Office{}
	for start := 0; start < len(wanted); start += 500 {
		part := wanted[start:min(start+500, len(wanted))]
		ids, codes := make([]uint, len(part)), make([]string, len(part))
		for i, o := range part {
			ids[i], codes[i] = o.UnitID, o.Code
		}
		var found []Office
		if err := tx.Where("province_id IN ? AND code IN ?", ids, codes).Find(&found).Error; err != nil {
			return nil, nil, fmt.Errorf("find offices: %w", err)
		}
		for _, o := range found {
			offices[officeKey{o.ProvinceID, o.Code}] = o
		}
	}
	// The counters: a code is unique in the country; an existing one must be at the
	// file's office.
	codes := make([]string, 0, len(places.Counters))
	for code := range places.Counters {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for start := 0; start < len(codes); start += 500 {
		var found []Counter
		if err := tx.Where("code IN ?", codes[start:min(start+500, len(codes))]).Find(&found).Error; err != nil {
			return nil, nil, fmt.Errorf("find counters: %w", err)
		}
		for _, c := range found {
			out.counters[c.Code] = c
		}
	}
	var problems []*survey.PaperError
	for _, code := range codes {
		want := places.Counters[code]
		c, ok := out.counters[code]
		if !ok {
			continue
		}
		office, known := offices[officeKey{want.Office.UnitID, want.Office.Code}]
		if known && c.OfficeID == office.ID {
			continue
		}
		var at Office
		if err := tx.Take(&at, c.OfficeID).Error; err != nil {
			return nil, nil, fmt.Errorf("counter %s: its office: %w", code, err)
		}
		problems = append(problems, &survey.PaperError{Row: want.Row, Column: survey.ColCounter,
			Msg: survey.Msg("paper.problem.counter_elsewhere", code, at.Code, want.Office.Code, want.UnitName)})
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b *survey.PaperError) int { return a.Row - b.Row })
		out := make([]survey.Message, 0, survey.MaxPaperErrors)
		for _, p := range problems[:min(len(problems), survey.MaxPaperErrors)] {
			out = append(out, p.Describe())
		}
		return nil, out, nil
	}

	now := time.Now().UTC()
	var newOffices []Office
	for _, o := range wanted {
		if _, ok := offices[officeKey{o.UnitID, o.Code}]; !ok {
			newOffices = append(newOffices, Office{ProvinceID: o.UnitID, Code: o.Code, Name: o.Code, CreatedAt: now})
		}
	}
	if len(newOffices) > 0 {
		if err := tx.CreateInBatches(newOffices, 200).Error; err != nil {
			return nil, nil, fmt.Errorf("create offices: %w", err)
		}
		for _, o := range newOffices {
			offices[officeKey{o.ProvinceID, o.Code}] = o
			out.offices = append(out.offices, o.ID)
		}
	}
	var newCounters []Counter
	for _, code := range codes {
		if _, ok := out.counters[code]; ok {
			continue
		}
		o := places.Counters[code].Office
		office := offices[officeKey{o.UnitID, o.Code}]
		newCounters = append(newCounters, Counter{OfficeID: office.ID, ProvinceID: office.ProvinceID, Code: code, Name: code, CreatedAt: now})
	}
	if len(newCounters) > 0 {
		if err := tx.CreateInBatches(newCounters, 200).Error; err != nil {
			return nil, nil, fmt.Errorf("create counters: %w", err)
		}
		for _, c := range newCounters {
			out.counters[c.Code] = c
			out.created = append(out.created, c.ID)
		}
	}
	return out, nil, nil
}

// idList writes IDs as the imports table keeps them: comma-separated.
func idList(ids []uint) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(parts, ",")
}

// parseIDs reads what idList wrote.
func parseIDs(s string) []uint {
	var out []uint
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseUint(p, 10, 64); err == nil {
			out = append(out, uint(id))
		}
	}
	return out
}
