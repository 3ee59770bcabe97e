package models

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"gorm.io/gorm"
)

// stmtCache holds the statements of the write path, prepared on the database once when
// the store opens: a transaction then borrows a statement already prepared on its
// connection instead of preparing it again, which cost more than running it for a
// kiosk's single response. Nothing is prepared later, so a transaction never waits for
// another connection. SQLite only: PostgreSQL's driver keeps its own cache of prepared
// statements per connection (and preparing on another connection a statement on a table
// the transaction has locked would wait for that transaction).
type stmtCache struct {
	m map[string]*sql.Stmt // read-only once prepared
	// misses counts lookups of a statement that is not in the cache on SQLite, each a
	// statement prepared again in its transaction; tests hold it at zero.
	misses atomic.Int64
}

// prepareWritePath prepares every statement the write path runs on SQLite.
func (c *stmtCache) prepare(ctx context.Context, db *sql.DB) error {
	c.m = map[string]*sql.Stmt{}
	queries := []string{kioskQuery, bumpCountsSQL, settingsSQL}
	for _, n := range chunkSizes() {
		queries = append(queries, fmt.Sprintf(upsertTalliesSQL, valuesList(false, n, len(tallyColumns))),
			fmt.Sprintf(insertResponsesSQL, valuesList(false, n, len(responseColumns))),
			existingResponsesSQL(false, n), storedTalliesSQL(false, n))
	}
	for _, q := range queries {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return fmt.Errorf("prepare %.40s…: %w", q, err)
		}
		c.m[q] = s
	}
	return nil
}

// get returns the prepared statement of query, if it is one of the write path's.
func (c *stmtCache) get(query string) (*sql.Stmt, bool) {
	s, ok := c.m[query]
	if !ok && c.m != nil {
		c.misses.Add(1)
	}
	return s, ok
}

func (c *stmtCache) close() {
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}

// writeTx is a write transaction with the store's prepared statements at hand.
type writeTx struct {
	*gorm.DB
	stmts *stmtCache
}

// stmt returns query prepared for the transaction; the caller closes it (which leaves
// the cached statement prepared).
func (w writeTx) stmt(query string) (*sql.Stmt, error) {
	ctx := w.Statement.Context
	if tx, ok := w.Statement.ConnPool.(*sql.Tx); ok && w.stmts != nil {
		if s, ok := w.stmts.get(query); ok {
			return tx.StmtContext(ctx, s), nil
		}
	}
	return w.Statement.ConnPool.PrepareContext(ctx, query)
}

// smallChunk is the most rows a statement of the write path takes below writerChunk:
// there is a statement for every number of rows up to it, so that a kiosk's batch of a
// few responses is one statement of each kind, not one a row (each run through
// database/sql costs about as much as the row it writes).
const smallChunk = 16

// chunkSizes are the numbers of rows the write path's statements take, one prepared
// statement of each kind for each.
func chunkSizes() []int {
	sizes := []int{writerChunk}
	for n := smallChunk; n >= 1; n-- {
		sizes = append(sizes, n)
	}
	return sizes
}

// chunkOf is how many of rows the next statement takes: writerChunk while there are as
// many, then at most smallChunk.
func chunkOf(rows int) int {
	if rows >= writerChunk {
		return writerChunk
	}
	return min(rows, smallChunk)
}

// inChunks calls fn for the chunks of rows rows (chunkOf), each with its first row and
// its number of rows, until fn fails.
func inChunks(rows int, fn func(start, n int) error) error {
	for start := 0; start < rows; {
		n := chunkOf(rows - start)
		if err := fn(start, n); err != nil {
			return err
		}
		start += n
	}
	return nil
}

// queryChunks runs a query of many rows over args (width values a row) in chunks
// (chunkOf), each through the statement sqlFor(size), and scan reads each chunk's result.
func (w writeTx) queryChunks(sqlFor func(rows int) string, width int, args []any, scan func(*sql.Rows) error) error {
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	return inChunks(len(args)/width, func(start, n int) error {
		stmt, ok := stmts[n]
		if !ok {
			var err error
			if stmt, err = w.stmt(sqlFor(n)); err != nil {
				return err
			}
			stmts[n] = stmt
		}
		return w.scanQuery(stmt, args[start*width:(start+n)*width], scan)
	})
}

func (w writeTx) scanQuery(stmt *sql.Stmt, args []any, scan func(*sql.Rows) error) error {
	rows, err := stmt.QueryContext(w.Statement.Context, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return scan(rows)
}

func (w writeTx) postgres() bool { return w.Dialector.Name() == "postgres" }
