package models

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"sipas/survey"
)

// fillDays stores, at counter c, n responses a day from first to last (days after start),
// satisfied of them answering 5 to E1.1 and the others 2.
func (f *fixture) fillDays(t *testing.T, c Counter, start time.Time, first, last, n, satisfied int) {
	t.Helper()
	var batch []NewResponse
	for d := first; d <= last; d++ {
		at := start.AddDate(0, 0, d)
		for i := range n {
			v := 2
			if i < satisfied {
				v = 5
			}
			batch = append(batch, f.response(fmt.Sprintf("%s-%d-%d", c.Code, d, i), c, at.Add(time.Duration(i)*time.Minute), "", nil, "E1.1", v))
		}
	}
	f.submit(t, batch...)
}

func TestScanAlerts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		start := vn(2026, 1, 1, 9, 0)
		today := start.AddDate(0, 0, 110)
		f.fillDays(t, f.a1, start, 0, 99, 5, 5)    // a1: every answer satisfied for 100 days,
		f.fillDays(t, f.a1, start, 100, 110, 5, 1) // then one in five
		f.fillDays(t, f.a2, start, 0, 110, 5, 5)   // a2: steady
		by := Actor{Name: "root", Addr: "test", Now: today}
		if err := s.SetWebhookURL(ctx, "http://127.0.0.1:9/hook", by); err != nil {
			t.Fatal(err)
		}
		rules := survey.DefaultDropRules()
		scan, err := s.ScanAlerts(ctx, "sipas-counter", today, rules)
		if err != nil {
			t.Fatal(err)
		}
		if scan != (AlertScan{Opened: 2}) {
			t.Fatalf("first scan %+v, want 2 opened (counter a1 and office oa)", scan)
		}
		rows, err := s.Alerts(ctx, AlertFilter{Scope: AllProvinces(), OpenOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]AlertRow{}
		for _, r := range rows {
			got[r.UnitKind+" "+r.Code] = r
		}
		a1, oa := got["counter a1"], got["office oa"]
		if len(rows) != 2 || a1.ID == 0 || oa.ID == 0 {
			t.Fatalf("alerts %v", got)
		}
		if a1.Since != 20260411 || a1.BeforeSIPAS != 100 || a1.AfterSIPAS != 20 || a1.AfterResponses != 55 ||
			a1.ProvinceCode != "31" || a1.Name != "Counter A1" || a1.OfficeName != "Office A" {
			t.Errorf("counter alert %+v", a1.Alert)
		}
		if cs := a1.CriteriaList(); len(cs) != 1 || cs[0].Code != "E1.1" || cs[0].Drop != 80 {
			t.Errorf("criteria %+v", cs)
		}
		// Scope: Hà Nội sees none; an official of office oa sees both.
		for _, tt := range []struct {
			scope Scope
			n     int
		}{{Scope{ProvinceIDs: []uint{f.provB.ID}}, 0}, {Scope{ProvinceIDs: []uint{f.provA.ID}, OfficeIDs: []uint{f.officeA.ID}}, 2},
			{Scope{ProvinceIDs: []uint{f.provA.ID}, OfficeIDs: []uint{f.officeB.ID}}, 0}} {
			if rows, err := s.Alerts(ctx, AlertFilter{Scope: tt.scope}); err != nil || len(rows) != tt.n {
				t.Errorf("scope %+v: %d alerts (%v), want %d", tt.scope, len(rows), err, tt.n)
			}
		}
		// A second scan updates, a third made before the drop resolves them.
		if scan, err := s.ScanAlerts(ctx, "sipas-counter", today, rules); err != nil || scan != (AlertScan{Updated: 2}) {
			t.Errorf("second scan %+v, %v", scan, err)
		}
		if err := s.AcknowledgeAlert(ctx, a1.ID, Scope{ProvinceIDs: []uint{f.provB.ID}}, "n", by); !errors.Is(err, ErrNotFound) {
			t.Errorf("acknowledged out of scope: %v", err)
		}
		if err := s.AcknowledgeAlert(ctx, a1.ID, Scope{ProvinceIDs: []uint{f.provA.ID}}, "Đã họp với quầy", by); err != nil {
			t.Fatal(err)
		}
		if err := s.AcknowledgeAlert(ctx, a1.ID, AllProvinces(), "again", by); !errors.Is(err, ErrAcknowledged) {
			t.Errorf("acknowledged twice: %v", err)
		}
		if ev := auditOf(t, s, "alert.acknowledge"); len(ev) != 1 || ev[0].After != `{"acknowledged":true,"note":"Đã họp với quầy"}` {
			t.Errorf("audit %+v", ev)
		}
		if scan, err := s.ScanAlerts(ctx, "sipas-counter", start.AddDate(0, 0, 99), rules); err != nil || scan != (AlertScan{Resolved: 2}) {
			t.Errorf("scan before the drop %+v, %v", scan, err)
		}
		if rows, _ := s.Alerts(ctx, AlertFilter{Scope: AllProvinces(), OpenOnly: true}); len(rows) != 0 {
			t.Errorf("%d open alerts after the resolving scan", len(rows))
		}
		p := survey.MonthPeriod(2026, 4)
		if rows, _ := s.Alerts(ctx, AlertFilter{Scope: AllProvinces(), Period: &p}); len(rows) != 2 || rows[0].AcknowledgedBy == "" && rows[1].AcknowledgedBy == "" {
			t.Errorf("alerts of April: %d", len(rows))
		}
		// The webhook got a delivery of each opened alert, claimed once.
		claimed, err := s.ClaimDeliveries(ctx, today, time.Minute, 10)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claimed %d deliveries (%v), want 2", len(claimed), err)
		}
		if again, err := s.ClaimDeliveries(ctx, today, time.Minute, 10); err != nil || len(again) != 0 {
			t.Errorf("claimed %d again (%v)", len(again), err)
		}
		next := today.Add(time.Minute)
		if err := s.DeliveryResult(ctx, claimed[0].ID, today, 500, "HTTP 500", &next); err != nil {
			t.Fatal(err)
		}
		if err := s.DeliveryResult(ctx, claimed[1].ID, today, 204, "", nil); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.ClaimDeliveries(ctx, today, time.Minute, 10); len(due) != 0 {
			t.Errorf("a delivery to retry at %v is due now", next)
		}
		due, err := s.ClaimDeliveries(ctx, next, time.Minute, 10)
		if err != nil || len(due) != 1 || due[0].ID != claimed[0].ID || due[0].Attempts != 1 {
			t.Errorf("due after a minute: %+v (%v)", due, err)
		}
	})
}

func TestTakeLease(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		steps := []struct {
			holder string
			at     time.Duration
			want   bool
		}{
			{"a", 0, true},
			{"b", time.Minute, false},       // a holds it for 5 minutes
			{"a", 2 * time.Minute, true},    // renewed by its holder
			{"b", 6 * time.Minute, false},   // renewed until 7 minutes
			{"b", 8 * time.Minute, true},    // expired: b takes it
			{"a", 8*time.Minute + 1, false}, // and a no longer has it
		}
		for _, st := range steps {
			got, err := s.TakeLease(ctx, "alerts", st.holder, now.Add(st.at), 5*time.Minute)
			if err != nil || got != st.want {
				t.Errorf("%s at %v: %v (%v), want %v", st.holder, st.at, got, err, st.want)
			}
		}
	})
}
