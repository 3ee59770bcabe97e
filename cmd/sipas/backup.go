package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sipas/models"
	"sipas/survey"
)

// backup writes a consistent copy of the SQLite database to OUT while serve may run.
func backup(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("backup", env)
	dsn := dbFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.stdout, "usage: sipas backup [-db …] OUT")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("backup needs the file to write")
	}
	if models.IsPostgresDSN(*dsn) {
		return postgresBackupHelp(*dsn)
	}
	store, err := openExisting(*dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	began := time.Now()
	out := fs.Arg(0)
	if err := store.Backup(ctx, out); err != nil {
		return err
	}
	size := int64(0)
	if st, err := os.Stat(out); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(env.stdout, "backed up %s to %s (%.1f MB) in %.1f s\n", models.SQLitePath(*dsn), out, float64(size)/1e6, time.Since(began).Seconds())
	return nil
}

// restore replaces the SQLite database with a copy, once no sipas process has it open.
func restore(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("restore", env)
	dsn := dbFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.stdout, "usage: sipas restore [-db …] IN    (stop sipas serve first)")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore needs the copy to put back")
	}
	if models.IsPostgresDSN(*dsn) {
		return postgresBackupHelp(*dsn)
	}
	info, err := models.Restore(ctx, *dsn, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "restored %s from %s: %d responses, schema version %d (newer migrations run when it is next opened)\n",
		models.SQLitePath(*dsn), fs.Arg(0), info.Responses, info.SchemaVersion)
	return nil
}

// postgresBackupHelp is the error backup and restore give on PostgreSQL: how to do it
// with PostgreSQL's own tools.
func postgresBackupHelp(dsn string) error {
	db := models.Redact(dsn)
	return fmt.Errorf("the database is PostgreSQL, which makes its own consistent copies while sipas runs:\n"+
		"  back up:  pg_dump --format=custom --file=sipas.dump '%s'\n"+
		"  restore:  stop sipas serve, then pg_restore --clean --if-exists --dbname='%s' sipas.dump", db, db)
}

// scheduledBackups keeps copies of the database in dir for serve: one every `every`, the
// newest keep of them, until ctx ends. The first is due `every` after the newest copy
// already there (at once when there is none or it is overdue), so that restarts neither
// skip nor multiply them.
type scheduledBackups struct {
	store *models.Store
	dir   string
	every time.Duration
	keep  int
}

func (b scheduledBackups) run(ctx context.Context) {
	next := b.due(time.Now())
	for {
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		if path, err := b.once(ctx, time.Now()); err != nil {
			if ctx.Err() != nil {
				return
			}
			slog.Error("scheduled backup failed", "err", err)
		} else {
			slog.Info("scheduled backup written", "file", path)
		}
		next = time.Now().Add(b.every)
	}
}

// due is when the next copy is to be made: every after the newest in dir.
func (b scheduledBackups) due(now time.Time) time.Time {
	copies, err := b.copies()
	if err != nil || len(copies) == 0 {
		return now
	}
	at, _ := backupTime(copies[len(copies)-1])
	if at.Add(b.every).Before(now) {
		return now
	}
	return at.Add(b.every)
}

// once writes the copy of moment now and removes the copies beyond the newest keep.
func (b scheduledBackups) once(ctx context.Context, now time.Time) (string, error) {
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(b.dir, "sipas-"+now.In(survey.VietnamTime()).Format(backupStamp)+".db")
	if err := b.store.Backup(ctx, path); err != nil {
		return "", err
	}
	copies, err := b.copies()
	if err != nil {
		return path, err
	}
	for len(copies) > b.keep {
		if err := os.Remove(filepath.Join(b.dir, copies[0])); err != nil {
			return path, err
		}
		copies = copies[1:]
	}
	return path, nil
}

// copies lists the copies in dir, oldest first (their names sort by time).
func (b scheduledBackups) copies() ([]string, error) {
	entries, err := os.ReadDir(b.dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if _, ok := backupTime(e.Name()); ok && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// backupStamp is the layout of the moment (Vietnam time) in a kept copy's name.
const backupStamp = "20060102-150405"

// backupTime reads the moment of a kept copy's name, sipas-YYYYMMDD-HHMMSS.db; false
// for any other name, so that other files in the directory are never touched.
func backupTime(name string) (time.Time, bool) {
	stamp, ok := strings.CutPrefix(name, "sipas-")
	stamp, ok2 := strings.CutSuffix(stamp, ".db")
	if !ok || !ok2 || len(stamp) != len(backupStamp) {
		return time.Time{}, false
	}
	at, err := time.ParseInLocation(backupStamp, stamp, survey.VietnamTime())
	return at, err == nil
}
