package models

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// Writing many rows: what makes a large batch (an import, the demo) fast without a
// statement that differs between SQLite and PostgreSQL.

// sortedKeys lists the set's keys in the order of the tables' primary keys (grain,
// period, province, office, counter, questionnaire, field), bytewise as SQLite and the
// C collation compare text: rows written in that order go into each table's B-tree one
// after the other rather than all over it.
func (ts tallySet) sortedKeys() []tallyKey {
	keys := make([]tallyKey, 0, len(ts))
	for k := range ts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b tallyKey) int {
		return cmp.Or(cmp.Compare(a.Grain, b.Grain), cmp.Compare(a.Period, b.Period),
			cmp.Compare(a.ProvinceID, b.ProvinceID), cmp.Compare(a.OfficeID, b.OfficeID),
			cmp.Compare(a.CounterID, b.CounterID), cmp.Compare(a.QuestionnaireID, b.QuestionnaireID),
			cmp.Compare(a.Field, b.Field))
	})
	return keys
}

// flushRows is how many count rows are held before they are written: a batch of any
// size then needs little memory, and each write still runs many full statements.
const flushRows = 10_000 // a multiple of upsertAdd's chunk

// upsertBuffer holds count rows of one table until they are written with upsertAdd.
// Its rows are reused from one write to the next: a large batch makes millions of them.
type upsertBuffer struct {
	tx              *gorm.DB
	table           string
	extraKeys, sums []string
	rows            [][]any
}

// row returns an empty row to fill and add; it holds key, then room for the rest.
func (u *upsertBuffer) row(key []any) []any {
	n := len(u.rows)
	if n < cap(u.rows) {
		u.rows = u.rows[:n+1]
		if r := u.rows[n]; r != nil {
			return append(r[:0], key...)
		}
	} else {
		u.rows = append(u.rows, nil)
	}
	return append(make([]any, 0, len(key)+len(u.extraKeys)+len(u.sums)), key...)
}

// add keeps row, got from u.row and filled, and writes the rows when there are enough.
func (u *upsertBuffer) add(row []any) error {
	u.rows[len(u.rows)-1] = row
	if len(u.rows) >= flushRows {
		return u.flush()
	}
	return nil
}

func (u *upsertBuffer) flush() error {
	if len(u.rows) == 0 {
		return nil
	}
	err := upsertAdd(u.tx, u.table, u.extraKeys, u.sums, u.rows)
	for _, r := range u.rows {
		clear(r) // the values go; the row is used again
	}
	u.rows = u.rows[:0]
	return err
}

// tallyWriter writes the rows of the three count tables.
type tallyWriter struct {
	tallies, criteria, options upsertBuffer
}

func newTallyWriter(tx *gorm.DB) *tallyWriter {
	return &tallyWriter{
		tallies: upsertBuffer{tx: tx, table: "tallies", sums: []string{"responses", "sum_score", "sum_score2"}},
		criteria: upsertBuffer{tx: tx, table: "criterion_tallies", extraKeys: []string{"criterion"},
			sums: []string{"v1", "v2", "v3", "v4", "v5", "pair_n", "sum_x", "sum_x2", "sum_o", "sum_o2", "sum_xo"}},
		options: upsertBuffer{tx: tx, table: "option_tallies", extraKeys: []string{"question", "value"}, sums: []string{"n"}},
	}
}

func (w *tallyWriter) flush() error {
	for _, u := range []*upsertBuffer{&w.tallies, &w.criteria, &w.options} {
		if err := u.flush(); err != nil {
			return err
		}
	}
	return nil
}

// responseColumns are the columns insertResponses writes, in its argument order.
var responseColumns = []string{"uuid", "counter_id", "office_id", "province_id", "questionnaire_id", "channel",
	"field", "submitted_at", "day", "answers"}

// insertResponses inserts new responses through statements of many rows prepared once
// for the transaction (GORM's CreateInBatches reflects on every row; this is the
// import's hot path).
func insertResponses(tx *gorm.DB, rows []Response) error {
	const chunk = 100
	pg := tx.Dialector.Name() == "postgres"
	exec := func(batch []Response, n int) error {
		stmt, err := tx.Statement.ConnPool.PrepareContext(tx.Statement.Context,
			"INSERT INTO responses ("+strings.Join(responseColumns, ", ")+") VALUES "+valuesList(pg, n, len(responseColumns)))
		if err != nil {
			return fmt.Errorf("store responses: %w", err)
		}
		defer stmt.Close()
		args := make([]any, 0, n*len(responseColumns))
		for start := 0; start < len(batch); start += n {
			args = args[:0]
			for _, r := range batch[start : start+n] {
				args = append(args, r.UUID, int64(r.CounterID), int64(r.OfficeID), int64(r.ProvinceID), int64(r.QuestionnaireID),
					r.Channel, r.Field, r.SubmittedAt, int64(r.Day), r.Answers)
			}
			if _, err := stmt.ExecContext(tx.Statement.Context, args...); err != nil {
				return fmt.Errorf("store responses: %w", err)
			}
		}
		return nil
	}
	full := len(rows) / chunk * chunk
	if full > 0 {
		if err := exec(rows[:full], chunk); err != nil {
			return err
		}
	}
	if rest := rows[full:]; len(rest) > 0 {
		return exec(rest, len(rest))
	}
	return nil
}

// valuesList is "(?,?),(?,?)" for rows rows of cols columns, or with $1, $2, … for
// PostgreSQL, whose driver takes no ?.
func valuesList(pg bool, rows, cols int) string {
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			if pg {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(r*cols + c + 1))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
