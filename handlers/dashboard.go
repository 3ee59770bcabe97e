package handlers

import "github.com/labstack/echo/v4"

// dashboardRoutes registers the officials' dashboards and their API.
func (a *App) dashboardRoutes(e *echo.Echo) {}
