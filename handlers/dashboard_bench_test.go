package handlers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"sipas/models"
	"sipas/static"
	"sipas/survey"
)

// The latency benchmarks read SIPAS_BENCH_RESPONSES synthetic responses (default 200,000;
// SPEC §7 asks for 1,000,000) made by the same generator as `sipas demo`. The filled
// database is kept in the temporary directory and reused by later runs with the same N.
//
//	SIPAS_BENCH_RESPONSES=1000000 go test ./handlers -run '^$' -bench 'NationalAPI|ProvinceDashboard' -benchtime 200x
//
// Each case reports p50 and p99 in ms of warm requests (the app running, the closed
// months' sums in its memory, SQLite's and the OS's caches filled by earlier requests) and
// cold-p50/cold-max: the first request of a freshly opened store and app, as after a
// restart (the file still in the OS's cache).

// benchNow is the clock of the benchmarks: the data span the two years before it.
var benchNow = time.Date(2026, 3, 10, 9, 0, 0, 0, survey.VietnamTime())

func benchResponses(b *testing.B) int {
	n := 200000
	if s := os.Getenv("SIPAS_BENCH_RESPONSES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("SIPAS_BENCH_RESPONSES=%q is not a positive number", s)
		}
		n = v
	}
	return n
}

// benchDB returns the path of a SQLite file holding n synthetic responses, filling it the
// first time.
func benchDB(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("sipas-bench-%d-schema%d.db", n, models.SchemaVersion()))
	ctx := context.Background()
	if store, err := models.Open(path); err == nil {
		got, err := store.CountResponses(ctx)
		store.Close()
		if err == nil && got == int64(n) {
			return path
		}
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	store, err := models.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := store.EnsureReferenceData(ctx, survey.OfficialUnits(), survey.OfficialQuestionnaireJSON()); err != nil {
		b.Fatal(err)
	}
	qrow, q, err := store.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		b.Fatal(err)
	}
	all, err := store.Units(ctx)
	if err != nil {
		b.Fatal(err)
	}
	places := survey.UnitsOn(all, benchNow.Format("2006-01-02"))
	counters := make([]models.Counter, len(places))
	for i, u := range places {
		office, err := store.EnsureOffice(ctx, u.ID, "demo-"+u.Code, "Bộ phận Một cửa "+u.Name)
		if err != nil {
			b.Fatal(err)
		}
		if counters[i], err = store.EnsureCounter(ctx, office, "demo-"+u.Code, "Quầy "+u.Code); err != nil {
			b.Fatal(err)
		}
		if err := store.SetOfficeAnnualDossiers(ctx, office.ID, 50000); err != nil {
			b.Fatal(err)
		}
	}
	set := q.NewSyntheticSet(all, places, 1, benchNow.AddDate(-2, 0, 0), benchNow)
	start := time.Now()
	const batchSize = 5000
	for from := 0; from < n; from += batchSize {
		made := set.Batch(from, min(from+batchSize, n))
		batch := make([]models.NewResponse, len(made))
		for i, r := range made {
			batch[i] = models.NewResponse{UUID: fmt.Sprintf("bench-%d", r.Index), Counter: counters[r.Place],
				ProvinceID: r.Unit.ID, QuestionnaireID: qrow.ID, Channel: models.ChannelKiosk, SubmittedAt: r.At,
				Submission: r.Submission, Tally: q.Tally(r.Submission)}
		}
		if _, err := store.SubmitResponses(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("filled %s with %d responses in %.0f s", path, n, time.Since(start).Seconds())
	return path
}

// benchApp opens the app over the benchmark database.
func benchApp(b *testing.B, path string) (http.Handler, *models.Store, func()) {
	b.Helper()
	store, err := models.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	app, err := New(store, static.FS(), DefaultConfig(), func() time.Time { return benchNow })
	if err != nil {
		b.Fatal(err)
	}
	return asAdmin(b, store, app.Handler()), store, func() { store.Close() }
}

func benchGet(b *testing.B, h http.Handler, target string) time.Duration {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	d := time.Since(start)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String())
	}
	return d
}

// benchLatency measures the targets in turn: cold (the first request of a freshly opened
// store and app, three times per target) and warm, and reports percentiles. With write
// set, responses dated in the data's last month arrive before every warm request, as
// kiosks keep writing while officials read.
func benchLatency(b *testing.B, targets []string, write bool) {
	path := benchDB(b, benchResponses(b))
	if write {
		path = copyFile(b, path, filepath.Join(b.TempDir(), "write.db"))
	}
	var cold []time.Duration
	for range 3 {
		for _, t := range targets {
			h, _, done := benchApp(b, path)
			cold = append(cold, benchGet(b, h, t))
			done()
		}
	}
	h, store, done := benchApp(b, path)
	defer done()
	for _, t := range targets { // one pass so that the warm figures start warm
		benchGet(b, h, t)
	}
	var writer *benchWriter
	if write {
		writer = newBenchWriter(b, store)
	}
	warm := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if writer != nil {
			b.StopTimer()
			writer.write(b, i)
			b.StartTimer()
		}
		warm = append(warm, benchGet(b, h, targets[i%len(targets)]))
	}
	b.StopTimer()
	b.ReportMetric(percentile(warm, 50), "p50-ms")
	b.ReportMetric(percentile(warm, 99), "p99-ms")
	b.ReportMetric(percentile(cold, 50), "cold-p50-ms")
	b.ReportMetric(percentile(cold, 100), "cold-max-ms")
}

// benchWriter stores a few responses at the first demo counter, dated on benchNow's day.
type benchWriter struct {
	store   *models.Store
	q       *survey.Questionnaire
	qid     uint
	counter models.Counter
	unit    uint
	set     *survey.SyntheticSet
}

func newBenchWriter(b *testing.B, store *models.Store) *benchWriter {
	ctx := context.Background()
	qrow, q, err := store.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		b.Fatal(err)
	}
	kiosk, err := store.KioskByCounter(ctx, "demo-31", "sipas-counter")
	if err != nil {
		b.Fatal(err)
	}
	counter := kiosk.Counter
	all, err := store.Units(ctx)
	if err != nil {
		b.Fatal(err)
	}
	places := survey.UnitsOn(all, benchNow.Format("2006-01-02"))
	return &benchWriter{store: store, q: q, qid: qrow.ID, counter: counter, unit: counter.ProvinceID,
		set: q.NewSyntheticSet(all, places, 2, benchNow.AddDate(0, 0, -1), benchNow)}
}

func (w *benchWriter) write(b *testing.B, i int) {
	var batch []models.NewResponse
	for _, r := range w.set.Batch(i*5, i*5+5) {
		batch = append(batch, models.NewResponse{UUID: fmt.Sprintf("bench-write-%d", r.Index), Counter: w.counter,
			ProvinceID: w.unit, QuestionnaireID: w.qid, Channel: models.ChannelKiosk, SubmittedAt: benchNow,
			Submission: r.Submission, Tally: w.q.Tally(r.Submission)})
	}
	if _, err := w.store.SubmitResponses(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
}

func copyFile(b *testing.B, from, to string) string {
	b.Helper()
	src, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		b.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		b.Fatal(err)
	}
	return to
}

// percentile is the p-th percentile (nearest rank) of ds, in milliseconds.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

type benchCase struct {
	name    string
	targets []string
	write   bool
}

func runBenchCases(b *testing.B, cases []benchCase) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchLatency(b, c.targets, c.write) })
	}
}

// BenchmarkNationalAPI: /api/v1/sipas for a year (across the 1 July 2025 merger, and on
// today's provinces), a quarter, a month and a date range; and this year while kiosks write.
func BenchmarkNationalAPI(b *testing.B) {
	runBenchCases(b, []benchCase{
		{"year", []string{"/api/v1/sipas?year=2025", "/api/v1/sipas?year=2024&units=current"}, false},
		{"quarter", []string{"/api/v1/sipas?year=2025&quarter=3", "/api/v1/sipas?year=2025&quarter=4"}, false},
		{"month", []string{"/api/v1/sipas?year=2025&month=11", "/api/v1/sipas?year=2025&month=6"}, false},
		{"range", []string{"/api/v1/sipas?from=2025-05-15&to=2025-08-20", "/api/v1/sipas?from=2025-10-03&to=2025-10-28"}, false},
		{"this-year-while-writing", []string{"/api/v1/sipas?year=2026"}, true},
	})
}

// BenchmarkProvinceDashboard: the page of Hải Phòng (merged from two former provinces) and
// of other provinces, for the same kinds of period.
func BenchmarkProvinceDashboard(b *testing.B) {
	runBenchCases(b, []benchCase{
		{"year", []string{"/dashboard/province/31?year=2025", "/dashboard/province/79?year=2025&lang=en"}, false},
		{"quarter", []string{"/dashboard/province/31?year=2025&quarter=4", "/dashboard/province/01?year=2025&quarter=2"}, false},
		{"month", []string{"/dashboard/province/31?year=2025&month=11", "/dashboard/province/48?year=2025&month=6"}, false},
		{"range", []string{"/dashboard/province/31?from=2025-05-15&to=2025-08-20", "/dashboard/province/79?from=2025-10-03&to=2025-10-28"}, false},
		{"this-year-while-writing", []string{"/dashboard/province/31?year=2026"}, true},
	})
}

// BenchmarkProvinceAPI: /api/v1/sipas/provinces/:code, the same data as the page in JSON.
func BenchmarkProvinceAPI(b *testing.B) {
	runBenchCases(b, []benchCase{
		{"year", []string{"/api/v1/sipas/provinces/31?year=2025", "/api/v1/sipas/provinces/79?year=2025"}, false},
		{"range", []string{"/api/v1/sipas/provinces/31?from=2025-05-15&to=2025-08-20"}, false},
	})
}
