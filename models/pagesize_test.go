package models

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"
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

// Every pooled connection keeps the small page cache (readPageCacheKB), and an import's
// connection gets its own back to it when it is done.
func TestConnectionsKeepASmallPageCache(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "sipas.db"), false)
	sqlDB, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// three connections at once: each is one the pool opened with the DSN's settings
	var conns []*sql.Conn
	for range 3 {
		c, err := sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var kb int64
		if err := c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&kb); err != nil {
			t.Fatal(err)
		}
		if kb != -readPageCacheKB {
			t.Errorf("connection %d: cache_size %d, want %d", i, kb, -readPageCacheKB)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	sqlDB.SetMaxOpenConns(1) // the import's connection is the one read after it
	err = s.writerConn(ctx, 65536, false, func(db *gorm.DB, _ *walCheckpointer) error {
		var kb int64
		if err := db.Raw("PRAGMA cache_size").Scan(&kb).Error; err != nil {
			return err
		}
		if kb != -65536 {
			t.Errorf("an import's connection: cache_size %d, want -65536", kb)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var kb int64
	if err := s.db.Raw("PRAGMA cache_size").Scan(&kb).Error; err != nil {
		t.Fatal(err)
	}
	if kb != -readPageCacheKB {
		t.Errorf("after an import: cache_size %d, want %d", kb, -readPageCacheKB)
	}
}
