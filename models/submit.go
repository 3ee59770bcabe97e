package models

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// NewResponse is a validated response ready to be stored with its counts.
type NewResponse struct {
	UUID            string
	Counter         Counter
	ProvinceID      uint // the unit in force at SubmittedAt; usually Counter.ProvinceID
	QuestionnaireID uint
	Channel         string
	SubmittedAt     time.Time
	Submission      survey.Submission
	Tally           *survey.Tally // q.Tally(Submission)
}

// Outcome is what happened to one response of a batch.
type Outcome int

const (
	// Stored: the response is new and now stored with its counts.
	Stored Outcome = iota
	// Repeated: the same UUID was stored before with the same answers; nothing changed.
	Repeated
	// Conflict: the UUID was stored before with other answers or at another counter.
	Conflict
)

// SubmitResponses stores a batch of responses, their answers and every count they change
// in one transaction: either all new ones are stored, or none (and the error says why).
// A UUID seen before is Repeated or Conflict and changes nothing.
func (s *Store) SubmitResponses(ctx context.Context, batch []NewResponse) ([]Outcome, error) {
	var outcomes []Outcome
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		outcomes, err = submitResponses(tx, batch)
		return err
	})
	if err != nil {
		return nil, err
	}
	return outcomes, nil
}

// submitResponses is the body of SubmitResponses inside the caller's transaction tx, so
// that an import can store its responses in the same transaction as its new counters.
func submitResponses(tx *gorm.DB, batch []NewResponse) ([]Outcome, error) {
	outcomes := make([]Outcome, len(batch))
	known, err := existingResponses(tx, batch)
	if err != nil {
		return nil, err
	}
	var rows []Response
	counts := newTallySet()
	for i, r := range batch {
		answers := r.Submission.Encode()
		if prev, ok := known[r.UUID]; ok {
			outcomes[i] = Conflict
			if prev.CounterID == r.Counter.ID && prev.Answers == answers {
				outcomes[i] = Repeated
			}
			continue
		}
		known[r.UUID] = Response{CounterID: r.Counter.ID, Answers: answers}
		outcomes[i] = Stored
		rows = append(rows, Response{
			UUID: r.UUID, CounterID: r.Counter.ID, OfficeID: r.Counter.OfficeID, ProvinceID: r.ProvinceID,
			QuestionnaireID: r.QuestionnaireID, Channel: r.Channel, Field: r.Submission.Field,
			SubmittedAt: r.SubmittedAt.UTC(), Day: survey.DayKey(r.SubmittedAt), Answers: answers,
		})
		counts.add(r)
	}
	if len(rows) == 0 {
		return outcomes, nil
	}
	if err := insertResponses(tx, rows); err != nil {
		return nil, err
	}
	if err := counts.save(tx); err != nil {
		return nil, err
	}
	return outcomes, nil
}

// existingResponses finds the stored responses among the batch's UUIDs.
func existingResponses(tx *gorm.DB, batch []NewResponse) (map[string]Response, error) {
	known := map[string]Response{}
	for start := 0; start < len(batch); start += 500 {
		end := min(start+500, len(batch))
		ids := make([]string, 0, end-start)
		for _, r := range batch[start:end] {
			ids = append(ids, r.UUID)
		}
		var rows []Response
		if err := tx.Select("uuid, counter_id, answers").Where("uuid IN ?", ids).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			known[r.UUID] = r
		}
	}
	return known, nil
}

// tallyKey identifies one row of kept counts; see v1TallyKey for the three grains.
type tallyKey struct {
	Grain           string
	Period          int
	ProvinceID      uint
	OfficeID        uint
	CounterID       uint
	QuestionnaireID uint
	Field           string
}

// values are the key's columns as the driver takes them without converting: int64, not
// int or uint, which database/sql would convert by reflection on every row written.
func (k tallyKey) values() []any {
	return []any{k.Grain, int64(k.Period), int64(k.ProvinceID), int64(k.OfficeID), int64(k.CounterID), int64(k.QuestionnaireID), k.Field}
}

// allFields is the Field of grain M rows, which add up every procedure field.
const allFields = "*"

// keysOf lists the count rows a response adds to: its day at its counter and field, its
// month at its counter, and its month in its province and field.
func keysOf(r NewResponse) [3]tallyKey {
	day := survey.DayKey(r.SubmittedAt)
	base := tallyKey{ProvinceID: r.ProvinceID, OfficeID: r.Counter.OfficeID, CounterID: r.Counter.ID, QuestionnaireID: r.QuestionnaireID}
	d, m, f := base, base, base
	d.Grain, d.Period, d.Field = "D", day, r.Submission.Field
	m.Grain, m.Period, m.Field = "M", day/100, allFields
	f.Grain, f.Period, f.Field, f.OfficeID, f.CounterID = "F", day/100, r.Submission.Field, 0, 0
	return [3]tallyKey{d, m, f}
}

// tallySet adds up the counts of a batch in memory, so that each count row is written
// once per transaction however many responses touch it. A row touched by one response
// keeps that response's own Tally, read only, until a second one comes: most daily rows
// of a large batch have a single response, and copying them all would cost more than
// the rest of the batch.
type tallySet map[tallyKey]tallyEntry

type tallyEntry struct {
	t   *survey.Tally
	own bool // t belongs to the set and may be added to
}

func newTallySet() tallySet { return tallySet{} }

func (ts tallySet) add(r NewResponse) {
	for _, k := range keysOf(r) {
		e, ok := ts[k]
		if !ok {
			ts[k] = tallyEntry{t: r.Tally}
			continue
		}
		if !e.own {
			t := survey.NewTally()
			t.Add(e.t)
			e = tallyEntry{t: t, own: true}
			ts[k] = e
		}
		e.t.Add(r.Tally)
	}
}

var keyColumns = []string{"grain", "period", "province_id", "office_id", "counter_id", "questionnaire_id", "field"}

// save upserts every count row of the set, in key order (see sortedKeys).
func (ts tallySet) save(tx *gorm.DB) error {
	w := newTallyWriter(tx)
	for _, k := range ts.sortedKeys() {
		t := ts[k].t
		key := k.values()
		if err := w.tallies.add(append(w.tallies.row(key), t.Responses, t.SumScore, t.SumScore2)); err != nil {
			return err
		}
		for _, code := range slices.Sorted(maps.Keys(t.Criteria)) {
			c := t.Criteria[code]
			if err := w.criteria.add(append(w.criteria.row(key), code, c.Values[0], c.Values[1], c.Values[2], c.Values[3], c.Values[4],
				c.PairN, c.SumX, c.SumX2, c.SumO, c.SumO2, c.SumXO)); err != nil {
				return err
			}
		}
		for _, question := range slices.Sorted(maps.Keys(t.Options)) {
			m := t.Options[question]
			for _, value := range slices.Sorted(maps.Keys(m)) {
				if err := w.options.add(append(w.options.row(key), question, value, m[value])); err != nil {
					return err
				}
			}
		}
	}
	return w.flush()
}

// upsertAdd inserts rows (key columns, extra key columns, then the summed columns) and,
// where the key exists, adds the new values to the kept ones. The statement is the same
// in SQLite and PostgreSQL but for its placeholders: it goes to the driver, not through
// GORM, so PostgreSQL needs $1, $2, … where SQLite takes ?.
func upsertAdd(tx *gorm.DB, table string, extraKeys, sums []string, rows [][]any) error {
	keys := append(append([]string{}, keyColumns...), extraKeys...)
	cols := append(append([]string{}, keys...), sums...)
	set := make([]string, len(sums))
	for i, c := range sums {
		set[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
	}
	pg := tx.Dialector.Name() == "postgres"
	statement := func(rows int) string {
		values := make([]string, rows)
		marks := make([]string, len(cols))
		for r := range values {
			for c := range marks {
				marks[c] = "?"
				if pg {
					marks[c] = "$" + strconv.Itoa(r*len(cols)+c+1)
				}
			}
			values[r] = "(" + strings.Join(marks, ",") + ")"
		}
		return fmt.Sprintf("INSERT INTO %s (%s) VALUES %s ON CONFLICT (%s) DO UPDATE SET %s",
			table, strings.Join(cols, ", "), strings.Join(values, ","),
			strings.Join(keys, ", "), strings.Join(set, ", "))
	}
	// Full chunks share one statement prepared for this transaction, the rest go one row
	// at a time through another: preparing a statement of many rows costs more than
	// running it, and GORM's statement cache would prepare it again in every transaction.
	const chunk = 100
	full := len(rows) / chunk * chunk
	exec := func(n int, batch [][]any) error {
		stmt, err := tx.Statement.ConnPool.PrepareContext(tx.Statement.Context, statement(n))
		if err != nil {
			return fmt.Errorf("update %s: %w", table, err)
		}
		defer stmt.Close()
		args := make([]any, 0, n*len(cols))
		for start := 0; start < len(batch); start += n {
			args = args[:0]
			for _, r := range batch[start : start+n] {
				args = append(args, r...)
			}
			if _, err := stmt.ExecContext(tx.Statement.Context, args...); err != nil {
				return fmt.Errorf("update %s: %w", table, err)
			}
		}
		return nil
	}
	if full > 0 {
		if err := exec(chunk, rows[:full]); err != nil {
			return err
		}
	}
	if full < len(rows) {
		return exec(1, rows[full:])
	}
	return nil
}
