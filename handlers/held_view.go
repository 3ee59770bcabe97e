package handlers

import (
	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// heldSummary is how many responses of a province and period were held, as the report
// and the dashboard show it.
type heldSummary struct {
	Pending, Included, Excluded int64
	Reasons                     []reasonCount // of those still held
}

type reasonCount struct {
	Label string
	N     int64
}

// heldSummary counts the held responses of the report's territory in the period, within
// the reader's scope.
func (a *App) heldSummary(c echo.Context, r survey.ProvinceReport, p survey.Period) (heldSummary, error) {
	ids := []uint{r.Unit.ID}
	for _, f := range r.Formers {
		ids = append(ids, f.Unit.ID)
	}
	n, err := a.store.HeldCounts(c.Request().Context(), models.HeldFilter{Scope: a.scope(c).Narrow(ids), Period: &p})
	if err != nil {
		return heldSummary{}, err
	}
	out := heldSummary{Pending: n.Pending, Included: n.Included, Excluded: n.Excluded}
	for _, reason := range survey.HoldReasons() {
		if k := n.ByReason[string(reason)]; k > 0 {
			out.Reasons = append(out.Reasons, reasonCount{Label: a.msg(c, reason.Label()), N: k})
		}
	}
	return out, nil
}
