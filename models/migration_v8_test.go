package models

import (
	"bytes"
	"testing"

	"gorm.io/gorm"
)

// grainRows reads every row of a grain by key.
func grainRows(t *testing.T, s *Store, grain string) map[tallyKey]keptRow {
	t.Helper()
	out := map[tallyKey]keptRow{}
	err := eachKeptRow(s.db, func(r keptRow) error {
		out[r.key] = r
		return nil
	}, "grain = ?", grain)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrationV8 removes the grain P rows of a database written by kiosks and an import,
// as a database made before migration 8 has none, and opens it again: the migration adds
// up the D rows into P rows equal to those the writers keep, running it again (with a
// small batch, so that it reads the D rows in many) changes nothing, and the counts verify.
func TestMigrationV8(t *testing.T) { checkBackfill(t, 8, "D", "P", backfillProvinceDays) }

// checkBackfill is the test of a migration that adds the rows of grain to from those of
// grain from, by backfill.
func checkBackfill(t *testing.T, version int, from, to string, backfill func(*gorm.DB, int) error) {
	eachDB(t, func(t *testing.T, db testDB) {
		dsn := db.fresh(t)
		s := openTestStore(t, dsn, true)
		verifyFixture(t, s)
		want := grainRows(t, s, to)
		var sources int64
		if err := s.db.Raw("SELECT COUNT(*) FROM tallies WHERE grain = ?", from).Scan(&sources).Error; err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || sources <= int64(len(want)) {
			t.Fatalf("%d %s rows from %d %s rows", len(want), to, sources, from)
		}
		err := s.db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("DELETE FROM tallies WHERE grain = ?", to).Error; err != nil {
				return err
			}
			return tx.Exec("DELETE FROM schema_migrations WHERE version = ?", version).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		s = openTestStore(t, dsn, false) // the migration runs
		got := grainRows(t, s, to)
		if len(got) != len(want) {
			t.Fatalf("%d %s rows after the migration, want %d", len(got), to, len(want))
		}
		for k, w := range want {
			g, ok := got[k]
			if !ok {
				t.Fatalf("%s row %+v missing", to, k)
			}
			if g.unreadable != nil || w.unreadable != nil {
				t.Fatalf("%s row %+v unreadable: %v, %v", to, k, g.unreadable, w.unreadable)
			}
			if d := diffTallies(g.tally, w.tally); len(d) > 0 {
				t.Fatalf("%s row %+v differs: %+v", to, k, d)
			}
		}
		before := map[string][]byte{}
		for k, c := range keptCounts(t, s) {
			before[k] = c
		}
		if err := s.db.Transaction(func(tx *gorm.DB) error { return backfill(tx, 7) }); err != nil {
			t.Fatal(err)
		}
		after := keptCounts(t, s)
		if len(after) != len(before) {
			t.Fatalf("%d rows after running again, %d before", len(after), len(before))
		}
		for k, c := range before {
			if !bytes.Equal(after[k], c) {
				t.Fatalf("row %s changed when the migration ran again", k)
			}
		}
		if _, found := verifyAll(t, s); len(found) != 0 {
			t.Fatalf("%d differences after the migration, first %+v", len(found), found[0])
		}
	})
}
