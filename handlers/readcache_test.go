package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

// gunzipped is the body of a gzipped answer, decoded; the test fails if it is not gzip.
func gunzipped(t *testing.T, body []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	zr.Multistream(false)
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip body: %v", err)
	}
	return string(plain)
}

func nationalResponsesIn(t *testing.T, body string) int64 {
	t.Helper()
	var doc struct {
		National struct {
			Responses int64 `json:"responses"`
		} `json:"national"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return doc.National.Responses
}

// appWithOneResponse is a test app whose kiosk demo-31 has stored one response (id).
func appWithOneResponse(t *testing.T, id string) *testApp {
	t.Helper()
	ta := newTestApp(t, Config{MinSample: 30, Questionnaire: "sipas-counter"})
	form := allCriteria("4")
	form.Set("field", "land")
	form.Set("response_id", id)
	if rec := ta.do("POST", "/kiosk/demo-31", form, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("kiosk: %d", rec.Code)
	}
	return ta
}

// The national document is answered from what was kept while the counts stay: the same
// bytes plain and gzipped, 304 to a client that has them, and new figures as soon as
// another process (a second store on the same database: `sipas import`, another serve)
// stores a response.
func TestReadCacheNoticesAnotherProcess(t *testing.T) {
	ta := appWithOneResponse(t, "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	const target = "/api/v1/sipas?year=2026"
	zipped := ta.do("GET", target, nil, map[string]string{"Accept-Encoding": "gzip"})
	plain := ta.do("GET", target, nil, nil)
	etag := zipped.Header().Get("ETag")
	if zipped.Code != 200 || zipped.Header().Get("Content-Encoding") != "gzip" || etag == "" {
		t.Fatalf("gzipped: %d %v", zipped.Code, zipped.Header())
	}
	if plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("ETag") != etag {
		t.Fatalf("plain: %v", plain.Header())
	}
	if got := gunzipped(t, zipped.Body.Bytes()); got != plain.Body.String() {
		t.Fatalf("the gzipped answer differs from the plain one:\n%s\n%s", got, plain.Body)
	}
	if n := nationalResponsesIn(t, plain.Body.String()); n != 1 {
		t.Fatalf("%d responses, want 1", n)
	}
	if rec := ta.do("GET", target, nil, map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Fatalf("If-None-Match: %d %q", rec.Code, rec.Body)
	}

	other, err := models.Open(ta.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	k, err := other.KioskByCounter(ctx, "demo-31", "sipas-counter")
	if err != nil {
		t.Fatal(err)
	}
	answers := allCriteria("2")
	answers.Set("field", "land")
	sub, err := k.Q.Validate(answers)
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.SubmitResponses(ctx, []models.NewResponse{{UUID: "9b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a12", Counter: k.Counter,
		ProvinceID: k.Counter.ProvinceID, QuestionnaireID: k.Questionnaire.ID, Channel: models.ChannelKiosk,
		SubmittedAt: time.Date(2026, 3, 10, 10, 0, 0, 0, survey.VietnamTime()), Submission: sub, Tally: k.Q.Tally(sub)}})
	if err != nil {
		t.Fatal(err)
	}
	after := ta.do("GET", target, nil, map[string]string{"If-None-Match": etag})
	if after.Code != 200 || after.Header().Get("ETag") == etag {
		t.Fatalf("after another process's write: %d, ETag %q", after.Code, after.Header().Get("ETag"))
	}
	if n := nationalResponsesIn(t, after.Body.String()); n != 2 {
		t.Fatalf("%d responses after another process's write, want 2", n)
	}
}

// A kept dashboard is the same page for every reader of a role and scope but for its
// navigation: each reader sees their own name and sign-out token and never another's,
// plain or gzipped, and their own ETag.
func TestKeptDashboardNeverShowsAnotherUser(t *testing.T) {
	ta := newTestApp(t, Config{MinSample: 30, Questionnaire: "sipas-counter"})
	addUser(t, ta.store, "alicequang", survey.RoleAdmin, "", "")
	addUser(t, ta.store, "bobnguyen", survey.RoleAdmin, "", "")
	alice := signIn(t, ta.router, "alicequang")
	bob := signIn(t, ta.router, "bobnguyen")
	const target = "/dashboard/province/31?year=2026&lang=en"
	pages := map[string]string{}
	etags := map[string]string{}
	for i, reader := range []struct {
		name string
		cl   *client
		gzip bool
	}{{"alicequang", alice, false}, {"bobnguyen", bob, true}, {"alicequang", alice, true}, {"bobnguyen", bob, false}} {
		header := map[string]string{}
		if reader.gzip {
			header["Accept-Encoding"] = "gzip"
		}
		token := reader.cl.csrf
		rec := reader.cl.do("GET", target, nil, header)
		if rec.Code != 200 {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
		body := rec.Body.String()
		if reader.gzip {
			body = gunzipped(t, rec.Body.Bytes())
		}
		other := "bobnguyen"
		if reader.name == other {
			other = "alicequang"
		}
		if !strings.Contains(body, reader.name) || strings.Contains(body, other) || !strings.Contains(body, `value="`+token+`"`) {
			t.Errorf("request %d (%s): the page does not show its reader alone", i, reader.name)
		}
		if prev, ok := pages[reader.name]; ok && prev != body {
			t.Errorf("request %d (%s): a kept page differs from the first one", i, reader.name)
		}
		pages[reader.name] = body
		etags[reader.name] = rec.Header().Get("ETag")
	}
	if strings.ReplaceAll(strings.ReplaceAll(pages["alicequang"], "alicequang", "bobnguyen"), alice.csrf, bob.csrf) != pages["bobnguyen"] {
		t.Error("the two readers' pages differ in more than their navigation")
	}
	if etags["alicequang"] == etags["bobnguyen"] {
		t.Error("two readers' pages share an ETag")
	}
	if rec := bob.do("GET", target, nil, map[string]string{"If-None-Match": etags["bobnguyen"]}); rec.Code != http.StatusNotModified {
		t.Errorf("bob's own ETag: %d", rec.Code)
	}
	if rec := alice.do("GET", target, nil, map[string]string{"If-None-Match": etags["bobnguyen"]}); rec.Code != 200 {
		t.Errorf("alice with bob's ETag: %d", rec.Code)
	}
}

// Kept answers own their bytes: the buffers and compressors that made them are used again
// for the next answers, and the first answer is still the same, plain and gzipped.
func TestKeptAnswersOutliveTheirBuffers(t *testing.T) {
	ta := appWithOneResponse(t, "1b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	gz := map[string]string{"Accept-Encoding": "gzip"}
	targets := []string{"/api/v1/sipas?year=2026", "/api/v1/sipas?year=2025", "/api/v1/sipas?from=2026-01-05&to=2026-11-20",
		"/api/v1/sipas?quarter=1&year=2026"}
	first := map[string]string{}
	for _, target := range targets {
		rec := ta.do("GET", target, nil, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", target, rec.Code)
		}
		first[target] = rec.Body.String()
	}
	for _, target := range targets {
		plain := ta.do("GET", target, nil, nil)
		zipped := ta.do("GET", target, nil, gz)
		if plain.Body.String() != first[target] {
			t.Errorf("%s changed once other answers were made:\n%s\n%s", target, first[target], plain.Body)
		}
		if got := gunzipped(t, zipped.Body.Bytes()); got != first[target] {
			t.Errorf("%s gzipped differs from its first answer:\n%s\n%s", target, got, first[target])
		}
	}
}

func TestSparesKeepAFew(t *testing.T) {
	var s spares[int]
	if _, ok := s.get(); ok {
		t.Fatal("an empty spares gave a value")
	}
	for i := range sparesKept + 2 {
		s.put(i)
	}
	var got []int
	for {
		v, ok := s.get()
		if !ok {
			break
		}
		got = append(got, v)
	}
	if want := []int{3, 2, 1, 0}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// A kept document is gzipped once, when a client first asks for it, however many ask at
// once, and the cache counts those bytes for as long as it keeps it.
func TestDocumentsAreGzippedOnceAskedFor(t *testing.T) {
	var rc readCache
	doc := []byte(strings.Repeat(`{"sipas": 91.8848346800255}`, 200))
	e := &cachedRead{key: "k", version: 1, ctype: "application/json", head: doc}
	rc.put(e)
	before := rc.size
	if e.headZ != nil {
		t.Fatal("gzipped before anyone asked")
	}
	zs := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range zs {
		wg.Go(func() { zs[i] = rc.zipped(e) })
	}
	wg.Wait()
	for _, z := range zs {
		if &z[0] != &zs[0][0] {
			t.Fatal("gzipped more than once")
		}
	}
	if got := gunzipped(t, zs[0]); got != string(doc) {
		t.Fatalf("gunzipped %q", got)
	}
	if rc.size != before+len(zs[0]) {
		t.Fatalf("size %d, want %d + %d", rc.size, before, len(zs[0]))
	}
	rc.mu.Lock()
	rc.remove(rc.entries["k"])
	rc.mu.Unlock()
	if rc.size != 0 {
		t.Fatalf("size %d once removed", rc.size)
	}
}

// Many first requests of the same document at once, some asking for gzip and some not,
// all get the same figures: one makes the answer, the others wait for it, and it is
// gzipped once however many ask.
func TestFirstRequestsAtOnceAgree(t *testing.T) {
	ta := appWithOneResponse(t, "2b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	const target = "/api/v1/sipas?from=2026-01-03&to=2026-11-27"
	recs := make([]*httptest.ResponseRecorder, 16)
	var wg sync.WaitGroup
	for i := range recs {
		wg.Go(func() {
			var header map[string]string
			if i%2 == 0 {
				header = map[string]string{"Accept-Encoding": "gzip"}
			}
			recs[i] = ta.do("GET", target, nil, header)
		})
	}
	wg.Wait()
	bodies := make([]string, len(recs))
	for i, rec := range recs {
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
		bodies[i] = rec.Body.String()
		if zipped := rec.Header().Get("Content-Encoding") == "gzip"; zipped != (i%2 == 0) {
			t.Fatalf("request %d: Content-Encoding %q", i, rec.Header().Get("Content-Encoding"))
		} else if zipped {
			bodies[i] = gunzipped(t, rec.Body.Bytes())
		}
		if bodies[i] != bodies[0] {
			t.Fatalf("request %d got another document:\n%s\n%s", i, bodies[i], bodies[0])
		}
	}
	if n := nationalResponsesIn(t, bodies[0]); n != 1 {
		t.Fatalf("%d responses, want 1", n)
	}
}
