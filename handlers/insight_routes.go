package handlers

import "github.com/labstack/echo/v4"

// insightRoutes registers the pages of issue 11: official results and projections,
// alerts and their feeds, held responses, the public province pages, the badge and the
// printable report. Their rules are in access_rules.go.
func (a *App) insightRoutes(e *echo.Echo) {
	admin := e.Group("/admin")
	admin.GET("/official", a.officialForm)
	admin.POST("/official", a.officialRecord)
}
