package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

func TestIsUnavailable(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("store response x: %w", err) }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", ErrNotFound, false},
		{"a plain error", errors.New("constraint"), false},
		{"SQLite: disk full", wrap(sqlite3.Error{Code: sqlite3.ErrFull}), true},
		{"SQLite: read-only", wrap(sqlite3.Error{Code: sqlite3.ErrReadonly}), true},
		{"SQLite: I/O error (a file system turned read-only)", wrap(sqlite3.Error{Code: sqlite3.ErrIoErr}), true},
		{"SQLite: busy beyond the timeout", wrap(sqlite3.Error{Code: sqlite3.ErrBusy}), true},
		{"SQLite: locked", wrap(sqlite3.Error{Code: sqlite3.ErrLocked}), true},
		{"SQLite: constraint", wrap(sqlite3.Error{Code: sqlite3.ErrConstraint}), false},
		{"SQLite: corrupt", wrap(sqlite3.Error{Code: sqlite3.ErrCorrupt}), false},
		{"PostgreSQL: disk full", wrap(&pgconn.PgError{Code: "53100"}), true},
		{"PostgreSQL: read-only transaction", wrap(&pgconn.PgError{Code: "25006"}), true},
		{"PostgreSQL: shutting down", wrap(&pgconn.PgError{Code: "57P01"}), true},
		{"PostgreSQL: connection failure", wrap(&pgconn.PgError{Code: "08006"}), true},
		{"PostgreSQL: serialization failure", wrap(&pgconn.PgError{Code: "40001"}), true},
		{"PostgreSQL: unique violation", wrap(&pgconn.PgError{Code: "23505"}), false},
		{"PostgreSQL: syntax error", wrap(&pgconn.PgError{Code: "42601"}), false},
		{"a network error", wrap(&net.OpError{Op: "dial", Err: errors.New("refused")}), true},
		{"a bad connection", wrap(driver.ErrBadConn), true},
		{"a deadline", wrap(context.DeadlineExceeded), true},
		{"the client gave up", wrap(context.Canceled), false},
	}
	for _, tt := range tests {
		if got := IsUnavailable(tt.err); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A database that refuses writes (a SQLite file opened read-only; a PostgreSQL session
// in read-only mode, as on a standby) fails a submission with an error IsUnavailable
// recognises, and stores nothing of it.
func TestReadOnlyDatabaseIsUnavailable(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		dsn := db.fresh(t)
		f := newFixture(t, openTestStore(t, dsn, true))
		f.submit(t, f.response("7d1f0e7e-0000-4000-8000-000000000001", f.a1, vn(2026, 1, 2, 9, 0), "", nil, "E1.1", 5))
		readOnly := dsn + "?mode=ro"
		if db.name == "postgres" {
			readOnly = dsn + "&default_transaction_read_only=on"
		}
		ro := &fixture{s: openTestStore(t, readOnly, false), qrow: f.qrow, q: f.q, a1: f.a1}
		_, err := ro.s.SubmitResponses(context.Background(), []NewResponse{
			ro.response("7d1f0e7e-0000-4000-8000-000000000002", f.a1, vn(2026, 1, 2, 10, 0), "", nil, "E1.1", 4)})
		if err == nil || !IsUnavailable(err) {
			t.Fatalf("a submission to a read-only database: %v, want an error IsUnavailable recognises", err)
		}
		if n := f.count(t, "responses"); n != 1 {
			t.Errorf("%d responses stored, want 1", n)
		}
		sum, err := f.s.VerifyCounts(context.Background(), func(d CountDifference) error {
			t.Errorf("kept counts differ: %+v", d)
			return nil
		})
		if err != nil || sum.Responses != 1 {
			t.Errorf("verify: %+v %v", sum, err)
		}
	})
}
