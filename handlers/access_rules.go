package handlers

import "net/http"

// rule says who may use a route. Every route has one, in accessRules; a route without
// one is refused to everybody (and fails TestEveryRouteHasARule).
type rule int

// The rules, from the most open.
const (
	_ rule = iota // 0, a missing rule: nobody
	// rulePublic: anyone, always (kiosk pages, health, static files, sign-in).
	rulePublic
	// ruleFigures: the province-level figures MoHA publishes; anyone, unless serve runs
	// with -public=false, which makes them need a sign-in too.
	ruleFigures
	// ruleKiosk: the kiosk's submission. Anyone, and the one state-changing request
	// without a CSRF token (the offline queue replays it): its UUID and rate limit guard it.
	ruleKiosk
	// ruleSignedIn: any signed-in user (their own account, signing out).
	ruleSignedIn
	// ruleOfficial: signed-in users; a province in the path (:code) must be in their scope.
	ruleOfficial
	// ruleProvinceAdmin: province admins (their province) and admins.
	ruleProvinceAdmin
	// ruleAdmin: administrators only.
	ruleAdmin
)

// routeRule is a route's rule and, for state-changing requests, the largest body it
// reads (the CSRF token is read from the body before anything else).
type routeRule struct {
	rule    rule
	maxBody int64
}

// defaultMaxBody bounds the body of a state-changing form (a sign-in, an account).
const defaultMaxBody = 64 << 10

// accessRules is the one table of who may use which route, keyed "METHOD /path" as
// echo registers it. HEAD follows GET.
func accessRules() map[string]routeRule {
	r := map[string]routeRule{}
	add := func(x rule, routes ...string) {
		for _, route := range routes {
			r[route] = routeRule{rule: x}
		}
	}
	add(rulePublic,
		"GET /healthz", "GET /static*", "GET /sw.js", "GET /",
		"GET /kiosk/:counter", "GET /kiosk/:counter/thanks",
		"GET /login", "POST /login", "GET /setup/:token", "POST /setup/:token")
	add(ruleKiosk, "POST /kiosk/:counter")
	add(ruleFigures,
		"GET /dashboard", "GET /api/v1/sipas",
		"GET /export.csv", "GET /export.xlsx", "GET /export.json")
	add(ruleOfficial, "GET /dashboard/province/:code", "GET /api/v1/sipas/provinces/:code")
	add(ruleSignedIn,
		"POST /logout", "GET /account", "POST /account/password", "POST /account/sessions/end")
	add(ruleProvinceAdmin,
		"GET /admin/import", "GET /admin/import/template.csv", "GET /admin/imports", "GET /admin/imports/:id",
		"GET /admin/users", "POST /admin/users", "GET /admin/users/:id", "POST /admin/users/:id",
		"POST /admin/users/:id/password", "POST /admin/users/:id/disable", "POST /admin/users/:id/enable")
	r["POST /admin/import"] = routeRule{rule: ruleProvinceAdmin, maxBody: maxImportMB << 20}
	add(ruleAdmin, "GET /admin/audit", "GET /admin/audit.csv")
	return r
}

// ruleOf is the rule of a route; HEAD has GET's.
func (a *App) ruleOf(method, path string) (routeRule, bool) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	r, ok := a.rules[method+" "+path]
	if ok && r.maxBody == 0 {
		r.maxBody = defaultMaxBody
	}
	return r, ok
}
