package models

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"sipas/survey"
	"sipas/survey/sheets"
)

// importCSV imports a CSV the way `sipas import` does, as of benchNow: what it stored, or
// the file's problems as an error.
func importCSV(t *testing.T, s *Store, csv string) (ImportResult, error) {
	t.Helper()
	job := importFile(t, s.NewImporter(nil, func() time.Time { return benchNow }), "paper.csv", csv)
	if job.State == ImportDone {
		return job.Result, nil
	}
	return ImportResult{}, problemsError(job)
}

// importFile runs a command's import of a file's content and returns the finished job.
func importFile(t testing.TB, im *Importer, name, content string) ImportJob {
	t.Helper()
	job, err := im.ImportFile(context.Background(), testImport(name), strings.NewReader(content), int64(len(content)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// testImport is an import of the command line, of the questionnaire the tests use.
func testImport(name string) NewImport {
	return NewImport{FileName: name, Questionnaire: "sipas-counter", By: Actor{Addr: "command line", Now: benchNow}}
}

// problemsError is a failed job as an error: its reason and problems, as keys.
func problemsError(job ImportJob) error {
	parts := []string{job.State + " " + job.Failure}
	for _, p := range job.Problems {
		parts = append(parts, p.String())
	}
	return errors.New(strings.Join(parts, "\n"))
}

func countRows(t *testing.T, s *Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// Four questionnaires at one counter of Hải Phòng, computed by hand:
//
//	      E1.1 E1.2 E2.1
//	row 2   5    4    2
//	row 3   3    5    4
//	row 4   4    –    5
//	row 5   1    2    –
//
// E1.1: 5 and 4 of 4 answers satisfied → 50; E1.2: 4 and 5 of 3 → 66.67; E2.1: 4 and 5
// of 3 → 66.67. E1 = (50 + 66.67) / 2 = 58.33, E2 = 66.67, SIPAS = (58.33 + 66.67) / 2 = 62.5.
const handFile = "province,office,counter,channel,submitted_at,E1.1,E1.2,E2.1,field\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-01,5,4,2,land\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-01,3,5,4,land\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-02,4,,5,\n" +
	"31,ubnd-hb,hb-1,kiosk,2025-08-20T10:00:00+07:00,1,2,,civil-status\n"

func TestImportPaper(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		res, err := importCSV(t, s, handFile)
		if err != nil {
			t.Fatal(err)
		}
		if res != (ImportResult{Stored: 4, Offices: 1, Counters: 1}) {
			t.Errorf("first import: %+v", res)
		}
		_, q, _ := s.PublishedQuestionnaire(ctx, "sipas-counter")
		byProvince, err := s.talliesByProvince(ctx, survey.YearPeriod(2025), AllProvinces())
		if err != nil {
			t.Fatal(err)
		}
		units, _ := s.Units(ctx)
		hp, _ := survey.UnitAt(units, "31", "2025-08-01")
		if len(byProvince) != 1 || byProvince[hp.ID] == nil {
			t.Fatalf("counts of %d provinces, want Hải Phòng's only", len(byProvince))
		}
		ix := q.Compute(byProvince[hp.ID])
		check := func(what string, got *float64, want float64) {
			t.Helper()
			if got == nil || math.Abs(*got-want) > 1e-9 {
				t.Errorf("%s = %v, want %.4f", what, got, want)
			}
		}
		if ix.Responses != 4 {
			t.Errorf("%d responses", ix.Responses)
		}
		check("SIPAS", ix.SIPAS, 62.5)
		check("E1", ix.Elements[0].Index, 175.0/3)
		check("E2", ix.Elements[1].Index, 200.0/3)
		check("E1.1", ix.Criteria[0].Index, 50)
		check("E1.2", ix.Criteria[1].Index, 200.0/3)
		if v := ix.Criteria[0].Values; v != [5]int64{1, 0, 1, 1, 1} {
			t.Errorf("E1.1 values %v", v)
		}
		// The daily counts by field: 1 August, land.
		byField, err := s.Tallies(ctx, TallyQuery{Period: survey.MonthPeriod(2025, 8), GroupBy: ByField})
		if err != nil {
			t.Fatal(err)
		}
		if byField["land"] == nil || byField["land"].Responses != 2 || byField["civil-status"].Responses != 1 || byField[""].Responses != 1 {
			t.Errorf("by field: %v", keys(byField))
		}
		// The office and counter were created under Hải Phòng; the channel is kept.
		k, err := s.KioskByCounter(ctx, "hb-1", "sipas-counter")
		c, o := k.Counter, k.Office
		if err != nil || o.Code != "ubnd-hb" || o.Name != "ubnd-hb" || o.ProvinceID != hp.ID || c.ProvinceID != hp.ID {
			t.Errorf("counter %+v office %+v err %v", c, o, err)
		}
		var kiosk int64
		s.db.Table("responses").Where("channel = ?", ChannelKiosk).Count(&kiosk)
		if kiosk != 1 {
			t.Errorf("%d kiosk responses, want 1", kiosk)
		}

		// The same file again stores nothing; so does the same content with a blank row.
		before := countRows(t, s, "tallies")
		res, err = importCSV(t, s, handFile+",,,,\n")
		if err != nil {
			t.Fatal(err)
		}
		if res != (ImportResult{Repeated: 4}) {
			t.Errorf("second import: %+v", res)
		}
		if n := countRows(t, s, "responses"); n != 4 {
			t.Errorf("%d responses after importing twice", n)
		}
		again, _ := s.talliesByProvince(ctx, survey.YearPeriod(2025), AllProvinces())
		if again[hp.ID].Responses != 4 || countRows(t, s, "tallies") != before {
			t.Errorf("the second import changed the counts")
		}
	})
}

func TestImportPaperAllOrNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		tables := []string{"responses", "tallies", "offices", "counters"}
		counts := func() map[string]int64 {
			m := map[string]int64{}
			for _, tb := range tables {
				m[tb] = countRows(t, s, tb)
			}
			return m
		}
		if _, err := importCSV(t, s, handFile); err != nil {
			t.Fatal(err)
		}
		before := counts()

		// One bad cell among good new rows: the file is refused whole.
		bad := "province,office,counter,channel,submitted_at,E1.1,E2.3\n" +
			"31,new-office,new-1,paper,2025-09-01,5,4\n" +
			"31,new-office,new-1,paper,2025-09-01,5,6\n"
		if _, err := importCSV(t, s, bad); err == nil || !strings.Contains(err.Error(), "paper.at.row_column(3, E2.3, paper.problem.value(6, 1, 5))") {
			t.Errorf("bad file: %v", err)
		}
		if after := counts(); !equalCounts(before, after) {
			t.Errorf("a refused file changed the database: %v → %v", before, after)
		}

		// A counter that exists at another office: refused in the transaction, which
		// had already created the new office; it is rolled back with the rest.
		office, err := s.EnsureOffice(ctx, mustUnit(t, s, "01", "2025-09-01").ID, "ubnd-hn", "UBND Hà Nội")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnsureCounter(ctx, office, "hn-1", "Quầy 1"); err != nil {
			t.Fatal(err)
		}
		before = counts()
		moved := "province,office,counter,channel,submitted_at,E1.1\n" +
			"31,another-office,other-1,paper,2025-09-01,5\n" +
			"31,another-office,hn-1,paper,2025-09-01,5\n"
		_, err = importCSV(t, s, moved)
		if err == nil || !strings.Contains(err.Error(), "paper.at.row_column(3, counter, paper.problem.counter_elsewhere(hn-1, ubnd-hn, another-office,") {
			t.Errorf("counter of another office: %v", err)
		}
		if after := counts(); !equalCounts(before, after) {
			t.Errorf("a refused file changed the database: %v → %v", before, after)
		}

		// One counter named under two offices in the same file.
		twice := "province,office,counter,channel,submitted_at,E1.1\n" +
			"31,office-a,shared-1,paper,2025-09-01,5\n" +
			"31,office-b,shared-1,paper,2025-09-01,5\n"
		if _, err := importCSV(t, s, twice); err == nil || !strings.Contains(err.Error(), "paper.at.row_column(3, counter, paper.problem.counter_two_offices(shared-1, office-a, Thành phố Hải Phòng, 2, office-b,") {
			t.Errorf("counter under two offices: %v", err)
		}
		if after := counts(); !equalCounts(before, after) {
			t.Errorf("a refused file changed the database: %v → %v", before, after)
		}
	})
}

// A questionnaire of a former province belongs to it; its office lives on under the
// province that took it over, where the same office of a later file is found again.
func TestImportPaperFormerProvince(t *testing.T) {
	eachStore(t, testImportPaperFormerProvince)
}

func testImportPaperFormerProvince(t *testing.T, s *Store) {
	ctx := context.Background()
	file := "province,office,counter,channel,submitted_at,E1.1\n" +
		"30,ubnd-hd,hd-1,paper,2025-03-01,5\n" +
		"31,ubnd-hd,hd-1,paper,2025-09-01,2\n"
	res, err := importCSV(t, s, file)
	if err != nil {
		t.Fatal(err)
	}
	if res != (ImportResult{Stored: 2, Offices: 1, Counters: 1}) {
		t.Errorf("%+v", res)
	}
	hd, hp := mustUnit(t, s, "30", "2025-03-01"), mustUnit(t, s, "31", "2025-09-01")
	k, err := s.KioskByCounter(ctx, "hd-1", "sipas-counter")
	o := k.Office
	if err != nil || o.ProvinceID != hp.ID {
		t.Errorf("office %+v in province %d, want today's Hải Phòng %d (%v)", o, o.ProvinceID, hp.ID, err)
	}
	counts, _ := s.talliesByProvince(ctx, survey.YearPeriod(2025), AllProvinces())
	if counts[hd.ID] == nil || counts[hd.ID].Responses != 1 || counts[hp.ID] == nil || counts[hp.ID].Responses != 1 {
		t.Errorf("responses by unit: Hải Dương %v, Hải Phòng %v", counts[hd.ID], counts[hp.ID])
	}
}

func mustUnit(t *testing.T, s *Store, code, day string) survey.Unit {
	t.Helper()
	units, err := s.Units(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u, ok := survey.UnitAt(units, code, day)
	if !ok {
		t.Fatalf("no unit %s on %s", code, day)
	}
	return u
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// A large import keeps exactly the counts of its responses added up one by one (the
// counts rows are shared, copied on write and written in chunks).
func TestImportPaperCounts(t *testing.T) {
	eachStore(t, testImportPaperCounts)
}

func testImportPaperCounts(t *testing.T, s *Store) {
	ctx := context.Background()
	file := paperFile(t, 3000, 7, year2025, 365)
	records, err := sheets.ReadAll("f.csv", bytes.NewReader(file), int64(len(file)), sheets.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, q, _ := s.PublishedQuestionnaire(ctx, "sipas-counter")
	units, _ := s.Units(ctx)
	rows, err := survey.ParsePaper(q, units, records, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importCSV(t, s, string(file)); err != nil {
		t.Fatal(err)
	}
	rangeP, err := survey.ParsePeriod(survey.PeriodQuery{From: "2025-02-04", To: "2025-08-09"}, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		query TallyQuery
		group func(r survey.PaperRow) (string, bool)
	}{
		{TallyQuery{Period: survey.YearPeriod(2025), GroupBy: ByProvince},
			func(r survey.PaperRow) (string, bool) { return fmt.Sprint(r.Unit.ID), true }},
		{TallyQuery{Period: survey.YearPeriod(2025), GroupBy: ByField},
			func(r survey.PaperRow) (string, bool) { return r.Submission.Field, true }},
		{TallyQuery{Period: rangeP, GroupBy: ByMonth},
			func(r survey.PaperRow) (string, bool) {
				return fmt.Sprint(survey.MonthKey(r.SubmittedAt)), rangeP.Contains(r.SubmittedAt)
			}},
	}
	for _, c := range cases {
		want := map[string]*survey.Tally{}
		for _, r := range rows {
			k, ok := c.group(r)
			if !ok {
				continue
			}
			if want[k] == nil {
				want[k] = survey.NewTally()
			}
			want[k].Add(q.Tally(r.Submission))
		}
		got, err := s.Tallies(ctx, c.query)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(got) < 2 {
			t.Fatalf("%s: %d groups, want %d", c.query.GroupBy, len(got), len(want))
		}
		for k, w := range want {
			g := got[k]
			if g == nil || g.Responses != w.Responses || math.Abs(g.SumScore-w.SumScore) > 1e-6 || math.Abs(g.SumScore2-w.SumScore2) > 1e-6 {
				t.Errorf("%s %s: %+v, want %+v", c.query.GroupBy, k, g, w)
				continue
			}
			for code, wc := range w.Criteria {
				gc := g.Criteria[code]
				if gc == nil || gc.Values != wc.Values || gc.PairN != wc.PairN || math.Abs(gc.SumXO-wc.SumXO) > 1e-6 || math.Abs(gc.SumO2-wc.SumO2) > 1e-6 {
					t.Errorf("%s %s %s: %+v, want %+v", c.query.GroupBy, k, code, gc, wc)
				}
			}
			for question, m := range w.Options {
				for value, n := range m {
					if g.Options[question][value] != n {
						t.Errorf("%s %s %s=%s: %d, want %d", c.query.GroupBy, k, question, value, g.Options[question][value], n)
					}
				}
			}
		}
	}
}
