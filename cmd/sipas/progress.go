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
	phase    string    // the phase shown last, "" before any
	line     bool      // a line written over is on the terminal
	checked  time.Time // when checking ended
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
	if phase != p.phase {
		p.clearLine()
		p.endChecking(job, phase)
		p.phase = phase
		if !p.terminal && phase == "waiting" {
			fmt.Fprintf(p.w, "waiting for another import to finish (%d before this one)\n", job.Ahead)
		}
	}
	if !p.terminal {
		return
	}
	pr := job.Progress
	switch phase {
	case "waiting":
		fmt.Fprintf(p.w, "\r\033[Kwaiting for another import to finish (%d before this one)", job.Ahead)
	case models.PhaseChecking:
		fmt.Fprintf(p.w, "\r\033[Kchecking: %d rows read, %d good", pr.Read, pr.Checked)
	case models.PhasePublishing:
		fmt.Fprintf(p.w, "\r\033[Kstored all %d questionnaires; writing their counts", pr.Stored)
	default:
		fmt.Fprintf(p.w, "\r\033[Kstoring: %d of %d questionnaires (%d %%)", pr.Stored, pr.Total, percent(pr.Stored, pr.Total))
	}
	p.line = true
}

// clearLine removes the line written over, if any.
func (p *importProgress) clearLine() {
	if p.line {
		fmt.Fprint(p.w, "\r\033[K")
		p.line = false
	}
}

// endChecking writes, once, how long checking took, when the job goes on to next.
func (p *importProgress) endChecking(job models.ImportJob, next string) {
	if !p.checked.IsZero() || next == "waiting" || next == models.PhaseChecking {
		return
	}
	p.checked = p.now()
	fmt.Fprintf(p.w, "checked %d questionnaires (%d rows read) in %.1f s\n", job.Progress.Checked, job.Progress.Read,
		p.checked.Sub(p.began).Seconds())
}

// finish ends the progress line and writes what the job did.
func (p *importProgress) finish(job models.ImportJob) {
	p.clearLine()
	if job.State != models.ImportDone {
		return
	}
	p.endChecking(job, models.PhaseWriting)
	if job.Result.Offices > 0 || job.Result.Counters > 0 {
		fmt.Fprintf(p.w, "created %d offices and %d counters\n", job.Result.Offices, job.Result.Counters)
	}
	end := p.now()
	fmt.Fprintf(p.w, "stored %d questionnaires in %.1f s (%.1f s in all; %d writes, the longest %d ms)\n", job.Progress.Stored,
		end.Sub(p.checked).Seconds(), end.Sub(p.began).Seconds(), job.Slices, job.LongestWrite.Milliseconds())
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
