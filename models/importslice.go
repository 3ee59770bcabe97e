package models

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"sipas/survey"
	"sipas/survey/sheets"
)

// The second pass of an import: the file read again and written in slices, each a short
// transaction of its own (through serve's writer, between kiosk batches), under the
// job's batch, so that readers see none of it until the job publishes.
//
// One goroutine reads and checks the rows, another prepares the slices (the rows' UUIDs
// looked up, their answers encoded and their contributions packed) while the job's
// goroutine writes the current one. The responses are written as they come. Their
// counts are not: a file in no particular order comes back to the same rows again and
// again, and a row written by an earlier slice must be read before it is added to. So
// each response's contribution is held, packed in a few dozen bytes with the key of its
// counter's day, up to dayWindowRows of them; then they are sorted by that key and added
// up day after day, which gives every count row whole, each written once without being
// read: a counter's day as its run ends, a province's day when the day ends, a counter's
// month and a province's field in a month when the month ends. A file longer than the
// window writes several windows; a row that an earlier one wrote (keyFilter says which
// may have been) is read and added to.

// sliceWork is one transaction of the second pass.
type sliceWork struct {
	rows   []Response // new responses, by UUID
	counts []countRow
	done   int64 // questionnaires the slice accounts for (new or already stored)
	stored int   // of those, new
}

// countRow is a count row to write: new to the database, with its packed counts; or
// perhaps kept already (written by an earlier window), with its counts to add to the
// kept ones.
type countRow struct {
	key                 tallyKey
	responses           int64
	sumScore, sumScore2 float64
	encoded             []byte         // a new row's
	counts              *survey.Counts // a row that may be kept's
}

// write is the second pass: it returns when every row is written, or at the first error.
func (run *importRun) write(ctx context.Context) error {
	run.phase = PhaseWriting
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan sliceWork) // the next slice is prepared while one is written
	produced := make(chan error, 1)
	go func() {
		defer close(work)
		produced <- run.produce(ctx, work)
	}()
	var err error
	for w := range work {
		if err == nil {
			err = run.writeSlice(ctx, w)
			if err != nil {
				cancel() // the producer stops; the rest of work is drained
			}
		}
	}
	if perr := <-produced; err == nil && perr != nil && !errors.Is(perr, context.Canceled) {
		err = perr
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// writeSlice writes one slice in a transaction of its own, with the job's progress.
func (run *importRun) writeSlice(ctx context.Context, w sliceWork) error {
	if len(w.rows) == 0 && run.progress.Stored == run.progress.Total && run.phase == PhaseWriting {
		// Every questionnaire is in: what is left is their counts, held until now.
		run.phase = PhasePublishing
	}
	var began time.Time
	err := run.tx(ctx, func(tx writeTx) error {
		began = time.Now()
		if len(w.rows) > 0 {
			if err := insertResponses(tx, w.rows); err != nil {
				return err
			}
		}
		if err := run.writeCounts(tx, w.counts); err != nil {
			return err
		}
		run.progress.Stored += w.done
		if err := run.update(tx, nil); err != nil {
			run.progress.Stored -= w.done
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	took := time.Since(began)
	run.longest = max(run.longest, took)
	run.slices++
	if len(w.rows) > 0 {
		run.im.adapt(&run.sliceRows, len(w.rows)+len(w.counts), took)
	}
	run.result.Stored += w.stored
	run.report()
	if run.im.yield > 0 && run.im.s.sharedFile() {
		select {
		case <-ctx.Done():
		case <-time.After(run.im.yield):
		}
	}
	return nil
}

// writeCounts writes count rows of the job's batch: the new ones as they are, the others
// added to what is kept (read first).
func (run *importRun) writeCounts(tx writeTx, rows []countRow) error {
	kept := tallySet{}
	var keys []tallyKey
	for _, r := range rows {
		if r.encoded == nil {
			kept[r.key] = tallyEntry{t: run.layout.Tally(r.counts), own: true}
			keys = append(keys, r.key)
		}
	}
	if err := kept.addStored(tx, keys); err != nil {
		return err
	}
	w := newRowWriter(tx, upsertTalliesSQL, len(tallyColumns))
	defer w.close()
	for _, r := range rows {
		var err error
		if e, ok := kept[r.key]; ok {
			err = w.add(r.key.values(), e.t.Responses, e.t.SumScore, e.t.SumScore2, encodeCounts(e.t))
		} else {
			err = w.add(r.key.values(), r.responses, r.sumScore, r.sumScore2, r.encoded)
		}
		if err != nil {
			return fmt.Errorf("write counts: %w", err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("write counts: %w", err)
	}
	return nil
}

// produce reads the file again and sends its slices to out, then their counts. One
// goroutine reads and checks the rows (parse) while this one prepares the slices, and
// the job's goroutine writes them: three stages on the machine's cores.
func (run *importRun) produce(ctx context.Context, out chan<- sliceWork) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []paperResponse)
	parsed := make(chan error, 1)
	go func() {
		defer close(batches)
		parsed <- run.parse(ctx, batches)
	}()
	p := &slicer{run: run, written: newKeyFilter(2 * int(run.progress.Total))} // a counter's day per response at most, and a few more
	send := func(w sliceWork) error {
		select {
		case out <- w:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := func() error {
		for batch := range batches {
			w, err := p.slice(ctx, batch)
			if err != nil {
				return err
			}
			if err := send(w); err != nil {
				return err
			}
			if len(p.window.entries) >= run.im.dayWindowRows {
				if err := p.flushCounts(send); err != nil {
					return err
				}
			}
		}
		return nil
	}()
	if err != nil {
		cancel()
		for range batches { // the reader stops
		}
		<-parsed
		return err
	}
	if err := <-parsed; err != nil {
		return err
	}
	return p.flushCounts(send)
}

// parse reads the file again and sends its responses to out, as many a batch as the
// next slice takes.
func (run *importRun) parse(ctx context.Context, out chan<- []paperResponse) error {
	rd, err := sheets.Open(run.row.FileName, run.file, run.row.FileSize, run.im.limits)
	if err != nil {
		return fmt.Errorf("%w: %w", errFileChanged, err)
	}
	f := survey.NewPaperFile(run.q, run.units, run.now).Again(run.sum)
	if _, cells, err := rd.Next(); err != nil || f.Header(cells) != nil {
		return errFileChanged
	}
	send := func(batch []paperResponse) error {
		select {
		case out <- batch:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// Each slice's batch is made at its size: grown by append, a batch of a few thousand
	// responses of ~500 bytes allocated twice that, a tenth of an import's garbage.
	newBatch := func() []paperResponse { return make([]paperResponse, 0, run.sliceRows.Load()) }
	batch := newBatch()
	for {
		n, cells, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %w", errFileChanged, err)
		}
		row, problems, ok := f.Row(n, cells)
		if !ok {
			continue
		}
		if len(problems) > 0 {
			return fmt.Errorf("%w: %w", errFileChanged, problems)
		}
		batch = append(batch, paperResponse{row: row.Row, r: NewResponse{UUID: row.UUID, Counter: run.places.counters[row.CounterCode],
			ProvinceID: row.Unit.ID, QuestionnaireID: run.qid, Channel: row.Channel, SubmittedAt: row.SubmittedAt,
			Submission: row.Submission, ImportID: run.row.ID}})
		if len(batch) >= int(run.sliceRows.Load()) {
			if err := send(batch); err != nil {
				return err
			}
			batch = newBatch()
		}
	}
	if int64(f.Rows()) != run.progress.Total {
		return errFileChanged
	}
	if len(batch) > 0 {
		return send(batch)
	}
	return nil
}

// paperResponse is a response of the file and its spreadsheet row.
type paperResponse struct {
	row int
	r   NewResponse
}

// slicer prepares the slices of one import.
type slicer struct {
	run     *importRun
	window  dayWindow  // the contributions of the responses whose counts are not written yet
	written *keyFilter // count rows written before, or maybe
	// fresh: the first slice found none of its rows stored. Every UUID of a file derives
	// from the file's content, so a file is stored whole or not at all (a failed import's
	// rows are removed before another runs): the other slices are not looked up. Were one
	// stored after all, the unique index on UUIDs would stop the import.
	fresh bool
	spare []*survey.Counts // counts packed already, to be used again
}

// newCounts returns empty counts, used before when there are.
func (p *slicer) newCounts() *survey.Counts {
	if n := len(p.spare); n > 0 {
		c := p.spare[n-1]
		p.spare = p.spare[:n-1]
		c.Reset()
		return c
	}
	return p.run.layout.New()
}

// slice prepares a slice of responses: those already stored are counted as repeated (a
// UUID stored with other answers is a problem of its row, which stops the import), the
// others' rows are built and their contributions held in the window.
func (p *slicer) slice(ctx context.Context, batch []paperResponse) (sliceWork, error) {
	responses := make([]NewResponse, len(batch))
	for i, b := range batch {
		responses[i] = b.r
	}
	known := map[string]Response{}
	if !p.fresh {
		var err error
		if known, err = p.run.im.s.storedResponses(ctx, responses); err != nil {
			return sliceWork{}, err
		}
		p.fresh = len(known) == 0
	}
	l := p.run.layout
	w := sliceWork{done: int64(len(batch))}
	for _, b := range batch {
		r := b.r
		row := Response{UUID: r.UUID, CounterID: r.Counter.ID, OfficeID: r.Counter.OfficeID, ProvinceID: r.ProvinceID,
			QuestionnaireID: r.QuestionnaireID, Channel: r.Channel, Field: r.Submission.Field, SubmittedAt: r.SubmittedAt.UTC(),
			Day: survey.DayKey(r.SubmittedAt), Answers: l.Encode(r.Submission), ImportID: r.ImportID}
		if prev, ok := known[r.UUID]; ok {
			if prev.CounterID != row.CounterID || prev.Answers != row.Answers {
				return sliceWork{}, &survey.PaperError{Row: b.row, Msg: survey.Msg("paper.problem.uuid_conflict")}
			}
			p.run.result.Repeated++
			continue
		}
		w.rows = append(w.rows, row)
		x, err := l.Contribution(r.Submission)
		if err != nil {
			return sliceWork{}, fmt.Errorf("row %d: %w", b.row, err)
		}
		if err := p.window.add(keysOf(r)[0], &x); err != nil {
			return sliceWork{}, fmt.Errorf("row %d: %w", b.row, err)
		}
	}
	w.stored = len(w.rows)
	slices.SortFunc(w.rows, func(a, b Response) int { return strings.Compare(a.UUID, b.UUID) })
	return w, nil
}

// maxKeptRows bounds the rows of a slice that may be kept already: each is read and
// decoded before it is added to, a few kilobytes a row while its slice is written and the
// next one prepared (a million-row upload's later windows come back to every province's
// days).
const maxKeptRows = 1000

// flushCounts adds up the contributions held in the window, in key order, and sends the
// count rows they make to be written, in slices; the window is emptied. In that order (a
// counter's day, its day first) the responses come day after day, so that only one day's
// provinces and one month's counters and fields are held at once.
func (p *slicer) flushCounts(send func(sliceWork) error) error {
	l := p.run.layout
	var (
		w       sliceWork
		x       survey.Contribution
		sum     = l.New()
		kept    int                             // rows of w that may be kept already
		daily   = map[tallyKey]*survey.Counts{} // the provinces of the current day
		monthly = map[tallyKey]*survey.Counts{} // the counters and fields of the current month
		day     int
	)
	emit := func(k tallyKey, c *survey.Counts, reused bool) error {
		cr := countRow{key: k, responses: c.Responses, sumScore: c.SumScore, sumScore2: c.SumScore2}
		switch {
		case !p.written.mayHave(k):
			cr.encoded = encodeLayoutCounts(l, c)
			if !reused {
				p.spare = append(p.spare, c)
			}
		case reused: // perhaps written by an earlier window: added to what is kept, later
			cr.counts = l.New()
			cr.counts.AddCounts(c)
		default:
			cr.counts = c
		}
		p.written.add(k)
		w.counts = append(w.counts, cr)
		if cr.counts != nil {
			kept++
		}
		if len(w.counts) < int(p.run.sliceRows.Load()) && kept < maxKeptRows {
			return nil
		}
		err := send(w)
		w, kept = sliceWork{}, 0
		return err
	}
	// flush emits the rows of rows, in key order, and empties it.
	flush := func(rows map[tallyKey]*survey.Counts) error {
		for _, k := range sortedKeysOf(rows) {
			if err := emit(k, rows[k], false); err != nil {
				return err
			}
		}
		clear(rows)
		return nil
	}
	add := func(rows map[tallyKey]*survey.Counts, k tallyKey, c *survey.Counts) {
		r := rows[k]
		if r == nil {
			r = p.newCounts()
			rows[k] = r
		}
		r.AddCounts(c)
	}
	err := p.window.each(func(k tallyKey, packed [][]byte) error {
		if k.Period != day {
			if err := flush(daily); err != nil {
				return err
			}
			if k.Period/100 != day/100 {
				if err := flush(monthly); err != nil {
					return err
				}
			}
			day = k.Period
		}
		sum.Reset()
		for _, b := range packed {
			if err := l.UnpackContribution(b, &x); err != nil {
				return fmt.Errorf("count row %v: %w", k, err)
			}
			sum.Add(&x)
		}
		keys := keysOfDay(k)
		add(monthly, keys[1], sum)
		add(monthly, keys[2], sum)
		add(daily, keys[3], sum)
		add(monthly, keys[4], sum) // a week never crosses a month
		return emit(k, sum, true)
	})
	if err == nil {
		err = flush(daily)
	}
	if err == nil {
		err = flush(monthly)
	}
	if err == nil && len(w.counts) > 0 {
		err = send(w)
	}
	p.window.reset()
	return err
}

// sortedKeysOf lists the keys of counts in the tables' key order.
func sortedKeysOf(counts map[tallyKey]*survey.Counts) []tallyKey {
	keys := make([]tallyKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sortTallyKeys(keys)
	return keys
}

// storedResponses looks the batch's UUIDs up among the stored responses: a read beside
// the writer, through the write path's prepared statements (no other writer stores an
// import's UUIDs, which are derived from its file).
func (s *Store) storedResponses(ctx context.Context, batch []NewResponse) (map[string]Response, error) {
	known := map[string]Response{}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	ids := uuidsOf(batch)
	err = inChunks(len(ids), func(start, n int) error {
		query := existingResponsesSQL(s.postgres, n)
		var rows *sql.Rows
		var err error
		if stmt, ok := s.stmts.get(query); ok {
			rows, err = stmt.QueryContext(ctx, ids[start:start+n]...)
		} else { // PostgreSQL: its driver keeps the statement prepared
			rows, err = sqlDB.QueryContext(ctx, query, ids[start:start+n]...)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		return scanResponses(known)(rows)
	})
	if err != nil {
		return nil, fmt.Errorf("look up stored response UUIDs: %w", err)
	}
	return known, nil
}

// dayWindow holds the keys of counters' days (grain D) with the packed contributions of
// their responses, in one arena, to be added up in key order. A key is held in 32 bits a
// column and its field as an index into fields: 36 bytes a response rather than a
// tallyKey's 88 (a million-row upload in serve).
type dayWindow struct {
	entries []windowEntry
	packed  []byte
	fields  []string
	fieldOf map[string]uint16
}

type windowEntry struct {
	day                                int32
	province, office, counter, version uint32 // version: the questionnaire's
	batch                              uint32
	field                              uint16 // in fields
	from, to                           uint32 // the contribution in packed
}

var errWindowRange = errors.New("a count key is out of the import window's range")

// add holds x under the day key k.
func (d *dayWindow) add(k tallyKey, x *survey.Contribution) error {
	f, ok := d.fieldOf[k.Field]
	if !ok {
		if len(d.fields) > math.MaxUint16 {
			return errWindowRange
		}
		if d.fieldOf == nil {
			d.fieldOf = map[string]uint16{}
		}
		f = uint16(len(d.fields))
		d.fields = append(d.fields, k.Field)
		d.fieldOf[k.Field] = f
	}
	for _, id := range [...]uint{k.ProvinceID, k.OfficeID, k.CounterID, k.QuestionnaireID, k.Batch} {
		if id > math.MaxUint32 {
			return errWindowRange
		}
	}
	from := len(d.packed)
	d.packed = x.AppendPacked(d.packed)
	if len(d.packed) > math.MaxUint32 || k.Period > math.MaxInt32 || k.Period < 0 {
		return errWindowRange
	}
	d.entries = append(d.entries, windowEntry{day: int32(k.Period), province: uint32(k.ProvinceID), office: uint32(k.OfficeID),
		counter: uint32(k.CounterID), version: uint32(k.QuestionnaireID), batch: uint32(k.Batch), field: f,
		from: uint32(from), to: uint32(len(d.packed))})
	return nil
}

// key is the tallyKey an entry holds.
func (d *dayWindow) key(e windowEntry) tallyKey {
	return tallyKey{Grain: "D", Period: int(e.day), ProvinceID: uint(e.province), OfficeID: uint(e.office), CounterID: uint(e.counter),
		QuestionnaireID: uint(e.version), Field: d.fields[e.field], Batch: uint(e.batch)}
}

// sameKey says whether two entries hold the same key.
func sameKey(a, b windowEntry) bool {
	a.from, a.to, b.from, b.to = 0, 0, 0, 0
	return a == b
}

// each calls fn for every key held, day by day (flushCounts needs the days in order; the
// rest of the order is any), with its packed contributions.
func (d *dayWindow) each(fn func(tallyKey, [][]byte) error) error {
	slices.SortFunc(d.entries, func(a, b windowEntry) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.province, b.province), cmp.Compare(a.office, b.office),
			cmp.Compare(a.counter, b.counter), cmp.Compare(a.version, b.version), cmp.Compare(a.field, b.field),
			cmp.Compare(a.batch, b.batch))
	})
	var packed [][]byte
	for start := 0; start < len(d.entries); {
		end := start + 1
		for end < len(d.entries) && sameKey(d.entries[end], d.entries[start]) {
			end++
		}
		packed = packed[:0]
		for _, e := range d.entries[start:end] {
			packed = append(packed, d.packed[e.from:e.to])
		}
		if err := fn(d.key(d.entries[start]), packed); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// reset empties the window, keeping its memory for the next one.
func (d *dayWindow) reset() {
	d.entries, d.packed = d.entries[:0], d.packed[:0]
}

// keyFilter is a Bloom filter of count keys: whether a row may have been written by an
// earlier window of the import, in about 10 bits a row whatever the keys (an exact
// set of a million keys would take a hundred megabytes). It errs only on the safe side:
// a row it wrongly thinks written is read before being written.
type keyFilter struct {
	bits []uint64
	seed maphash.Seed
}

func newKeyFilter(rows int) *keyFilter {
	n := max(rows*10/64, 16)
	return &keyFilter{bits: make([]uint64, n), seed: maphash.MakeSeed()}
}

const keyFilterHashes = 7

func (f *keyFilter) positions(k tallyKey) [keyFilterHashes]uint64 {
	h := maphash.Comparable(f.seed, k)
	h1, h2 := h&0xffffffff, h>>32|1
	m := uint64(len(f.bits) * 64)
	var out [keyFilterHashes]uint64
	for i := range out {
		out[i] = (h1 + uint64(i)*h2) % m
	}
	return out
}

func (f *keyFilter) add(k tallyKey) {
	for _, p := range f.positions(k) {
		f.bits[p/64] |= 1 << (p % 64)
	}
}

func (f *keyFilter) mayHave(k tallyKey) bool {
	for _, p := range f.positions(k) {
		if f.bits[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}
