package models

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"sipas/survey"
)

// DifferenceKind says how a kept count row disagrees with the raw responses.
type DifferenceKind int

// The kinds of CountDifference.
const (
	Different   DifferenceKind = iota // the row is kept and some of its figures differ
	Missing                           // responses give counts under this key, and no row is kept
	Extra                             // a row is kept that no response gives
	Unreadable                        // the row's packed counts do not decode
	BadResponse                       // a stored response whose answers cannot be counted
)

// CountDifference is one disagreement found by VerifyCounts.
type CountDifference struct {
	Kind       DifferenceKind
	Key        CountKey
	Kept       *survey.Tally     // nil when Missing or BadResponse
	Recomputed *survey.Tally     // nil when Extra or BadResponse
	Parts      []TallyDifference // what differs, when Different
	Response   string            // the response's UUID, when BadResponse
	Err        error             // why, when Unreadable or BadResponse
}

// VerifySummary tells what VerifyCounts compared.
type VerifySummary struct {
	Responses   int64 // raw responses counted
	Rows        int64 // kept count rows compared
	Months      int   // months walked
	Differences int64
}

// VerifyCounts recomputes every kept count from the raw responses and compares the result
// with every kept row, both ways; report is called with each difference, in key order
// within a month. A response counts as the write path counts it: its answers with the
// questionnaire version it answered (survey's Tally), added to the rows keysOf names;
// the kept rows are never read to compute what they should hold.
//
// It reads one snapshot of the database (writers go on meanwhile) a month at a time,
// each counter's responses of the month through the (counter, day) index, so that its
// memory is that of one month's count rows, not of the whole table.
func (s *Store) VerifyCounts(ctx context.Context, report func(CountDifference) error) (VerifySummary, error) {
	var sum VerifySummary
	err := s.readSnapshot(ctx, func(db *gorm.DB) error {
		names, err := loadKeyNames(db)
		if err != nil {
			return err
		}
		v := verifier{s: s, db: db, names: names, sum: &sum, report: report}
		spans, months, err := v.plan()
		if err != nil {
			return err
		}
		for _, m := range months {
			if err := ctx.Err(); err != nil {
				return err
			}
			recomputed := newTallySet()
			for _, c := range spans {
				if c.first <= m && m <= c.last {
					if err := v.recompute(ctx, c.counter, m, recomputed); err != nil {
						return err
					}
				}
			}
			if err := v.compare(m, recomputed); err != nil {
				return err
			}
			sum.Months++
		}
		// Rows no month holds: of an unknown grain, or a period that is no day (D, P), first
		// day of a week of the month (W) or month (M, F).
		stray := func(r keptRow) error {
			sum.Rows++
			return v.extra(r)
		}
		return eachKeptRow(db, stray, "grain NOT IN ('D', 'M', 'F', 'P', 'W') OR "+
			"(grain IN ('D', 'P', 'W') AND (period / 100 % 100 NOT BETWEEN 1 AND 12 OR period % 100 NOT BETWEEN 1 AND 31)) OR "+
			"(grain = 'W' AND (period % 100 - 1) % 7 <> 0) OR "+
			"(grain IN ('M', 'F') AND period % 100 NOT BETWEEN 1 AND 12)")
	})
	return sum, err
}

type verifier struct {
	s      *Store
	db     *gorm.DB
	names  *keyNames
	sum    *VerifySummary
	report func(CountDifference) error
}

// counterSpan is the first and last month (YYYYMM) of a counter's responses.
type counterSpan struct {
	counter     uint
	first, last int
}

// plan lists each counter's span of months and every month to walk: those with
// responses and those with kept rows.
func (v *verifier) plan() ([]counterSpan, []int, error) {
	var spans []struct {
		CounterID   uint
		First, Last int
	}
	err := v.db.Raw("SELECT counter_id, MIN(day) AS first, MAX(day) AS last FROM responses WHERE " + visibleResponses +
		" GROUP BY counter_id").Scan(&spans).Error
	if err != nil {
		return nil, nil, fmt.Errorf("read response days: %w", err)
	}
	seen := map[int]bool{}
	out := make([]counterSpan, len(spans))
	for i, c := range spans {
		out[i] = counterSpan{c.CounterID, c.First / 100, c.Last / 100}
		for m := out[i].first; m <= out[i].last; m = nextMonth(m) {
			seen[m] = true
		}
	}
	var kept []int
	err = v.db.Raw("SELECT DISTINCT period / 100 FROM tallies WHERE grain IN ('D', 'P', 'W') AND " + visibleBatches + " UNION " +
		"SELECT DISTINCT period FROM tallies WHERE grain IN ('M', 'F') AND " + visibleBatches).Scan(&kept).Error
	if err != nil {
		return nil, nil, fmt.Errorf("read count months: %w", err)
	}
	for _, m := range kept {
		if m%100 >= 1 && m%100 <= 12 {
			seen[m] = true
		}
	}
	months := make([]int, 0, len(seen))
	for m := range seen {
		months = append(months, m)
	}
	slices.Sort(months)
	return out, months, nil
}

// recompute adds the counts of a counter's responses of month m to set.
func (v *verifier) recompute(ctx context.Context, counterID uint, m int, set tallySet) error {
	rows, err := v.db.Raw("SELECT uuid, office_id, province_id, questionnaire_id, submitted_at, answers, import_id FROM responses "+
		"WHERE counter_id = ? AND day BETWEEN ? AND ? AND "+visibleResponses+" AND "+notHeld, counterID, m*100, m*100+99).Rows()
	if err != nil {
		return fmt.Errorf("read responses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r                          = NewResponse{Counter: Counter{ID: counterID}}
			office, province, qid, imp int64
			answers                    string
		)
		if err := rows.Scan(&r.UUID, &office, &province, &qid, &r.SubmittedAt, &answers, &imp); err != nil {
			return fmt.Errorf("read responses: %w", err)
		}
		r.Counter.OfficeID, r.ProvinceID, r.QuestionnaireID, r.ImportID = uint(office), uint(province), uint(qid), uint(imp)
		v.sum.Responses++
		q, err := v.s.parsedVersion(ctx, r.QuestionnaireID)
		if err == nil {
			r.Submission, err = survey.DecodeSubmission(answers)
		}
		if err == nil {
			err = checkCountable(r.Submission)
		}
		if err != nil {
			bad := CountDifference{Kind: BadResponse, Response: r.UUID, Err: err,
				Key: v.names.name(tallyKey{Grain: "D", Period: survey.DayKey(r.SubmittedAt), ProvinceID: r.ProvinceID,
					OfficeID: r.Counter.OfficeID, CounterID: counterID, QuestionnaireID: r.QuestionnaireID, Batch: r.ImportID})}
			if err := v.found(bad); err != nil {
				return err
			}
			continue
		}
		r.Tally = q.Tally(r.Submission)
		set.add(r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read responses: %w", err)
	}
	return nil
}

// checkCountable refuses answers that Questionnaire.Tally cannot count: a criterion value off the
// scale would be counted out of bounds.
func checkCountable(s survey.Submission) error {
	for code, v := range s.Criteria {
		if v < 1 || v > survey.MaxScale {
			return fmt.Errorf("criterion %s: value %d is off the scale", code, v)
		}
	}
	return nil
}

// compare reads the kept rows of month m and compares each with recomputed, then
// reports what recomputed holds that no row kept.
func (v *verifier) compare(m int, recomputed tallySet) error {
	check := func(r keptRow) error {
		v.sum.Rows++
		want, ok := recomputed[r.key]
		if !ok {
			return v.extra(r)
		}
		delete(recomputed, r.key)
		d := CountDifference{Key: v.names.name(r.key), Kept: r.tally, Recomputed: want.t}
		if r.unreadable != nil {
			d.Kind, d.Err = Unreadable, r.unreadable
			return v.found(d)
		}
		if d.Parts = diffTallies(r.tally, want.t); len(d.Parts) > 0 {
			return v.found(d)
		}
		return nil
	}
	for _, grain := range []struct {
		where    string
		from, to int
	}{{"grain IN ('D', 'P', 'W') AND period BETWEEN ? AND ?", m*100 + 1, m*100 + 31}, {"grain IN ('M', 'F') AND period BETWEEN ? AND ?", m, m}} {
		if err := eachKeptRow(v.db, check, grain.where, grain.from, grain.to); err != nil {
			return err
		}
	}
	for _, k := range recomputed.sortedKeys() {
		if err := v.found(CountDifference{Kind: Missing, Key: v.names.name(k), Recomputed: recomputed[k].t}); err != nil {
			return err
		}
	}
	return nil
}

// extra reports a kept row that no response gives.
func (v *verifier) extra(r keptRow) error {
	d := CountDifference{Kind: Extra, Key: v.names.name(r.key), Kept: r.tally}
	if r.unreadable != nil {
		d.Kind, d.Err = Unreadable, r.unreadable
	}
	return v.found(d)
}

func (v *verifier) found(d CountDifference) error {
	v.sum.Differences++
	return v.report(d)
}
