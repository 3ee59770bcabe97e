package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sipas/survey"
)

// postgresEnv names the PostgreSQL server the store tests also run on, as a URL such as
// postgres://postgres:postgres@127.0.0.1:5432/sipas_test?sslmode=disable. Each test gets a
// schema of its own in that database, dropped when the test ends.
const postgresEnv = "SIPAS_TEST_POSTGRES"

// testDB is one database engine the store tests run on.
type testDB struct {
	name string
	// fresh returns the DSN of a new, empty database that is removed when tb ends.
	fresh func(tb testing.TB) string
}

// testDBs lists SQLite, always, and PostgreSQL, which skips unless postgresEnv is set.
func testDBs() []testDB {
	return []testDB{
		{"sqlite", func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "test.db") }},
		{"postgres", freshPostgres},
	}
}

// freshPostgres creates a schema t_<random> in the database named by postgresEnv and
// returns a DSN whose search_path is that schema alone; the schema is dropped at cleanup.
func freshPostgres(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(postgresEnv)
	if base == "" {
		tb.Skip(postgresEnv + " not set: PostgreSQL suite skipped")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("%s must be a postgres:// URL, got %q", postgresEnv, base)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", postgresEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema) // pgx passes unknown parameters on as run-time settings
	u.RawQuery = q.Encode()
	return u.String()
}

// eachDB runs f as a subtest on every test database.
func eachDB(t *testing.T, f func(t *testing.T, db testDB)) {
	t.Helper()
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) { f(t, db) })
	}
}

// eachStore runs f as a subtest on a fresh store with the reference data on every test
// database, the way serve opens it.
func eachStore(t *testing.T, f func(t *testing.T, s *Store)) {
	t.Helper()
	eachDB(t, func(t *testing.T, db testDB) { f(t, openTestStore(t, db.fresh(t), true)) })
}

// openTestStore opens dsn with the production constructor, closes it at cleanup and,
// if seed, creates the reference data.
func openTestStore(tb testing.TB, dsn string, seed bool) *Store {
	tb.Helper()
	s, err := Open(dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", redact(dsn), err)
	}
	tb.Cleanup(func() { s.Close() })
	if seed {
		if _, err := s.EnsureReferenceData(context.Background(), survey.OfficialUnits(), survey.OfficialQuestionnaireJSON()); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// redact hides a password in a DSN for test logs.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxx")
			return u.String()
		}
	}
	return strings.TrimSpace(dsn)
}
