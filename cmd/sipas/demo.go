package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"sipas/models"
	"sipas/survey"
)

// demo creates one office and one counter demo-<code> in every current province and n
// deterministic synthetic responses over the last two years. Responses older than a
// province belong to the former province it was merged from, as real ones would.
func demo(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("demo", env)
	dsn := dbFlag(fs)
	n := fs.Int("responses", 5000, "synthetic responses to create (env SIPAS_RESPONSES)")
	seed := fs.Uint64("seed", 1, "seed of the synthetic data; the same seed makes the same responses (env SIPAS_SEED)")
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if *n < 0 {
		return fmt.Errorf("-responses must be 0 or more")
	}
	store, err := openStore(ctx, *dsn, env.stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	qrow, q, err := store.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		return err
	}
	all, err := store.Units(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	current := survey.UnitsOn(all, now.In(survey.VietnamTime()).Format("2006-01-02"))
	r := rand.New(rand.NewPCG(*seed, 0x5195a5))
	places := make([]demoPlace, len(current))
	for i, u := range current {
		office, err := store.EnsureOffice(ctx, u.ID, "demo-"+u.Code, "Bộ phận Một cửa "+u.Name+" (demo)")
		if err != nil {
			return err
		}
		counter, err := store.EnsureCounter(ctx, office, "demo-"+u.Code, "Quầy tiếp nhận demo "+u.Code)
		if err != nil {
			return err
		}
		places[i] = demoPlace{unit: u, counter: counter, profile: q.NewSynthetic(r), weight: 0.4 + 1.6*r.Float64()}
	}
	fmt.Fprintf(env.stdout, "demo counters ready in %d provinces: /kiosk/demo-<code>, e.g. /kiosk/demo-31\n", len(places))
	if *n == 0 {
		return nil
	}
	gen := demoGenerator{q: q, questionnaireID: qrow.ID, all: all, places: places, seed: *seed,
		end: now, start: now.AddDate(-2, 0, 0)}
	stored, repeated := 0, 0
	start := time.Now()
	const batchSize = 5000
	for from := 0; from < *n; from += batchSize {
		batch := gen.batch(from, min(from+batchSize, *n))
		outcomes, err := store.SubmitResponses(ctx, batch)
		if err != nil {
			return err
		}
		for _, o := range outcomes {
			if o == models.Stored {
				stored++
			} else {
				repeated++
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	fmt.Fprintf(env.stdout, "created %d synthetic responses (%d already there) in %.1f s\n", stored, repeated, time.Since(start).Seconds())
	return nil
}

type demoPlace struct {
	unit    survey.Unit
	counter models.Counter
	profile survey.Synthetic
	weight  float64
}

// demoGenerator makes response i the same way every time for a seed: its own random
// stream, and a UUID derived from the seed and i, so that running the demo twice
// stores nothing twice.
type demoGenerator struct {
	q               *survey.Questionnaire
	questionnaireID uint
	all             []survey.Unit
	places          []demoPlace
	seed            uint64
	start, end      time.Time
}

func (g demoGenerator) batch(from, to int) []models.NewResponse {
	total := 0.0
	for _, p := range g.places {
		total += p.weight
	}
	out := make([]models.NewResponse, 0, to-from)
	span := g.end.Sub(g.start)
	for i := from; i < to; i++ {
		r := rand.New(rand.NewPCG(g.seed, uint64(i)))
		place := g.pick(r.Float64() * total)
		at := g.start.Add(time.Duration(r.Float64() * float64(span)))
		years := at.Sub(g.start).Hours() / (24 * 365)
		sub := g.q.Synthesize(r, place.profile, 0.08*years)
		out = append(out, models.NewResponse{
			UUID:    uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "sipas-demo/%d/%d", g.seed, i)).String(),
			Counter: place.counter, ProvinceID: g.unitAt(place.unit, at, r).ID,
			QuestionnaireID: g.questionnaireID, Channel: models.ChannelKiosk,
			SubmittedAt: at, Submission: sub, Tally: g.q.Tally(sub),
		})
	}
	return out
}

// pick finds the place where the cumulative weight reaches x.
func (g demoGenerator) pick(x float64) demoPlace {
	for _, p := range g.places {
		if x -= p.weight; x <= 0 {
			return p
		}
	}
	return g.places[len(g.places)-1]
}

// unitAt is the unit in force at t on u's territory: u itself, or before u existed one
// of the former units it was merged from.
func (g demoGenerator) unitAt(u survey.Unit, t time.Time, r *rand.Rand) survey.Unit {
	day := t.In(survey.VietnamTime()).Format("2006-01-02")
	if u.ValidOn(day) || len(u.MergedFrom) == 0 {
		return u
	}
	code := u.MergedFrom[r.IntN(len(u.MergedFrom))]
	if old, ok := survey.UnitAt(g.all, code, day); ok {
		return old
	}
	return u
}
