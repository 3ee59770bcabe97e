package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"sipas/survey"
)

// benchCounter is a fresh store with the official questionnaire and one counter, in the
// first current province.
func benchCounter(b *testing.B) (*Store, Questionnaire, *survey.Questionnaire, survey.Unit, Counter) {
	s := newTestStore(b)
	ctx := context.Background()
	qrow, q, err := s.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		b.Fatal(err)
	}
	units, _ := s.Units(ctx)
	u := survey.UnitsOn(units, "2026-01-01")[0]
	office, _ := s.EnsureOffice(ctx, u.ID, "b", "bench")
	counter, err := s.EnsureCounter(ctx, office, "bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	return s, qrow, q, u, counter
}

// BenchmarkSubmitBatch measures bulk storage (demo, paper import): responses per second
// when stored 5,000 to a transaction.
func BenchmarkSubmitBatch(b *testing.B) {
	s, qrow, q, u, counter := benchCounter(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	profile := q.NewSynthetic(r)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const size = 5000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch := make([]NewResponse, size)
		for j := range batch {
			sub := q.Synthesize(r, profile, 0)
			batch[j] = NewResponse{UUID: fmt.Sprintf("%d-%d", i, j), Counter: counter, ProvinceID: u.ID, QuestionnaireID: qrow.ID,
				Channel: ChannelPaper, SubmittedAt: start.Add(time.Duration(r.IntN(300*24)) * time.Hour), Submission: sub, Tally: q.Tally(sub)}
		}
		if _, err := s.SubmitResponses(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "responses/s")
}

// BenchmarkKioskBatch measures the writer's work for one kiosk batch as group commit
// writes them under load: 8 responses at one counter on one day, adding to the same
// count rows as the batch before. It reports the CPU time a batch takes (user and
// system; the wait for fsync is not CPU), which is what bounds the kiosks' throughput
// when the machine's cores are busy, and is steadier than a rate that follows the disk.
func BenchmarkKioskBatch(b *testing.B) {
	s, qrow, q, u, counter := benchCounter(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	profile := q.NewSynthetic(r)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, survey.VietnamTime())
	const size = 8
	batches := make([][]NewResponse, b.N)
	for i := range batches {
		batches[i] = make([]NewResponse, size)
		for j := range batches[i] {
			sub := q.Synthesize(r, profile, 0)
			batches[i][j] = NewResponse{UUID: fmt.Sprintf("00000000-0000-4000-8000-%06d%06d", i, j), Counter: counter, ProvinceID: u.ID,
				QuestionnaireID: qrow.ID, Channel: ChannelKiosk, SubmittedAt: at, Submission: sub, Tally: q.Tally(sub)}
		}
	}
	before := cpuTime(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.SubmitResponses(ctx, batches[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-before).Microseconds())/float64(b.N), "cpu-µs/batch")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
