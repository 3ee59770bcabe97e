package models

import (
	"context"
	"database/sql"
	"fmt"
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
	// Answers is Submission.Encode(), when the caller made it: a kiosk handler does, on
	// its own goroutine, rather than the one writer. Empty: the writer encodes it.
	Answers string
	// Held, when not empty, gives the reasons (survey.HoldReason) to store the response
	// without adding its counts, until an administrator reviews it (held.go).
	Held []string
	// ImportID is the import storing it (its counts go to its batch); 0 for a kiosk's.
	ImportID uint
	// DeviceID is the registered kiosk device that sent it (0 for none): a response it
	// stores is counted in the device's day in the same transaction (countDeviceDays).
	DeviceID uint
	// Settings, when not 0, is the settings version of the kiosk look-up it was checked
	// against (Kiosk.Settings): it is stored only if that is still the current version in
	// its transaction, and is Stale otherwise, so that no response is acknowledged on
	// settings older than its own commit.
	Settings int64
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
	// Stale: the settings changed since the look-up it was checked against
	// (NewResponse.Settings); nothing was stored, and the caller checks it again.
	Stale
)

// SubmitResponses stores a batch of responses, their answers and every count they change
// in one transaction: either all new ones are stored, or none (and the error says why).
// A UUID seen before is Repeated or Conflict and changes nothing.
//
// Another process on the same database (a second serve on one PostgreSQL, behind a load
// balancer that a kiosk's retry went through) may store one of the UUIDs between this
// transaction's look-up and its insert: the unique index then refuses the insert, and the
// transaction runs again, which finds that response stored (a repeat, or a conflict).
func (s *Store) SubmitResponses(ctx context.Context, batch []NewResponse) ([]Outcome, error) {
	var (
		outcomes []Outcome
		written  savedCounts
		err      error
	)
	for attempt := 0; attempt < 3; attempt++ {
		err = s.runTx(ctx, func(tx writeTx) error {
			var err error
			outcomes, written, err = submitPrepared(tx, prepareBatch(batch), s.recent)
			return err
		})
		if !isUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		s.recent.forget() // take forgot the rows it handed over; the others are forgotten too, to be sure
		return nil, fmt.Errorf("store %s: %w", batchName(batch), err)
	}
	if written.version != 0 {
		s.recent.put(written.version, written.rows)
	}
	return outcomes, nil
}

// runTx runs fn in a write transaction of its own.
func (s *Store) runTx(ctx context.Context, fn func(writeTx) error) error {
	return s.runTxOn(ctx, nil, fn)
}

// runTxOn runs fn in a write transaction on db, a session on a connection of its own (an
// import's), or on any connection when db is nil.
func (s *Store) runTxOn(ctx context.Context, db *gorm.DB, fn func(writeTx) error) error {
	if db == nil {
		db = s.db
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(writeTx{tx, &s.stmts}) })
}

// txRunner runs write transactions: the store itself (a command), or serve's one writer,
// the Submitter, which takes turns with the kiosks.
type txRunner interface {
	runTx(ctx context.Context, fn func(writeTx) error) error
	runTxOn(ctx context.Context, db *gorm.DB, fn func(writeTx) error) error
}

// batchName names a batch of responses in an error: its UUID, or the first of them.
func batchName(batch []NewResponse) string {
	switch len(batch) {
	case 0:
		return "no response"
	case 1:
		return "response " + batch[0].UUID
	}
	return fmt.Sprintf("%d responses from %s", len(batch), batch[0].UUID)
}

// preparedBatch is a batch with the work that needs no database done: the answers
// encoded, their rows built and their counts added up as if every response were new.
// An import prepares its next part on the other core while this one is written.
type preparedBatch struct {
	batch  []NewResponse
	rows   []Response // rows[i] is batch[i]'s
	counts tallySet
}

func prepareBatch(batch []NewResponse) preparedBatch {
	p := preparedBatch{batch: batch, rows: make([]Response, len(batch)), counts: newTallySet()}
	for i, r := range batch {
		answers := r.Answers
		if answers == "" {
			answers = r.Submission.Encode()
		}
		p.rows[i] = Response{
			UUID: r.UUID, CounterID: r.Counter.ID, OfficeID: r.Counter.OfficeID, ProvinceID: r.ProvinceID,
			QuestionnaireID: r.QuestionnaireID, Channel: r.Channel, Field: r.Submission.Field,
			SubmittedAt: r.SubmittedAt.UTC(), Day: survey.DayKey(r.SubmittedAt), Answers: answers,
			ImportID: r.ImportID,
		}
	}
	p.counts.addCounted(batch, func(i int) bool { return true })
	return p
}

// savedCounts are the count rows a transaction wrote and the counts version it made, to
// be remembered once it has committed (recentCounts); version 0 when it wrote none.
type savedCounts struct {
	version int64
	rows    tallySet
}

// submitPrepared stores the new responses of a prepared batch with their counts, adding
// to the rows that recent remembers. When a response turns out to be a repeat or a
// conflict, the counts are added up again from the new ones only.
func submitPrepared(tx writeTx, p preparedBatch, recent *recentCounts) ([]Outcome, savedCounts, error) {
	outcomes := make([]Outcome, len(p.batch))
	stale, err := staleResponses(tx, p.batch)
	if err != nil {
		return nil, savedCounts{}, err
	}
	known, err := existingResponses(tx, p.batch)
	if err != nil {
		return nil, savedCounts{}, err
	}
	rows := p.rows[:0:0]
	for i, row := range p.rows {
		if stale[i] {
			outcomes[i] = Stale
			continue
		}
		if prev, ok := known[row.UUID]; ok {
			outcomes[i] = Conflict
			if prev.CounterID == row.CounterID && prev.Answers == row.Answers {
				outcomes[i] = Repeated
			}
			continue
		}
		known[row.UUID] = row
		outcomes[i] = Stored
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return outcomes, savedCounts{}, nil
	}
	counts := p.counts
	if len(rows) < len(p.rows) {
		counts = newTallySet()
		counts.addCounted(p.batch, func(i int) bool { return outcomes[i] == Stored })
	}
	if err := insertResponses(tx, rows); err != nil {
		return nil, savedCounts{}, err
	}
	if err := insertHeld(tx, p.batch, outcomes); err != nil {
		return nil, savedCounts{}, err
	}
	if err := countDeviceDays(tx, p.batch, outcomes); err != nil {
		return nil, savedCounts{}, err
	}
	version, err := counts.saveRecent(tx, recent)
	if err != nil {
		return nil, savedCounts{}, err
	}
	return outcomes, savedCounts{version: version, rows: counts}, nil
}

// staleResponses tells which responses of the batch were checked against settings that
// are no longer the current ones (NewResponse.Settings); none when no response says.
func staleResponses(tx writeTx, batch []NewResponse) ([]bool, error) {
	stale := make([]bool, len(batch))
	checked := false
	for _, r := range batch {
		checked = checked || r.Settings != 0
	}
	if !checked {
		return stale, nil
	}
	current, err := tx.queryInt(settingsSQL)
	if err != nil {
		return nil, fmt.Errorf("read the settings version: %w", err)
	}
	for i, r := range batch {
		stale[i] = r.Settings != 0 && r.Settings != current
	}
	return stale, nil
}

// existingResponses finds the stored responses among the batch's UUIDs.
func existingResponses(tx writeTx, batch []NewResponse) (map[string]Response, error) {
	known := map[string]Response{}
	err := tx.queryChunks(func(n int) string { return existingResponsesSQL(tx.postgres(), n) }, 1, uuidsOf(batch), scanResponses(known))
	if err != nil {
		return nil, fmt.Errorf("look up stored response UUIDs: %w", err)
	}
	return known, nil
}

func uuidsOf(batch []NewResponse) []any {
	ids := make([]any, len(batch))
	for i, r := range batch {
		ids[i] = r.UUID
	}
	return ids
}

// scanResponses reads the rows of existingResponsesSQL into known.
func scanResponses(known map[string]Response) func(*sql.Rows) error {
	return func(rows *sql.Rows) error {
		for rows.Next() {
			var r Response
			var counter int64
			if err := rows.Scan(&r.UUID, &counter, &r.Answers); err != nil {
				return err
			}
			r.CounterID = uint(counter)
			known[r.UUID] = r
		}
		return rows.Err()
	}
}

// existingResponsesSQL looks n UUIDs up among the stored responses.
func existingResponsesSQL(pg bool, n int) string {
	q := "SELECT uuid, counter_id, answers FROM responses WHERE uuid IN (" + strings.Repeat(",?", n)[1:] + ")"
	if pg {
		return toDollars(q)
	}
	return q
}

// tallyKey identifies one row of kept counts; see v1Tallies for the three grains and
// migration 4 for the batch.
type tallyKey struct {
	Grain           string
	Period          int
	ProvinceID      uint
	OfficeID        uint
	CounterID       uint
	QuestionnaireID uint
	Field           string
	Batch           uint // 0: kiosks and links; else the import that wrote the row
}

// values are the key's columns as the driver takes them without converting: int64, not
// int or uint, which database/sql would convert by reflection on every row written.
func (k tallyKey) values() []any {
	return []any{k.Grain, int64(k.Period), int64(k.ProvinceID), int64(k.OfficeID), int64(k.CounterID), int64(k.QuestionnaireID),
		k.Field, int64(k.Batch)}
}

// allFields is the Field of grain M and P rows, which add up every procedure field.
const allFields = "*"

// keysOf lists the count rows a response adds to: its day at its counter and field, its
// month at its counter, its month in its province and field, and its day in its province
// (grain P, migration 8). The daily rows come first and last: D at index 0, P at 3.
func keysOf(r NewResponse) [5]tallyKey {
	return keysOfDay(tallyKey{Grain: "D", Period: survey.DayKey(r.SubmittedAt), ProvinceID: r.ProvinceID, OfficeID: r.Counter.OfficeID,
		CounterID: r.Counter.ID, QuestionnaireID: r.QuestionnaireID, Field: r.Submission.Field, Batch: r.ImportID})
}

// keysOfDay lists, as keysOf does, the count rows that the responses of the counter's
// day d (a key of grain D) add to, d first.
func keysOfDay(d tallyKey) [5]tallyKey {
	m, f, p := d, d, d
	m.Grain, m.Period, m.Field = "M", d.Period/100, allFields
	f.Grain, f.Period, f.OfficeID, f.CounterID = "F", d.Period/100, 0, 0
	p.Grain, p.Field, p.OfficeID, p.CounterID = "P", allFields, 0, 0
	w := p
	w.Grain, w.Period = "W", survey.WeekStart(d.Period)
	return [5]tallyKey{d, m, f, p, w}
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
		ts.addKey(k, r.Tally)
	}
}

// addCounted adds the responses that are counted (not held) and that keep accepts. Each
// counter's day is added up first, then its sum to the day's five rows: a kiosk batch is
// mostly one counter's day, and adding every response to each of the five rows would add
// up the same tallies five times, in the one writer. Days go in the order they first
// appear, so that a row shared by several days adds them in the same order every time.
func (ts tallySet) addCounted(batch []NewResponse, keep func(i int) bool) {
	days := newTallySet()
	var order []tallyKey
	for i, r := range batch {
		if len(r.Held) != 0 || !keep(i) {
			continue
		}
		d := keysOf(r)[0]
		if _, seen := days[d]; !seen {
			order = append(order, d)
		}
		days.addKey(d, r.Tally)
	}
	for _, d := range order {
		t := days[d].t
		for _, k := range keysOfDay(d) {
			ts.addKey(k, t)
		}
	}
}

// addKey adds t, which the set may keep but never changes, to the row of k.
func (ts tallySet) addKey(k tallyKey, t *survey.Tally) {
	e, ok := ts[k]
	if !ok {
		ts[k] = tallyEntry{t: t}
		return
	}
	if !e.own {
		own := survey.NewTally()
		own.Add(e.t)
		e = tallyEntry{t: own, own: true}
		ts[k] = e
	}
	e.t.Add(t)
}

var keyColumns = []string{"grain", "period", "province_id", "office_id", "counter_id", "questionnaire_id", "field", "batch"}

// keyCasts are the key columns' types, which PostgreSQL cannot infer inside VALUES.
var keyCasts = []string{"::text", "::integer", "::bigint", "::bigint", "::bigint", "::bigint", "::text", "::bigint"}

// tallyColumns are the columns of a count row, key first, in the order writes bind them.
var tallyColumns = append(append([]string{}, keyColumns...), "responses", "sum_score", "sum_score2", "counts")

// save merges the set into the kept counts: it reads the rows the set touches, adds the
// set's counts to them and writes them back, in key order (see sortedKeys). The caller's
// transaction holds the write lock throughout (SQLite's immediate transactions; on
// PostgreSQL a lock that only the other writers of shared counts wait for), so no
// concurrent writer can slip in between the read and the write. An import writes rows
// of its own batch, which no other writer touches (importslice.go).
func (ts tallySet) save(tx writeTx) error {
	_, err := ts.saveRecent(tx, nil)
	return err
}

// saveRecent is save with the current rows that recent remembers added to rather than
// read (recent may be nil). It returns the version the transaction made: once it
// commits, the set holds the rows as written, for recentCounts.put.
func (ts tallySet) saveRecent(tx writeTx, recent *recentCounts) (int64, error) {
	if tx.postgres() {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", sharedCountsLock).Error; err != nil {
			return 0, fmt.Errorf("lock counts: %w", err)
		}
	}
	version, err := bumpCountsVersion(tx)
	if err != nil {
		return 0, err
	}
	keys := ts.sortedKeys()
	read := keys
	if recent != nil {
		current := recent.take(version, keys)
		read = make([]tallyKey, 0, len(keys)-len(current))
		for _, k := range keys {
			t, ok := current[k]
			if !ok {
				read = append(read, k)
				continue
			}
			t.Add(ts[k].t) // as addStored adds to a row read, in the same order
			ts[k] = tallyEntry{t: t, own: true}
		}
	}
	if err := ts.addStored(tx, read); err != nil {
		return 0, err
	}
	return version, ts.write(tx, keys)
}

// sharedCountsLock is the PostgreSQL advisory lock that serialises the writers of the
// shared count rows (batch 0). Unlike a lock on the table, it leaves an import writing
// its own rows alone, and the import leaves the kiosks alone.
const sharedCountsLock = 0x5195a5

// write writes the set's rows of keys, in the order given: save has added the kept
// counts in.
func (ts tallySet) write(tx writeTx, keys []tallyKey) error {
	w := newRowWriter(tx, upsertTalliesSQL, len(tallyColumns))
	defer w.close()
	for _, k := range keys {
		t := ts[k].t
		if err := w.add(k.values(), t.Responses, t.SumScore, t.SumScore2, encodeCounts(t)); err != nil {
			return fmt.Errorf("write counts: %w", err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("write counts: %w", err)
	}
	return nil
}

// upsertTalliesSQL writes count rows (a VALUES list in place of %s), replacing the kept
// ones: save has already added them in.
var upsertTalliesSQL = "INSERT INTO tallies (" + strings.Join(tallyColumns, ", ") + ") VALUES %s ON CONFLICT (" +
	strings.Join(keyColumns, ", ") + ") DO UPDATE SET responses = excluded.responses, sum_score = excluded.sum_score, " +
	"sum_score2 = excluded.sum_score2, counts = excluded.counts"

// storedTalliesSQL reads the count rows of n keys. A join with the keys as a VALUES list
// lets both databases look each key up in the primary key; a row-value IN over the same
// list makes SQLite scan the table.
func storedTalliesSQL(pg bool, n int) string {
	cols := make([]string, len(tallyColumns))
	on := make([]string, len(keyColumns))
	for i, c := range tallyColumns {
		cols[i] = "t." + c
	}
	for i, c := range keyColumns {
		on[i] = "t." + c + " = k." + c
	}
	return "WITH k (" + strings.Join(keyColumns, ", ") + ") AS (VALUES " + typedValuesList(pg, n, keyCasts) + ") " +
		"SELECT " + strings.Join(cols, ", ") + " FROM k JOIN tallies t ON " + strings.Join(on, " AND ")
}

// addStored adds the counts already kept under the set's keys to the set.
func (ts tallySet) addStored(tx writeTx, keys []tallyKey) error {
	args := make([]any, 0, len(keys)*len(keyColumns))
	for _, k := range keys {
		args = append(args, k.values()...)
	}
	sqlFor := func(n int) string { return storedTalliesSQL(tx.postgres(), n) }
	if err := tx.queryChunks(sqlFor, len(keyColumns), args, ts.scanStored); err != nil {
		return fmt.Errorf("read counts: %w", err)
	}
	return nil
}

func (ts tallySet) scanStored(rows *sql.Rows) error {
	for rows.Next() {
		var (
			k      tallyKey
			stored = survey.NewTally()
			counts []byte
			period int64
		)
		var province, office, counter, questionnaire, batch int64
		if err := rows.Scan(&k.Grain, &period, &province, &office, &counter, &questionnaire, &k.Field, &batch,
			&stored.Responses, &stored.SumScore, &stored.SumScore2, &counts); err != nil {
			return err
		}
		k.Period, k.ProvinceID, k.OfficeID, k.CounterID, k.QuestionnaireID, k.Batch =
			int(period), uint(province), uint(office), uint(counter), uint(questionnaire), uint(batch)
		if err := addCounts(stored, counts, true); err != nil {
			return err
		}
		e, ok := ts[k]
		if !ok {
			return fmt.Errorf("unexpected row %+v", k)
		}
		stored.Add(e.t) // stored is a fresh tally: the set's own ones stay untouched
		ts[k] = tallyEntry{t: stored, own: true}
	}
	return rows.Err()
}
