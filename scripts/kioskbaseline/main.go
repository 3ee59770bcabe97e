// Command kioskbaseline is the comparison point of scripts/bench's kiosk rows (SPEC §7):
// a bare echo + GORM + SQLite server that validates a kiosk form and writes the same
// response and count rows as sipas, one transaction per response, on SQLite's best plain
// settings (WAL, synchronous=FULL, busy timeout, immediate transactions: models.Open's).
// It shares the statements with sipas (Store.SubmitResponses), as the Go benchmark
// BenchmarkKioskThroughput does, and looks the counter up once at start.
//
//	go run ./scripts/kioskbaseline -db demo.db -addr 127.0.0.1:18480 -counter demo-31
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
)

func main() {
	dsn := flag.String("db", "baseline.db", "SQLite file (made by sipas demo)")
	addr := flag.String("addr", "127.0.0.1:18480", "address to listen on")
	code := flag.String("counter", "demo-31", "the counter the responses are for")
	flag.Parse()
	if err := run(*dsn, *addr, *code); err != nil {
		log.Fatal(err)
	}
}

func run(dsn, addr, code string) error {
	ctx := context.Background()
	store, err := models.Open(dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	k, err := store.KioskByCounter(ctx, code, "sipas-counter")
	if err != nil {
		return fmt.Errorf("counter %s: %w", code, err)
	}
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
	return e.Start(addr)
}
