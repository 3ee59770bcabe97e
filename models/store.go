// Package models owns the database: opening SQLite or PostgreSQL, versioned migrations,
// the transaction that stores responses with their aggregate counts, and the queries the
// handlers and commands call by name.
package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"sipas/survey"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Store is the database behind sipas.
type Store struct {
	db       *gorm.DB
	postgres bool
	parsed   sync.Map // questionnaire ID → *survey.Questionnaire; versions are immutable

	tallyCache tallyCache    // sums of closed months and days, see tallycache.go
	prints     printsMemo    // the months' fingerprints at the last counts version read
	stmts      stmtCache     // the write path's prepared statements, see stmts.go
	recent     *recentCounts // the count rows the kiosk writer wrote last, see recentcounts.go
	kiosks     *kioskCache   // kiosk look-ups and the newest settings version, see kioskcache.go
	lock       *os.File      // SQLite: a shared lock on <file>.lock while open, see backup.go
	worker     string        // this process in the import jobs it runs, see worker.go
}

// Open connects to dsn: a postgres:// URL selects PostgreSQL, anything else is the path of
// a SQLite file (created if missing). It applies the pending migrations.
func Open(dsn string) (*Store, error) {
	cfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true}
	var (
		db   *gorm.DB
		err  error
		lock *os.File
		pg   = IsPostgresDSN(dsn)
	)
	if pg {
		db, err = gorm.Open(postgres.Open(dsn), cfg)
	} else {
		if lock, err = lockFile(SQLitePath(dsn)+".lock", false); err != nil {
			if errors.Is(err, errLocked) {
				return nil, fmt.Errorf("database %s is being restored; open it once that is done: %w", SQLitePath(dsn), ErrInUse)
			}
			return nil, err
		}
		if err = createSQLite(SQLitePath(dsn)); err != nil {
			closeLock(lock)
			return nil, err
		}
		if err = markPresence(lock); err != nil {
			closeLock(lock)
			return nil, fmt.Errorf("lock %s: %w", SQLitePath(dsn), err)
		}
		db, err = gorm.Open(sqlite.Open(sqliteDSN(dsn)), cfg)
	}
	if err != nil {
		closeLock(lock)
		return nil, fmt.Errorf("open database %s: %w", Redact(dsn), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		closeLock(lock)
		return nil, fmt.Errorf("open database %s: %w", Redact(dsn), err)
	}
	if pg {
		sqlDB.SetMaxOpenConns(16)
	} else {
		// WAL lets readers run beside the one writer; _txlock=immediate makes every
		// transaction take the write lock up front, so none fails upgrading to it.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db, postgres: pg, lock: lock, worker: newWorkerID(), recent: newRecentCounts(), kiosks: &kioskCache{}}
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate database %s: %w", Redact(dsn), err)
	}
	if !pg {
		if err := s.stmts.prepare(context.Background(), sqlDB); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// sharedFile tells whether another process has the SQLite database open (serve, while a
// command imports): a command's import then leaves it room between two slices.
func (s *Store) sharedFile() bool {
	return s.lock != nil && othersPresent(s.lock)
}

// IsPostgresDSN tells whether dsn names a PostgreSQL database rather than a SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// SQLitePath is the file a SQLite DSN names: without "file:" and parameters, sipas.db
// when empty.
func SQLitePath(dsn string) string {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == "" {
		return "sipas.db"
	}
	return path
}

func closeLock(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// sqliteDSN adds the settings sipas relies on to a SQLite path: WAL, a busy timeout,
// foreign keys, full fsync at commit (an acknowledged response survives a power cut),
// immediate write transactions and a page cache of 1 MiB a connection (readPageCacheKB).
func sqliteDSN(path string) string {
	if path == "" {
		path = "sipas.db"
	}
	params := url.Values{}
	params.Set("_journal_mode", "WAL")
	params.Set("_busy_timeout", "10000")
	params.Set("_foreign_keys", "on")
	params.Set("_synchronous", "FULL")
	params.Set("_txlock", "immediate")
	params.Set("_cache_size", strconv.Itoa(-readPageCacheKB))
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return "file:" + path + sep + params.Encode()
}

// readPageCacheKB is the page cache of each pooled connection, in KiB. SQLite's
// default, 2 MiB, is filled with pages read into fresh memory, and on a virtual machine
// every 4 KB of it first touched is a page fault (13 µs here): the first request of a
// date range, whose rows lie on pages no connection had read, spent a seventh of its
// CPU on them (perf: 580-940 faults for five such requests, 190-210 with 1 MiB, whose
// buffers are used again sooner). 1 MiB holds the upper levels of every b-tree a read
// goes through; kiosk batches were no slower with it, and imports set their own.
const readPageCacheKB = 1024

// Redact hides the password of a postgres:// DSN, for logs and messages.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close releases the database.
func (s *Store) Close() error {
	defer closeLock(s.lock) // once the database is closed
	s.stmts.close()
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// short is the database for a statement of a few hundred rows at most, which ends in a
// millisecond or two (a version number, a page's reference data, month fingerprints):
// read without the context's cancellation. go-sqlite3 steps each row of a statement
// whose context can be cancelled on a goroutine of its own, to watch the context
// meanwhile, and that start and its wake-ups cost more than such a statement's rows.
func (s *Store) short(ctx context.Context) *gorm.DB {
	return s.db.WithContext(context.WithoutCancel(ctx))
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.db.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// parsedVersion returns the parsed definition of a published questionnaire version,
// parsing it once: published versions never change, so the parse is kept by ID.
func (s *Store) parsedVersion(ctx context.Context, id uint) (*survey.Questionnaire, error) {
	if q, ok := s.parsed.Load(id); ok {
		return q.(*survey.Questionnaire), nil
	}
	var row Questionnaire
	if err := s.short(ctx).Take(&row, id).Error; err != nil {
		return nil, fmt.Errorf("read questionnaire version %d: %w", id, err)
	}
	q, err := survey.ParseStoredQuestionnaire([]byte(row.Definition))
	if err != nil {
		return nil, fmt.Errorf("questionnaire version %d: %w", id, err)
	}
	if row.Status == StatusPublished {
		s.parsed.Store(id, q)
	}
	return q, nil
}
