package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// BenchmarkKioskThroughput compares, in the same run and on the same machine, kiosk
// submissions per second through sipas (group commit) with a bare echo + GORM + SQLite
// handler that writes the same rows one transaction per response, both on a SQLite file
// with WAL and synchronous=FULL, both loaded by the same concurrent HTTP clients.
func BenchmarkKioskThroughput(b *testing.B) {
	const clients, perClient = 32, 60
	baseline := runLoad(b, clients, perClient, func(tb testing.TB) http.Handler { return newBaselineKiosk(tb) })
	sipas := runLoad(b, clients, perClient, func(tb testing.TB) http.Handler {
		return newTestApp(tb, Config{RateLimit: 0, MinSample: 30, Questionnaire: "sipas-counter"}).handler
	})
	b.ReportMetric(baseline, "baseline-responses/s")
	b.ReportMetric(sipas, "sipas-responses/s")
	b.ReportMetric(sipas/baseline, "ratio")
}

// runLoad posts clients×perClient distinct responses through a real loopback server and
// returns the rate of acknowledged (303) responses.
func runLoad(b *testing.B, clients, perClient int, build func(testing.TB) http.Handler) float64 {
	b.Helper()
	srv := httptest.NewServer(build(b))
	defer srv.Close()
	form := allCriteria("4")
	form.Set("field", "land")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perClient {
				f := url.Values{}
				for k, v := range form {
					f[k] = v
				}
				f.Set("response_id", uuid.NewString())
				resp, err := client.Post(srv.URL+"/kiosk/demo-31", "application/x-www-form-urlencoded", strings.NewReader(f.Encode()))
				if err != nil || resp.StatusCode != http.StatusSeeOther {
					failed.Add(1)
				}
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d submissions failed", n)
	}
	return float64(clients*perClient) / elapsed.Seconds()
}

// newBaselineKiosk is the comparison point, BareKiosk, on a seeded store with the demo
// counter.
func newBaselineKiosk(tb testing.TB) http.Handler {
	store, units := openSeededStore(tb)
	counter := addDemoCounter(tb, store, units, "2026-03-10")
	k, err := store.KioskByCounter(context.Background(), counter.Code, "sipas-counter")
	if err != nil {
		tb.Fatal(err)
	}
	return BareKiosk(store, k)
}
