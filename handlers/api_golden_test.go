package handlers

import (
	"bytes"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// update rewrites the golden files instead of comparing with them:
// go test ./handlers -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// The JSON documents of the API are a contract: these pin them byte for byte on the
// hand-computed data set of newDashApp, so that moving the code that writes them cannot
// change a byte unnoticed.
func TestAPIJSONGolden(t *testing.T) {
	d := newDashApp(t, 3)
	tests := []struct{ target, file string }{
		{"/api/v1/sipas?year=2026", "national-2026.json"},
		{"/api/v1/sipas?year=2025&units=current&lang=en", "national-2025-current-en.json"},
		{"/export.json?year=2026", "national-2026.json"}, // the export is the API's document
		{"/api/v1/sipas/provinces/31?year=2026", "province-31-2026.json"},
		{"/api/v1/sipas/provinces/31?year=2026&lang=en", "province-31-2026-en.json"},
		{"/api/v1/sipas/provinces/31?from=2026-01-10&to=2026-02-20", "province-31-range.json"},
		{"/api/v1/sipas/provinces/31?year=2025", "province-31-2025.json"},
		{"/api/v1/sipas/provinces/01?year=2026&quarter=1", "province-01-2026-q1.json"},
	}
	for _, tt := range tests {
		rec := d.get(tt.target)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", tt.target, rec.Code, rec.Body.String())
		}
		checkGolden(t, tt.target, filepath.Join("testdata", "golden", tt.file), rec.Body.Bytes())
	}
}

// checkGolden compares got with the golden file, or rewrites the file with -update.
func checkGolden(t *testing.T, what, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run with -update to create it)", what, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n got %s\nwant %s", what, path, got, want)
	}
}
