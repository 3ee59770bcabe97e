package models

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestCheckpointerKeepsTheLogShort writes transactions back to back, as an import does,
// and checks that the write-ahead log starts again once it has grown past restartAt:
// without settle it would hold every transaction's pages.
func TestCheckpointerKeepsTheLogShort(t *testing.T) {
	cases := []struct {
		name      string
		restartAt int
		most      int // the longest the log may be at the end, in pages
	}{
		{"settles", 60, 60 + 3*framesPerTx},
		{"never settles", 1 << 30, 1 << 30},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openTestStore(t, filepath.Join(t.TempDir(), "wal.db"), false)
			if err := s.db.Exec("CREATE TABLE blobs (b BLOB NOT NULL)").Error; err != nil {
				t.Fatal(err)
			}
			var pageSize int
			if err := s.db.Raw("PRAGMA page_size").Scan(&pageSize).Error; err != nil {
				t.Fatal(err)
			}
			c := s.startCheckpointer(tc.restartAt)
			const txs = 40
			for range txs {
				c.settle()
				if err := s.db.Exec("INSERT INTO blobs (b) VALUES (randomblob(?))", (framesPerTx-1)*pageSize).Error; err != nil {
					t.Fatal(err)
				}
				c.kick()
			}
			c.stop()
			var busy, log, copied int
			if err := s.db.Raw("PRAGMA wal_checkpoint(PASSIVE)").Row().Scan(&busy, &log, &copied); err != nil {
				t.Fatal(err)
			}
			if log > tc.most {
				t.Errorf("the log holds %d pages, want at most %d", log, tc.most)
			}
			if tc.restartAt > txs*framesPerTx && log < txs*(framesPerTx-1) {
				t.Errorf("the log holds %d pages: it started again without settling, so this test proves nothing", log)
			}
			var n int
			if err := s.db.Raw("SELECT count(*) FROM blobs").Scan(&n).Error; err != nil || n != txs {
				t.Errorf("%d rows (%v), want %d", n, err, txs)
			}
		})
	}
}

// framesPerTx is about how many pages each transaction of the test writes: a blob of
// one page fewer, on overflow pages, and the pages that point to them.
const framesPerTx = 10

func TestCheckpointerStopsWithoutWork(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "idle.db"), false)
	pages, err := checkpointPages(s.db)
	if err != nil {
		t.Fatal(err)
	}
	c := s.startCheckpointer(pages)
	c.settle() // nothing written: returns at once
	c.stop()
	var none *walCheckpointer // serve's, or PostgreSQL's
	none.kick()
	none.settle()
	none.stop()
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestWhoCheckpointsBeside: only a command's import, on SQLite, checkpoints on another
// connection; serve's leave the checkpoints to their commits, which the kiosks' commits
// take turns with (see walCheckpointer).
func TestWhoCheckpointsBeside(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		sub := s.NewSubmitter(8, 0)
		defer sub.Close()
		cases := []struct {
			name string
			im   *Importer
			want bool
		}{
			{"command", s.NewImporter(nil, time.Now), !s.postgres},
			{"serve", s.NewImporter(sub, time.Now), false},
		}
		for _, tc := range cases {
			if tc.im.checkpointBeside != tc.want {
				t.Errorf("%s: checkpointBeside %v, want %v", tc.name, tc.im.checkpointBeside, tc.want)
			}
		}
	})
}
