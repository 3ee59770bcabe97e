package models

import (
	"context"
	"errors"
	"testing"
	"time"

	"sipas/survey"
)

func TestKioskByCounter(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		now := time.Now()
		for range 2 { // the second time, the questionnaire comes from the parsed cache
			k, err := s.Kiosk(ctx, KioskLookup{Counter: "a2", Questionnaire: "sipas-counter", Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if k.Counter.ID != f.a2.ID || k.Counter.Name != "Counter A2" || k.Office.ID != f.officeA.ID || k.Closed || k.Device != nil ||
				k.Office.Name != "Office A" || k.Questionnaire.ID != f.qrow.ID || k.Questionnaire.Version != 1 || k.Q == nil || len(k.Q.CriterionCodes()) != 22 {
				t.Errorf("kiosk %+v", k)
			}
		}
		if _, err := s.Kiosk(ctx, KioskLookup{Counter: "nope", Questionnaire: "sipas-counter", Now: now}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown counter: %v", err)
		}
	})
}

// The kiosk's one query chooses the version in force as survey.InForce does: the most
// specific assignment started, the latest at its level.
func TestKioskAssignmentPrecedence(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		by := Actor{Name: "root", Now: vn(2026, 3, 1, 8, 0)}
		v1 := f.qrow.ID
		publishAs := func(intro string) uint {
			q := f.q.Clone()
			q.Intro["en"] = intro
			p, err := s.Publish(ctx, Publishing{Q: q, Within: []uint{}}, by) // no base: replaces nothing
			if err != nil {
				t.Fatal(err)
			}
			return p.Version.ID
		}
		v2, v3, v4 := publishAs("two"), publishAs("three"), publishAs("four")
		assign := func(version, province, office uint, from time.Time) {
			if _, err := s.Assign(ctx, version, province, office, from, by); err != nil {
				t.Fatal(err)
			}
		}
		day := func(d int) time.Time { return vn(2026, 3, d, 0, 0) }
		assign(v2, 0, 0, day(5))                     // the country from the 5th
		assign(v3, f.provA.ID, 0, day(3))            // Hải Phòng from the 3rd
		assign(v4, f.provA.ID, f.officeA.ID, day(4)) // office A from the 4th
		assign(v2, f.provA.ID, f.officeA.ID, day(20))

		var domain []survey.Assignment
		rows, err := s.Assignments(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			domain = append(domain, r.Domain())
		}
		tests := []struct {
			counter string
			at      time.Time
			want    uint
		}{
			{"b1", day(4), v1}, // the seeded country assignment
			{"b1", day(5), v2},
			{"a1", day(2), v1},
			{"a1", day(3), v3},
			{"a1", day(4), v4},
			{"a1", day(19), v4},
			{"a1", day(20), v2},
		}
		for _, tt := range tests {
			k, err := s.Kiosk(ctx, KioskLookup{Counter: tt.counter, Questionnaire: "sipas-counter", Now: tt.at})
			if err != nil {
				t.Fatal(err)
			}
			if k.Questionnaire.ID != tt.want {
				t.Errorf("%s on %s: version id %d, want %d", tt.counter, tt.at.Format(time.DateOnly), k.Questionnaire.ID, tt.want)
			}
			c, _ := s.CounterByCode(ctx, tt.counter)
			o, _ := s.OfficeByID(ctx, c.OfficeID)
			if a, _ := survey.InForce(domain, o.ProvinceID, o.ID, tt.at); a.VersionID != tt.want {
				t.Errorf("%s on %s: survey.InForce chooses %d, the query %d", tt.counter, tt.at.Format(time.DateOnly), a.VersionID, tt.want)
			}
		}
	})
}
