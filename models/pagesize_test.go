package models

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

// TestPageSizeOfNewDatabases: a database sipas creates, or finds empty, gets
// sqlitePageSize; one made before keeps its own and opens as before.
func TestPageSizeOfNewDatabases(t *testing.T) {
	cases := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    int
	}{
		{"missing", func(*testing.T, string) {}, sqlitePageSize},
		{"empty file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, sqlitePageSize},
		{"made with 4 KB pages", func(t *testing.T, path string) {
			db, err := sql.Open("sqlite3", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for _, q := range []string{"PRAGMA page_size = 4096", "PRAGMA journal_mode = WAL", "CREATE TABLE before_sipas (x)"} {
				if _, err := db.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
		}, 4096},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sipas.db")
			tc.prepare(t, path)
			s := openTestStore(t, path, false)
			var size int
			var mode string
			if err := s.db.Raw("PRAGMA page_size").Scan(&size).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.db.Raw("PRAGMA journal_mode").Scan(&mode).Error; err != nil {
				t.Fatal(err)
			}
			if size != tc.want || mode != "wal" {
				t.Errorf("page size %d, journal mode %q; want %d, wal", size, mode, tc.want)
			}
			if err := s.Ping(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
