package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// The JSON export is the document of GET /api/v1/sipas byte for byte; this pins it on the
// four questionnaires of paperCSV.
func TestExportJSONGolden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sipas.db")
	if out, err := sipas(t, "import", "-db", db, writeFile(t, "paper.csv", paperCSV)); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, tt := range []struct {
		args []string
		file string
	}{
		{[]string{"-year", "2025"}, "export-2025.json"},
		{[]string{"-year", "2025", "-month", "8", "-lang", "en"}, "export-2025-08-en.json"},
	} {
		out, err := sipas(t, append([]string{"export", "-db", db, "-format", "json"}, tt.args...)...)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tt.file)
		if *update {
			if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal([]byte(out), want) {
			t.Errorf("export %v differs from %s:\n got %s\nwant %s", tt.args, path, out, want)
		}
	}
}
