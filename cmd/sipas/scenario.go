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

// alertScenario adds, for sipas demo -scenarios, two counters to Hải Phòng's demo office
// with 12 responses a day over the last 120 days: drop-31, whose answers fell by almost a
// point of the scale over the last two weeks (an early alert), and steady-31, which did
// not. Running it twice stores nothing twice.
func alertScenario(ctx context.Context, env cmdEnv, store *models.Store, q *survey.Questionnaire, questionnaireID uint, seed uint64, now time.Time) error {
	units, err := store.Units(ctx)
	if err != nil {
		return err
	}
	hp, ok := survey.UnitAt(units, "31", now.In(survey.VietnamTime()).Format("2006-01-02"))
	if !ok {
		return fmt.Errorf("no province 31 today")
	}
	office, err := store.EnsureOffice(ctx, hp.ID, "demo-31", "Bộ phận Một cửa "+hp.Name+" (demo)")
	if err != nil {
		return err
	}
	profile := q.NewSynthetic(rand.New(rand.NewPCG(seed, 0x31)))
	profile.Quality = 4.5
	fallFrom := survey.DayOf(now).AddDate(0, 0, -13)
	for i, sc := range []struct {
		code, name string
		shift      func(time.Time) float64
	}{
		{"drop-31", "Quầy đất đai (demo: giảm 2 tuần qua)", func(d time.Time) float64 {
			if d.Before(fallFrom) {
				return 0
			}
			return -0.9
		}},
		{"steady-31", "Quầy hộ tịch (demo: ổn định)", func(time.Time) float64 { return 0 }},
	} {
		counter, err := store.EnsureCounter(ctx, office, sc.code, sc.name)
		if err != nil {
			return err
		}
		var batch []models.NewResponse
		for _, r := range q.DailyResponses(profile, now.AddDate(0, 0, -120), now, 12, sc.shift, seed+uint64(i)) {
			if r.At.After(now) {
				continue
			}
			batch = append(batch, models.NewResponse{
				UUID:    uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "sipas-demo/%s/%d/%d", sc.code, seed, r.Index)).String(),
				Counter: counter, ProvinceID: hp.ID, QuestionnaireID: questionnaireID, Channel: models.ChannelKiosk,
				SubmittedAt: r.At, Submission: r.Submission, Tally: q.Tally(r.Submission)})
		}
		outcomes, err := store.SubmitResponses(ctx, batch)
		if err != nil {
			return err
		}
		stored := 0
		for _, o := range outcomes {
			if o == models.Stored {
				stored++
			}
		}
		fmt.Fprintf(env.stdout, "counter %s: %d responses over 120 days (%d new)\n", sc.code, len(batch), stored)
	}
	fmt.Fprintf(env.stdout, "drop-31's answers fell from %s: serve's alert scan (or /admin/alerts, Scan now) raises an alert for it and its office\n", fallFrom.Format("2006-01-02"))
	return nil
}
