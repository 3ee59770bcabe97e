package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

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
	location string     // for a 303 when let through: the start of Location
	code     string     // the province in the path
}

// routeCases are the requests of TestRoutesByRole, at least one per route: targetID is
// an official of Hải Phòng, jobID an import job of the administrator's (the whole
// country's).
func routeCases(targetID, jobID uint) []routeCase {
	kiosk := func() url.Values {
		f := allCriteria("4")
		f.Set("response_id", uuid.NewString())
		f.Set("field", "land")
		return f
	}
	empty := url.Values{}
	user := fmt.Sprintf("/admin/users/%d", targetID)
	job := fmt.Sprintf("/admin/imports/%d", jobID)
	return []routeCase{
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
		{route: "GET /admin/audit", rule: ruleAdmin, target: "/admin/audit", ok: 200},
		{route: "GET /admin/audit.csv", rule: ruleAdmin, target: "/admin/audit.csv", ok: 200},
	}
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
			target := addUser(t, ta.store, "target", survey.RoleOfficial, "31", "")
			job, err := ta.app.imports.Queue(context.Background(), models.NewImport{FileName: "national.csv", Questionnaire: cfg.Questionnaire,
				Scope: models.AllProvinces(), By: models.Actor{Name: "root", Now: ta.now}}, strings.NewReader(paperCSV), int64(len(paperCSV)))
			if err != nil {
				t.Fatal(err)
			}
			cases := routeCases(target.ID, job.ID)

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
				for i, rc := range routeCases(target.ID, job.ID) { // fresh kiosk UUIDs
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
