package handlers

import "github.com/labstack/echo/v4"

// paperRoutes registers the paper-questionnaire upload and the exports.
func (a *App) paperRoutes(e *echo.Echo) {}
