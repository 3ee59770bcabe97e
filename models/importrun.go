package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
	"sipas/survey/sheets"
)

// One import job, once it holds the import slot: the first pass reads and checks every
// row, keeping only what is small (the file's hash, the counters it names, at most
// survey.MaxPaperErrors problems); the offices and counters it names are found or
// created; the second pass reads the file again and writes it in slices (importslice.go),
// which readers do not see; a last tiny transaction publishes it. Memory does not grow
// with the file's length.

// errLostSlot stops a job whose slot another process took over, taking it for stopped.
var errLostSlot = errors.New("another process took this import over")

// errFileChanged stops a job whose file reads otherwise the second time.
var errFileChanged = errors.New("the file changed while it was imported")

// importRun is a job being run.
type importRun struct {
	im         *Importer
	row        importRow
	file       io.ReaderAt
	now        time.Time // the moment of the import: no response may be later
	q          *survey.Questionnaire
	layout     *survey.CountsLayout
	qid        uint
	units      []survey.Unit
	sum        [sha256.Size]byte // the file's content hash, from the first pass
	places     *importPlaces
	progress   ImportProgress
	result     ImportResult
	phase      string
	lastBeat   time.Time
	longest    time.Duration // the longest slice transaction
	slices     int           // slice transactions written
	sliceRows  atomic.Int64  // questionnaires the next slice holds, see Importer.adapt
	db         *gorm.DB      // the job's own connection, see Store.writerConn
	checkpoint *walCheckpointer
	onProgress func(ImportJob)
}

// ImportFile imports a file the caller reads (sipas import): it queues a job for it,
// waits until no other import runs, runs it in this process and returns the finished
// job. progress, if not nil, is called as the job goes (at most every second while it
// reads, after every slice it writes). The error is the database's or ctx's; a refused
// file is a job that failed with its problems.
func (im *Importer) ImportFile(ctx context.Context, n NewImport, file io.ReaderAt, size int64, progress func(ImportJob)) (ImportJob, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(file, 0, size)); err != nil {
		return ImportJob{}, fmt.Errorf("read %s: %w", n.FileName, err)
	}
	row := im.s.newImportRow(n, SourceCommand, ImportQueued)
	row.FileSize, row.SHA256 = size, hex.EncodeToString(h.Sum(nil))
	if err := im.w.runTx(ctx, func(tx writeTx) error { return tx.Create(&row).Error }); err != nil {
		return ImportJob{}, fmt.Errorf("queue import of %s: %w", n.FileName, err)
	}
	for {
		if err := im.sweep(ctx); err != nil {
			return ImportJob{}, err
		}
		claimed, err := im.claim(ctx, row.ID, ImportQueued)
		if err != nil {
			return ImportJob{}, err
		}
		if claimed {
			break
		}
		// Another import runs: wait, alive, so that no one takes this job for stopped.
		if err := im.s.db.WithContext(ctx).Model(&importRow{}).Where("id = ? AND state = ?", row.ID, ImportQueued).
			Update("heartbeat_at", time.Now().UTC()).Error; err != nil {
			return ImportJob{}, fmt.Errorf("import %d: %w", row.ID, err)
		}
		job, err := im.s.ImportJob(ctx, row.ID)
		if err != nil {
			return ImportJob{}, err
		}
		if job.Finished() { // taken for stopped by another process
			return job, nil
		}
		if progress != nil {
			progress(job)
		}
		select {
		case <-ctx.Done():
			im.interrupted(row.ID)
			return ImportJob{}, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return im.runClaimed(ctx, row.ID, file, progress)
}

// interrupted marks a job that this process stops (its context ended) as interrupted,
// and gives up the slot; the next runner removes what it wrote.
func (im *Importer) interrupted(id uint) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := time.Now().UTC()
	err := im.s.db.WithContext(ctx).Model(&importRow{}).Where("id = ? AND worker = ? AND state <> ?", id, im.s.worker, ImportDone).
		Updates(map[string]any{"state": ImportFailed, "failure": FailureInterrupted, "active": false, "finished_at": now}).Error
	if err != nil {
		slog.Error("marking an import interrupted", "import", id, "err", err)
	}
}

// runClaimed runs a job whose slot this process holds, and returns it finished.
func (im *Importer) runClaimed(ctx context.Context, id uint, file io.ReaderAt, progress func(ImportJob)) (ImportJob, error) {
	var row importRow
	if err := im.s.db.WithContext(ctx).Take(&row, id).Error; err != nil {
		return ImportJob{}, fmt.Errorf("read import %d: %w", id, err)
	}
	run := &importRun{im: im, row: row, file: file, now: im.now(), onProgress: progress, phase: PhaseChecking}
	run.sliceRows.Store(int64(im.sliceRows))
	beside := im.checkpointBeside && !im.s.sharedFile() // see walCheckpointer
	err := im.s.writerConn(ctx, im.cacheKB, beside, func(db *gorm.DB, checkpoint *walCheckpointer) error {
		run.db, run.checkpoint = db, checkpoint
		defer func() { run.db, run.checkpoint = nil, nil }() // the connection goes back to the pool
		return run.do(ctx)
	})
	switch {
	case err == nil:
	case ctx.Err() != nil:
		im.interrupted(id)
		return ImportJob{}, ctx.Err()
	case errors.Is(err, errLostSlot):
		slog.Error("import taken over by another process", "import", id)
	default:
		slog.Error("import failed: what it wrote is removed", "import", id, "file", row.FileName, "err", err)
		if ferr := run.fail(ctx, err); ferr != nil {
			return ImportJob{}, ferr
		}
	}
	if row.Source == SourceUpload {
		if err := im.dropChunks(ctx, id); err != nil {
			slog.Error("removing an import's file", "import", id, "err", err)
		}
	}
	job, err := im.s.ImportJob(ctx, id)
	job.Slices, job.LongestWrite = run.slices, run.longest
	return job, err
}

func (run *importRun) do(ctx context.Context) error {
	if err := run.im.removeLeftovers(ctx, run.row.ID); err != nil {
		return err
	}
	qrow, q, err := run.im.s.PublishedQuestionnaire(ctx, run.row.Questionnaire)
	if err != nil {
		return fmt.Errorf("questionnaire %s: %w", run.row.Questionnaire, err)
	}
	run.q, run.qid, run.layout = q, qrow.ID, q.Layout()
	if run.units, err = run.im.s.Units(ctx); err != nil {
		return err
	}
	problems, more, places, err := run.check(ctx)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		problems, err = run.createPlaces(ctx, places)
		if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return run.refuse(ctx, problems, more)
	}
	if err := run.write(ctx); err != nil {
		return err
	}
	return run.publish(ctx)
}

// check is the first pass: every row read and checked. It returns the file's problems
// (and whether there may be more than those), or the places its rows name.
func (run *importRun) check(ctx context.Context) ([]survey.Message, bool, *survey.PaperPlaces, error) {
	rd, err := sheets.Open(run.row.FileName, run.file, run.row.FileSize, run.im.limits)
	if err != nil {
		return sheetProblem(err)
	}
	f := survey.NewPaperFile(run.q, run.units, run.now)
	_, cells, err := rd.Next()
	if err == io.EOF {
		return []survey.Message{survey.Msg("paper.problem.empty")}, false, nil, nil
	}
	if err != nil {
		return sheetProblem(err)
	}
	if perr := f.Header(cells); perr != nil {
		return []survey.Message{perr.Describe()}, false, nil, nil
	}
	var (
		problems survey.PaperErrors
		broken   error // why the file could not be read to its end
		places   = survey.NewPaperPlaces()
		scope    = provinceSet(run.row.Scope)
	)
	readCtx, stopReading := context.WithCancel(ctx)
	records, readErr := readAhead(readCtx, rd)
	defer func() { // the reader stops before the file is read again or closed
		stopReading()
		for range records {
		}
	}()
rows:
	for batch := range records {
		for _, rec := range batch {
			run.progress.Read++
			row, rowProblems, ok := f.Row(rec.n, rec.cells)
			switch {
			case !ok:
			case len(rowProblems) > 0:
				problems = append(problems, rowProblems...)
			case scope != nil && !scope[row.Unit.ID]:
				problems = append(problems, &survey.PaperError{Row: row.Row, Column: survey.ColProvince,
					Msg: survey.Msg("paper.problem.other_province", row.Unit.Code, row.Unit.Name)})
			default:
				if perr := places.Add(row); perr != nil {
					problems = append(problems, perr)
					break
				}
				run.progress.Checked++
			}
			if len(problems) >= survey.MaxPaperErrors {
				break rows
			}
		}
		if err := run.beat(ctx, false); err != nil {
			return nil, false, nil, err
		}
	}
	if len(problems) < survey.MaxPaperErrors { // the reader came to the end of the file, or to what stopped it
		broken = <-readErr
	}
	run.progress.Total = int64(f.Rows())
	more := len(problems) >= survey.MaxPaperErrors
	var out []survey.Message
	for _, p := range problems[:min(len(problems), survey.MaxPaperErrors)] {
		out = append(out, p.Describe())
	}
	if broken != nil {
		sheet, _, _, err := sheetProblem(broken)
		if err != nil {
			return nil, false, nil, err
		}
		out = append(out, sheet...)
	}
	if len(out) == 0 {
		if err := f.End(nil); err != nil {
			return sheetProblem(err)
		}
	}
	run.sum = f.Sum()
	return out, more, places, nil
}

// sheetRecord is a row as the file gives it: its number and its cells.
type sheetRecord struct {
	n     int
	cells []string
}

// readAheadRows is how many rows readAhead hands over at a time: enough that passing
// them costs nothing beside reading them.
const readAheadRows = 512

// readAhead reads rd's rows on a goroutine of its own and sends them in batches, so that
// the first pass reads the file on one core while it checks the rows on the other. The
// batches end when the file does or ctx is done; then the error channel gives why (nil
// at the end of the file).
func readAhead(ctx context.Context, rd *sheets.Reader) (<-chan []sheetRecord, <-chan error) {
	out := make(chan []sheetRecord, 2)
	ended := make(chan error, 1)
	go func() {
		defer close(out)
		batch := make([]sheetRecord, 0, readAheadRows)
		for {
			n, cells, err := rd.Next()
			if err == nil {
				batch = append(batch, sheetRecord{n: n, cells: cells})
				if len(batch) < readAheadRows {
					continue
				}
			}
			if len(batch) > 0 {
				select {
				case out <- batch:
				case <-ctx.Done():
					ended <- ctx.Err()
					return
				}
				batch = make([]sheetRecord, 0, readAheadRows)
			}
			if err != nil {
				if err == io.EOF {
					err = nil
				}
				ended <- err
				return
			}
		}
	}()
	return out, ended
}

// sheetProblem turns a problem of the file into its message; any other error is
// returned as it is.
func sheetProblem(err error) ([]survey.Message, bool, *survey.PaperPlaces, error) {
	var (
		sheet *sheets.Error
		paper *survey.PaperError
		list  survey.PaperErrors
	)
	switch {
	case errors.As(err, &sheet):
		return []survey.Message{sheet.Describe()}, false, nil, nil
	case errors.As(err, &list):
		out := make([]survey.Message, len(list))
		for i, p := range list {
			out[i] = p.Describe()
		}
		return out, false, nil, nil
	case errors.As(err, &paper):
		return []survey.Message{paper.Describe()}, false, nil, nil
	}
	return nil, false, nil, err
}

// provinceSet reads a job's scope: nil for every province.
func provinceSet(scope string) map[uint]bool {
	if scope == "" {
		return nil
	}
	out := map[uint]bool{}
	for _, id := range parseIDs(scope[len("scope:"):]) {
		out[id] = true
	}
	return out
}

// createPlaces finds the offices and counters of the file and creates the missing ones,
// recording them in the job in the same transaction. It returns the problems of
// counters that exist at another office, when there are.
func (run *importRun) createPlaces(ctx context.Context, places *survey.PaperPlaces) ([]survey.Message, error) {
	var problems []survey.Message
	err := run.tx(ctx, func(tx writeTx) error {
		found, p, err := findPlaces(tx, places)
		if err != nil || len(p) > 0 {
			problems = p
			return err
		}
		run.places = found
		run.result.Offices, run.result.Counters = len(found.offices), len(found.created)
		run.phase = PhaseWriting
		return run.update(tx, map[string]any{"created_offices": idList(found.offices), "created_counters": idList(found.created),
			"offices": run.result.Offices, "counters": run.result.Counters, "questionnaire_id": run.qid})
	})
	if err != nil {
		return nil, fmt.Errorf("offices and counters: %w", err)
	}
	return problems, nil
}

// tx runs fn in a write transaction on the job's connection, through the importer's
// writer.
func (run *importRun) tx(ctx context.Context, fn func(writeTx) error) error {
	run.checkpoint.settle()
	err := run.im.w.runTxOn(ctx, run.db, fn)
	if err == nil {
		run.checkpoint.kick()
	}
	return err
}

// update writes the job's progress and updates in tx; errLostSlot when another process
// has taken the job over.
func (run *importRun) update(tx writeTx, updates map[string]any) error {
	now := time.Now().UTC()
	if updates == nil {
		updates = map[string]any{}
	}
	updates["rows_read"], updates["rows_checked"], updates["rows_total"], updates["rows_stored"] =
		run.progress.Read, run.progress.Checked, run.progress.Total, run.progress.Stored
	updates["phase"], updates["heartbeat_at"] = run.phase, now
	res := tx.Model(&importRow{}).Where("id = ? AND worker = ? AND active", run.row.ID, run.im.s.worker).Updates(updates)
	if res.Error != nil {
		return fmt.Errorf("import %d: %w", run.row.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return errLostSlot
	}
	run.lastBeat = now
	return nil
}

// beat writes the job's progress when a second has passed since the last time (always
// when force), and tells the caller.
func (run *importRun) beat(ctx context.Context, force bool) error {
	if !force && time.Since(run.lastBeat) < heartbeatEvery {
		return nil
	}
	if err := run.tx(ctx, func(tx writeTx) error { return run.update(tx, nil) }); err != nil {
		return err
	}
	run.report()
	return nil
}

// report tells the caller of ImportFile how the job goes.
func (run *importRun) report() {
	if run.onProgress != nil {
		run.onProgress(ImportJob{ID: run.row.ID, State: ImportRunning, Phase: run.phase, FileName: run.row.FileName,
			Progress: run.progress, Result: run.result, Slices: run.slices, LongestWrite: run.longest})
	}
}

// refuse ends a job whose file has problems; nothing was written.
func (run *importRun) refuse(ctx context.Context, problems []survey.Message, more bool) error {
	text, err := encodeMessages(problems)
	if err != nil {
		return err
	}
	run.phase = ""
	return run.tx(ctx, func(tx writeTx) error {
		return run.update(tx, map[string]any{"state": ImportFailed, "failure": FailureRefused, "problems": text,
			"more_problems": more, "active": false, "hidden": false, "finished_at": time.Now().UTC()})
	})
}

// publish shows the job's rows to readers, all at once, and audits the import, in one
// small transaction.
func (run *importRun) publish(ctx context.Context) error {
	run.phase = ""
	if err := run.im.s.durable(run.db); err != nil {
		return err
	}
	now := time.Now().UTC()
	return run.tx(ctx, func(tx writeTx) error {
		err := run.update(tx, map[string]any{"state": ImportDone, "active": false, "hidden": false, "finished_at": now,
			"stored": run.result.Stored, "repeated": run.result.Repeated})
		if err != nil {
			return err
		}
		by := Actor{Name: run.row.ActorName, Addr: run.row.ActorAddr, Now: now}
		if run.row.ActorID != nil {
			by.ID = *run.row.ActorID
		}
		return appendAudit(tx.DB, by, "paper.import", run.row.FileName, nil, map[string]any{
			"import": run.row.ID, "sha256": run.row.SHA256, "rows": run.progress.Total, "stored": run.result.Stored,
			"repeated": run.result.Repeated, "offices": run.result.Offices, "counters": run.result.Counters})
	})
}

// fail ends a job that could not finish: it is marked failed, what it wrote is removed
// (in slices, holding the slot) and the slot given up.
func (run *importRun) fail(ctx context.Context, cause error) error {
	run.phase = PhaseRemoving
	updates := map[string]any{"state": ImportFailed, "failure": FailureError, "error": cause.Error(), "finished_at": time.Now().UTC()}
	var problem *survey.PaperError
	if isUniqueViolation(cause) { // a response of the file stored before (fresh, importslice.go)
		problem = &survey.PaperError{Msg: survey.Msg("paper.problem.uuid_conflict")}
	}
	if problem != nil || errors.As(cause, &problem) { // a row the first pass could not know bad
		text, err := encodeMessages([]survey.Message{problem.Describe()})
		if err != nil {
			return err
		}
		updates["failure"], updates["problems"] = FailureRefused, text
	}
	err := run.tx(ctx, func(tx writeTx) error { return run.update(tx, updates) })
	if err != nil {
		return err
	}
	return run.im.remove(ctx, run.row.ID)
}
