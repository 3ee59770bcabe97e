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
	scenarios := fs.Bool("scenarios", false, "also two counters in Hải Phòng for the early alerts: drop-31, whose answers fell over the last two weeks, and steady-31 (env SIPAS_SCENARIOS)")
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
	set := q.NewSyntheticSet(all, current, *seed, now.AddDate(-2, 0, 0), now)
	counters := make([]models.Counter, len(current))
	dossiers := rand.New(rand.NewPCG(*seed, 0xd055)) // its own stream: the responses stay the same
	for i, u := range current {
		office, err := store.EnsureOffice(ctx, u.ID, "demo-"+u.Code, "Bộ phận Một cửa "+u.Name+" (demo)")
		if err != nil {
			return err
		}
		counter, err := store.EnsureCounter(ctx, office, "demo-"+u.Code, "Quầy tiếp nhận demo "+u.Code)
		if err != nil {
			return err
		}
		// plausible yearly dossiers, so that the dashboards can show sample adequacy
		officeDossiers := int64(12000 + dossiers.IntN(100000))
		if err := store.SetOfficeAnnualDossiers(ctx, office.ID, officeDossiers); err != nil {
			return err
		}
		if err := store.SetCounterAnnualDossiers(ctx, counter.ID, officeDossiers*int64(30+dossiers.IntN(40))/100); err != nil {
			return err
		}
		counters[i] = counter
	}
	fmt.Fprintf(env.stdout, "demo counters ready in %d provinces: /kiosk/demo-<code>, e.g. /kiosk/demo-31\n", len(counters))
	if *scenarios {
		if err := alertScenario(ctx, env, store, q, qrow.ID, *seed, now); err != nil {
			return err
		}
	}
	if *n == 0 {
		return nil
	}
	stored, repeated := 0, 0
	start := time.Now()
	const batchSize = 5000
	for from := 0; from < *n; from += batchSize {
		batch := demoBatch(q, qrow.ID, set, counters, from, min(from+batchSize, *n))
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

// demoBatch turns responses from..to of the synthetic set into responses to store. The
// UUID is derived from the seed and the response's number, so that running the demo twice
// stores nothing twice.
func demoBatch(q *survey.Questionnaire, questionnaireID uint, set *survey.SyntheticSet, counters []models.Counter, from, to int) []models.NewResponse {
	made := set.Batch(from, to)
	out := make([]models.NewResponse, len(made))
	for i, r := range made {
		out[i] = models.NewResponse{
			UUID:    uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "sipas-demo/%d/%d", set.Seed, r.Index)).String(),
			Counter: counters[r.Place], ProvinceID: r.Unit.ID, QuestionnaireID: questionnaireID,
			Channel: models.ChannelKiosk, SubmittedAt: r.At, Submission: r.Submission, Tally: q.Tally(r.Submission),
		}
	}
	return out
}
