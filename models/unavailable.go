package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// IsUnavailable tells whether err says that the database cannot take the request now but
// may later, through no fault of the request: the disk is full, the database or its file
// system is read-only, another writer holds the lock beyond the busy timeout, the disk
// failed to read or write, or the server is gone or out of resources. Such a request is
// answered 503 with Retry-After (a kiosk keeps the answer and sends it again), never 500.
// A failed transaction of SQLite or PostgreSQL is rolled back whole, so nothing of it is
// stored.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var lite sqlite3.Error
	if errors.As(err, &lite) {
		switch lite.Code {
		case sqlite3.ErrFull, sqlite3.ErrReadonly, sqlite3.ErrIoErr, sqlite3.ErrBusy, sqlite3.ErrLocked,
			sqlite3.ErrCantOpen, sqlite3.ErrNomem:
			return true
		}
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case strings.HasPrefix(pg.Code, "08"), // connection exception
			strings.HasPrefix(pg.Code, "53"),       // insufficient resources: disk full, out of memory, too many connections
			strings.HasPrefix(pg.Code, "57P"),      // the server is shutting down or starting
			pg.Code == "25006",                     // read_only_sql_transaction: a standby, or default_transaction_read_only
			pg.Code == "55P03",                     // lock_not_available
			pg.Code == "40001", pg.Code == "40P01": // serialization failure, deadlock: the retry succeeds
			return true
		}
		return false
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connect) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, context.DeadlineExceeded)
}
