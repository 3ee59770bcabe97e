package models

import (
	"context"
	"errors"
	"testing"
)

func TestOfficesAndCounters(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		by := Actor{Name: "hp.admin", Now: vn(2026, 3, 10, 9, 0)}
		territory := []uint{f.provA.ID}
		o := Office{ProvinceID: f.provA.ID, Code: "ubnd-le-chan", Name: "UBND quận Lê Chân"}
		if err := s.CreateOffice(ctx, &o, territory, by); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateOffice(ctx, &Office{ProvinceID: f.provA.ID, Code: "oa", Name: "x"}, territory, by); !errors.Is(err, ErrCodeTaken) {
			t.Errorf("an office code taken in the province: %v", err)
		}
		c1 := Counter{OfficeID: o.ID, ProvinceID: o.ProvinceID, Code: "lc-1", Name: "Quầy 1"}
		if err := s.CreateCounter(ctx, &c1, by); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateCounter(ctx, &Counter{OfficeID: o.ID, ProvinceID: o.ProvinceID, Code: "b1", Name: "x"}, by); !errors.Is(err, ErrCodeTaken) {
			t.Errorf("a counter code taken in another province: %v", err)
		}
		c2 := Counter{OfficeID: o.ID, ProvinceID: o.ProvinceID, Code: "lc-2", Name: "Quầy 2"}
		if err := s.CreateCounter(ctx, &c2, by); err != nil {
			t.Fatal(err)
		}
		// move a counter of office A to the new office, with a preset field
		moved, err := s.UpdateCounter(ctx, f.a2.ID, "counter.move", by, func(c *Counter) error {
			c.OfficeID, c.Field = o.ID, "land"
			return nil
		})
		if err != nil || moved.OfficeID != o.ID || moved.Field != "land" {
			t.Fatalf("move: %+v %v", moved, err)
		}
		offices, err := s.OfficesIn(ctx, territory)
		if err != nil || len(offices) != 2 {
			t.Fatalf("offices %+v, %v", offices, err)
		}
		for _, r := range offices {
			if r.Code == "ubnd-le-chan" && (r.Counters != 3 || r.OpenCounters != 3) || r.Code == "oa" && r.Counters != 1 {
				t.Errorf("office %s: %d counters, %d open", r.Code, r.Counters, r.OpenCounters)
			}
		}
		// closing the office closes its counters; reopening it leaves them closed
		closed, err := s.UpdateOffice(ctx, o.ID, "office.close", by, func(x *Office) error { x.ClosedAt = Closing(by.Now); return nil })
		if err != nil || closed.ClosedAt == nil {
			t.Fatal(err)
		}
		counters, _ := s.CountersOf(ctx, o.ID)
		for _, c := range counters {
			if c.ClosedAt == nil {
				t.Errorf("counter %s is open in a closed office", c.Code)
			}
		}
		if k, _ := s.KioskByCounter(ctx, "lc-1", "sipas-counter"); !k.Closed {
			t.Error("the kiosk of a closed counter is open")
		}
		if _, err := s.UpdateOffice(ctx, o.ID, "office.reopen", by, func(x *Office) error { x.ClosedAt = nil; return nil }); err != nil {
			t.Fatal(err)
		}
		if k, _ := s.KioskByCounter(ctx, "lc-1", "sipas-counter"); !k.Closed {
			t.Error("reopening the office reopened its counters")
		}
		var ev AuditEvent
		s.db.Where("kind = ?", "office.close").Take(&ev)
		if ev.Before != `{"annual_dossiers":0,"closed":false,"code":"ubnd-le-chan","name":"UBND quận Lê Chân"}` ||
			ev.After != `{"annual_dossiers":0,"closed":true,"closed_counters":["a2","lc-1","lc-2"],"code":"ubnd-le-chan","name":"UBND quận Lê Chân"}` {
			t.Errorf("the close's audit: %s → %s", ev.Before, ev.After)
		}
		if _, err := s.UpdateCounter(ctx, 9999, "counter.update", by, func(*Counter) error { return nil }); !errors.Is(err, ErrNotFound) {
			t.Errorf("an unknown counter: %v", err)
		}
	})
}
