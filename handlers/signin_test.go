package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

// testPassword is every test account's password; its hash is cheap (cheapCost) so that
// the handler tests stay quick, and checked the same way.
const testPassword = "correct horse battery"

func cheapCost() survey.Argon2Params {
	return survey.Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32}
}

// addUser creates an account of role in the current province code (if any) and the
// office code of its territory (if any).
func addUser(t testing.TB, store *models.Store, name string, role survey.Role, province, office string) models.User {
	t.Helper()
	ctx := context.Background()
	acc := survey.Account{Name: name, Role: role}
	if province != "" {
		units, err := store.Units(ctx)
		if err != nil {
			t.Fatal(err)
		}
		unit, ok := survey.UnitAt(units, province, "2026-01-01")
		if !ok {
			t.Fatalf("no province %s", province)
		}
		acc.ProvinceID = unit.ID
		if office != "" {
			o, err := store.OfficeIn(ctx, survey.UnitIDs(survey.UnitsInto(units, unit)), office)
			if err != nil {
				t.Fatalf("office %s: %v", office, err)
			}
			acc.OfficeID = o.ID
		}
	}
	if err := acc.Validate(); err != nil {
		t.Fatal(err)
	}
	hash, err := survey.HashPassword(testPassword, cheapCost())
	if err != nil {
		t.Fatal(err)
	}
	u := models.User{PasswordHash: hash}
	u.SetAccount(acc)
	if err := store.CreateUser(ctx, &u, models.Actor{Addr: "test", Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	return u
}

// client is a browser: it keeps the cookies it is given and sends the CSRF token of the
// last form it saw.
type client struct {
	t       testing.TB
	h       http.Handler
	cookies map[string]*http.Cookie
	csrf    string
	addr    string // RemoteAddr, "" for httptest's default
}

func newClient(t testing.TB, h http.Handler) *client {
	return &client{t: t, h: h, cookies: map[string]*http.Cookie{}}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// do sends a request with the client's cookies; a form of a state-changing request gets
// the CSRF token unless it has one.
func (cl *client) do(method, target string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	cl.t.Helper()
	var req *http.Request
	if form != nil {
		if _, ok := form[csrfField]; !ok && cl.csrf != "" {
			form = cloneValues(form)
			form.Set(csrfField, cl.csrf)
		}
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	if cl.addr != "" {
		req.RemoteAddr = cl.addr
	}
	for _, c := range cl.cookies {
		req.AddCookie(c)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	cl.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		cl.cookies[c.Name] = c
	}
	if m := csrfInput.FindStringSubmatch(rec.Body.String()); m != nil {
		cl.csrf = m[1]
	}
	return rec
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, x := range v {
		out[k] = append([]string(nil), x...)
	}
	return out
}

// signIn signs name in through the real sign-in form and returns the browser.
func signIn(t testing.TB, h http.Handler, name string) *client {
	t.Helper()
	cl := newClient(t, h)
	if rec := cl.do("GET", "/login", nil, nil); rec.Code != http.StatusOK || cl.csrf == "" {
		t.Fatalf("GET /login: %d, token %q", rec.Code, cl.csrf)
	}
	rec := cl.do("POST", "/login", url.Values{"name": {name}, "password": {testPassword}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d %s", name, rec.Code, rec.Body)
	}
	cl.do("GET", "/account", nil, nil) // the form token of the new session
	return cl
}

// signedIn makes every request without a session cookie the browser's: the tests that
// read dashboards and import files as an administrator stay as they were before sign-in
// existed. A state-changing request also gets the browser's CSRF token as a header.
type signedIn struct {
	h  http.Handler
	mu sync.Mutex
	cl *client
}

func (s *signedIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(sessionName); err != nil {
		s.mu.Lock()
		for _, c := range s.cl.cookies {
			r.AddCookie(c)
		}
		s.mu.Unlock()
	}
	if r.Method != http.MethodGet && r.Header.Get("X-CSRF-Token") == "" {
		r.Header.Set("X-CSRF-Token", s.cl.csrf)
	}
	s.h.ServeHTTP(w, r)
}

// asAdmin creates the administrator "root" (unless the database has it) and returns h
// signed in as root.
func asAdmin(t testing.TB, store *models.Store, h http.Handler) http.Handler {
	t.Helper()
	if _, err := store.UserByName(context.Background(), "root"); err != nil {
		addUser(t, store, "root", survey.RoleAdmin, "", "")
	}
	return &signedIn{h: h, cl: signIn(t, h, "root")}
}

// testClock is the app's clock in a test, which the test may move.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
