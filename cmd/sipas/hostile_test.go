package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Hostile input on the command line: each is refused with a clear message (exit status 1)
// and stores nothing.
func TestHostileCommandLine(t *testing.T) {
	db := demoDB(t, 5)
	header := "province,office,counter,channel,submitted_at,E1.1\n"
	row := func(office, counter string) string {
		return writeFile(t, "paper.csv", header+"31,"+office+","+counter+",paper,2025-08-01,5\n")
	}
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"an office code ..", []string{"import", "-db", db, row("..", "q1")}, `the office code ".." must start with a letter or a digit`},
		{"a counter code -A1", []string{"import", "-db", db, row("o1", "-A1")}, `"-A1" must start with a letter or a digit`},
		{"full-width letters", []string{"import", "-db", db, row("ＵＢＮＤ", "q1")}, "ASCII"},
		{"Arabic-Indic digits", []string{"import", "-db", db, row("o1", "١٢٣")}, "ASCII"},
		{"a formula as a code", []string{"import", "-db", db, row("=cmd|' /C calc'!A0", "q1")}, "ASCII"},
		{"a code of 65 characters", []string{"import", "-db", db, row(strings.Repeat("a", 65), "q1")}, "longer than 64"},
		{"a cell beyond the header's columns", []string{"import", "-db", db, writeFile(t, "wide.csv", header+"31,o1,q1,paper,2025-08-01,5,,x\n")}, "outside the header's columns"},
		{"random bytes as CSV", []string{"import", "-db", db, writeFile(t, "x.csv", "\xff\xfe\x00\x81")}, "not UTF-8"},
		{"a CSV named .xlsx", []string{"import", "-db", db, writeFile(t, "x.xlsx", header)}, "not an Excel workbook"},
		{"a directory", []string{"import", "-db", db, dir}, ".csv (UTF-8) or .xlsx"},
		{"a file that does not exist", []string{"import", "-db", db, filepath.Join(dir, "none.csv")}, "no such file"},
		{"a formula as an export level", []string{"export", "-db", db, "-level", "=cmd"}, `level "=cmd" is not one of`},
		{"a year that is no number", []string{"export", "-db", db, "-year", "20x5"}, `year "20x5"`},
		{"an unknown format", []string{"export", "-db", db, "-format", "pdf"}, `-format "pdf"`},
		{"trusted proxies that are no networks", []string{"serve", "-db", db, "-trusted-proxies", "10.0.0.0/33"}, "-trusted-proxies"},
		{"a name as a trusted proxy", []string{"serve", "-db", db, "-trusted-proxies", "proxy.example"}, "-trusted-proxies"},
		{"a counter that is a path", []string{"counts", "-db", db, "-counter", "../../etc/passwd"}, "not found"},
		{"an account named as a formula", []string{"user", "add", "-db", db, "-name", "=cmd|calc", "-role", "admin"}, "name:"},
		{"restoring a file that is no database", []string{"restore", "-db", filepath.Join(dir, "new.db"), writeFile(t, "x.db", "not a database")}, "not a database"},
	}
	counts := func() [4]int {
		var n [4]int
		raw := rawSQL(t, db)
		for i, table := range []string{"responses", "offices", "counters", "users"} {
			if err := raw.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n[i]); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	before := counts()
	for _, tt := range tests {
		out, err := sipas(t, tt.args...)
		if err == nil || !strings.Contains(err.Error()+out, tt.says) {
			t.Errorf("%s: %v, want an error saying %q\n%s", tt.name, err, tt.says, out)
		}
		if after := counts(); after != before {
			t.Errorf("%s: rows (responses, offices, counters, users) %v, then %v", tt.name, before, after)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new.db")); err == nil {
		t.Error("a refused restore left a database behind")
	}
}
