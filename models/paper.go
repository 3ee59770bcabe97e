package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// ImportResult tells what ImportPaper did.
type ImportResult struct {
	Stored   int // responses new to the database
	Repeated int // responses already imported (the same file, or rows of it, before)
	Offices  int // offices created
	Counters int // counters created
}

// ImportPaper stores the validated rows of a paper-questionnaire file in one transaction:
// the offices and counters it names that do not exist yet (created under the row's
// OfficeUnit, the code as name), then every response with its counts. Either all of it
// is stored or nothing. A counter that exists under another office is a
// *survey.PaperError naming the first row that uses it.
func (s *Store) ImportPaper(ctx context.Context, rows []survey.PaperRow, q *survey.Questionnaire, questionnaireID uint) (ImportResult, error) {
	var res ImportResult
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res = ImportResult{}
		counters, err := paperPlaces(tx, rows, &res)
		if err != nil {
			return err
		}
		// By day, in parts: a part's counts are added up in memory and written in key
		// order, and a month's rows are written by few parts.
		order, days := make([]int, len(rows)), make([]int, len(rows))
		for i := range order {
			order[i], days[i] = i, survey.DayKey(rows[i].SubmittedAt)
		}
		slices.SortStableFunc(order, func(a, b int) int {
			return cmp.Or(cmp.Compare(days[a], days[b]), cmp.Compare(rows[a].CounterCode, rows[b].CounterCode),
				cmp.Compare(rows[a].Submission.Field, rows[b].Submission.Field))
		})
		// The next part is prepared (counts, encoded answers) on the other core while
		// this one is written.
		parts := make(chan preparedBatch, 1)
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			defer close(parts)
			for start := 0; start < len(order); start += importPart {
				part := order[start:min(start+importPart, len(order))]
				batch := make([]NewResponse, len(part))
				for j, i := range part {
					r := &rows[i]
					batch[j] = NewResponse{
						UUID: r.UUID, Counter: counters[i], ProvinceID: r.Unit.ID, QuestionnaireID: questionnaireID,
						Channel: r.Channel, SubmittedAt: r.SubmittedAt, Submission: r.Submission, Tally: q.Tally(r.Submission),
					}
				}
				select {
				case parts <- prepareBatch(batch):
				case <-stop:
					return
				}
			}
		}()
		done := 0
		for p := range parts {
			outcomes, err := submitPrepared(writeTx{tx, &s.stmts}, p)
			if err != nil {
				return err
			}
			for j, o := range outcomes {
				switch o {
				case Stored:
					res.Stored++
				case Repeated:
					res.Repeated++
				case Conflict:
					return &survey.PaperError{Row: rows[order[done+j]].Row, Msg: survey.Msg("paper.problem.uuid_conflict")}
				}
			}
			done += len(outcomes)
			if err := tx.Statement.Context.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %d rows: %w", len(rows), err)
	}
	return res, nil
}

// importPart is how many responses ImportPaper adds up in memory at a time.
const importPart = 25_000

type officeKey struct {
	provinceID uint
	code       string
}

// paperPlaces finds or creates the office and counter of every row; counters[i] is row i's.
func paperPlaces(tx *gorm.DB, rows []survey.PaperRow, res *ImportResult) ([]Counter, error) {
	// The offices: found by province and code, created when missing.
	offices := map[officeKey]Office{}
	var officeKeys []officeKey
	firstRow := map[string]int{} // counter code → index of the first row naming it
	for i, r := range rows {
		k := officeKey{r.OfficeUnit.ID, r.OfficeCode}
		if _, ok := offices[k]; !ok {
			offices[k] = Office{}
			officeKeys = append(officeKeys, k)
		}
		if j, ok := firstRow[r.CounterCode]; !ok {
			firstRow[r.CounterCode] = i
		} else if first := rows[j]; first.OfficeCode != r.OfficeCode || first.OfficeUnit.ID != r.OfficeUnit.ID {
			return nil, &survey.PaperError{Row: r.Row, Column: survey.ColCounter, Msg: survey.Msg("paper.problem.counter_two_offices",
				r.CounterCode, first.OfficeCode, first.OfficeUnit.Name, first.Row, r.OfficeCode, r.OfficeUnit.Name)}
		}
	}
	for start := 0; start < len(officeKeys); start += 500 {
		part := officeKeys[start:min(start+500, len(officeKeys))]
		ids, codes := make([]uint, len(part)), make([]string, len(part))
		for i, k := range part {
			ids[i], codes[i] = k.provinceID, k.code
		}
		var found []Office
		if err := tx.Where("province_id IN ? AND code IN ?", ids, codes).Find(&found).Error; err != nil {
			return nil, fmt.Errorf("find offices: %w", err)
		}
		for _, o := range found {
			if _, ok := offices[officeKey{o.ProvinceID, o.Code}]; ok {
				offices[officeKey{o.ProvinceID, o.Code}] = o
			}
		}
	}
	now := time.Now().UTC()
	var newOffices []Office
	for _, k := range officeKeys {
		if offices[k].ID == 0 {
			newOffices = append(newOffices, Office{ProvinceID: k.provinceID, Code: k.code, Name: k.code, CreatedAt: now})
		}
	}
	if len(newOffices) > 0 {
		if err := tx.CreateInBatches(newOffices, 200).Error; err != nil {
			return nil, fmt.Errorf("create offices: %w", err)
		}
		for _, o := range newOffices {
			offices[officeKey{o.ProvinceID, o.Code}] = o
		}
		res.Offices = len(newOffices)
	}

	// The counters: a code is unique in the country; an existing one must be at the
	// row's office.
	counters := map[string]Counter{}
	codes := make([]string, 0, len(firstRow))
	for code := range firstRow {
		codes = append(codes, code)
	}
	for start := 0; start < len(codes); start += 500 {
		var found []Counter
		if err := tx.Where("code IN ?", codes[start:min(start+500, len(codes))]).Find(&found).Error; err != nil {
			return nil, fmt.Errorf("find counters: %w", err)
		}
		for _, c := range found {
			counters[c.Code] = c
		}
	}
	var newCounters []Counter
	for _, code := range codes {
		r := rows[firstRow[code]]
		office := offices[officeKey{r.OfficeUnit.ID, r.OfficeCode}]
		c, ok := counters[code]
		if !ok {
			newCounters = append(newCounters, Counter{OfficeID: office.ID, ProvinceID: office.ProvinceID, Code: code, Name: code, CreatedAt: now})
			continue
		}
		if c.OfficeID != office.ID {
			var at Office
			if err := tx.Take(&at, c.OfficeID).Error; err != nil {
				return nil, fmt.Errorf("counter %s: its office: %w", code, err)
			}
			return nil, &survey.PaperError{Row: r.Row, Column: survey.ColCounter,
				Msg: survey.Msg("paper.problem.counter_elsewhere", code, at.Code, r.OfficeCode, r.OfficeUnit.Name)}
		}
	}
	if len(newCounters) > 0 {
		if err := tx.CreateInBatches(newCounters, 200).Error; err != nil {
			return nil, fmt.Errorf("create counters: %w", err)
		}
		for _, c := range newCounters {
			counters[c.Code] = c
		}
		res.Counters = len(newCounters)
	}
	out := make([]Counter, len(rows))
	for i, r := range rows {
		out[i] = counters[r.CounterCode]
	}
	return out, nil
}
