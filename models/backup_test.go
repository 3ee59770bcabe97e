package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// TestBackupUnderLoad backs a database up while kiosks submit through the group-commit
// submitter, restores the copy into a new file and checks it: every response
// acknowledged before the backup began is in it, no more than were acknowledged by its
// end, and its kept counts verify against its responses.
func TestBackupUnderLoad(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	s := openTestStore(t, live, true)
	f := newFixture(t, s)
	sub := s.NewSubmitter(32, 0)
	defer sub.Close()

	var (
		mu       sync.Mutex
		acked    = map[string]time.Time{} // UUID → when it was acknowledged
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		failures atomic.Int64
	)
	for w := range 6 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := []Counter{f.a1, f.a2, f.b1}[(w+i)%3]
				r := f.response(fmt.Sprintf("load-%d-%d", w, i), c, vn(2026, 2, 1+i%28, 9, 0), []string{"", "land"}[i%2],
					map[string]string{"P1": "1"}, "E1.1", 1+i%5, "E3.2", 1+(w+i)%5)
				if _, err := sub.Submit(context.Background(), r); err != nil {
					failures.Add(1)
					continue
				}
				mu.Lock()
				acked[r.UUID] = time.Now()
				mu.Unlock()
			}
		})
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	waitFor := func(n int) {
		t.Helper()
		for giveUp := time.Now().Add(time.Minute); count() < n; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(giveUp) { // not a timing check: a guard against hanging
				t.Fatalf("the kiosks stored %d responses, %d failed; waiting for %d", count(), failures.Load(), n)
			}
		}
	}
	waitFor(200)
	began := time.Now()
	copyPath := filepath.Join(dir, "copy.db")
	if err := s.Backup(context.Background(), copyPath); err != nil {
		t.Fatal(err)
	}
	ended := time.Now()
	waitFor(count() + 50) // the kiosks go on after the backup
	close(stop)
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d submissions failed during the backup", n)
	}

	restored := filepath.Join(dir, "restored.db")
	info, err := Restore(context.Background(), restored, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if info.SchemaVersion != SchemaVersion() {
		t.Errorf("copy at schema %d, want %d", info.SchemaVersion, SchemaVersion())
	}
	r := openTestStore(t, restored, false)
	var inCopy []string
	if err := r.db.Table("responses").Pluck("uuid", &inCopy).Error; err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, id := range inCopy {
		has[id] = true
	}
	before, by := 0, 0
	for id, at := range acked {
		if at.Before(began) {
			before++
			if !has[id] {
				t.Errorf("response %s acknowledged before the backup began is not in the copy", id)
			}
		}
		if at.Before(ended) {
			by++
		}
	}
	if int64(len(inCopy)) != info.Responses || len(inCopy) < before || len(inCopy) > by {
		t.Errorf("the copy holds %d responses (Restore said %d); %d were acknowledged before the backup, %d by its end",
			len(inCopy), info.Responses, before, by)
	}
	if live := f.count(t, "responses"); int64(len(inCopy)) >= live {
		t.Errorf("the copy holds %d responses, the live database %d: the load did not go on", len(inCopy), live)
	}
	for name, store := range map[string]*Store{"restored copy": r, "live database": s} {
		if sum, found := verifyAll(t, store); len(found) != 0 || sum.Responses == 0 {
			t.Errorf("%s: %d responses, differences %+v", name, sum.Responses, found)
		}
	}
}

// TestRestoreRefuses checks what Restore will not do, each time leaving the database as
// it was: replace a database a store has open, take a file that is no sound sipas
// database, restore a database onto itself; and that Backup will not overwrite a file.
func TestRestoreRefuses(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	live := filepath.Join(dir, "live.db")
	s := openTestStore(t, live, true)
	f := newFixture(t, s)
	f.submit(t, f.response("r-1", f.a1, vn(2026, 3, 1, 9, 0), "", nil, "E1.1", 4))
	good := filepath.Join(dir, "good.db")
	if err := s.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, good); err == nil {
		t.Error("Backup overwrote an existing file")
	}
	if _, err := Restore(ctx, live, good); !errors.Is(err, ErrInUse) {
		t.Errorf("restore over an open database: %v, want ErrInUse", err)
	}

	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	plain := filepath.Join(dir, "plain.db") // a SQLite database, not sipas's
	other := openPlainSQLite(t, plain)
	if err := other.Exec("CREATE TABLE notes (x TEXT)").Error; err != nil {
		t.Fatal(err)
	}
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	damaged := append([]byte{}, goodBytes...)
	for i := 4096; i < len(damaged) && i < 4096*3; i++ { // wreck the pages after the first
		damaged[i] ^= 0x5a
	}
	withWAL := write("wal.db", goodBytes)
	write("wal.db-wal", []byte("frames"))

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target.db")
	if _, err := Restore(ctx, target, good); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, from, why string }{
		{"missing file", filepath.Join(dir, "none.db"), "no such file"},
		{"not a database", write("text.db", []byte("province,office\n31,a\n")), "cannot read it as a SQLite database"},
		{"plain SQLite", plain, "not a sipas database"},
		{"damaged copy", write("damaged.db", damaged), "SQLite database"},
		{"a log beside it", withWAL, "write-ahead log"},
		{"the database itself", target, "the database itself"},
		{"a directory", dir, "not a file"},
	} {
		if _, err := Restore(ctx, target, c.from); err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.why)
		}
		if got, err := os.ReadFile(target); err != nil || string(got) != string(want) {
			t.Errorf("%s: the database changed", c.name)
		}
	}
}

// TestRestoreReplaces restores over a closed database whose stale write-ahead log and
// shared-memory files lie beside it: they are removed, and the database is the copy.
func TestRestoreReplaces(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	old := filepath.Join(dir, "sipas.db")
	s := openTestStore(t, old, true)
	f := newFixture(t, s)
	f.submit(t, f.response("old-1", f.a1, vn(2026, 3, 1, 9, 0), "", nil, "E1.1", 4),
		f.response("old-2", f.a1, vn(2026, 3, 2, 9, 0), "", nil, "E1.1", 5))
	s.Close()

	src := filepath.Join(dir, "src.db")
	n := openTestStore(t, src, true)
	g := newFixture(t, n)
	g.submit(t, g.response("new-1", g.b1, vn(2026, 4, 1, 9, 0), "land", nil, "E2.1", 3))
	backup := filepath.Join(dir, "backup.db")
	if err := n.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, stale := range []string{old + "-wal", old + "-shm"} {
		if err := os.WriteFile(stale, []byte("stale frames of the old database"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	info, err := Restore(ctx, old, backup)
	if err != nil || info.Responses != 1 {
		t.Fatalf("restore: %+v, %v", info, err)
	}
	for _, stale := range []string{old + "-wal", old + "-shm"} {
		if _, err := os.Stat(stale); err == nil {
			t.Errorf("%s is still there", stale)
		}
	}
	r := openTestStore(t, old, false)
	var ids []string
	if err := r.db.Table("responses").Pluck("uuid", &ids).Error; err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0] != "new-1" {
		t.Errorf("restored responses %v, want [new-1]", ids)
	}
	if _, found := verifyAll(t, r); len(found) != 0 {
		t.Errorf("restored database: %+v", found)
	}
	// While it is open, no restore; once closed, one again.
	if _, err := Restore(ctx, old, backup); !errors.Is(err, ErrInUse) {
		t.Errorf("restore over the open database: %v, want ErrInUse", err)
	}
}

// TestBackupPostgres: PostgreSQL's copies are pg_dump's.
func TestBackupPostgres(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		if db.name != "postgres" {
			t.Skip("PostgreSQL only")
		}
		dsn := db.fresh(t)
		s := openTestStore(t, dsn, false)
		if err := s.Backup(context.Background(), filepath.Join(t.TempDir(), "x.db")); !errors.Is(err, ErrPostgresBackup) {
			t.Errorf("Backup: %v, want ErrPostgresBackup", err)
		}
		if _, err := Restore(context.Background(), dsn, "x.db"); !errors.Is(err, ErrPostgresBackup) {
			t.Errorf("Restore: %v, want ErrPostgresBackup", err)
		}
	})
}

// openPlainSQLite opens a SQLite file that is not a sipas database.
func openPlainSQLite(t *testing.T, path string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(path), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	return db
}
