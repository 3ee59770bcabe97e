package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
)

// BareKiosk is the comparison point of the kiosk's throughput (SPEC §7), not part of
// sipas: echo, GORM and SQLite at their best plain settings (the store's), validating the
// form and writing the same response and count rows through the same statements, one
// transaction per response, for the counter k looked up once. BenchmarkKioskThroughput
// and scripts/kioskbaseline (scripts/bench's process) serve it.
func BareKiosk(store *models.Store, k models.Kiosk) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.POST("/kiosk/:counter", func(c echo.Context) error {
		form, err := c.FormParams()
		if err != nil {
			return c.String(http.StatusBadRequest, err.Error())
		}
		id := form.Get("response_id")
		form.Del("response_id")
		form.Del("lang")
		sub, err := k.Q.Validate(form)
		if err != nil {
			return c.String(http.StatusBadRequest, err.Error())
		}
		_, err = store.SubmitResponses(c.Request().Context(), []models.NewResponse{{
			UUID: id, Counter: k.Counter, ProvinceID: k.Counter.ProvinceID, QuestionnaireID: k.Questionnaire.ID,
			Channel: models.ChannelKiosk, SubmittedAt: time.Now(), Submission: sub, Tally: k.Q.Tally(sub),
		}})
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return c.Redirect(http.StatusSeeOther, "/kiosk/"+k.Counter.Code+"/thanks")
	})
	return e
}
