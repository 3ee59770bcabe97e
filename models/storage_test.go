package models

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"sipas/survey"
)

// These tests run on SQLite and, when SIPAS_TEST_POSTGRES names a server, on PostgreSQL.

func TestMigrationsIdempotent(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		dsn := db.fresh(t)
		first := openTestStore(t, dsn, true)
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		again := openTestStore(t, dsn, true) // runs migrate and EnsureReferenceData once more
		var versions []int
		if err := again.db.Model(&schemaMigration{}).Order("version").Pluck("version", &versions).Error; err != nil {
			t.Fatal(err)
		}
		var want []int
		for _, m := range migrations() {
			want = append(want, m.version)
		}
		if !reflect.DeepEqual(versions, want) {
			t.Errorf("schema_migrations holds %v, want %v", versions, want)
		}
		for _, table := range []string{"provinces", "questionnaires", "offices", "counters", "responses",
			"tallies"} {
			if !again.db.Migrator().HasTable(table) {
				t.Errorf("table %s missing", table)
			}
		}
		if err := again.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestEnsureReferenceDataOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		s := openTestStore(t, db.fresh(t), false)
		ctx := context.Background()
		units := survey.OfficialUnits()
		if len(units) != 97 {
			t.Fatalf("official units: %d, want 63 + 34", len(units))
		}
		seeded, err := s.EnsureReferenceData(ctx, units, survey.OfficialQuestionnaireJSON())
		if err != nil {
			t.Fatal(err)
		}
		if seeded != (Seeded{Provinces: 97, Questionnaire: true}) {
			t.Errorf("first run seeded %+v", seeded)
		}
		seeded, err = s.EnsureReferenceData(ctx, units, survey.OfficialQuestionnaireJSON())
		if err != nil {
			t.Fatal(err)
		}
		if seeded != (Seeded{}) {
			t.Errorf("second run seeded %+v, want nothing", seeded)
		}
		stored, err := s.Units(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != 97 {
			t.Errorf("%d units stored, want 97", len(stored))
		}
		if n := len(survey.UnitsOn(stored, "2024-06-01")); n != 63 {
			t.Errorf("%d units in force in 2024, want 63", n)
		}
		if n := len(survey.UnitsOn(stored, "2026-01-01")); n != 34 {
			t.Errorf("%d units in force in 2026, want 34", n)
		}
		var questionnaires int64
		if err := s.db.Model(&Questionnaire{}).Count(&questionnaires).Error; err != nil {
			t.Fatal(err)
		}
		if questionnaires != 1 {
			t.Errorf("%d questionnaires, want 1", questionnaires)
		}
		row, q, err := s.PublishedQuestionnaire(ctx, "sipas-counter")
		if err != nil {
			t.Fatal(err)
		}
		if row.Version != 1 || row.Status != StatusPublished || row.PublishedAt == nil || len(q.CriterionCodes()) != 22 {
			t.Errorf("questionnaire %s v%d %s, %d criteria", row.Code, row.Version, row.Status, len(q.CriterionCodes()))
		}
		if _, _, err := s.PublishedQuestionnaire(ctx, "no-such"); err != ErrNotFound {
			t.Errorf("unknown questionnaire: %v, want ErrNotFound", err)
		}
	})
}

// fixture is a store with two offices and three counters in two current provinces.
type fixture struct {
	s                *Store
	qrow             Questionnaire
	q                *survey.Questionnaire
	provA, provB     survey.Unit // 31 Hải Phòng, 01 Hà Nội
	officeA, officeB Office
	a1, a2, b1       Counter
}

func newFixture(t *testing.T, s *Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{s: s}
	var err error
	if f.qrow, f.q, err = s.PublishedQuestionnaire(ctx, "sipas-counter"); err != nil {
		t.Fatal(err)
	}
	units, err := s.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ok bool
	if f.provA, ok = survey.UnitAt(units, "31", "2026-01-01"); !ok {
		t.Fatal("no province 31 in 2026")
	}
	if f.provB, ok = survey.UnitAt(units, "01", "2026-01-01"); !ok {
		t.Fatal("no province 01 in 2026")
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.officeA, err = s.EnsureOffice(ctx, f.provA.ID, "oa", "Office A")
	must(err)
	f.officeB, err = s.EnsureOffice(ctx, f.provB.ID, "ob", "Office B")
	must(err)
	f.a1, err = s.EnsureCounter(ctx, f.officeA, "a1", "Counter A1")
	must(err)
	f.a2, err = s.EnsureCounter(ctx, f.officeA, "a2", "Counter A2")
	must(err)
	f.b1, err = s.EnsureCounter(ctx, f.officeB, "b1", "Counter B1")
	must(err)
	return f
}

// vn is a wall-clock time in Vietnam.
func vn(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, survey.VietnamTime())
}

// response builds a NewResponse at counter c; criteria alternate code and value.
func (f *fixture) response(id string, c Counter, at time.Time, field string, answers map[string]string, criteria ...any) NewResponse {
	sub := survey.Submission{Field: field, Criteria: map[string]int{}, Answers: map[string]string{}}
	for i := 0; i+1 < len(criteria); i += 2 {
		sub.Criteria[criteria[i].(string)] = criteria[i+1].(int)
	}
	for k, v := range answers {
		sub.Answers[k] = v
	}
	return NewResponse{UUID: id, Counter: c, ProvinceID: c.ProvinceID, QuestionnaireID: f.qrow.ID,
		Channel: ChannelKiosk, SubmittedAt: at, Submission: sub, Tally: f.q.Tally(sub)}
}

func (f *fixture) submit(t *testing.T, batch ...NewResponse) []Outcome {
	t.Helper()
	out, err := f.s.SubmitResponses(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := f.s.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) tallies(t *testing.T, q TallyQuery) map[string]*survey.Tally {
	t.Helper()
	out, err := f.s.Tallies(context.Background(), q)
	if err != nil {
		t.Fatalf("Tallies(%+v): %v", q, err)
	}
	return out
}

func TestSubmitResponsesOutcomes(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		at := vn(2026, 3, 10, 9, 0)
		year := TallyQuery{Period: survey.YearPeriod(2026), Scope: AllProvinces()}
		r := f.response("00000000-0000-4000-8000-000000000001", f.a1, at, "land", map[string]string{"P4": "f"}, "E1.1", 5, "E2.1", 3)

		if got := f.submit(t, r); !reflect.DeepEqual(got, []Outcome{Stored}) {
			t.Fatalf("first submission: %v", got)
		}
		var stored Response
		if err := s.db.Where("uuid = ?", r.UUID).Take(&stored).Error; err != nil {
			t.Fatal(err)
		}
		if stored.CounterID != f.a1.ID || stored.OfficeID != f.officeA.ID || stored.ProvinceID != f.provA.ID ||
			stored.Day != 20260310 || stored.Field != "land" || stored.Channel != ChannelKiosk || !stored.SubmittedAt.Equal(at) {
			t.Errorf("stored %+v", stored)
		}
		before := f.tallies(t, year)[""]
		if before == nil || before.Responses != 1 || before.Criteria["E1.1"].Values[4] != 1 || before.Options["field"]["land"] != 1 {
			t.Fatalf("counts after one response: %+v", before)
		}
		rows := map[string]int64{}
		for _, table := range []string{"responses", "tallies"} {
			rows[table] = f.count(t, table)
		}
		// one count row per grain (day, month, field-month, since migration 8 the
		// province's day and since migration 9 its week)
		if rows["tallies"] != 5 {
			t.Errorf("count rows %v", rows)
		}

		again := r
		again.SubmittedAt = at.Add(time.Minute) // a retry arrives later; it is the same response
		if got := f.submit(t, again); !reflect.DeepEqual(got, []Outcome{Repeated}) {
			t.Errorf("same id, same answers: %v, want Repeated", got)
		}
		other := f.response(r.UUID, f.a1, at, "land", map[string]string{"P4": "f"}, "E1.1", 1, "E2.1", 3)
		elsewhere := f.response(r.UUID, f.a2, at, "land", map[string]string{"P4": "f"}, "E1.1", 5, "E2.1", 3)
		if got := f.submit(t, other, elsewhere); !reflect.DeepEqual(got, []Outcome{Conflict, Conflict}) {
			t.Errorf("same id, other answers or counter: %v, want Conflict twice", got)
		}
		for table, n := range rows {
			if got := f.count(t, table); got != n {
				t.Errorf("%s: %d rows after repeats and conflicts, want %d", table, got, n)
			}
		}
		if after := f.tallies(t, year)[""]; !reflect.DeepEqual(after, before) {
			t.Errorf("counts changed by repeats and conflicts:\n%+v\n%+v", after, before)
		}
		var kept Response
		if err := s.db.Where("uuid = ?", r.UUID).Take(&kept).Error; err != nil {
			t.Fatal(err)
		}
		if kept.Answers != r.Submission.Encode() {
			t.Errorf("answers changed to %s", kept.Answers)
		}

		// Within one batch: the first of a UUID is stored, a copy is Repeated, a change is Conflict.
		x := f.response("00000000-0000-4000-8000-000000000002", f.a2, at, "", nil, "E3.1", 4)
		y := f.response("00000000-0000-4000-8000-000000000003", f.b1, at, "", nil, "E3.1", 2)
		y2 := f.response(y.UUID, f.b1, at, "", nil, "E3.1", 3)
		got := f.submit(t, x, x, y, y2, r)
		if want := []Outcome{Stored, Repeated, Stored, Conflict, Repeated}; !reflect.DeepEqual(got, want) {
			t.Errorf("mixed batch: %v, want %v", got, want)
		}
		if n := f.count(t, "responses"); n != 3 {
			t.Errorf("%d responses, want 3", n)
		}
		all := f.tallies(t, year)[""]
		if all.Responses != 3 || all.Criteria["E3.1"].Values != [5]int64{0, 1, 0, 1, 0} {
			t.Errorf("counts after the batch: %d responses, E3.1 %v", all.Responses, all.Criteria["E3.1"].Values)
		}
	})
}

// TestSubmitResponsesAtomic makes the count write of the transaction fail with a trigger
// on its monthly rows (written last, in key order), and checks that nothing of the response, nor of its earlier counts, remains.
func TestSubmitResponsesAtomic(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		at := vn(2026, 5, 5, 10, 0)
		f.submit(t, f.response("00000000-0000-4000-8000-0000000000a1", f.a1, at, "land", nil, "E1.1", 4))
		rows := map[string]int64{}
		for _, table := range []string{"responses", "tallies"} {
			rows[table] = f.count(t, table)
		}
		year := TallyQuery{Period: survey.YearPeriod(2026), Scope: AllProvinces(), GroupBy: ByCounter}
		before := f.tallies(t, year)

		failing := []string{"CREATE TRIGGER sipas_test_fail BEFORE INSERT ON tallies WHEN NEW.grain = 'M' BEGIN SELECT RAISE(ABORT, 'injected failure'); END"}
		if s.postgres {
			failing = []string{
				"CREATE FUNCTION sipas_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.grain = 'M' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$",
				"CREATE TRIGGER sipas_test_fail BEFORE INSERT ON tallies FOR EACH ROW EXECUTE FUNCTION sipas_test_fail()",
			}
		}
		for _, stmt := range failing {
			if err := s.db.Exec(stmt).Error; err != nil {
				t.Fatal(err)
			}
		}
		// One response that adds to existing count rows, one new: the transaction writes
		// the responses before the count write fails.
		batch := []NewResponse{
			f.response("00000000-0000-4000-8000-0000000000a2", f.a1, at, "land", map[string]string{"P4": "m"}, "E1.1", 2),
			f.response("00000000-0000-4000-8000-0000000000a3", f.b1, at.AddDate(0, 1, 0), "transport", nil, "E5.1", 5),
		}
		if _, err := s.SubmitResponses(ctx, batch); err == nil {
			t.Fatal("SubmitResponses succeeded though the count upsert failed")
		}
		for table, n := range rows {
			if got := f.count(t, table); got != n {
				t.Errorf("%s: %d rows after the failed transaction, want %d", table, got, n)
			}
		}
		if after := f.tallies(t, year); !reflect.DeepEqual(after, before) {
			t.Errorf("counts changed by a failed transaction")
		}

		drop := "DROP TRIGGER sipas_test_fail"
		if s.postgres {
			drop = "DROP TRIGGER sipas_test_fail ON tallies"
		}
		if err := s.db.Exec(drop).Error; err != nil {
			t.Fatal(err)
		}
		if got := f.submit(t, batch...); !reflect.DeepEqual(got, []Outcome{Stored, Stored}) {
			t.Errorf("after the failure the same responses are %v, want stored", got)
		}
	})
}

// want is the expected part of a hand-computed Tally.
type want struct {
	responses int64
	sumScore  float64
	e11       [5]int64 // E1.1 answers of value 1..5
	land      int64    // procedure field "land"
}

func checkTally(t *testing.T, label string, got map[string]*survey.Tally, expect map[string]want) {
	t.Helper()
	for key, w := range expect {
		g := got[key]
		if g == nil {
			t.Errorf("%s: no group %q (have %v)", label, key, keys(got))
			continue
		}
		var e11 [5]int64
		if c := g.Criteria["E1.1"]; c != nil {
			e11 = c.Values
		}
		if g.Responses != w.responses || math.Abs(g.SumScore-w.sumScore) > 1e-9 || e11 != w.e11 || g.Options["field"]["land"] != w.land {
			t.Errorf("%s[%q]: %d responses, score sum %g, E1.1 %v, land %d; want %d, %g, %v, %d", label, key,
				g.Responses, g.SumScore, e11, g.Options["field"]["land"], w.responses, w.sumScore, w.e11, w.land)
		}
	}
	for key := range got {
		if _, ok := expect[key]; !ok {
			t.Errorf("%s: unexpected group %q", label, key)
		}
	}
}

func keys(m map[string]*survey.Tally) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestTalliesGroupings(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		id := func(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
		// score = mean over the answered elements of the share of 4s and 5s
		f.submit(t,
			f.response(id(1), f.a1, vn(2026, 1, 10, 9, 0), "land", map[string]string{"P4": "f"}, "E1.1", 5, "E2.1", 4), // score 1
			f.response(id(2), f.a1, vn(2026, 1, 20, 10, 0), "land", nil, "E1.1", 2, "E2.1", 3),                         // 0
			f.response(id(3), f.a2, vn(2026, 2, 3, 8, 0), "civil-status", nil, "E1.1", 4),                              // 1
			f.response(id(4), f.b1, vn(2026, 2, 15, 14, 0), "", map[string]string{"P4": "m"}, "E1.1", 1, "E2.1", 5),    // 0.5
			f.response(id(5), f.b1, vn(2026, 3, 31, 23, 30), "land", nil, "E1.1", 3, "E2.1", 3),                        // 0
			f.response(id(6), f.a1, time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC), "land", nil, "E1.1", 5),           // 23:30 on 31 Dec in Vietnam: 2025
			f.response(id(7), f.a1, time.Date(2025, 12, 31, 17, 30, 0, 0, time.UTC), "land", nil, "E1.1", 4),           // 00:30 on 1 Jan in Vietnam: 2026
		)
		y2026 := survey.YearPeriod(2026)
		all := AllProvinces()
		pA, pB := strconv.Itoa(int(f.provA.ID)), strconv.Itoa(int(f.provB.ID))
		cA1, cA2, cB1 := strconv.Itoa(int(f.a1.ID)), strconv.Itoa(int(f.a2.ID)), strconv.Itoa(int(f.b1.ID))
		oA, oB := strconv.Itoa(int(f.officeA.ID)), strconv.Itoa(int(f.officeB.ID))

		year := f.tallies(t, TallyQuery{Period: y2026, Scope: all})
		checkTally(t, "2026", year, map[string]want{"": {6, 3.5, [5]int64{1, 1, 1, 2, 1}, 4}})
		g := year[""]
		if g.SumScore2 != 3.25 || g.Criteria["E2.1"].Values != [5]int64{0, 0, 2, 1, 1} ||
			g.Options["field"]["civil-status"] != 1 || g.Options["P4"]["f"] != 1 || g.Options["P4"]["m"] != 1 {
			t.Errorf("2026 details: Σs² %g, E2.1 %v, options %v", g.SumScore2, g.Criteria["E2.1"].Values, g.Options)
		}

		checkTally(t, "2025", f.tallies(t, TallyQuery{Period: survey.YearPeriod(2025), Scope: all}),
			map[string]want{"": {1, 1, [5]int64{0, 0, 0, 0, 1}, 1}})
		checkTally(t, "by province", f.tallies(t, TallyQuery{Period: y2026, Scope: all, GroupBy: ByProvince}), map[string]want{
			pA: {4, 3, [5]int64{0, 1, 0, 2, 1}, 3},
			pB: {2, 0.5, [5]int64{1, 0, 1, 0, 0}, 1},
		})
		checkTally(t, "by month", f.tallies(t, TallyQuery{Period: y2026, Scope: all, GroupBy: ByMonth}), map[string]want{
			"202601": {3, 2, [5]int64{0, 1, 0, 1, 1}, 3},
			"202602": {2, 1.5, [5]int64{1, 0, 0, 1, 0}, 0},
			"202603": {1, 0, [5]int64{0, 0, 1, 0, 0}, 1},
		})
		checkTally(t, "by field", f.tallies(t, TallyQuery{Period: y2026, Scope: all, GroupBy: ByField}), map[string]want{
			"land":         {4, 2, [5]int64{0, 1, 1, 1, 1}, 4},
			"civil-status": {1, 1, [5]int64{0, 0, 0, 1, 0}, 0},
			"":             {1, 0.5, [5]int64{1, 0, 0, 0, 0}, 0},
		})
		checkTally(t, "by counter", f.tallies(t, TallyQuery{Period: y2026, Scope: all, GroupBy: ByCounter}), map[string]want{
			cA1: {3, 2, [5]int64{0, 1, 0, 1, 1}, 3},
			cA2: {1, 1, [5]int64{0, 0, 0, 1, 0}, 0},
			cB1: {2, 0.5, [5]int64{1, 0, 1, 0, 0}, 1},
		})
		checkTally(t, "by office", f.tallies(t, TallyQuery{Period: y2026, Scope: all, GroupBy: ByOffice}), map[string]want{
			oA: {4, 3, [5]int64{0, 1, 0, 2, 1}, 3},
			oB: {2, 0.5, [5]int64{1, 0, 1, 0, 0}, 1},
		})
		checkTally(t, "month 1", f.tallies(t, TallyQuery{Period: survey.MonthPeriod(2026, 1), Scope: all}),
			map[string]want{"": {3, 2, [5]int64{0, 1, 0, 1, 1}, 3}})
		checkTally(t, "quarter 1 by field", f.tallies(t, TallyQuery{Period: survey.QuarterPeriod(2026, 1), Scope: all, Field: "land", GroupBy: ByMonth}),
			map[string]want{"202601": {3, 2, [5]int64{0, 1, 0, 1, 1}, 3}, "202603": {1, 0, [5]int64{0, 0, 1, 0, 0}, 1}})

		rng := func(from, to string) survey.Period {
			t.Helper()
			p, err := survey.ParsePeriod(survey.PeriodQuery{From: from, To: to}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		// days of two partly covered months only
		checkTally(t, "15/01–15/02", f.tallies(t, TallyQuery{Period: rng("2026-01-15", "2026-02-15"), Scope: all}),
			map[string]want{"": {3, 1.5, [5]int64{1, 1, 0, 1, 0}, 1}})
		// a leftover day before three whole months, by month and by field
		span := rng("2025-12-31", "2026-03-31")
		checkTally(t, "31/12–31/03", f.tallies(t, TallyQuery{Period: span, Scope: all}),
			map[string]want{"": {7, 4.5, [5]int64{1, 1, 1, 2, 2}, 5}})
		checkTally(t, "31/12–31/03 by month", f.tallies(t, TallyQuery{Period: span, Scope: all, GroupBy: ByMonth}), map[string]want{
			"202512": {1, 1, [5]int64{0, 0, 0, 0, 1}, 1},
			"202601": {3, 2, [5]int64{0, 1, 0, 1, 1}, 3},
			"202602": {2, 1.5, [5]int64{1, 0, 0, 1, 0}, 0},
			"202603": {1, 0, [5]int64{0, 0, 1, 0, 0}, 1},
		})
		checkTally(t, "31/12–31/03 by field", f.tallies(t, TallyQuery{Period: span, Scope: all, GroupBy: ByField}), map[string]want{
			"land":         {5, 3, [5]int64{0, 1, 1, 1, 2}, 5},
			"civil-status": {1, 1, [5]int64{0, 0, 0, 1, 0}, 0},
			"":             {1, 0.5, [5]int64{1, 0, 0, 0, 0}, 0},
		})
		checkTally(t, "1 Jan", f.tallies(t, TallyQuery{Period: rng("2026-01-01", "2026-01-01"), Scope: all}),
			map[string]want{"": {1, 1, [5]int64{0, 0, 0, 1, 0}, 1}})
		checkTally(t, "31 Mar", f.tallies(t, TallyQuery{Period: rng("2026-03-31", "2026-03-31"), Scope: all}),
			map[string]want{"": {1, 0, [5]int64{0, 0, 1, 0, 0}, 1}})
		checkTally(t, "31 Dec", f.tallies(t, TallyQuery{Period: rng("2025-12-31", "2025-12-31"), Scope: all}),
			map[string]want{"": {1, 1, [5]int64{0, 0, 0, 0, 1}, 1}})

		// filters and scope
		checkTally(t, "land by counter", f.tallies(t, TallyQuery{Period: y2026, Scope: all, Field: "land", GroupBy: ByCounter}), map[string]want{
			cA1: {3, 2, [5]int64{0, 1, 0, 1, 1}, 3},
			cB1: {1, 0, [5]int64{0, 0, 1, 0, 0}, 1},
		})
		checkTally(t, "counter a1 by month", f.tallies(t, TallyQuery{Period: y2026, Scope: all, CounterID: f.a1.ID, GroupBy: ByMonth}),
			map[string]want{"202601": {3, 2, [5]int64{0, 1, 0, 1, 1}, 3}})
		checkTally(t, "office B", f.tallies(t, TallyQuery{Period: y2026, Scope: all, OfficeID: f.officeB.ID}),
			map[string]want{"": {2, 0.5, [5]int64{1, 0, 1, 0, 0}, 1}})
		checkTally(t, "scope B", f.tallies(t, TallyQuery{Period: y2026, Scope: Scope{ProvinceIDs: []uint{f.provB.ID}}}),
			map[string]want{"": {2, 0.5, [5]int64{1, 0, 1, 0, 0}, 1}})
		if got := f.tallies(t, TallyQuery{Period: y2026, Scope: Scope{ProvinceIDs: []uint{}}}); len(got) != 0 {
			t.Errorf("an empty scope sees %v", keys(got))
		}
		if got := f.tallies(t, TallyQuery{Period: survey.YearPeriod(2024), Scope: all, GroupBy: ByProvince}); len(got) != 0 {
			t.Errorf("2024 has groups %v", keys(got))
		}

		byProvince, err := s.talliesByProvince(context.Background(), y2026, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(byProvince) != 2 || byProvince[f.provA.ID].Responses != 4 || byProvince[f.provB.ID].Responses != 2 {
			t.Errorf("talliesByProvince: %v", byProvince)
		}
	})
}

// TestSubmitResponsesBulk stores a batch large enough to use the statements of many rows,
// and checks that the kept counts equal the sum of the responses' own tallies.
func TestSubmitResponsesBulk(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		r := rand.New(rand.NewPCG(7, 11))
		profile := f.q.NewSynthetic(r)
		counters := []Counter{f.a1, f.a2, f.b1}
		var batch []NewResponse
		sum := survey.NewTally()
		for i := range 600 {
			sub := f.q.Synthesize(r, profile, 0)
			c := counters[i%len(counters)]
			batch = append(batch, NewResponse{UUID: fmt.Sprintf("bulk-%d", i), Counter: c, ProvinceID: c.ProvinceID,
				QuestionnaireID: f.qrow.ID, Channel: ChannelPaper, SubmittedAt: vn(2026, 1, 1, 8, 0).Add(time.Duration(i) * 13 * time.Hour),
				Submission: sub, Tally: f.q.Tally(sub)})
			sum.Add(batch[i].Tally)
		}
		out := f.submit(t, batch...)
		for i, o := range out {
			if o != Stored {
				t.Fatalf("response %d: %v", i, o)
			}
		}
		got := f.tallies(t, TallyQuery{Period: survey.YearPeriod(2026), Scope: AllProvinces()})[""]
		if got.Responses != 600 || math.Abs(got.SumScore-sum.SumScore) > 1e-6 || math.Abs(got.SumScore2-sum.SumScore2) > 1e-6 {
			t.Errorf("responses %d, Σs %g, Σs² %g; want 600, %g, %g", got.Responses, got.SumScore, got.SumScore2, sum.SumScore, sum.SumScore2)
		}
		for code, c := range sum.Criteria {
			g := got.Criteria[code]
			if g == nil || g.Values != c.Values || g.PairN != c.PairN || math.Abs(g.SumXO-c.SumXO) > 1e-6 {
				t.Errorf("criterion %s: %+v, want %+v", code, g, c)
			}
		}
		if !reflect.DeepEqual(got.Options, sum.Options) {
			t.Errorf("options %v, want %v", got.Options, sum.Options)
		}
		// one field by counter, read from the daily rows
		byCounter := f.tallies(t, TallyQuery{Period: survey.YearPeriod(2026), Scope: AllProvinces(), Field: "land", GroupBy: ByCounter})
		var land int64
		for _, g := range byCounter {
			land += g.Responses
		}
		if land != sum.Options["field"]["land"] {
			t.Errorf("land responses by counter %d, want %d", land, sum.Options["field"]["land"])
		}
	})
}

// TestSubmitterConcurrent sends every response twice from concurrent callers through the
// group-commit submitter: each is stored once, and the copy is acknowledged as Repeated.
func TestSubmitterConcurrent(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		sub := s.NewSubmitter(8, 0)
		const n = 20
		outcomes := make([]Outcome, 2*n)
		errs := make([]error, 2*n)
		var wg sync.WaitGroup
		for i := range 2 * n {
			wg.Go(func() {
				k := i % n
				r := f.response(fmt.Sprintf("00000000-0000-4000-8000-%012d", k), f.a1, vn(2026, 4, 1+k, 9, 0), "", nil, "E1.1", 1+k%5)
				outcomes[i], errs[i] = sub.Submit(context.Background(), r)
			})
		}
		wg.Wait()
		sub.Close()
		for k := range n {
			if errs[k] != nil || errs[k+n] != nil {
				t.Fatalf("response %d: %v, %v", k, errs[k], errs[k+n])
			}
			if got := []Outcome{outcomes[k], outcomes[k+n]}; !(got[0] == Stored && got[1] == Repeated || got[0] == Repeated && got[1] == Stored) {
				t.Errorf("response %d sent twice: %v, want Stored once and Repeated once", k, got)
			}
		}
		if got := f.count(t, "responses"); got != n {
			t.Errorf("%d responses stored, want %d", got, n)
		}
		all := f.tallies(t, TallyQuery{Period: survey.MonthPeriod(2026, 4), Scope: AllProvinces()})[""]
		if all == nil || all.Responses != n || all.Criteria["E1.1"].Values != [5]int64{4, 4, 4, 4, 4} {
			t.Errorf("counts after concurrent submissions: %+v", all)
		}
		if _, err := sub.Submit(context.Background(), f.response("00000000-0000-4000-8000-000000000999", f.a1, vn(2026, 4, 1, 9, 0), "", nil, "E1.1", 3)); err != ErrClosed {
			t.Errorf("Submit after Close: %v, want ErrClosed", err)
		}
	})
}
