package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

// sipas demo -scenarios: drop-31 raises an alert, steady-31 does not; a second run
// stores nothing twice.
func TestDemoScenarios(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sipas.db")
	for run := range 2 {
		out, err := sipas(t, "demo", "-db", db, "-responses", "0", "-scenarios")
		if err != nil {
			t.Fatalf("demo: %v\n%s", err, out)
		}
		if run == 1 && !strings.Contains(out, "(0 new)") {
			t.Errorf("the second run stored responses again:\n%s", out)
		}
	}
	store, err := models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if _, err := store.ScanAlerts(ctx, "sipas-counter", time.Now(), survey.DefaultDropRules()); err != nil {
		t.Fatal(err)
	}
	rows, err := store.Alerts(ctx, models.AlertFilter{Scope: models.AllProvinces(), OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, r := range rows {
		codes[r.UnitKind+" "+r.Code] = true
	}
	if !codes["counter drop-31"] || codes["counter steady-31"] {
		t.Errorf("alerts %v: want counter drop-31, not steady-31", codes)
	}
}
