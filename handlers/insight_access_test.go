package handlers

import "net/url"

// insightRouteCases are TestRoutesByRole's requests to the routes of insightRoutes.
func insightRouteCases() []routeCase {
	official := url.Values{"year": {"2025"}, "code": {"31"}, "sipas": {"86,5"}}
	return []routeCase{
		{route: "GET /admin/official", rule: ruleProvinceAdmin, target: "/admin/official", ok: 200},
		// Hải Phòng's figure: its province admin or an administrator
		{route: "POST /admin/official", rule: ruleProvinceAdmin, target: "/admin/official", form: official, ok: 303, location: "/admin/official", code: "31"},
		{route: "GET /api/v1/alerts", rule: ruleOfficial, target: "/api/v1/alerts", ok: 200},
		{route: "GET /alerts", rule: ruleOfficial, target: "/alerts", ok: 200},
		{route: "POST /alerts/:id/acknowledge", rule: ruleOfficial, target: "/alerts/999999/acknowledge", form: url.Values{"note": {"x"}}, ok: 404},
		{route: "POST /alerts/feed", rule: ruleSignedIn, target: "/alerts/feed", form: url.Values{}, ok: 200},
		{route: "POST /alerts/feed/revoke", rule: ruleSignedIn, target: "/alerts/feed/revoke", form: url.Values{}, ok: 303, location: "/alerts"},
		{route: "GET /feeds/alerts/:token", rule: rulePublic, target: "/feeds/alerts/not-a-token", ok: 404},
		{route: "GET /admin/alerts", rule: ruleAdmin, target: "/admin/alerts", ok: 200},
		{route: "POST /admin/alerts/webhook", rule: ruleAdmin, target: "/admin/alerts/webhook", form: url.Values{"webhook": {""}}, ok: 303, location: "/admin/alerts"},
		{route: "POST /admin/alerts/scan", rule: ruleAdmin, target: "/admin/alerts/scan", form: url.Values{}, ok: 303, location: "/admin/alerts"},
		{route: "GET /provinces/:code", rule: ruleFigures, target: "/provinces/31", ok: 200},
		{route: "GET /provinces/:code/data.csv", rule: ruleFigures, target: "/provinces/31/data.csv?year=2026", ok: 200},
		{route: "GET /provinces/:code/data.json", rule: ruleFigures, target: "/provinces/48/data.json?lang=en", ok: 200},
		{route: "GET /badge/:file", rule: ruleFigures, target: "/badge/31.svg", ok: 200},
		{route: "GET /report/province/:code", rule: ruleOfficial, target: "/report/province/31", ok: 200, code: "31"},
		{route: "GET /report/province/:code", rule: ruleOfficial, target: "/report/province/48?lang=en", ok: 200, code: "48"},
		{route: "GET /admin/held", rule: ruleProvinceAdmin, target: "/admin/held", ok: 200},
		{route: "POST /admin/held/review", rule: ruleProvinceAdmin, target: "/admin/held/review", ok: 303, location: "/admin/held",
			form: url.Values{"counter": {"999999"}, "day": {"20260310"}, "reasons": {"burst"}, "action": {"include"}}},
		{route: "POST /admin/held/rules", rule: ruleAdmin, target: "/admin/held/rules", ok: 303, location: "/admin/held",
			form: url.Values{"enabled": {"on"}, "burst_count": {"10"}, "burst_minutes": {"5"}, "run_length": {"6"}, "run_minutes": {"30"}}},
	}
}
