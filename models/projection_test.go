package models

import (
	"context"
	"testing"
	"time"

	"sipas/survey"
)

func TestProjectionInputAndFingerprint(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.submit(t,
			f.response("p1", f.a1, vn(2026, 1, 5, 9, 0), "", nil, "E1.1", 5),
			f.response("p2", f.a2, vn(2026, 2, 5, 9, 0), "", nil, "E1.1", 2),
			f.response("p3", f.b1, vn(2025, 11, 5, 9, 0), "", nil, "E1.1", 4),
			f.response("p4", f.b1, vn(2024, 6, 5, 9, 0), "", nil, "E1.1", 4),
		)
		in, print1, err := s.Projection(ctx, ProjectionQuery{Questionnaire: "sipas-counter", Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		if in.Year != 2026 || in.Questionnaire == nil || len(in.Units) != 97 {
			t.Fatalf("year %d, %d units", in.Year, len(in.Units))
		}
		if got := in.Months[202601][f.provA.ID]; got == nil || got.Responses != 1 {
			t.Errorf("January 2026 in Hải Phòng: %+v", got)
		}
		if got := in.Months[202602][f.provA.ID]; got == nil || got.Responses != 1 {
			t.Errorf("February 2026 in Hải Phòng: %+v", got)
		}
		if got := in.Months[202511][f.provB.ID]; got == nil || got.Responses != 1 {
			t.Errorf("November 2025 in Hà Nội: %+v", got)
		}
		if len(in.Months[202603]) != 0 || len(in.Months) != 24 {
			t.Errorf("%d months, March 2026 %v", len(in.Months), in.Months[202603])
		}
		// The earlier years since the first built-in official figure, 2022 to 2025.
		if len(in.Years) != 4 || in.Years[2025][f.provB.ID].Responses != 1 || in.Years[2024][f.provB.ID].Responses != 1 || len(in.Years[2022]) != 0 {
			t.Errorf("years %v", in.Years)
		}
		_, again, err := s.Projection(ctx, ProjectionQuery{Questionnaire: "sipas-counter", Year: 2026})
		if err != nil || again != print1 {
			t.Fatalf("the same data gave another fingerprint (%v):\n%s\n%s", err, print1, again)
		}
		// A response, then an official figure, each change the fingerprint.
		f.submit(t, f.response("p5", f.a1, vn(2026, 1, 6, 9, 0), "", nil, "E1.1", 5))
		_, print2, err := s.Projection(ctx, ProjectionQuery{Questionnaire: "sipas-counter", Year: 2026})
		if err != nil || print2 == print1 {
			t.Fatalf("a new response left the fingerprint as it was (%v)", err)
		}
		by := Actor{Name: "root", Addr: "test", Now: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
		if err := s.RecordOfficial(ctx, OfficialResult{Year: 2021, Code: "31", SIPAS: 86.5, Source: "BNV"}, by); err != nil {
			t.Fatal(err)
		}
		in, print3, err := s.Projection(ctx, ProjectionQuery{Questionnaire: "sipas-counter", Year: 2026})
		if err != nil || print3 == print2 {
			t.Fatalf("an official figure left the fingerprint as it was (%v)", err)
		}
		// An official figure of 2021 reaches the earlier years back to it.
		if len(in.Years) != 5 || len(in.Official) != 1 || in.Official[0] != (survey.OfficialResult{Year: 2021, Code: "31", SIPAS: 86.5}) {
			t.Errorf("%d years, official %+v", len(in.Years), in.Official)
		}
	})
}

func TestRecordOfficialReplacesAndAudits(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		by := Actor{Name: "root", Addr: "192.0.2.1", Now: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
		for _, v := range []float64{88.09, 88.19} {
			if err := s.RecordOfficial(ctx, OfficialResult{Year: 2023, Code: "31", SIPAS: v}, by); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RecordOfficial(ctx, OfficialResult{Year: 2023, Code: survey.NationalCode, SIPAS: 82.66}, by); err != nil {
			t.Fatal(err)
		}
		rows, err := s.OfficialResults(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Code != "31" || rows[0].SIPAS != 88.19 || rows[0].RecordedBy != "root" || rows[1].Code != "national" {
			t.Fatalf("rows %+v", rows)
		}
		events := auditOf(t, s, "official.record")
		if len(events) != 3 || events[1].Before != `{"year":2023,"code":"31","sipas":88.09}` ||
			events[1].After != `{"year":2023,"code":"31","sipas":88.19}` || events[0].Before != "" || events[1].Target != "2023 31" {
			t.Errorf("audit %+v", events)
		}
	})
}
