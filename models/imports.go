package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// Imports are jobs kept in the database (migration 4), so that any serve process on a
// shared PostgreSQL may run a queued one, a restart finds what was running, and no job's
// state lives only in one process's memory. One job at a time holds the import slot
// (imports.active, unique): it runs, or removes the rows of one that failed.
//
// A job's life: uploading (its file is being stored) → queued → running (checking, then
// writing, then publishing) → done; or failed, with a reason: refused (the file's
// problems, nothing written), interrupted (its process stopped) or error (the
// database's). While it runs and until a failed one's rows are removed it is hidden:
// readers leave its responses and count rows out (visibleBatches).

// Import states.
const (
	ImportUploading = "uploading"
	ImportQueued    = "queued"
	ImportRunning   = "running"
	ImportDone      = "done"
	ImportFailed    = "failed"
)

// Why an import failed.
const (
	FailureRefused     = "refused"     // the file has problems; nothing was written
	FailureInterrupted = "interrupted" // its process stopped; what it wrote is removed
	FailureError       = "error"       // the database failed; what it wrote is removed
)

// What a running import is doing.
const (
	PhaseChecking   = "checking"   // the first pass: every row read and checked
	PhaseWriting    = "writing"    // the second pass: the rows written in slices
	PhasePublishing = "publishing" // every questionnaire written; their counts being written, then shown at once
	PhaseRemoving   = "removing"   // a failed one's rows being removed
)

// Where an import's file comes from.
const (
	SourceUpload  = "upload"  // the web page: its file is kept in import_chunks
	SourceCommand = "command" // sipas import: the command reads its own file
)

// importRow is a row of the imports table.
type importRow struct {
	ID              uint `gorm:"primaryKey"`
	State           string
	Active          bool
	Hidden          bool
	Source          string
	FileName        string
	FileSize        int64
	SHA256          string `gorm:"column:sha256"`
	Questionnaire   string
	QuestionnaireID uint
	Scope           string
	ActorID         *uint
	ActorName       string
	ActorAddr       string
	CreatedAt       time.Time
	StartedAt       *time.Time
	FinishedAt      *time.Time
	HeartbeatAt     *time.Time
	Worker          string
	Phase           string
	RowsRead        int64
	RowsChecked     int64
	RowsStored      int64
	RowsTotal       int64
	Stored          int64
	Repeated        int64
	Offices         int64
	Counters        int64
	Failure         string
	Problems        string // JSON, see encodeMessages
	MoreProblems    bool
	Error           string
	CreatedOffices  string // IDs, comma-separated: what a failed import removes
	CreatedCounters string
}

func (importRow) TableName() string { return "imports" }

// ImportJob is an import as its page shows it.
type ImportJob struct {
	ID           uint
	State        string // ImportQueued, …
	Phase        string // while running: PhaseChecking, …
	Failure      string // when failed: FailureRefused, …
	Source       string
	FileName     string
	FileSize     int64
	SHA256       string
	By           string // the account that uploaded it; "" for the command line
	CreatedAt    time.Time
	StartedAt    *time.Time
	FinishedAt   *time.Time
	Progress     ImportProgress
	Result       ImportResult
	Problems     []survey.Message // a refused file's problems, each saying where
	MoreProblems bool             // Problems stops at survey.MaxPaperErrors
	Ahead        int              // queued: jobs that run before it
	// Slices is how many slice transactions the job has written so far, and LongestWrite
	// the longest of them (the longest a kiosk may have waited behind it), as the process
	// running it tells them (not kept).
	Slices        int
	LongestWrite  time.Duration
	scope         string
	questionnaire string
}

// ImportProgress counts the rows of a running import.
type ImportProgress struct {
	Read    int64 // rows read by the first pass
	Checked int64 // of those, questionnaires found good
	Total   int64 // questionnaires in the file, once the first pass is over
	Stored  int64 // questionnaires written by the second pass
}

// ImportResult tells what an import did.
type ImportResult struct {
	Stored   int // responses new to the database
	Repeated int // responses already imported (the same file before)
	Offices  int // offices created
	Counters int // counters created
}

// Finished tells whether the job has ended, well or not.
func (j ImportJob) Finished() bool { return j.State == ImportDone || j.State == ImportFailed }

func (r importRow) job() (ImportJob, error) {
	j := ImportJob{ID: r.ID, State: r.State, Phase: r.Phase, Failure: r.Failure, Source: r.Source, FileName: r.FileName,
		FileSize: r.FileSize, SHA256: r.SHA256, By: r.ActorName, CreatedAt: r.CreatedAt, StartedAt: r.StartedAt,
		FinishedAt: r.FinishedAt, MoreProblems: r.MoreProblems, scope: r.Scope, questionnaire: r.Questionnaire,
		Progress: ImportProgress{Read: r.RowsRead, Checked: r.RowsChecked, Total: r.RowsTotal, Stored: r.RowsStored},
		Result:   ImportResult{Stored: int(r.Stored), Repeated: int(r.Repeated), Offices: int(r.Offices), Counters: int(r.Counters)}}
	if r.Problems != "" {
		var err error
		if j.Problems, err = decodeMessages(r.Problems); err != nil {
			return j, fmt.Errorf("import %d: its problems: %w", r.ID, err)
		}
	}
	return j, nil
}

// scopeText writes a scope's provinces as an import keeps them: sorted IDs, "" for all.
func scopeText(s Scope) string {
	if s.ProvinceIDs == nil {
		return ""
	}
	ids := slices.Clone(s.ProvinceIDs)
	slices.Sort(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatUint(uint64(id), 10)
	}
	return "scope:" + strings.Join(parts, ",")
}

// Sees tells whether a reader of scope s may see job: an administrator sees every job,
// a province admin those uploaded within the same province.
func (s Scope) Sees(job ImportJob) bool {
	return s.ProvinceIDs == nil || scopeText(s) == job.scope
}

// NewImport is an import to queue: its file, who asks for it and within which scope.
type NewImport struct {
	FileName      string
	Questionnaire string // the code of the questionnaire the forms answer
	Scope         Scope  // the provinces its rows may be of
	By            Actor
}

// ErrImportTooBig is returned by CreateImport for a file beyond MaxImportBytes.
var ErrImportTooBig = errors.New("the file is too big")

// MaxImportBytes bounds an uploaded file.
const MaxImportBytes = 50 << 20

// importChunkBytes is the size of the pieces an uploaded file is kept in.
const importChunkBytes = 1 << 20

func (s *Store) newImportRow(n NewImport, source, state string) importRow {
	alive := time.Now().UTC() // by this process's clock, as staleness is
	return importRow{State: state, Source: source, FileName: n.FileName, Questionnaire: n.Questionnaire,
		Scope: scopeText(n.Scope), ActorID: idPtr(n.By.ID), ActorName: n.By.Name, ActorAddr: n.By.Addr,
		CreatedAt: n.By.Now.UTC(), HeartbeatAt: &alive, Worker: s.worker}
}

// ImportJob reads a job. ErrNotFound when there is none.
func (s *Store) ImportJob(ctx context.Context, id uint) (ImportJob, error) {
	var r importRow
	err := s.db.WithContext(ctx).Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ImportJob{}, ErrNotFound
	}
	if err != nil {
		return ImportJob{}, fmt.Errorf("read import %d: %w", id, err)
	}
	j, err := r.job()
	if err != nil {
		return j, err
	}
	if j.State == ImportQueued {
		var ahead int64
		if err := s.db.WithContext(ctx).Model(&importRow{}).Where("(state = ? AND id < ?) OR state = ?", ImportQueued, id, ImportRunning).
			Count(&ahead).Error; err != nil {
			return j, fmt.Errorf("read the imports queue: %w", err)
		}
		j.Ahead = int(ahead)
	}
	return j, nil
}

// ImportJobs lists the newest jobs a reader of scope may see, at most limit, newest first.
func (s *Store) ImportJobs(ctx context.Context, scope Scope, limit int) ([]ImportJob, error) {
	q := s.db.WithContext(ctx).Order("id DESC").Limit(limit)
	if scope.ProvinceIDs != nil {
		q = q.Where("scope = ?", scopeText(scope))
	}
	var rows []importRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	out := make([]ImportJob, 0, len(rows))
	for _, r := range rows {
		j, err := r.job()
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}
