package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"sipas/models"
	"sipas/survey"
)

// accessRole is one of the people the route × role test acts as.
type accessRole struct {
	name      string      // the account; "" for somebody not signed in
	role      survey.Role // "" anonymous
	provinces []string    // current province codes in scope; nil: all
}

func accessRoles() []accessRole {
	return []accessRole{
		{name: ""},
		{"hp", survey.RoleOfficial, []string{"31"}},
		{"hp-office", survey.RoleOfficial, []string{"31"}},
		{"dn-admin", survey.RoleProvinceAdmin, []string{"48"}},
		{"root", survey.RoleAdmin, nil},
	}
}

// routeCase is one request to a route and what it answers when the rule lets it through.
type routeCase struct {
	route    string // "METHOD /path" as the router has it
	rule     rule   // what the route must require (checked against accessRules too)
	target   string
	form     url.Values // nil for GET
	ok       int        // the status when let through
	okSigned int        // the status when let through for a signed-in user, if another
	okScoped int        // … for a signed-in user of one province (a province admin), if another
	location string     // for a 303 when let through: the start of Location
	code     string     // the province in the path
}

// routeFixture names what the cases' paths point at: an account of Hải Phòng, a draft of
// Hải Phòng's admins, a kiosk device of the counter demo-31 and an import job of the
// administrator's (the whole country's).
type routeFixture struct {
	user, draft, device, job uint
}

// newRouteFixture adds to the test app what routeCases act on: an official of Hải Phòng,
// a draft owned by Hải Phòng, an office "spare" with the counter "spare-1" (the cases
// close, reopen and move these) and a device registered at demo-31.
func newRouteFixture(t testing.TB, ta *testApp) routeFixture {
	t.Helper()
	ctx := context.Background()
	target := addUser(t, ta.store, "target", survey.RoleOfficial, "31", "")
	by := models.Actor{Name: "root", Now: ta.now}
	hp := provinceID(t, ta.store, "31")
	d, err := ta.store.StartDraft(ctx, 1, hp, by)
	if err != nil {
		t.Fatal(err)
	}
	spare := models.Office{ProvinceID: hp, Code: "spare", Name: "Spare office"}
	if err := ta.store.CreateOffice(ctx, &spare, []uint{hp}, by); err != nil {
		t.Fatal(err)
	}
	if err := ta.store.CreateCounter(ctx, &models.Counter{OfficeID: spare.ID, ProvinceID: hp, Code: "spare-1", Name: "Spare 1"}, by); err != nil {
		t.Fatal(err)
	}
	if err := ta.store.CreateDeviceLink(ctx, ta.counter, "route-link", ta.now.Add(time.Hour), by); err != nil {
		t.Fatal(err)
	}
	dev, _, err := ta.store.RegisterDevice(ctx, "route-link", "Route tablet", "route-device", by)
	if err != nil {
		t.Fatal(err)
	}
	job, err := ta.app.imports.Queue(ctx, models.NewImport{FileName: "national.csv", Questionnaire: ta.app.cfg.Questionnaire,
		Scope: models.AllProvinces(), By: by}, strings.NewReader(paperCSV), int64(len(paperCSV)))
	if err != nil {
		t.Fatal(err)
	}
	return routeFixture{user: target.ID, draft: d.ID, device: dev.ID, job: job.ID}
}

// provinceID is the ID of the current province with code.
func provinceID(t testing.TB, store *models.Store, code string) uint {
	t.Helper()
	units, err := store.Units(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u, ok := survey.UnitAt(units, code, "2026-03-10")
	if !ok {
		t.Fatalf("no province %s", code)
	}
	return u.ID
}

// routeCases are the requests of TestRoutesByRole, at least one per route.
func routeCases(fx routeFixture) []routeCase {
	kiosk := func() url.Values {
		f := allCriteria("4")
		f.Set("response_id", uuid.NewString())
		f.Set("field", "land")
		return f
	}
	empty := url.Values{}
	user := fmt.Sprintf("/admin/users/%d", fx.user)
	p31 := "/admin/provinces/31"
	draft := fmt.Sprintf("/admin/questionnaires/drafts/%d", fx.draft)
	device := fmt.Sprintf("%s/devices/%d", p31, fx.device)
	phone := url.Values{"response_id": {uuid.NewString()}, "E1.1": {"5"}}
	job := fmt.Sprintf("/admin/imports/%d", fx.job)
	return append([]routeCase{
		{route: "GET /healthz", rule: rulePublic, target: "/healthz", ok: 200},
		{route: "GET /static*", rule: rulePublic, target: "/static/css/app.css", ok: 200},
		{route: "GET /sw.js", rule: rulePublic, target: "/sw.js", ok: 200},
		{route: "GET /", rule: rulePublic, target: "/", ok: 303, location: "/dashboard"},
		{route: "GET /kiosk/:counter", rule: rulePublic, target: "/kiosk/demo-31", ok: 200},
		{route: "GET /kiosk/:counter/thanks", rule: rulePublic, target: "/kiosk/demo-31/thanks", ok: 200},
		{route: "POST /kiosk/:counter", rule: ruleKiosk, target: "/kiosk/demo-31", form: kiosk(), ok: 303, location: "/kiosk/demo-31/thanks"},
		{route: "GET /login", rule: rulePublic, target: "/login", ok: 200, okSigned: 303, location: "/dashboard"},
		{route: "POST /login", rule: rulePublic, target: "/login", form: url.Values{"name": {"nobody"}, "password": {"wrong password!"}}, ok: 401},
		{route: "GET /setup/:token", rule: rulePublic, target: "/setup/not-a-token", ok: 404},
		{route: "POST /setup/:token", rule: rulePublic, target: "/setup/not-a-token", form: empty, ok: 404},
		{route: "GET /dashboard", rule: ruleFigures, target: "/dashboard", ok: 200},
		{route: "GET /api/v1/sipas", rule: ruleFigures, target: "/api/v1/sipas?year=2026", ok: 200},
		{route: "GET /export.csv", rule: ruleFigures, target: "/export.csv?year=2026", ok: 200},
		{route: "GET /export.xlsx", rule: ruleFigures, target: "/export.xlsx?year=2026", ok: 200},
		{route: "GET /export.json", rule: ruleFigures, target: "/export.json?year=2026", ok: 200},
		{route: "GET /dashboard/province/:code", rule: ruleOfficial, target: "/dashboard/province/31", ok: 200, code: "31"},
		{route: "GET /dashboard/province/:code", rule: ruleOfficial, target: "/dashboard/province/48", ok: 200, code: "48"},
		{route: "GET /dashboard/province/:code", rule: ruleOfficial, target: "/dashboard/province/30?year=2024", ok: 200, code: "31"}, // Hải Dương, merged into Hải Phòng
		{route: "GET /api/v1/sipas/provinces/:code", rule: ruleOfficial, target: "/api/v1/sipas/provinces/31", ok: 200, code: "31"},
		{route: "GET /api/v1/sipas/provinces/:code", rule: ruleOfficial, target: "/api/v1/sipas/provinces/48?lang=en", ok: 200, code: "48"},
		{route: "GET /account", rule: ruleSignedIn, target: "/account", ok: 200},
		{route: "POST /account/password", rule: ruleSignedIn, target: "/account/password", form: empty, ok: 400},
		{route: "POST /account/sessions/end", rule: ruleSignedIn, target: "/account/sessions/end", form: empty, ok: 400},
		{route: "POST /logout", rule: ruleSignedIn, target: "/logout", form: empty, ok: 303, location: "/login?lang=vi"},
		{route: "GET /admin/import", rule: ruleProvinceAdmin, target: "/admin/import", ok: 200},
		{route: "GET /admin/import/template.csv", rule: ruleProvinceAdmin, target: "/admin/import/template.csv", ok: 200},
		{route: "POST /admin/import", rule: ruleProvinceAdmin, target: "/admin/import", form: empty, ok: 400},
		{route: "GET /admin/imports", rule: ruleProvinceAdmin, target: "/admin/imports", ok: 200},
		// a national job: a province admin does not see it
		{route: "GET /admin/imports/:id", rule: ruleProvinceAdmin, target: job, ok: 200, code: "00"},
		{route: "GET /admin/users", rule: ruleProvinceAdmin, target: "/admin/users", ok: 200},
		{route: "POST /admin/users", rule: ruleProvinceAdmin, target: "/admin/users", form: empty, ok: 400},
		// the target is an official of Hải Phòng: only the administrator manages it here
		{route: "GET /admin/users/:id", rule: ruleProvinceAdmin, target: user, ok: 200, code: "31"},
		{route: "POST /admin/users/:id", rule: ruleProvinceAdmin, target: user, form: empty, ok: 400, code: "31"},
		{route: "POST /admin/users/:id/password", rule: ruleProvinceAdmin, target: user + "/password", form: empty, ok: 400, code: "31"},
		{route: "POST /admin/users/:id/disable", rule: ruleProvinceAdmin, target: user + "/disable", form: empty, ok: 303, location: "/admin/users", code: "31"},
		{route: "POST /admin/users/:id/enable", rule: ruleProvinceAdmin, target: user + "/enable", form: empty, ok: 303, location: "/admin/users", code: "31"},
		{route: "GET /admin", rule: ruleProvinceAdmin, target: "/admin", ok: 200},
		{route: "GET /admin/audit", rule: ruleAdmin, target: "/admin/audit", ok: 200},
		{route: "GET /admin/audit.csv", rule: ruleAdmin, target: "/admin/audit.csv", ok: 200},

		// the citizen's phone and the kiosk's reports
		{route: "GET /q/:counter", rule: rulePublic, target: "/q/demo-31", ok: 200},
		{route: "GET /q/:counter/thanks", rule: rulePublic, target: "/q/demo-31/thanks", ok: 200},
		{route: "POST /q/:counter", rule: ruleKiosk, target: "/q/demo-31", form: phone, ok: 303, location: "/q/demo-31/thanks"},
		{route: "POST /kiosk/:counter/ping", rule: ruleKiosk, target: "/kiosk/demo-31/ping", form: empty, ok: 204},
		{route: "GET /device/:token", rule: rulePublic, target: "/device/no-such-link", ok: 404},
		{route: "POST /device/:token", rule: rulePublic, target: "/device/no-such-link", form: url.Values{"name": {"x"}}, ok: 404},

		// offices, counters, devices and the fleet of a province: its admins' and the administrators'
		{route: "GET /admin/places", rule: ruleProvinceAdmin, target: "/admin/places", ok: 200, okScoped: 303, location: "/admin/provinces/"},
		{route: "GET /admin/fleet", rule: ruleProvinceAdmin, target: "/admin/fleet", ok: 303, location: "/admin/"},
		{route: "GET /admin/provinces/:code/offices", rule: ruleProvinceAdmin, target: p31 + "/offices", ok: 200, code: "31"},
		{route: "GET /admin/provinces/:code/offices", rule: ruleProvinceAdmin, target: "/admin/provinces/48/offices?lang=en", ok: 200, code: "48"},
		{route: "POST /admin/provinces/:code/offices", rule: ruleProvinceAdmin, target: p31 + "/offices", form: empty, ok: 400, code: "31"},
		{route: "GET /admin/provinces/:code/offices/:office", rule: ruleProvinceAdmin, target: p31 + "/offices/demo-31", ok: 200, code: "31"},
		{route: "POST /admin/provinces/:code/offices/:office", rule: ruleProvinceAdmin, target: p31 + "/offices/demo-31", form: empty, ok: 400, code: "31"},
		{route: "POST /admin/provinces/:code/offices/:office/close", rule: ruleProvinceAdmin, target: p31 + "/offices/spare/close", form: empty, ok: 303, location: p31 + "/offices/spare", code: "31"},
		{route: "POST /admin/provinces/:code/offices/:office/reopen", rule: ruleProvinceAdmin, target: p31 + "/offices/spare/reopen", form: empty, ok: 303, location: p31 + "/offices/spare", code: "31"},
		{route: "POST /admin/provinces/:code/offices/:office/counters", rule: ruleProvinceAdmin, target: p31 + "/offices/demo-31/counters", form: empty, ok: 400, code: "31"},
		{route: "GET /admin/provinces/:code/counters/:counter", rule: ruleProvinceAdmin, target: p31 + "/counters/demo-31", ok: 200, code: "31"},
		{route: "POST /admin/provinces/:code/counters/:counter", rule: ruleProvinceAdmin, target: p31 + "/counters/demo-31", form: empty, ok: 400, code: "31"},
		{route: "POST /admin/provinces/:code/counters/:counter/move", rule: ruleProvinceAdmin, target: p31 + "/counters/spare-1/move", form: url.Values{"office": {"nowhere"}}, ok: 303, location: p31 + "/counters/spare-1", code: "31"},
		{route: "POST /admin/provinces/:code/counters/:counter/close", rule: ruleProvinceAdmin, target: p31 + "/counters/spare-1/close", form: empty, ok: 303, location: p31 + "/counters/spare-1", code: "31"},
		{route: "POST /admin/provinces/:code/counters/:counter/reopen", rule: ruleProvinceAdmin, target: p31 + "/counters/spare-1/reopen", form: empty, ok: 303, location: p31 + "/counters/spare-1", code: "31"},
		{route: "GET /admin/provinces/:code/counters/:counter/card", rule: ruleProvinceAdmin, target: p31 + "/counters/demo-31/card", ok: 200, code: "31"},
		{route: "POST /admin/provinces/:code/counters/:counter/devices", rule: ruleProvinceAdmin, target: p31 + "/counters/demo-31/devices", form: empty, ok: 200, code: "31"},
		{route: "POST /admin/provinces/:code/devices/:device", rule: ruleProvinceAdmin, target: device, form: empty, ok: 303, location: p31 + "/counters/demo-31", code: "31"},
		{route: "POST /admin/provinces/:code/devices/:device/revoke", rule: ruleProvinceAdmin, target: device + "/revoke", form: empty, ok: 303, location: p31 + "/counters/demo-31", code: "31"},
		{route: "GET /admin/provinces/:code/fleet", rule: ruleProvinceAdmin, target: p31 + "/fleet", ok: 200, code: "31"},
		{route: "POST /admin/provinces/:code/fleet/hours", rule: ruleProvinceAdmin, target: p31 + "/fleet/hours", form: empty, ok: 400, code: "31"},

		// questionnaires: every province admin may design and assign within its province; the
		// draft here is Hải Phòng's (code "31": Đà Nẵng's admin may not open it)
		{route: "GET /admin/questionnaires", rule: ruleProvinceAdmin, target: "/admin/questionnaires", ok: 200},
		{route: "POST /admin/questionnaires/drafts", rule: ruleProvinceAdmin, target: "/admin/questionnaires/drafts", form: empty, ok: 400},
		{route: "GET /admin/questionnaires/drafts/:draft", rule: ruleProvinceAdmin, target: draft, ok: 200, code: "31"},
		{route: "POST /admin/questionnaires/drafts/:draft", rule: ruleProvinceAdmin, target: draft, form: empty, ok: 303, location: draft, code: "31"},
		{route: "GET /admin/questionnaires/drafts/:draft/preview", rule: ruleProvinceAdmin, target: draft + "/preview", ok: 200, code: "31"},
		{route: "GET /admin/questionnaires/drafts/:draft/preview/frame", rule: ruleProvinceAdmin, target: draft + "/preview/frame?lang=en", ok: 200, code: "31"},
		{route: "POST /admin/questionnaires/drafts/:draft/publish", rule: ruleProvinceAdmin, target: draft + "/publish", form: empty, ok: 303, location: draft, code: "31"},
		{route: "POST /admin/questionnaires/drafts/:draft/discard", rule: ruleProvinceAdmin, target: draft + "/discard", form: empty, ok: 303, location: draft, code: "31"},
		{route: "GET /admin/questionnaires/versions/:version", rule: ruleProvinceAdmin, target: "/admin/questionnaires/versions/1", ok: 200},
		{route: "GET /admin/questionnaires/versions/:version/questionnaire.json", rule: ruleProvinceAdmin, target: "/admin/questionnaires/versions/1/questionnaire.json", ok: 200},
		{route: "POST /admin/questionnaires/versions/:version/assign", rule: ruleProvinceAdmin, target: "/admin/questionnaires/versions/1/assign", form: empty, ok: 400},
		{route: "GET /admin/questionnaires/versions/:version/paper", rule: ruleProvinceAdmin, target: "/admin/questionnaires/versions/1/paper", ok: 200},
		{route: "GET /admin/questionnaires/versions/:version/paper", rule: ruleProvinceAdmin, target: "/admin/questionnaires/versions/1/paper?counter=demo-31", ok: 200, code: "31"},
		{route: "GET /admin/questionnaires/versions/:version/template.csv", rule: ruleProvinceAdmin, target: "/admin/questionnaires/versions/1/template.csv?counter=demo-31", ok: 200, code: "31"},
		{route: "GET /admin/questionnaires/versions/:version/template.xlsx", rule: ruleProvinceAdmin, target: "/admin/questionnaires/versions/1/template.xlsx?office=demo-31&province=31", ok: 200, code: "31"},
	}, insightRouteCases()...)
}

// expected is the status of a case for a role: 303 to /login (401 for the API) for
// somebody not signed in where the rule needs a user, 403 out of role or scope, else
// the case's own.
func (rc routeCase) expected(r accessRole, figuresNeedSignIn bool) (int, string) {
	login := "/login?next="
	if rc.form != nil {
		login = "/login"
	}
	needsUser := rc.rule >= ruleSignedIn || rc.rule == ruleFigures && figuresNeedSignIn
	inScope := r.provinces == nil || slices.Contains(r.provinces, rc.code)
	switch {
	case r.role == "" && needsUser && strings.HasPrefix(rc.target, "/api/"):
		return http.StatusUnauthorized, ""
	case r.role == "" && needsUser:
		return http.StatusSeeOther, login
	case rc.rule == ruleProvinceAdmin && r.role == survey.RoleOfficial,
		rc.rule == ruleAdmin && r.role != survey.RoleAdmin,
		rc.code != "" && !inScope: // another province's page, or account
		return http.StatusForbidden, ""
	}
	if r.role != "" && r.provinces != nil && rc.okScoped != 0 {
		return rc.okScoped, rc.location
	}
	if r.role != "" && rc.okSigned != 0 {
		return rc.okSigned, rc.location
	}
	return rc.ok, rc.location
}

// Every route the router has × every role: the status says who may pass. A route without
// a case here, or without a rule in accessRules, fails the test.
func TestRoutesByRole(t *testing.T) {
	for _, closed := range []bool{false, true} {
		t.Run(fmt.Sprintf("figures need sign-in %t", closed), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.RateLimit = 0
			cfg.FiguresNeedSignIn = closed
			ta := newTestApp(t, cfg)
			addUser(t, ta.store, "hp", survey.RoleOfficial, "31", "")
			addUser(t, ta.store, "hp-office", survey.RoleOfficial, "31", "demo-31")
			addUser(t, ta.store, "dn-admin", survey.RoleProvinceAdmin, "48", "")
			fx := newRouteFixture(t, ta)
			cases := routeCases(fx)

			covered := map[string]bool{}
			for _, rc := range cases {
				covered[rc.route] = true
				if got, ok := ta.app.rules[rc.route]; !ok || got.rule != rc.rule {
					t.Errorf("%s: accessRules has rule %d, the test expects %d", rc.route, got.rule, rc.rule)
				}
			}
			for _, r := range ta.router.Routes() {
				key := r.Method + " " + r.Path
				if _, ok := ta.app.ruleOf(r.Method, r.Path); !ok {
					t.Errorf("route %s has no access rule in accessRules", key)
				}
				if !covered[key] {
					t.Errorf("route %s has no case in routeCases", key)
				}
			}

			for _, role := range accessRoles() {
				who := role.name
				if who == "" {
					who = "anonymous"
				}
				for i, rc := range routeCases(fx) { // fresh kiosk UUIDs
					cl := newClient(t, ta.router)
					if role.name != "" {
						cl = signIn(t, ta.router, role.name)
					} else {
						cl.do("GET", "/login", nil, nil) // the token of an anonymous session
					}
					if rc.rule == ruleKiosk {
						cl.csrf = "" // the kiosk's form has no token
					}
					if rc.route == "POST /login" {
						rc.form.Set("name", fmt.Sprintf("nobody-%s-%d", who, i)) // no throttling of one name
					}
					rec := cl.do(strings.Fields(rc.route)[0], rc.target, rc.form, nil)
					want, loc := rc.expected(role, closed)
					if rec.Code != want {
						t.Errorf("%s %s as %s: %d, want %d\n%.300s", strings.Fields(rc.route)[0], rc.target, who, rec.Code, want, rec.Body)
						continue
					}
					if got := rec.Header().Get("Location"); want == http.StatusSeeOther && !strings.HasPrefix(got, loc) {
						t.Errorf("%s %s as %s: Location %q, want %q…", strings.Fields(rc.route)[0], rc.target, who, got, loc)
					}
				}
			}
		})
	}
}
