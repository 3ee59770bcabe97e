package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/survey"
)

// adminArea is one part of the administration as its hub lists it.
type adminArea struct {
	path         string
	title, about survey.Message
	rule         rule
}

// adminAreas are the parts of the administration, in the order an administrator meets
// them: what citizens answer, where, on which devices; then the data, the people, the
// record. Each shows to those whose role may open it.
func adminAreas() []adminArea {
	return []adminArea{
		{"/admin/questionnaires", survey.Msg("nav.questionnaires"), survey.Msg("admin.hub.questionnaires"), ruleProvinceAdmin},
		{"/admin/places", survey.Msg("nav.places"), survey.Msg("admin.hub.places"), ruleProvinceAdmin},
		{"/admin/fleet", survey.Msg("nav.fleet"), survey.Msg("admin.hub.fleet"), ruleProvinceAdmin},
		{"/admin/import", survey.Msg("auth.nav.import"), survey.Msg("admin.hub.import"), ruleProvinceAdmin},
		{"/admin/held", survey.Msg("auth.nav.held"), survey.Msg("admin.hub.held"), ruleProvinceAdmin},
		{"/admin/official", survey.Msg("auth.nav.official"), survey.Msg("admin.hub.official"), ruleProvinceAdmin},
		{"/admin/users", survey.Msg("auth.nav.users"), survey.Msg("admin.hub.users"), ruleProvinceAdmin},
		{"/admin/alerts", survey.Msg("admin.hub.alerts_title"), survey.Msg("admin.hub.alerts"), ruleAdmin},
		{"/admin/audit", survey.Msg("auth.nav.audit"), survey.Msg("admin.hub.audit"), ruleAdmin},
	}
}

// adminHubPage lists the parts of the administration the viewer may open.
type adminHubPage struct {
	basePage
	Areas []adminHubArea
}

type adminHubArea struct {
	Href, Title, About string
}

// adminHub is /admin: one page that leads to every administrative task, so that the
// navigation stays short on a phone.
func (a *App) adminHub(c echo.Context) error {
	p, err := a.newPage(c, "/admin")
	if err != nil {
		return err
	}
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	page := adminHubPage{basePage: p}
	for _, area := range adminAreas() {
		if a.mayOpen(v, area.rule) {
			page.Areas = append(page.Areas, adminHubArea{Href: area.path + "?lang=" + p.Lang,
				Title: a.msg(c, area.title), About: a.msg(c, area.about)})
		}
	}
	return c.Render(http.StatusOK, "admin", page)
}

// inAdministration tells whether a path belongs to the administration's pages.
func inAdministration(path string) bool {
	return path == "/admin" || strings.HasPrefix(path, "/admin/")
}
