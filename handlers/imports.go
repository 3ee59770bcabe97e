package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/views"
)

// The pages of import jobs: one job, refreshed without JavaScript while it runs, and the
// recent jobs. An upload answers at once with the job's page (paper.go); the job runs in
// the background (RunImports), in this process or any other serving the same database.

// importRefreshSeconds is how often a running job's page reloads itself.
const importRefreshSeconds = 2

// importListSize is how many jobs the list shows.
const importListSize = 50

// RunImports runs the queued imports until ctx ends; serve runs it beside the server.
func (a *App) RunImports(ctx context.Context) { a.imports.Run(ctx) }

// importJobPage is a job's page.
type importJobPage struct {
	basePage
	Job     importJobView
	Refresh int // seconds; 0 once the job has ended
}

// importJobView is a job in words of the page's language.
type importJobView struct {
	ID           uint
	URL          string
	FileName     string
	Size         string // in MB
	SHA256       string
	By           string
	When         string
	Status       string // what it is doing, or how it ended
	Done, Failed bool
	// The progress bar: Max 0 while the number of rows is not known yet.
	Value, Max int64
	Progress   string
	Result     []string // imported, already imported, created
	Problems   []string
	More       bool
}

func (a *App) importJobView(c echo.Context, j models.ImportJob) importJobView {
	lang := a.lang(c)
	loc := a.views.Catalog.Locale(lang)
	num := func(n int64) string { return views.Number(loc, n) }
	v := importJobView{ID: j.ID, URL: "/admin/imports/" + strconv.FormatUint(uint64(j.ID), 10) + "?lang=" + lang,
		FileName: j.FileName, SHA256: j.SHA256, By: j.By, When: when(lang, j.CreatedAt),
		Size: a.fileSize(c, loc, j.FileSize),
		Done: j.State == models.ImportDone, Failed: j.State == models.ImportFailed, More: j.MoreProblems}
	p := j.Progress
	switch {
	case j.State == models.ImportUploading:
		v.Status = a.t(c, "imports.state.uploading")
	case j.State == models.ImportQueued && j.Ahead == 0:
		v.Status = a.t(c, "imports.state.next")
	case j.State == models.ImportQueued:
		v.Status = a.t(c, "imports.state.queued", j.Ahead)
	case j.State == models.ImportDone:
		v.Status = a.t(c, "paper.done", j.FileName)
	case j.Failure == models.FailureRefused:
		v.Status = a.t(c, "paper.refused", j.FileName)
	case j.Failure == models.FailureInterrupted:
		v.Status = a.t(c, "imports.failed.interrupted")
	case v.Failed:
		v.Status = a.t(c, "imports.failed.error")
	case j.Phase == models.PhaseWriting:
		v.Status = a.t(c, "imports.phase.writing")
	case j.Phase == models.PhasePublishing:
		v.Status = a.t(c, "imports.phase.publishing")
	default:
		v.Status = a.t(c, "imports.phase.checking")
	}
	switch {
	case j.State == models.ImportRunning && j.Phase == models.PhaseChecking:
		v.Progress = a.t(c, "imports.progress.checking", num(p.Read), num(p.Checked))
	case j.State == models.ImportRunning || v.Done:
		v.Value, v.Max = p.Stored, max(p.Total, 1)
		v.Progress = a.t(c, "imports.progress.writing", num(p.Read), num(p.Checked), num(p.Stored), num(p.Total))
	}
	if v.Done {
		v.Result = append(v.Result, a.t(c, "paper.stored", num(int64(j.Result.Stored))))
		if j.Result.Repeated > 0 {
			v.Result = append(v.Result, a.t(c, "paper.repeated", num(int64(j.Result.Repeated))))
		}
		if j.Result.Offices > 0 || j.Result.Counters > 0 {
			v.Result = append(v.Result, a.t(c, "paper.created", j.Result.Offices, j.Result.Counters))
		}
	}
	for _, m := range j.Problems {
		v.Problems = append(v.Problems, a.msg(c, m))
	}
	return v
}

// fileSize is a file's size in words: kilobytes below a megabyte.
func (a *App) fileSize(c echo.Context, loc views.Locale, size int64) string {
	if size < 1<<20 {
		return a.t(c, "imports.size_kb", views.Number(loc, (size+1023)/1024))
	}
	return a.t(c, "imports.size", views.Decimal(loc, float64(size)/(1<<20)))
}

// importJob shows a job: while it runs, its progress, reloading itself; then its result.
func (a *App) importJob(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return echo.ErrNotFound
	}
	job, err := a.store.ImportJob(c.Request().Context(), uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	if !a.scope(c).Sees(job) {
		return a.forbidden(c)
	}
	base, err := a.newPage(c, "/admin/imports/"+c.Param("id"))
	if err != nil {
		return err
	}
	page := importJobPage{basePage: base, Job: a.importJobView(c, job)}
	if !job.Finished() {
		page.Refresh = importRefreshSeconds
		c.Response().Header().Set("Cache-Control", "no-store")
	}
	return c.Render(http.StatusOK, "import_job", page)
}

// importsPage lists the recent jobs.
type importsPage struct {
	basePage
	Jobs []importJobView
}

// importJobs lists the recent jobs the user may see: a province admin those uploaded in
// its province, an administrator every one.
func (a *App) importJobs(c echo.Context) error {
	jobs, err := a.store.ImportJobs(c.Request().Context(), a.scope(c), importListSize)
	if err != nil {
		return err
	}
	base, err := a.newPage(c, "/admin/imports")
	if err != nil {
		return err
	}
	page := importsPage{basePage: base}
	for _, j := range jobs {
		page.Jobs = append(page.Jobs, a.importJobView(c, j))
	}
	return c.Render(http.StatusOK, "imports", page)
}
