package models

import (
	"context"
	"errors"
	"testing"
)

func TestKioskByCounter(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		for range 2 { // the second time, the questionnaire comes from the parsed cache
			k, err := s.KioskByCounter(ctx, "a2", "sipas-counter")
			if err != nil {
				t.Fatal(err)
			}
			if k.Counter.ID != f.a2.ID || k.Counter.Name != "Counter A2" || k.Office.ID != f.officeA.ID ||
				k.Office.Name != "Office A" || k.Questionnaire.ID != f.qrow.ID || k.Q == nil || len(k.Q.CriterionCodes()) != 22 {
				t.Errorf("kiosk %+v", k)
			}
		}
		if _, err := s.KioskByCounter(ctx, "nope", "sipas-counter"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown counter: %v", err)
		}
		if _, err := s.KioskByCounter(ctx, "a1", "no-such-questionnaire"); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("unknown questionnaire: %v", err)
		}
	})
}
