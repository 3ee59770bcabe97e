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
	// ruleProvinceAdmin: province admins (their province: a province in the path, :code,
	// must be in their scope) and admins.
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

// maxDesignerBody bounds the designer's form: every text of a questionnaire (at most
// survey.MaxDesignText characters each) in every language.
const maxDesignerBody = 1 << 20

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
		"GET /kiosk/:counter", "GET /kiosk/:counter/thanks", "GET /q/:counter", "GET /q/:counter/thanks",
		"GET /login", "POST /login", "GET /setup/:token", "POST /setup/:token",
		"GET /device/:token", "POST /device/:token") // a one-time link registers a kiosk device
	add(ruleKiosk, "POST /kiosk/:counter", "POST /kiosk/:counter/ping", "POST /q/:counter")
	add(ruleFigures,
		"GET /dashboard", "GET /api/v1/sipas",
		"GET /export.csv", "GET /export.xlsx", "GET /export.json")
	add(ruleOfficial, "GET /dashboard/province/:code", "GET /api/v1/sipas/provinces/:code")
	add(ruleSignedIn,
		"POST /logout", "GET /account", "POST /account/password", "POST /account/sessions/end")
	add(ruleProvinceAdmin,
		"GET /admin/import", "GET /admin/import/template.csv", "GET /admin/imports", "GET /admin/imports/:id",
		"GET /admin/users", "POST /admin/users", "GET /admin/users/:id", "POST /admin/users/:id",
		"POST /admin/users/:id/password", "POST /admin/users/:id/disable", "POST /admin/users/:id/enable",
		// offices, counters, kiosk devices and the fleet of the province in the path (:code)
		"GET /admin/places", "GET /admin/fleet",
		"GET /admin/provinces/:code/offices", "POST /admin/provinces/:code/offices",
		"GET /admin/provinces/:code/offices/:office", "POST /admin/provinces/:code/offices/:office",
		"POST /admin/provinces/:code/offices/:office/close", "POST /admin/provinces/:code/offices/:office/reopen",
		"POST /admin/provinces/:code/offices/:office/counters",
		"GET /admin/provinces/:code/counters/:counter", "POST /admin/provinces/:code/counters/:counter",
		"POST /admin/provinces/:code/counters/:counter/move",
		"POST /admin/provinces/:code/counters/:counter/close", "POST /admin/provinces/:code/counters/:counter/reopen",
		"GET /admin/provinces/:code/counters/:counter/card", "POST /admin/provinces/:code/counters/:counter/devices",
		"POST /admin/provinces/:code/devices/:device", "POST /admin/provinces/:code/devices/:device/revoke",
		"GET /admin/provinces/:code/fleet", "POST /admin/provinces/:code/fleet/hours",
		// questionnaires: a province's drafts and assignments are its admins' (checked by the handlers)
		"GET /admin/questionnaires", "POST /admin/questionnaires/drafts",
		"GET /admin/questionnaires/drafts/:draft", "POST /admin/questionnaires/drafts/:draft",
		"GET /admin/questionnaires/drafts/:draft/preview", "GET /admin/questionnaires/drafts/:draft/preview/frame",
		"POST /admin/questionnaires/drafts/:draft/publish", "POST /admin/questionnaires/drafts/:draft/discard",
		"GET /admin/questionnaires/versions/:version", "GET /admin/questionnaires/versions/:version/questionnaire.json",
		"POST /admin/questionnaires/versions/:version/assign", "GET /admin/questionnaires/versions/:version/paper",
		"GET /admin/questionnaires/versions/:version/template.csv", "GET /admin/questionnaires/versions/:version/template.xlsx")
	// the designer's form holds every text of a questionnaire in every language
	r["POST /admin/questionnaires/drafts/:draft"] = routeRule{rule: ruleProvinceAdmin, maxBody: maxDesignerBody}
	r["POST /admin/questionnaires/drafts/:draft/publish"] = routeRule{rule: ruleProvinceAdmin, maxBody: maxDesignerBody}
	r["POST /admin/questionnaires/drafts/:draft/discard"] = routeRule{rule: ruleProvinceAdmin, maxBody: maxDesignerBody}
	r["POST /admin/import"] = routeRule{rule: ruleProvinceAdmin, maxBody: maxImportMB << 20}
	add(ruleProvinceAdmin, "GET /admin")
	add(ruleAdmin, "GET /admin/audit", "GET /admin/audit.csv")
	insightRules(add)
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

// insightRules are the rules of insightRoutes.
func insightRules(add func(rule, ...string)) {
	add(ruleProvinceAdmin, "GET /admin/official", "POST /admin/official")
	// alerts: within the reader's scope, checked by the store's queries (no province in the path)
	add(ruleOfficial, "GET /api/v1/alerts", "GET /alerts", "POST /alerts/:id/acknowledge")
	add(ruleSignedIn, "POST /alerts/feed", "POST /alerts/feed/revoke")
	// a feed reader has no session: the secret link is the credential
	add(rulePublic, "GET /feeds/alerts/:token")
	add(ruleAdmin, "GET /admin/alerts", "POST /admin/alerts/webhook", "POST /admin/alerts/scan")
	// the public province pages and the badge: province-level figures, like /dashboard
	add(ruleFigures, "GET /provinces/:code", "GET /provinces/:code/data.csv", "GET /provinces/:code/data.json", "GET /badge/:file")
	// the report holds offices, alerts and held responses: the province's officials
	add(ruleOfficial, "GET /report/province/:code")
	// held responses: reviewed by province admins (their province) and admins; the thresholds by admins
	add(ruleProvinceAdmin, "GET /admin/held", "POST /admin/held/review")
	add(ruleAdmin, "POST /admin/held/rules")
}
