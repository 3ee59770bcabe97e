package models

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// keptCounts reads every count row's packed counts by key.
func keptCounts(t *testing.T, s *Store) map[string][]byte {
	t.Helper()
	var rows []v3TallyRow
	if err := s.db.Raw("SELECT " + v3Key + ", counts FROM tallies").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]byte, len(rows))
	for _, r := range rows {
		out[fmt.Sprint(r.Grain, r.Period, r.ProvinceID, r.OfficeID, r.CounterID, r.QuestionnaireID, r.Field)] = r.Counts
	}
	return out
}

// TestMigrationV3 turns the kept counts of a database back into layout 1, as a database
// made before migration 3 holds them, and opens it again: every row is re-encoded into
// exactly the layout 2 value the encoder writes, in more than one batch; a damaged row is
// left alone; and running the migration once more changes nothing.
func TestMigrationV3(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		dsn := db.fresh(t)
		s := openTestStore(t, dsn, true)
		f := newFixture(t, s)
		var batch []NewResponse
		for i := range 1100 { // one day each: more count rows than a batch of the migration
			c := []Counter{f.a1, f.a2, f.b1}[i%3]
			batch = append(batch, f.response(fmt.Sprintf("m3-%d", i), c, vn(2023, 1, 1, 9, 0).Add(time.Duration(i)*24*time.Hour),
				[]string{"", "land"}[i%2], map[string]string{"P1": "2"}, "E1.1", 1+i%5, "E2.2", 5-i%5))
		}
		f.submit(t, batch...)
		want := keptCounts(t, s)
		if len(want) <= v3Batch {
			t.Fatalf("only %d count rows: the migration would read them in one batch", len(want))
		}
		const damaged = "\x01\x05E1" // layout 1, cut short
		err := s.db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("UPDATE tallies SET counts = ? WHERE grain = 'M'", []byte(damaged)).Error; err != nil {
				return err
			}
			var rows []v3TallyRow
			if err := tx.Raw("SELECT " + v3Key + ", counts FROM tallies WHERE grain <> 'M'").Scan(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				v1 := append([]byte{countsV1}, r.Counts[1:len(r.Counts)-4]...)
				if err := tx.Exec("UPDATE tallies SET counts = ? WHERE grain = ? AND period = ? AND province_id = ? AND office_id = ? "+
					"AND counter_id = ? AND questionnaire_id = ? AND field = ?",
					v1, r.Grain, r.Period, r.ProvinceID, r.OfficeID, r.CounterID, r.QuestionnaireID, r.Field).Error; err != nil {
					return err
				}
			}
			return tx.Exec("DELETE FROM schema_migrations WHERE version = 3").Error
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		s = openTestStore(t, dsn, false) // migration 3 runs
		check := func(label string) {
			t.Helper()
			got := keptCounts(t, s)
			months := 0
			for k, w := range want {
				if k[0] == 'M' {
					months++
					if string(got[k]) != damaged {
						t.Fatalf("%s: damaged row %s is now %x", label, k, got[k])
					}
					continue
				}
				if !bytes.Equal(got[k], w) {
					t.Fatalf("%s: row %s is %x, want %x", label, k, got[k], w)
				}
			}
			if months == 0 || len(got) != len(want) {
				t.Fatalf("%s: %d rows (%d monthly), want %d", label, len(got), months, len(want))
			}
		}
		check("after the migration")
		if err := s.db.Transaction(migrateV3); err != nil {
			t.Fatal(err)
		}
		check("after running it again")
		// The rows read as before.
		if _, err := s.Tallies(context.Background(), TallyQuery{Period: survey.YearPeriod(2024), Scope: AllProvinces(), Field: "land"}); err != nil {
			t.Errorf("reading re-encoded counts: %v", err)
		}
	})
}
