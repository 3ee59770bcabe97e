package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"sipas/survey"
)

// BenchmarkSubmitBatch measures bulk storage (demo, paper import): responses per second
// when stored 5,000 to a transaction.
func BenchmarkSubmitBatch(b *testing.B) {
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
