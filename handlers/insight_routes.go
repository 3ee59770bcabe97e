package handlers

import "github.com/labstack/echo/v4"

// insightRoutes registers the pages of issue 11: official results and projections,
// alerts and their feeds, held responses, the public province pages, the badge and the
// printable report. Their rules are in access_rules.go.
func (a *App) insightRoutes(e *echo.Echo) {
	admin := e.Group("/admin")
	admin.GET("/official", a.officialForm)
	admin.POST("/official", a.officialRecord)

	e.GET("/api/v1/alerts", a.apiAlerts)
	e.GET("/alerts", a.alertsPage)
	e.POST("/alerts/:id/acknowledge", a.alertAcknowledge)
	e.POST("/alerts/feed", a.feedCreate)
	e.POST("/alerts/feed/revoke", a.feedRevoke)
	e.GET("/feeds/alerts/:token", a.alertsFeed)
	admin.GET("/alerts", a.alertsAdmin)
	admin.POST("/alerts/webhook", a.alertsWebhook)
	admin.POST("/alerts/scan", a.alertsScan)

	e.GET("/provinces/:code", a.publicProvince)
	e.GET("/provinces/:code/data.csv", a.publicData("csv"))
	e.GET("/provinces/:code/data.json", a.publicData("json"))
	e.GET("/badge/:file", a.badge)
	e.GET("/report/province/:code", a.provinceReport)

	admin.GET("/held", a.heldList)
	admin.POST("/held/review", a.heldReview)
	admin.POST("/held/rules", a.heldRules)
}
