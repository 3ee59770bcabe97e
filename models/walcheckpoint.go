package models

import (
	"context"
	"log/slog"
	"sync"
)

// walCheckpointer copies an import's write-ahead log into the database on a connection
// of its own, while the import's connection writes the next slice. Left to the writer,
// a checkpoint runs inside the commit that crosses wal_autocheckpoint: a month file's
// import spent about a second of its four there (six checkpoints of 150–230 ms, each
// copying and flushing 32 MB), a second in which nothing else was written. A PASSIVE
// checkpoint waits for no reader or writer, and the writer does not wait for it.
//
// But the log starts again from its beginning only when a write transaction begins
// after a checkpoint has copied all of it; the import begins its next slice at once, so
// left alone the log would grow with the whole file. So when it has grown past
// importCheckpointBytes, the writer waits (settle) for the checkpoint of its last slice
// to end before it begins the next one: one slice's copy instead of six.
//
// Only a command's import that has the file to itself runs one (Importer.checkpointBeside).
// In serve, a kiosk's commit flushes the log to the disk while the checkpoint flushes the
// database file, and on this machine's disk the one waited for the other: with a
// 1,000,000-row upload under kiosk load (scripts/import-under-load), the slowest kiosk
// answer went from 305–309 ms to 0.94–1.25 s, though the job was 15 % quicker. There the
// checkpoint stays in the import's commits, which the kiosks wait behind anyway.
type walCheckpointer struct {
	s      *Store
	mu     sync.Mutex
	cond   *sync.Cond
	asked  uint64 // checkpoints asked for (one after each commit)
	copied uint64 // of those, done: the last run covers every commit before it was asked
	pages  int    // the log's length at the last checkpoint
	// restartAt is the log's length, in pages, past which settle waits: importCheckpointBytes.
	restartAt int
	ended     bool
	done      sync.WaitGroup
}

// startCheckpointer starts a checkpointer beside an import's connection (writerConn);
// restartAt is importCheckpointBytes in the database's pages. Its methods do nothing on
// a nil one, an import that has none.
func (s *Store) startCheckpointer(restartAt int) *walCheckpointer {
	c := &walCheckpointer{s: s, restartAt: restartAt}
	c.cond = sync.NewCond(&c.mu)
	c.done.Add(1)
	go c.run()
	return c
}

// kick asks for a checkpoint of what is committed, without waiting for it. Kicks that
// come while one runs make one more, not one each.
func (c *walCheckpointer) kick() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.asked++
	c.mu.Unlock()
	c.cond.Broadcast()
}

// settle waits, when the log has grown past restartAt, until every
// checkpoint asked for is done, so that the next write transaction starts the log again.
func (c *walCheckpointer) settle() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages < c.restartAt {
		return
	}
	for c.copied < c.asked && !c.ended {
		c.cond.Wait()
	}
	c.pages = 0
}

// stop waits for the checkpoint under way, if any, and stops the checkpointer.
func (c *walCheckpointer) stop() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.ended = true
	c.mu.Unlock()
	c.cond.Broadcast()
	c.done.Wait()
}

func (c *walCheckpointer) run() {
	defer c.done.Done()
	for {
		c.mu.Lock()
		for c.copied == c.asked && !c.ended {
			c.cond.Wait()
		}
		if c.ended {
			c.mu.Unlock()
			return
		}
		asked := c.asked
		c.mu.Unlock()

		pages := c.checkpoint()
		c.mu.Lock()
		c.copied, c.pages = asked, max(c.pages, pages)
		c.mu.Unlock()
		c.cond.Broadcast()
	}
}

// checkpoint copies what is committed and returns the log's length, in pages.
func (c *walCheckpointer) checkpoint() int {
	var r struct{ Busy, Log, Checkpointed int }
	// Not the job's context: a checkpoint copies committed pages, and stopping one
	// half-way only leaves more for the next.
	err := c.s.db.WithContext(context.Background()).Raw("PRAGMA wal_checkpoint(PASSIVE)").Row().Scan(&r.Busy, &r.Log, &r.Checkpointed)
	if err != nil {
		// The import connection's own checkpoints (writerConn) do the work then.
		slog.Warn("checkpoint beside an import", "err", err)
		return 0
	}
	return r.Log
}
