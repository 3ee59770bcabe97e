package handlers

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// versionsNote says which questionnaire versions a period's figures come from, and how
// many responses answered each ("sipas-counter v1: 1.234; v2: 56"): indices are computed
// per criterion code across them. "" when the period has no response.
func (a *App) versionsNote(c echo.Context, p survey.Period, scope models.Scope) (string, error) {
	uses, err := a.store.VersionsIn(c.Request().Context(), p, scope)
	if err != nil || len(uses) == 0 {
		return "", err
	}
	lang := a.lang(c)
	parts := make([]string, len(uses))
	for i, u := range uses {
		name := fmt.Sprintf("v%d", u.Version)
		if i == 0 || uses[i-1].Code != u.Code {
			name = u.Code + " " + name
		}
		parts[i] = a.t(c, "dash.versions.one", name, views.Number(a.views.Catalog.Locale(lang), u.Responses))
	}
	return strings.Join(parts, "; "), nil
}
