package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"sipas/survey/sheets"
)

// Importer runs import jobs: in serve, those uploaded, in the background (Run); in the
// command line, the command's own file (ImportFile). Its writes go through w: serve's
// Submitter, which takes turns with the kiosks, or the store itself.
type Importer struct {
	s      *Store
	w      txRunner
	limits sheets.Limits
	poke   chan struct{}
	// sliceRows is how many questionnaires the first slice transaction writes (the next
	// ones as many as take sliceTime, see adapt); dayWindowRows how many responses'
	// contributions are held before they are added up and their count rows written
	// (importslice.go).
	sliceRows, dayWindowRows int
	sliceTime                time.Duration
	minSlice, maxSlice       int // bounds of sliceRows
	// yield is the pause between two slices, so that another process waiting for the
	// database gets its turn (SQLite has one writer per file); 0 in serve, whose kiosks
	// go through w.
	yield time.Duration
	// checkpointBeside: a command's job, alone with the file, copies the log into the
	// database on another connection (walcheckpoint.go); serve's leave it to their commits.
	checkpointBeside bool
	cacheKB          int64            // the page cache of the job's connection, on SQLite
	now              func() time.Time // the clock: no questionnaire of a file may be later
}

// NewImporter returns an importer writing through sub (serve), or through the store when
// sub is nil (a command); now is the clock (time.Now outside tests).
func (s *Store) NewImporter(sub *Submitter, now func() time.Time) *Importer {
	im := &Importer{s: s, w: s, limits: sheets.DefaultLimits(), poke: make(chan struct{}, 1),
		sliceRows: defaultSliceRows, dayWindowRows: defaultDayWindowRows,
		sliceTime: defaultSliceTime, cacheKB: importCacheKB,
		minSlice: minSliceRows, maxSlice: maxSliceRows, now: now}
	if sub != nil {
		im.w, im.cacheKB = sub, serveImportCacheKB
	} else if !s.postgres {
		im.yield = commandYield // when another process has the file open, see writeSlice
		im.checkpointBeside = true
	}
	return im
}

const (
	defaultSliceRows = 2000
	// defaultDayWindowRows bounds the contributions held, at about 150 bytes each (the
	// official questionnaire's): 30 MB. A file of that many responses or fewer writes each
	// of its count rows once, without reading it.
	defaultDayWindowRows = 200_000
	// defaultSliceTime is how long a slice transaction should hold the write lock: a
	// kiosk submission waits for at most about that.
	defaultSliceTime = 100 * time.Millisecond
	minSliceRows     = 2000
	maxSliceRows     = 5000
	// commandYield is the pause of a command's import between two slices while another
	// process (serve) has the SQLite file open, so that it can take its turn: a writer
	// waiting for the file looks again every 25 to 100 ms (SQLite's busy handler).
	commandYield = 50 * time.Millisecond
	// staleAfter is how long a job may go without a sign of life before another process
	// takes it for interrupted.
	staleAfter = 30 * time.Second
	// heartbeatEvery is how often a job shows it is alive while it reads.
	heartbeatEvery = time.Second
)

// adapt sizes the next slice from the last one, which wrote rows rows in took: as many as
// fit in sliceTime, within bounds, half way from the current size, so that slices are
// short while the machine is busy and larger (fewer commits) while it is not.
func (im *Importer) adapt(size *atomic.Int64, rows int, took time.Duration) {
	if took <= 0 {
		return
	}
	fit := float64(rows) * float64(im.sliceTime) / float64(took)
	next := (float64(size.Load()) + fit) / 2
	size.Store(int64(min(max(next, float64(im.minSlice)), float64(im.maxSlice))))
}

// Poke tells the runner that a job was queued, so that it starts without waiting.
func (im *Importer) Poke() {
	select {
	case im.poke <- struct{}{}:
	default:
	}
}

// Run runs queued uploads until ctx ends: when poked and every few seconds it takes over
// the jobs of processes that stopped, removes what failed ones wrote, and runs the
// oldest queued upload whenever no other process runs one.
func (im *Importer) Run(ctx context.Context) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		if err := im.RunPending(ctx); err != nil && ctx.Err() == nil {
			slog.Error("import jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-im.poke:
		}
	}
}

// RunPending does one round of Run: it returns when no queued upload is left or another
// process holds the import slot.
func (im *Importer) RunPending(ctx context.Context) error {
	if err := im.sweep(ctx); err != nil {
		return err
	}
	for ctx.Err() == nil {
		var next importRow
		err := im.s.db.WithContext(ctx).Where("state = ? AND source = ?", ImportQueued, SourceUpload).Order("id").Take(&next).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find queued imports: %w", err)
		}
		claimed, err := im.claim(ctx, next.ID, ImportQueued)
		if err != nil || !claimed {
			return err
		}
		file := im.openChunks(ctx, next.ID, next.FileSize)
		if _, err := im.runClaimed(ctx, next.ID, file, nil); err != nil {
			return err
		}
	}
	return nil
}

// claim takes the import slot for job id, in state from: the job runs (hidden) or, when
// it failed, its rows are removed. False when another job holds the slot or another
// process took this one.
func (im *Importer) claim(ctx context.Context, id uint, from string) (bool, error) {
	claimed := false
	err := im.w.runTx(ctx, func(tx writeTx) error {
		if tx.postgres() {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", importSlotLock).Error; err != nil {
				return err
			}
		}
		var busy int64
		if err := tx.Model(&importRow{}).Where("active").Count(&busy).Error; err != nil {
			return err
		}
		if busy > 0 {
			return nil
		}
		now := time.Now().UTC()
		updates := map[string]any{"active": true, "hidden": true, "worker": im.s.worker, "heartbeat_at": now}
		if from != ImportFailed {
			updates["state"], updates["phase"], updates["started_at"] = ImportRunning, PhaseChecking, now
		} else {
			updates["phase"] = PhaseRemoving
		}
		res := tx.Model(&importRow{}).Where("id = ? AND state = ? AND NOT active", id, from).Updates(updates)
		claimed = res.RowsAffected == 1
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("claim import %d: %w", id, err)
	}
	return claimed, nil
}

// importSlotLock is the PostgreSQL advisory lock under which a process claims the
// import slot (SQLite's write transactions are one at a time anyway).
const importSlotLock = 0x5195a6

// sweep takes over the jobs of processes that stopped: a running one is marked
// interrupted and what it wrote removed; an upload that was being stored or a command's
// job that was waiting fails. Then the rows of failed jobs that no one removes are.
func (im *Importer) sweep(ctx context.Context) error {
	var rows []importRow
	err := im.s.db.WithContext(ctx).Where("active OR state IN ? OR (state = ? AND source = ?)",
		[]string{ImportUploading, ImportRunning}, ImportQueued, SourceCommand).Find(&rows).Error
	if err != nil {
		return fmt.Errorf("find running imports: %w", err)
	}
	for _, r := range rows {
		if !im.s.gone(r.Worker, r.HeartbeatAt) {
			continue
		}
		if err := im.takeOver(ctx, r); err != nil {
			return err
		}
	}
	var failed []uint
	if err := im.s.db.WithContext(ctx).Model(&importRow{}).Where("state = ? AND hidden AND NOT active", ImportFailed).
		Order("id").Pluck("id", &failed).Error; err != nil {
		return fmt.Errorf("find failed imports: %w", err)
	}
	for _, id := range failed {
		claimed, err := im.claim(ctx, id, ImportFailed)
		if err != nil || !claimed {
			return err
		}
		if err := im.remove(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// takeOver marks the job of a stopped process interrupted; when it held the slot, this
// process holds it now and removes what the job wrote.
func (im *Importer) takeOver(ctx context.Context, r importRow) error {
	now := time.Now().UTC()
	var took bool
	err := im.w.runTx(ctx, func(tx writeTx) error {
		q := tx.Model(&importRow{}).Where("id = ? AND worker = ?", r.ID, r.Worker)
		if r.HeartbeatAt != nil {
			q = q.Where("heartbeat_at = ?", *r.HeartbeatAt)
		}
		updates := map[string]any{"worker": im.s.worker, "heartbeat_at": now}
		if r.State != ImportFailed && r.State != ImportDone {
			updates["state"], updates["failure"], updates["finished_at"] = ImportFailed, FailureInterrupted, now
		}
		if r.Active {
			updates["phase"] = PhaseRemoving
		}
		res := q.Updates(updates)
		took = res.RowsAffected == 1
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("take over import %d: %w", r.ID, err)
	}
	if !took {
		return nil // another process did
	}
	slog.Warn("import interrupted: what it wrote is removed", "import", r.ID, "file", r.FileName, "worker", r.Worker)
	if r.Source == SourceUpload {
		if err := im.dropChunks(ctx, r.ID); err != nil {
			return err
		}
	}
	if r.Active {
		return im.remove(ctx, r.ID)
	}
	return nil
}

// gone tells whether the process that wrote a job's heartbeat has stopped: it is this
// host's and not running (or this process's former self), or it has not been heard of
// for staleAfter.
func (s *Store) gone(worker string, heartbeat *time.Time) bool {
	if heartbeat == nil || time.Since(*heartbeat) > staleAfter {
		return true
	}
	return workerGone(worker, s.worker)
}

// importCacheKB is the page cache of a command's import connection on SQLite (the
// default is 2 MB): a slice writes thousands of rows all over the indexes of responses
// and counts, and with the small cache their pages would be written out and read back
// within the transaction. In serve it is serveImportCacheKB: there the cache cost three
// times its size in resident memory by the end of a million-row upload (serve peaked at
// 161 MB instead of 112 MB, against SPEC §7's 150 MB), for a job 10 % quicker.
const (
	importCacheKB      = 16 << 10
	serveImportCacheKB = 4 << 10
)

// importCheckpointBytes is how long the write-ahead log may grow while an import writes
// before it is copied into the database: by the import's connection when it commits, or,
// beside it, by a walCheckpointer, which the import then waits for so that the log
// starts again from its beginning (walcheckpoint.go); the connection's own checkpoints
// are then at four times this, should the checkpointer fall behind.
const importCheckpointBytes = 32 << 20

// checkpointPages is importCheckpointBytes in pages of db's database.
func checkpointPages(db *gorm.DB) (int, error) {
	var size int
	if err := db.Raw("PRAGMA page_size").Scan(&size).Error; err != nil {
		return 0, fmt.Errorf("page size: %w", err)
	}
	return importCheckpointBytes / max(size, 512), nil
}

// writerConn runs fn with a session on a connection of its own, on SQLite with a larger
// page cache, later checkpoints and synchronous=NORMAL (see durable), set back when fn
// returns (the connection goes back to the pool, and the memory with it). With beside, on
// SQLite, fn gets a walCheckpointer that does the checkpoints, and the connection's own
// are only a backstop; otherwise nil.
func (s *Store) writerConn(ctx context.Context, cacheKB int64, beside bool, fn func(db *gorm.DB, c *walCheckpointer) error) error {
	return s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		db := conn.Session(&gorm.Session{}) // each statement starts afresh, on the one connection
		if s.postgres {
			return fn(db, nil)
		}
		pragmas := []string{"cache_size", "wal_autocheckpoint", "synchronous"}
		was := make([]int64, len(pragmas))
		for i, p := range pragmas {
			if err := db.Raw("PRAGMA " + p).Scan(&was[i]).Error; err != nil {
				return err
			}
		}
		set := func(values ...int64) error {
			for i, p := range pragmas {
				if err := db.Exec(fmt.Sprintf("PRAGMA %s = %d", p, values[i])).Error; err != nil {
					return err
				}
			}
			return nil
		}
		pages, err := checkpointPages(db)
		if err != nil {
			return err
		}
		autocheckpoint := pages
		if beside {
			autocheckpoint *= 4 // a backstop, for when the checkpointer falls behind
		}
		if err := set(-cacheKB, int64(autocheckpoint), sqliteNormal); err != nil {
			return err
		}
		defer func() {
			if err := set(was...); err != nil {
				slog.Error("setting an import's connection back", "err", err)
			}
		}()
		var c *walCheckpointer
		if beside {
			c = s.startCheckpointer(pages)
			defer c.stop()
		}
		return fn(db, c)
	})
}

// SQLite's synchronous settings.
const (
	sqliteNormal = 1
	sqliteFull   = 2
)

// durable makes the commits of an import's connection wait for the disk again, before
// it publishes. Its slices are committed with synchronous=NORMAL: they are not flushed
// to the disk one by one, and a power cut may lose the last of them — which no reader
// saw and no one was told of; the job is then interrupted and removes what is left. The
// commit that publishes flushes the write-ahead log, and with it every slice before.
func (s *Store) durable(db *gorm.DB) error {
	if s.postgres || db == nil {
		return nil
	}
	return db.Exec(fmt.Sprintf("PRAGMA synchronous = %d", sqliteFull)).Error
}
