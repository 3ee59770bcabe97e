package models

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Writing many rows: what makes a large batch (an import, the demo) fast without a
// statement that differs between SQLite and PostgreSQL.

// sortedKeys lists the set's keys in the order of the tables' primary keys (grain,
// period, province, office, counter, questionnaire, field, batch), bytewise as SQLite and the
// C collation compare text: rows written in that order go into each table's B-tree one
// after the other rather than all over it.
func (ts tallySet) sortedKeys() []tallyKey {
	keys := make([]tallyKey, 0, len(ts))
	for k := range ts {
		keys = append(keys, k)
	}
	sortTallyKeys(keys)
	return keys
}

// sortTallyKeys sorts count keys as sortedKeys does.
func sortTallyKeys(keys []tallyKey) {
	slices.SortFunc(keys, compareTallyKeys)
}

// compareTallyKeys orders count keys as the tables' primary key does.
func compareTallyKeys(a, b tallyKey) int {
	return cmp.Or(cmp.Compare(a.Grain, b.Grain), cmp.Compare(a.Period, b.Period),
		cmp.Compare(a.ProvinceID, b.ProvinceID), cmp.Compare(a.OfficeID, b.OfficeID),
		cmp.Compare(a.CounterID, b.CounterID), cmp.Compare(a.QuestionnaireID, b.QuestionnaireID),
		cmp.Compare(a.Field, b.Field), cmp.Compare(a.Batch, b.Batch))
}

// rowWriter writes rows through statements of many rows prepared once (preparing costs
// more than running one; GORM's statement cache would prepare again in every
// transaction): writerChunk rows at a time, then the rest in chunks of at most
// smallChunk (chunkOf).
type rowWriter struct {
	tx    writeTx
	sql   string // with %s where the VALUES list goes
	cols  int
	stmts map[int]*sql.Stmt // by rows, once borrowed
	args  []any
	rows  int
}

const writerChunk = 100

func newRowWriter(tx writeTx, sqlFormat string, cols int) *rowWriter {
	return &rowWriter{tx: tx, sql: sqlFormat, cols: cols, stmts: map[int]*sql.Stmt{}}
}

// add queues one row (its values, flattened: key values first) and writes a full chunk.
func (w *rowWriter) add(key []any, values ...any) error {
	w.args = append(append(w.args, key...), values...)
	w.rows++
	if w.rows < writerChunk {
		return nil
	}
	defer w.reset()
	return w.exec(w.args)
}

// flush writes the queued rows.
func (w *rowWriter) flush() error {
	defer w.reset()
	return inChunks(w.rows, func(start, n int) error {
		return w.exec(w.args[start*w.cols : (start+n)*w.cols])
	})
}

// exec writes the rows of args through the statement of as many rows.
func (w *rowWriter) exec(args []any) error {
	n := len(args) / w.cols
	stmt, ok := w.stmts[n]
	if !ok {
		var err error
		if stmt, err = w.tx.stmt(fmt.Sprintf(w.sql, valuesList(w.tx.postgres(), n, w.cols))); err != nil {
			return err
		}
		w.stmts[n] = stmt
	}
	_, err := stmt.ExecContext(w.tx.Statement.Context, args...)
	return err
}

func (w *rowWriter) reset() {
	clear(w.args) // let the encoded counts go
	w.args, w.rows = w.args[:0], 0
}

func (w *rowWriter) close() {
	for _, s := range w.stmts {
		s.Close()
	}
}

// responseColumns are the columns insertResponses writes, in its argument order.
var responseColumns = []string{"uuid", "counter_id", "office_id", "province_id", "questionnaire_id", "channel",
	"field", "submitted_at", "day", "answers", "import_id"}

// insertResponsesSQL inserts responses (a VALUES list in place of %s).
var insertResponsesSQL = "INSERT INTO responses (" + strings.Join(responseColumns, ", ") + ") VALUES %s"

// insertResponses inserts new responses through a rowWriter (GORM's CreateInBatches
// reflects on every row; this is the import's hot path).
func insertResponses(tx writeTx, rows []Response) error {
	w := newRowWriter(tx, insertResponsesSQL, len(responseColumns))
	defer w.close()
	for _, r := range rows {
		if err := w.add(nil, r.UUID, int64(r.CounterID), int64(r.OfficeID), int64(r.ProvinceID), int64(r.QuestionnaireID),
			r.Channel, r.Field, r.SubmittedAt, int64(r.Day), r.Answers, int64(r.ImportID)); err != nil {
			return fmt.Errorf("store responses: %w", err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("store responses: %w", err)
	}
	return nil
}

// valuesList is "(?,?),(?,?)" for rows rows of cols columns, or with $1, $2, … for
// PostgreSQL, whose driver takes no ?.
func valuesList(pg bool, rows, cols int) string {
	return typedValuesList(pg, rows, make([]string, cols))
}

// typedValuesList is valuesList with a cast after each PostgreSQL placeholder (one per
// column, "" for none), for VALUES lists whose column types PostgreSQL cannot infer.
func typedValuesList(pg bool, rows int, casts []string) string {
	cols := len(casts)
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
				b.WriteString(casts[c])
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
