package models

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"sipas/survey"
	"sipas/survey/sheets"
)

// benchNow is the import moment of the generated files: after every date in them.
var benchNow = time.Date(2026, 1, 15, 9, 0, 0, 0, survey.VietnamTime())

// paperFile builds a deterministic paper-questionnaire CSV of n rows given over the days
// days from start: three offices with one counter each in every province in force on
// the row's day (63 before 1 July 2025, 34 after), answers synthesised per office, a
// procedure field on most rows and the other questions on some.
func paperFile(tb testing.TB, n int, seed uint64, start time.Time, days int) []byte {
	tb.Helper()
	q := survey.Official()
	units := survey.OfficialUnits()
	r := rand.New(rand.NewPCG(seed, 0x9a9e7))
	header := append(survey.PaperColumns(), q.CriterionCodes()...)
	header = append(header, survey.FieldName)
	header = append(header, q.QuestionCodes()...)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	profiles := map[string]survey.Synthetic{}
	byDay := map[string][]survey.Unit{}
	rec := make([]string, len(header))
	for i := 0; i < n; i++ {
		day := start.AddDate(0, 0, r.IntN(days)).Format("2006-01-02")
		inForce, ok := byDay[day]
		if !ok {
			inForce = survey.UnitsOn(units, day)
			byDay[day] = inForce
		}
		u := inForce[r.IntN(len(inForce))]
		office := fmt.Sprintf("so-%s-%d", u.Code, r.IntN(3))
		p, ok := profiles[office]
		if !ok {
			p = q.NewSynthetic(r)
			profiles[office] = p
		}
		sub := q.Synthesize(r, p, 0)
		rec[0], rec[1], rec[2], rec[3], rec[4] = u.Code, office, office+"-q1", "paper", day
		if u.ValidUntil != "" { // a former province's office lives on under its successor
			rec[1], rec[2] = "old-"+office, "old-"+office+"-q1"
		}
		for j, code := range header[5:] {
			v := ""
			if x, ok := sub.Criteria[code]; ok {
				v = strconv.Itoa(x)
			} else if a, ok := sub.Answers[code]; ok {
				v = a
			} else if code == survey.FieldName {
				v = sub.Field
			}
			rec[5+j] = v
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// year2025 is the span of a national file of a year's questionnaires.
var year2025 = time.Date(2025, 1, 1, 0, 0, 0, 0, survey.VietnamTime())

// BenchmarkImport100k measures `sipas import` of 100,000 paper questionnaires: read the
// CSV, parse and validate every row, store all of them with their counts in one
// transaction into a fresh SQLite database (SPEC §7: under 5 s). Two files:
//
//   - year: a national file over 2025, 291 counters, nine procedure fields; nearly every
//     questionnaire is alone on its counter, day and field, so that each adds some 28
//     rows of daily counts (2.5 million rows in all).
//   - month: the same number of questionnaires from one month's campaign (August 2025).
func BenchmarkImport100k(b *testing.B) {
	for _, c := range []struct {
		name  string
		start time.Time
		days  int
	}{
		{"year", year2025, 365},
		{"month", time.Date(2025, 8, 1, 0, 0, 0, 0, survey.VietnamTime()), 31},
	} {
		b.Run(c.name, func(b *testing.B) { benchImport(b, paperFile(b, 100_000, 1, c.start, c.days)) })
	}
}

func benchImport(b *testing.B, data []byte) {
	const rows = 100_000
	ctx := context.Background()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := newTestStore(b)
		qrow, q, err := s.PublishedQuestionnaire(ctx, "sipas-counter")
		if err != nil {
			b.Fatal(err)
		}
		units, err := s.Units(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		began := time.Now()
		records, err := sheets.ReadAll("bench.csv", bytes.NewReader(data), int64(len(data)), sheets.DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		parsed, err := survey.ParsePaper(q, units, records, benchNow)
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.ImportPaper(ctx, parsed, q, qrow.ID)
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(began)
		if res.Stored != rows {
			b.Fatalf("stored %d of %d", res.Stored, rows)
		}
		b.StopTimer()
		var n int64
		s.db.Table("tallies").Count(&n)
		b.ReportMetric(float64(n), "count-rows")
		s.Close()
	}
	sec := total.Seconds() / float64(b.N)
	b.ReportMetric(rows/sec, "rows/s")
	b.ReportMetric(sec, "s/100k")
}
