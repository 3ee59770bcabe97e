package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Backups of a SQLite database, made while it is in use, and putting one back.
//
// Every store that opens a SQLite file holds a shared advisory lock on <file>.lock for as
// long as it is open; Restore takes it exclusively, so it never replaces a file that
// `sipas serve` (or any other sipas command) has open, and no store opens the file
// while it is being replaced.

var (
	// ErrInUse is returned when a database cannot be replaced or opened because another
	// process is using or replacing it.
	ErrInUse = errors.New("database in use")
	// ErrPostgresBackup is returned by Backup and Restore on PostgreSQL, whose own tools
	// (pg_dump, pg_restore) make and restore consistent copies.
	ErrPostgresBackup = errors.New("PostgreSQL databases are backed up with pg_dump")

	errLocked = errors.New("locked by another process")
)

// Backup writes a consistent copy of the database to path, which must not exist, while
// others go on reading and writing: SQLite's VACUUM INTO copies what one read
// transaction sees, and in WAL mode a reader holds no writer back. The copy is written
// beside path under a temporary name, synced and renamed, so that path is either absent
// or complete, even after a crash.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.postgres {
		return ErrPostgresBackup
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup to %s: the file exists", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close() // VACUUM INTO writes into an empty file
	done := false
	defer func() {
		if !done {
			os.Remove(tmp.Name())
		}
	}()
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", tmp.Name()).Error; err != nil {
		return fmt.Errorf("backup: copy the database: %w", err)
	}
	if err := syncFile(tmp.Name()); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	done = true
	return syncDir(filepath.Dir(path))
}

// BackupInfo describes a database copy that Restore checked.
type BackupInfo struct {
	SchemaVersion int   // its newest migration
	Responses     int64 // responses stored in it
}

// Restore replaces the SQLite database at dsn with the copy at from (made by Backup or
// any consistent copy of a sipas database). It refuses while any store has the database
// open (ErrInUse), and refuses a copy that is not a sound sipas database of this or an
// earlier version. The copy is written beside the database, synced, and renamed over
// it, after the old database's write-ahead log and shared-memory files are removed (they
// would otherwise be replayed into the new file).
func Restore(ctx context.Context, dsn, from string) (BackupInfo, error) {
	if IsPostgresDSN(dsn) {
		return BackupInfo{}, ErrPostgresBackup
	}
	path := SQLitePath(dsn)
	lock, err := lockFile(path+".lock", true)
	if errors.Is(err, errLocked) {
		return BackupInfo{}, fmt.Errorf("%s is open in another sipas process (serve, import, …); stop it first: %w", path, ErrInUse)
	}
	if err != nil {
		return BackupInfo{}, err
	}
	defer lock.Close()
	if same, err := sameFile(path, from); err != nil || same {
		if err == nil {
			err = errors.New("it is the database itself")
		}
		return BackupInfo{}, fmt.Errorf("restore from %s: %w", from, err)
	}
	info, err := checkBackup(ctx, from)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("restore from %s: %w", from, err)
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := copyBeside(from, path, mode)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("restore: %w", err)
	}
	for _, stale := range []string{path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return BackupInfo{}, fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("restore: %w", err)
	}
	return info, syncDir(filepath.Dir(path))
}

// checkBackup opens a copy read-only and checks that it is a sound sipas database that
// this build can run: SQLite's integrity check passes, it records its migrations, none
// newer than this build's, and it holds responses and kept counts.
func checkBackup(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	st, err := os.Stat(path)
	if err != nil {
		return info, err
	}
	if !st.Mode().IsRegular() {
		return info, errors.New("not a file")
	}
	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return info, fmt.Errorf("it has a write-ahead log beside it (%s-wal); use a copy made by sipas backup", path)
	}
	// immutable: read the file as it is, without creating -wal or -shm files beside it
	db, err := gorm.Open(sqlite.Open("file:"+path+"?mode=ro&immutable=1"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return info, fmt.Errorf("cannot read it as a SQLite database: %w", err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	db = db.WithContext(ctx)
	var problems []string
	if err := db.Raw("PRAGMA integrity_check(5)").Scan(&problems).Error; err != nil {
		return info, fmt.Errorf("cannot read it as a SQLite database: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return info, fmt.Errorf("the copy is damaged: %s", strings.Join(problems, "; "))
	}
	if !db.Migrator().HasTable("schema_migrations") {
		return info, errors.New("not a sipas database: it records no migrations")
	}
	if err := db.Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&info.SchemaVersion).Error; err != nil {
		return info, fmt.Errorf("read its migrations: %w", err)
	}
	if info.SchemaVersion > SchemaVersion() {
		return info, fmt.Errorf("it was made by a newer sipas (schema %d; this one knows up to %d)", info.SchemaVersion, SchemaVersion())
	}
	for _, table := range []string{"responses", "tallies"} {
		if !db.Migrator().HasTable(table) {
			return info, fmt.Errorf("not a sipas database: no table %s", table)
		}
	}
	if err := db.Raw("SELECT COUNT(*) FROM responses").Scan(&info.Responses).Error; err != nil {
		return info, fmt.Errorf("count its responses: %w", err)
	}
	return info, nil
}

// copyBeside copies from into a new temporary file in dest's directory, synced, and
// returns its name.
func copyBeside(from, dest string, mode os.FileMode) (string, error) {
	in, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return "", err
	}
	_, err = out.ReadFrom(in)
	if err == nil {
		err = out.Chmod(mode)
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

func sameFile(a, b string) (bool, error) {
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	sa, err := os.Stat(a)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil && os.SameFile(sa, sb), err
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
