package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// demoDB makes a database with the demo counters and n demo responses.
func demoDB(t *testing.T, n int) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sipas.db")
	if out, err := sipas(t, "demo", "-db", db, "-responses", fmt.Sprint(n)); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	return db
}

// rawSQL opens the SQLite file directly, as an operator's sqlite3 would.
func rawSQL(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestVerifyCommand(t *testing.T) {
	db := demoDB(t, 300)
	out, err := sipas(t, "verify", "-db", db)
	if err != nil {
		t.Fatalf("a fresh demo database: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`^verified \d+ kept count rows against 300 responses over \d+ months in [\d.]+ s: 0 differences$`).MatchString(lastLine(out)) {
		t.Errorf("summary %q", lastLine(out))
	}

	// One count row altered by hand: named, with the figure that differs; exit status 1.
	raw := rawSQL(t, db)
	var period, responses int
	var counter, field string
	err = raw.QueryRow(`SELECT t.period, c.code, t.field, t.responses FROM tallies t JOIN counters c ON c.id = t.counter_id
		WHERE t.grain = 'D' ORDER BY t.period DESC, c.code LIMIT 1`).Scan(&period, &counter, &field, &responses)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE tallies SET responses = responses + 1 WHERE grain = 'D' AND period = ? AND field = ?
		AND counter_id = (SELECT id FROM counters WHERE code = ?)`, period, field, counter); err != nil {
		t.Fatal(err)
	}
	out, err = sipas(t, "verify", "-db", db)
	if err == nil || !strings.Contains(err.Error(), "differ from the responses in 1 place") {
		t.Errorf("after altering a row: %v\n%s", err, out)
	}
	day := fmt.Sprintf("%d-%02d-%02d", period/10000, period/100%100, period%100)
	named := fmt.Sprintf("different: D %s | province %s ", day, strings.TrimPrefix(counter, "demo-"))
	if !strings.Contains(out, named) || !strings.Contains(out, "| office "+counter+" | counter "+counter+" | sipas-counter v1 | ") ||
		!strings.Contains(out, fmt.Sprintf("  responses: kept %d, recomputed %d\n", responses+1, responses)) {
		t.Errorf("the altered row %s of counter %s is not named with its figures:\n%s", day, counter, out)
	}
	if _, err := raw.Exec(`UPDATE tallies SET responses = responses - 1 WHERE grain = 'D' AND period = ? AND field = ?
		AND counter_id = (SELECT id FROM counters WHERE code = ?)`, period, field, counter); err != nil {
		t.Fatal(err)
	}

	// A response deleted without its counts: its day, month, field-month, province-day
	// (grain P, since migration 8) and province-week rows (grain W, since migration 9).
	if _, err := raw.Exec(`DELETE FROM responses WHERE id = (SELECT MIN(id) FROM responses)`); err != nil {
		t.Fatal(err)
	}
	out, err = sipas(t, "verify", "-db", db)
	if err == nil || !strings.Contains(out, ": 5 differences") {
		t.Errorf("after deleting a response: %v\n%s", err, out)
	}
	for _, grain := range []string{"D", "M", "F", "P", "W"} {
		if !regexp.MustCompile(`(?m)^(different|extra): ` + grain + ` `).MatchString(out) {
			t.Errorf("no difference of grain %s:\n%s", grain, out)
		}
	}

	if _, err := sipas(t, "verify", "-db", filepath.Join(t.TempDir(), "none.db")); err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("verify of a missing file: %v", err)
	}
}

func TestCountsCommand(t *testing.T) {
	db := demoDB(t, 400)
	raw := rawSQL(t, db)
	// the month of Hải Phòng's demo counter with the most responses
	var month, n int
	err := raw.QueryRow(`SELECT r.day / 100 AS m, COUNT(*) AS n FROM responses r JOIN counters c ON c.id = r.counter_id
		WHERE c.code = 'demo-31' GROUP BY m ORDER BY n DESC, m LIMIT 1`).Scan(&month, &n)
	if err != nil {
		t.Fatal(err)
	}
	ym := fmt.Sprintf("%d-%02d", month/100, month%100)
	out, err := sipas(t, "counts", "-db", db, "-counter", "demo-31", "-month", ym)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The days add up to the month, and both to the raw responses.
	for _, want := range []string{
		"kept counts of counter demo-31, month " + ym + "\n",
		"  criterion       1      2      3      4      5  answered\n",
		fmt.Sprintf("M rows: 1, responses: %d\n", n),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	monthRow := fmt.Sprintf(`\nM %s \| province 31 [^|]*Hải Phòng[^|]* \| office demo-31 \| counter demo-31 \| sipas-counter v1 \| all fields\n  responses %d, `, ym, n)
	if !regexp.MustCompile(monthRow).MatchString(out) {
		t.Errorf("no month row %q in:\n%s", monthRow, out)
	}
	if !regexp.MustCompile(fmt.Sprintf(`(?m)^D rows: \d+, responses: %d$`, n)).MatchString(out) {
		t.Errorf("the daily rows do not add up to %d responses:\n%s", n, out)
	}
	if !regexp.MustCompile(`(?m)^  E1\.1 +\d+ +\d+ +\d+ +\d+ +\d+ +\d+$`).MatchString(out) || !strings.Contains(out, "\n  field: ") {
		t.Errorf("no criterion or option counts:\n%s", out)
	}
	if strings.Contains(out, "\nF ") {
		t.Errorf("rows of the province in a counter's counts:\n%s", out)
	}
	out, err = sipas(t, "counts", "-db", db, "-province", "31", "-month", ym, "-grain", "F")
	if err != nil || !strings.Contains(out, "\nF "+ym+" | province 31 ") || strings.Contains(out, "\nD ") || strings.Contains(out, "| office ") {
		t.Errorf("a province's field rows: %v\n%s", err, out)
	}

	for _, c := range []struct {
		args []string
		why  string
	}{
		{[]string{"-office", "demo-31"}, "-office needs -province"},
		{[]string{"-counter", "demo-31", "-province", "31"}, "leave -office and -province out"},
		{[]string{}, "name a -counter"},
		{[]string{"-counter", "no-such"}, "counter no-such: not found"},
		{[]string{"-counter", "demo-31", "-day", "2026-13-01"}, "want YYYY-MM-DD"},
		{[]string{"-counter", "demo-31", "-day", "2026-01-01", "-year", "2026"}, "one of -day, -month and -year"},
		{[]string{"-counter", "demo-31", "-grain", "X"}, "D, M or F"},
	} {
		_, err := sipas(t, append([]string{"counts", "-db", db}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("counts %v: %v, want %q", c.args, err, c.why)
		}
	}
}
