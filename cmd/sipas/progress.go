package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"sipas/models"
)

// importProgress shows how an import goes: on a terminal one line, written over as the
// job goes; elsewhere (a log, a pipe) a line when it starts waiting, when the rows are
// checked and when they are stored. The summary lines that follow are the same in both.
type importProgress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	began    time.Time
	phase    string // the last phase shown (plain lines) or "" before any
	line     bool   // a line written over is on the terminal
	checked  time.Time
}

func newImportProgress(w io.Writer, terminal bool, now func() time.Time) *importProgress {
	return &importProgress{w: w, terminal: terminal, now: now, began: now()}
}

// isTerminal tells whether w is a terminal, where a line can be written over.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update shows the job as it is now.
func (p *importProgress) update(job models.ImportJob) {
	phase := job.Phase
	if job.State == models.ImportQueued {
		phase = "waiting"
	}
	pr := job.Progress
	if p.terminal {
		var text string
		switch phase {
		case "waiting":
			text = fmt.Sprintf("waiting for another import to finish (%d before this one)", job.Ahead)
		case models.PhaseChecking:
			text = fmt.Sprintf("checking: %d rows read, %d good", pr.Read, pr.Checked)
		default:
			text = fmt.Sprintf("storing: %d of %d questionnaires (%d %%)", pr.Stored, pr.Total, percent(pr.Stored, pr.Total))
		}
		fmt.Fprintf(p.w, "\r\033[K%s", text)
		p.line = true
		return
	}
	if phase == p.phase {
		return
	}
	p.endPhase(job)
	p.phase = phase
	if phase == "waiting" {
		fmt.Fprintf(p.w, "waiting for another import to finish (%d before this one)\n", job.Ahead)
	}
}

// endPhase writes the line that closes the phase shown until now.
func (p *importProgress) endPhase(job models.ImportJob) {
	if p.phase == models.PhaseChecking && job.Phase != models.PhaseChecking {
		p.checked = p.now()
		fmt.Fprintf(p.w, "checked %d questionnaires (%d rows read) in %.1f s\n", job.Progress.Checked, job.Progress.Read,
			p.checked.Sub(p.began).Seconds())
	}
}

// finish ends the progress line and writes what the job did.
func (p *importProgress) finish(job models.ImportJob) {
	if p.line {
		fmt.Fprint(p.w, "\r\033[K")
		p.line = false
	}
	if job.State != models.ImportDone {
		return
	}
	if p.phase == models.PhaseChecking || (p.terminal || p.phase == "") && p.checked.IsZero() {
		p.phase = models.PhaseChecking
		p.endPhase(job)
	}
	if job.Result.Offices > 0 || job.Result.Counters > 0 {
		fmt.Fprintf(p.w, "created %d offices and %d counters\n", job.Result.Offices, job.Result.Counters)
	}
	fmt.Fprintf(p.w, "stored %d questionnaires in %.1f s (%.1f s in all; the longest write %d ms)\n", job.Progress.Stored,
		p.now().Sub(p.checked).Seconds(), p.now().Sub(p.began).Seconds(), job.LongestWrite.Milliseconds())
	if job.Result.Repeated > 0 {
		fmt.Fprintf(p.w, "%d rows were already imported\n", job.Result.Repeated)
	}
	fmt.Fprintf(p.w, "imported %d responses\n", job.Result.Stored)
}

func percent(n, total int64) int64 {
	if total <= 0 {
		return 0
	}
	return n * 100 / total
}
