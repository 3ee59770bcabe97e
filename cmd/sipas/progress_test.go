package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"sipas/models"
)

// On a terminal the progress is one line written over; elsewhere a line per step. Both
// end with the same summary, whose last line is what was imported.
func TestImportProgress(t *testing.T) {
	steps := []models.ImportJob{
		{State: models.ImportQueued, Ahead: 1},
		{State: models.ImportRunning, Phase: models.PhaseChecking, Progress: models.ImportProgress{Read: 500, Checked: 500}},
		{State: models.ImportRunning, Phase: models.PhaseChecking, Progress: models.ImportProgress{Read: 1000, Checked: 1000}},
		{State: models.ImportRunning, Phase: models.PhaseWriting, Progress: models.ImportProgress{Read: 1000, Checked: 1000, Total: 1000, Stored: 400}},
		{State: models.ImportRunning, Phase: models.PhaseWriting, Progress: models.ImportProgress{Read: 1000, Checked: 1000, Total: 1000, Stored: 1000}},
		{State: models.ImportRunning, Phase: models.PhasePublishing, Progress: models.ImportProgress{Read: 1000, Checked: 1000, Total: 1000, Stored: 1000}},
	}
	done := models.ImportJob{State: models.ImportDone, Progress: steps[4].Progress, LongestWrite: 80 * time.Millisecond, Slices: 1,
		Result: models.ImportResult{Stored: 990, Repeated: 10, Offices: 2, Counters: 3}}
	clock := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }
	for _, terminal := range []bool{true, false} {
		var out bytes.Buffer
		p := newImportProgress(&out, terminal, tick)
		for _, s := range steps {
			p.update(s)
		}
		p.finish(done)
		got := out.String()
		summary := "created 2 offices and 3 counters\n"
		if !strings.Contains(got, summary) || !strings.HasSuffix(got, "10 rows were already imported\nimported 990 responses\n") ||
			!strings.Contains(got, "checked 1000 questionnaires (1000 rows read)") || !strings.Contains(got, "1 writes, the longest 80 ms") {
			t.Errorf("terminal %t: summary\n%q", terminal, got)
		}
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if terminal {
			for _, w := range []string{"\r\033[Kwaiting for another import to finish (1 before this one)", "\r\033[Kchecking: 1000 rows read, 1000 good",
				"\r\033[Kstoring: 400 of 1000 questionnaires (40 %)", "\r\033[Kstored all 1000 questionnaires; writing their counts", "\r\033[K"} {
				if !strings.Contains(got, w) {
					t.Errorf("terminal: no %q in %q", w, got)
				}
			}
			// the line written over, then checked and the summary: five lines
			if len(lines) != 5 || !strings.HasSuffix(lines[0], "checked 1000 questionnaires (1000 rows read) in 1.0 s") {
				t.Errorf("terminal: %d lines %q", len(lines), lines)
			}
		} else if strings.Contains(got, "\r") || len(lines) != 6 || lines[0] != "waiting for another import to finish (1 before this one)" ||
			lines[1] != "checked 1000 questionnaires (1000 rows read) in 1.0 s" {
			t.Errorf("plain: %q", lines)
		}
	}
}
