package handlers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

// storeShares stores n responses at counter c on day at (Vietnam time, 10:00), satisfied
// of them answering every criterion 5 and the others 2: every index is 100·satisfied/n.
func storeShares(t testing.TB, store *models.Store, c models.Counter, at time.Time, n, satisfied int) {
	t.Helper()
	ctx := context.Background()
	qrow, q, err := store.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		t.Fatal(err)
	}
	units, err := store.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	province := c.ProvinceID
	for _, u := range units { // the unit in force that day on the counter's territory
		if u.ID == c.ProvinceID && !u.ValidOn(at.Format("2006-01-02")) {
			for _, f := range survey.UnitsInto(units, u)[1:] {
				if f.ValidOn(at.Format("2006-01-02")) {
					province = f.ID
				}
			}
		}
	}
	batch := make([]models.NewResponse, n)
	for i := range batch {
		v := 2
		if i < satisfied {
			v = 5
		}
		sub := survey.Submission{Criteria: map[string]int{}, Answers: map[string]string{}}
		for _, code := range q.CriterionCodes() {
			sub.Criteria[code] = v
		}
		batch[i] = models.NewResponse{UUID: fmt.Sprintf("seed-%s-%s-%d", c.Code, at.Format("20060102150405"), i),
			Counter: c, ProvinceID: province, QuestionnaireID: qrow.ID, Channel: models.ChannelKiosk,
			SubmittedAt: at.Add(time.Duration(i) * time.Second), Submission: sub, Tally: q.Tally(sub)}
	}
	if _, err := store.SubmitResponses(ctx, batch); err != nil {
		t.Fatal(err)
	}
}

// vnDay is 10:00 on a day in Vietnam.
func vnDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, survey.VietnamTime())
}
