package handlers

import "net/url"

// insightRouteCases are TestRoutesByRole's requests to the routes of insightRoutes.
func insightRouteCases() []routeCase {
	official := url.Values{"year": {"2025"}, "code": {"31"}, "sipas": {"86,5"}}
	return []routeCase{
		{route: "GET /admin/official", rule: ruleProvinceAdmin, target: "/admin/official", ok: 200},
		// Hải Phòng's figure: its province admin or an administrator
		{route: "POST /admin/official", rule: ruleProvinceAdmin, target: "/admin/official", form: official, ok: 303, location: "/admin/official", code: "31"},
	}
}
