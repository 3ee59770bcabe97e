package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

func TestBackupAndRestoreCommands(t *testing.T) {
	db := demoDB(t, 200)
	dir := t.TempDir()
	copyPath := filepath.Join(dir, "copy.db")
	out, err := sipas(t, "backup", "-db", db, copyPath)
	if err != nil || !strings.HasPrefix(out, "backed up "+db+" to "+copyPath+" (") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if _, err := sipas(t, "backup", "-db", db, copyPath); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v", err)
	}

	restored := filepath.Join(dir, "restored.db")
	out, err = sipas(t, "restore", "-db", restored, copyPath)
	if err != nil || !strings.Contains(out, ": 200 responses, schema version ") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if out, err := sipas(t, "verify", "-db", restored); err != nil {
		t.Errorf("verify of the restored copy: %v\n%s", err, out)
	}

	// While a store (serve) has the database open, restore refuses.
	live, err := models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sipas(t, "restore", "-db", db, copyPath); err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Errorf("restore over an open database: %v", err)
	}
	live.Close()
	if _, err := sipas(t, "restore", "-db", db, copyPath); err != nil {
		t.Errorf("restore once it is closed: %v", err)
	}

	for _, args := range [][]string{{"backup", "-db", "postgres://sipas:secret@db/sipas", "x.dump"}, {"restore", "-db", "postgres://sipas:secret@db/sipas", "x.dump"}} {
		_, err := sipas(t, args...)
		if err == nil || !strings.Contains(err.Error(), "pg_dump --format=custom") || !strings.Contains(err.Error(), "pg_restore") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s on PostgreSQL: %v", args[0], err)
		}
	}
	if _, err := sipas(t, "backup", "-db", filepath.Join(dir, "none.db"), filepath.Join(dir, "x.db")); err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("backup of a missing database: %v", err)
	}
}

// TestScheduledBackups keeps the newest copies by name and leaves other files alone, and
// schedules the next copy after the newest one.
func TestScheduledBackups(t *testing.T) {
	store, err := models.Open(demoDB(t, 20))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	dir := filepath.Join(t.TempDir(), "backups")
	b := scheduledBackups{store: store, dir: dir, every: 24 * time.Hour, keep: 2}
	start := time.Date(2026, 3, 1, 2, 0, 0, 0, survey.VietnamTime())
	if got := b.due(start); !got.Equal(start) {
		t.Errorf("with no copy, due %v, want at once", got)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{"notes.txt", "sipas-latest.db", "sipas-20200101-000000.db.bak"} {
		if err := os.WriteFile(filepath.Join(dir, other), []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for day := range 4 {
		if _, err := b.once(context.Background(), start.AddDate(0, 0, day)); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"notes.txt", "sipas-20200101-000000.db.bak", "sipas-20260303-020000.db", "sipas-20260304-020000.db", "sipas-latest.db"}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	newest := start.AddDate(0, 0, 3)
	if got := b.due(newest.Add(time.Hour)); !got.Equal(newest.Add(24 * time.Hour)) {
		t.Errorf("an hour after a copy, due %v, want %v", got, newest.Add(24*time.Hour))
	}
	if late := newest.Add(30 * time.Hour); !b.due(late).Equal(late) {
		t.Errorf("overdue: due %v, want at once", b.due(late))
	}
}
