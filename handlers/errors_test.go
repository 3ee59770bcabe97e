package handlers

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
)

// A request whose client went away is not answered 500 (nor logged as a server fault):
// nobody reads the answer.
func TestAbandonedRequestGetsNoServerError(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("GET", "/api/v1/sipas?year=2026", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	ta.handler.ServeHTTP(rec, req)
	if rec.Code >= 500 || strings.Contains(rec.Body.String(), "error") {
		t.Errorf("an abandoned request: %d %.200s", rec.Code, rec.Body)
	}
}
