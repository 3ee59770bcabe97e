package handlers

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/static"
	"sipas/survey"
)

// testApp is the real app over a fresh SQLite file with reference data, one office and
// the counter demo-31 in today's Hải Phòng, the administrator "root", and a clock fixed
// at now that a test may move. handler is the router as root's browser (see signedIn);
// router is the router itself, for requests of somebody else or of nobody.
type testApp struct {
	store   *models.Store
	dbPath  string // the SQLite file, for tests that look at the rows themselves
	app     *App
	handler http.Handler
	router  *echo.Echo
	now     time.Time
	clock   *testClock
	counter models.Counter
}

func newTestApp(t testing.TB, cfg Config) *testApp {
	t.Helper()
	ta := newBareApp(t, cfg)
	ta.handler = asAdmin(t, ta.store, ta.router)
	return ta
}

// newBareApp is newTestApp without any account: nobody can sign in yet.
func newBareApp(t testing.TB, cfg Config) *testApp {
	t.Helper()
	return newBareAppAt(t, cfg, filepath.Join(t.TempDir(), "sipas.db"))
}

// newBareAppAt is newBareApp over the SQLite file at dbPath.
func newBareAppAt(t testing.TB, cfg Config, dbPath string) *testApp {
	t.Helper()
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, survey.VietnamTime())
	store, units := openSeededStoreAt(t, dbPath)
	counter := addDemoCounter(t, store, units, "2026-03-10")
	clock := &testClock{t: now}
	app, err := New(store, static.FS(), cfg, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	router := app.Handler()
	return &testApp{store: store, dbPath: dbPath, app: app, handler: router, router: router, now: now, clock: clock, counter: counter}
}

// rawDB opens the app's SQLite file beside the store, for a test that checks or sets
// what no page or command does yet (the rows as stored; a counter's preset field).
func (ta *testApp) rawDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", ta.dbPath) // the driver the store's SQLite dialect registers
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openSeededStore opens a fresh SQLite file in the test's directory with the reference
// data, as serve does, and returns it with the provincial units.
func openSeededStore(t testing.TB) (*models.Store, []survey.Unit) {
	t.Helper()
	return openSeededStoreAt(t, filepath.Join(t.TempDir(), "sipas.db"))
}

// openSeededStoreAt is openSeededStore with the file at path.
func openSeededStoreAt(t testing.TB, path string) (*models.Store, []survey.Unit) {
	t.Helper()
	ctx := context.Background()
	store, err := models.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.EnsureReferenceData(ctx, survey.OfficialUnits(), survey.OfficialQuestionnaireJSON()); err != nil {
		t.Fatal(err)
	}
	units, err := store.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return store, units
}

// addDemoCounter adds the office and counter demo-31 to Hải Phòng as in force on day.
func addDemoCounter(t testing.TB, store *models.Store, units []survey.Unit, day string) models.Counter {
	t.Helper()
	ctx := context.Background()
	hp, ok := survey.UnitAt(units, "31", day)
	if !ok {
		t.Fatalf("no province 31 on %s", day)
	}
	office, err := store.EnsureOffice(ctx, hp.ID, "demo-31", "Bộ phận Một cửa Hải Phòng")
	if err != nil {
		t.Fatal(err)
	}
	counter, err := store.EnsureCounter(ctx, office, "demo-31", "Quầy 1")
	if err != nil {
		t.Fatal(err)
	}
	return counter
}

// do sends a request through the real router, as root unless it carries a session cookie.
func (ta *testApp) do(method, target string, body url.Values, header map[string]string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	ta.handler.ServeHTTP(rec, req)
	return rec
}

// allCriteria answers every criterion with v.
func allCriteria(v string) url.Values {
	form := url.Values{}
	for _, code := range survey.Official().CriterionCodes() {
		form.Set(code, v)
	}
	return form
}

func TestHealthz(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	if rec := ta.do("GET", "/healthz", nil, nil); rec.Code != 200 {
		t.Fatalf("healthz %d", rec.Code)
	}
}

// The router's own refusals are worded in the page's language, not in echo's English.
func TestRouterErrorsInThePageLanguage(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	tests := []struct {
		method, target string
		status         int
		want           string
	}{
		{"GET", "/nope", 404, "Không tìm thấy trang này."},
		{"GET", "/nope?lang=en", 404, "This page does not exist."},
		{"POST", "/dashboard", 405, "Trang này không nhận yêu cầu kiểu này."},
		{"DELETE", "/dashboard?lang=en", 405, "This page does not accept this kind of request."},
	}
	for _, tt := range tests {
		rec := ta.do(tt.method, tt.target, nil, nil)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s %s: %d, want %d with %q:\n%s", tt.method, tt.target, rec.Code, tt.status, tt.want, rec.Body.String())
		}
	}
}
