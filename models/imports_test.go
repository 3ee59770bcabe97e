package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sipas/survey"
)

// slicesOf makes an importer write n questionnaires a slice, whatever the time they take.
func slicesOf(im *Importer, n int) *Importer {
	im.sliceRows, im.minSlice, im.maxSlice = n, n, n
	return im
}

func testImporter(s *Store) *Importer {
	return s.NewImporter(nil, func() time.Time { return benchNow })
}

// nationalResponses is what a reader sees of 2025: the responses of the national table.
func nationalResponses(t *testing.T, s *Store) int64 {
	t.Helper()
	counts, err := s.Tallies(context.Background(), TallyQuery{Period: survey.YearPeriod(2025), GroupBy: ByNone, Lean: true})
	if err != nil {
		t.Fatal(err)
	}
	if counts[""] == nil {
		return 0
	}
	return counts[""].Responses
}

func verifyClean(t *testing.T, s *Store, when string) VerifySummary {
	t.Helper()
	sum, err := s.VerifyCounts(context.Background(), func(d CountDifference) error {
		t.Errorf("%s: verify: %v %+v", when, d.Kind, d.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// An import is written in slices that readers do not see — the national figures, the
// cached tallies, verify — until it publishes, and then all at once.
func TestImportSlicesInvisibleUntilPublished(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		f.submit(t, f.response("00000000-0000-4000-8000-000000000001", f.a1, vn(2025, 9, 1, 9, 0), "land", nil, "E1.1", 5))
		before := nationalResponses(t, s) // and the cache holds 2025 now
		if before != 1 {
			t.Fatalf("%d responses before the import", before)
		}
		file := string(paperFile(t, 600, 3, year2025, 365))
		im := slicesOf(testImporter(s), 100)
		var slices, seen atomic.Int64
		job, err := im.ImportFile(context.Background(), testImport("slices.csv"), strings.NewReader(file), int64(len(file)), func(j ImportJob) {
			if j.Phase != PhaseWriting || j.Progress.Stored == 0 {
				return
			}
			slices.Add(1)
			if n := nationalResponses(t, s); n != before {
				seen.Store(n)
			}
			if sum := verifyClean(t, s, "between slices"); sum.Responses != before {
				t.Errorf("verify counted %d responses between slices", sum.Responses)
			}
		})
		if err != nil || job.State != ImportDone {
			t.Fatalf("%+v %v", job, err)
		}
		if slices.Load() < 6 {
			t.Errorf("%d slices, want 6 of 100 questionnaires", slices.Load())
		}
		if n := seen.Load(); n != 0 {
			t.Errorf("a reader between slices saw %d responses", n)
		}
		if n := nationalResponses(t, s); n != before+600 {
			t.Errorf("%d responses after publishing, want %d", n, before+600)
		}
		if sum := verifyClean(t, s, "after"); sum.Responses != 601 {
			t.Errorf("verify counted %d responses", sum.Responses)
		}
		if job.Result != (ImportResult{Stored: 600, Offices: job.Result.Offices, Counters: job.Result.Counters}) || job.Result.Counters == 0 {
			t.Errorf("result %+v", job.Result)
		}
	})
}

// The counts an import writes, held in windows and written again (read and added to) when
// a day or a month comes back in a later window, are exactly those of its responses added
// up one by one.
func TestImportSliceCountsExact(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		file := string(paperFile(t, 1500, 5, time.Date(2025, 8, 1, 0, 0, 0, 0, survey.VietnamTime()), 3)) // few days: days recur
		im := slicesOf(testImporter(s), 128)
		im.dayWindowRows = 300 // five windows, each with rows of the same days and months
		job := importFile(t, im, "exact.csv", file)
		if job.State != ImportDone || job.Result.Stored != 1500 {
			t.Fatalf("%+v", job)
		}
		verifyClean(t, s, "after")
		_, q, _ := s.PublishedQuestionnaire(ctx, "sipas-counter")
		units, _ := s.Units(ctx)
		records := splitCSV(file)
		rows, err := survey.ParsePaper(q, units, records, benchNow)
		if err != nil {
			t.Fatal(err)
		}
		want := survey.NewTally()
		for _, r := range rows {
			want.Add(q.Tally(r.Submission))
		}
		got, err := s.Tallies(ctx, TallyQuery{Period: survey.MonthPeriod(2025, 8), GroupBy: ByNone})
		if err != nil {
			t.Fatal(err)
		}
		if diff := diffTallies(got[""], want); len(diff) > 0 {
			t.Errorf("the month's counts differ from the responses': %+v", diff[0])
		}
		byField, err := s.Tallies(ctx, TallyQuery{Period: survey.MonthPeriod(2025, 8), GroupBy: ByField, OfficeID: 0})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, tl := range byField {
			n += tl.Responses
		}
		if n != 1500 {
			t.Errorf("%d responses by field", n)
		}
	})
}

// The job says what it is doing: checking, then storing the questionnaires, then (every
// one stored, their counts held back until then) writing their counts; the last phase is
// never shown before every questionnaire is in.
func TestImportPhases(t *testing.T) {
	s := newTestStore(t)
	file := string(paperFile(t, 1500, 9, time.Date(2025, 8, 1, 0, 0, 0, 0, survey.VietnamTime()), 20))
	var phases []string
	job, err := slicesOf(testImporter(s), 128).ImportFile(context.Background(), testImport("phases.csv"), strings.NewReader(file),
		int64(len(file)), func(j ImportJob) {
			if j.Phase == PhasePublishing && j.Progress.Stored != j.Progress.Total {
				t.Errorf("finishing with %d of %d questionnaires stored", j.Progress.Stored, j.Progress.Total)
			}
			if len(phases) == 0 || phases[len(phases)-1] != j.Phase {
				phases = append(phases, j.Phase)
			}
		})
	if err != nil || job.State != ImportDone {
		t.Fatalf("%v %+v", err, job)
	}
	if want := []string{PhaseChecking, PhaseWriting, PhasePublishing}; !slices.Equal(phases, want) {
		t.Errorf("phases %q, want %q", phases, want)
	}
}

// splitCSV splits a generated file (no quoted cells) into records.
func splitCSV(file string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(file, "\n"), "\n") {
		out = append(out, strings.Split(line, ","))
	}
	return out
}

// tableCounts is what a refused or failed import must leave as it was.
func tableCounts(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	for _, tb := range []string{"responses", "tallies", "offices", "counters", "import_chunks"} {
		m[tb] = countRows(t, s, tb)
	}
	return m
}

// A failure half way (a row the first pass could not know bad: its response was stored
// before with other answers) leaves nothing: the slices written are removed, with the
// offices and counters the import created, and the job names the row.
func TestImportFailureHalfWayLeavesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		file := string(paperFile(t, 500, 8, year2025, 365))
		_, q, _ := s.PublishedQuestionnaire(ctx, "sipas-counter")
		units, _ := s.Units(ctx)
		rows, err := survey.ParsePaper(q, units, splitCSV(file), benchNow)
		if err != nil {
			t.Fatal(err)
		}
		// Row 400's UUID, stored with other answers.
		clash := rows[398]
		f.submit(t, f.response(clash.UUID, f.a1, vn(2025, 9, 1, 9, 0), "", nil, "E1.1", 1))
		before := tableCounts(t, s)
		im := slicesOf(testImporter(s), 50)
		var wrote atomic.Int64
		job, err := im.ImportFile(ctx, testImport("clash.csv"), strings.NewReader(file), int64(len(file)), func(j ImportJob) {
			wrote.Store(max(wrote.Load(), j.Progress.Stored))
		})
		if err != nil {
			t.Fatal(err)
		}
		// Past the first slice, the file's rows are not looked up one by one: the unique
		// index of UUIDs refuses the row, and the job says so without its number.
		if job.State != ImportFailed || job.Failure != FailureRefused || len(job.Problems) != 1 ||
			job.Problems[0].String() != "paper.problem.uuid_conflict" {
			t.Fatalf("%s %s %v", job.State, job.Failure, job.Problems)
		}
		if wrote.Load() < 300 {
			t.Errorf("only %d questionnaires were written before the failure: the test shows nothing", wrote.Load())
		}
		if after := tableCounts(t, s); !equalCounts(before, after) {
			t.Errorf("a failed import left rows: %v → %v", before, after)
		}
		verifyClean(t, s, "after the failure")
	})
}

// A response of the file's first slice stored before with other answers is named by its
// row; nothing is stored.
func TestImportUUIDConflictNamesTheRow(t *testing.T) {
	s := newTestStore(t)
	f := newFixture(t, s)
	file := string(paperFile(t, 120, 8, year2025, 365))
	_, q, _ := s.PublishedQuestionnaire(context.Background(), "sipas-counter")
	units, _ := s.Units(context.Background())
	rows, err := survey.ParsePaper(q, units, splitCSV(file), benchNow)
	if err != nil {
		t.Fatal(err)
	}
	f.submit(t, f.response(rows[30].UUID, f.a1, vn(2025, 9, 1, 9, 0), "", nil, "E1.1", 1))
	before := tableCounts(t, s)
	job := importFile(t, slicesOf(testImporter(s), 50), "clash.csv", file)
	if job.Failure != FailureRefused || len(job.Problems) != 1 ||
		job.Problems[0].String() != fmt.Sprintf("paper.at.row(%d, paper.problem.uuid_conflict)", rows[30].Row) {
		t.Errorf("%s %s %v", job.State, job.Failure, job.Problems)
	}
	if after := tableCounts(t, s); !equalCounts(before, after) {
		t.Errorf("%v → %v", before, after)
	}
}

// An import whose process stops is interrupted: readers see nothing of it meanwhile, and
// the next runner — another process, or this one started again — marks it so and
// removes what it wrote.
func TestImportInterrupted(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		dsn := db.fresh(t)
		s := openTestStore(t, dsn, true)
		before := tableCounts(t, s)
		file := string(paperFile(t, 400, 9, year2025, 365))
		ctx, stop := context.WithCancel(context.Background())
		im := slicesOf(testImporter(s), 50)
		_, err := im.ImportFile(ctx, testImport("stopped.csv"), strings.NewReader(file), int64(len(file)), func(j ImportJob) {
			if j.Progress.Stored >= 150 {
				stop()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped import: %v", err)
		}
		job := lastJob(t, s)
		if job.State != ImportFailed || job.Failure != FailureInterrupted || countRows(t, s, "responses") == 0 {
			t.Fatalf("after the stop: %s %s, %d responses kept for now", job.State, job.Failure, countRows(t, s, "responses"))
		}
		if n := nationalResponses(t, s); n != 0 {
			t.Errorf("readers see %d responses of an interrupted import", n)
		}
		// Started again: the runner removes what the job wrote.
		again := openTestStore(t, dsn, false)
		if err := testImporter(again).RunPending(context.Background()); err != nil {
			t.Fatal(err)
		}
		if after := tableCounts(t, again); !equalCounts(before, after) {
			t.Errorf("an interrupted import left rows: %v → %v", before, after)
		}
		// The same file imports whole afterwards.
		if job := importFile(t, testImporter(again), "stopped.csv", file); job.State != ImportDone || job.Result.Stored != 400 {
			t.Errorf("imported again: %s %+v", job.State, job.Result)
		}
	})
}

// lastJob is the newest import job.
func lastJob(t *testing.T, s *Store) ImportJob {
	t.Helper()
	jobs, err := s.ImportJobs(context.Background(), AllProvinces(), 1)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs %v %v", jobs, err)
	}
	return jobs[0]
}

// A job whose process died (killed: no word from it) holds the slot until a runner takes
// it for stopped: at once when its process was of this host and is gone, after a
// silence of staleAfter when it was another host's.
func TestImportOfDeadProcessTakenOver(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		host, _, _, _ := parseWorker(s.worker)
		cases := []struct {
			worker string
			beat   time.Time
		}{
			{fmt.Sprintf("%s:%d:dead", host, deadPID(t)), time.Now()},
			{fmt.Sprintf("%s:%d:before", host, os.Getpid()), time.Now()}, // this process's ID, started before
			{"elsewhere:1:x", time.Now().Add(-2 * staleAfter)},
		}
		if _, ok := processStart(os.Getpid()); !ok {
			cases = slices.Delete(cases, 1, 2) // no telling this process from an earlier one of its ID
		}
		for i, c := range cases {
			beat := c.beat.UTC()
			row := importRow{State: ImportRunning, Active: true, Hidden: true, Source: SourceCommand, FileName: "dead.csv",
				Questionnaire: "sipas-counter", CreatedAt: beat, HeartbeatAt: &beat, Worker: c.worker, Phase: PhaseWriting}
			if err := s.db.Create(&row).Error; err != nil {
				t.Fatal(err)
			}
			r := f.response(fmt.Sprintf("00000000-0000-4000-8000-00000000010%d", i), f.a1, vn(2025, 9, 1, 9, 0), "", nil, "E1.1", 4)
			r.ImportID = row.ID
			f.submit(t, r)
			if n := nationalResponses(t, s); n != 0 {
				t.Errorf("readers see %d responses of a running import", n)
			}
			if err := testImporter(s).RunPending(ctx); err != nil {
				t.Fatal(err)
			}
			job, err := s.ImportJob(ctx, row.ID)
			if err != nil || job.State != ImportFailed || job.Failure != FailureInterrupted {
				t.Errorf("%s: %s %s %v", c.worker, job.State, job.Failure, err)
			}
			if n := countRows(t, s, "responses") + countRows(t, s, "tallies"); n != 0 {
				t.Errorf("%s: %d rows left", c.worker, n)
			}
		}
	})
}

// deadPID is the ID of a process of this host that has ended.
func deadPID(t *testing.T) int {
	for pid := 4_000_000; pid > 3_000_000; pid -= 7919 {
		if !processAlive(pid) {
			return pid
		}
	}
	t.Skip("no free process ID found")
	return 0
}

// Two processes importing the same file at once (each its own store on one database):
// one imports it, the other waits for the slot and finds every row already imported.
func TestConcurrentImportsOfOneFile(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		dsn := db.fresh(t)
		openTestStore(t, dsn, true)
		file := string(paperFile(t, 800, 11, year2025, 365))
		var (
			wg   sync.WaitGroup
			jobs [2]ImportJob
			errs [2]error
		)
		for i := range jobs {
			s := openTestStore(t, dsn, false)
			wg.Go(func() {
				jobs[i], errs[i] = slicesOf(testImporter(s), 100).ImportFile(context.Background(), testImport("twice.csv"),
					strings.NewReader(file), int64(len(file)), nil)
			})
		}
		wg.Wait()
		stored, repeated := 0, 0
		for i, j := range jobs {
			if errs[i] != nil || j.State != ImportDone {
				t.Fatalf("import %d: %s %s %v %v", i, j.State, j.Failure, j.Problems, errs[i])
			}
			stored += j.Result.Stored
			repeated += j.Result.Repeated
		}
		s := openTestStore(t, dsn, false)
		if stored != 800 || repeated != 800 || countRows(t, s, "responses") != 800 {
			t.Errorf("stored %d, repeated %d, %d responses kept", stored, repeated, countRows(t, s, "responses"))
		}
		verifyClean(t, s, "after two imports")
	})
}

// A kiosk submission waits for the writer at most the submitter's bound: held longer
// (here by a transaction that does not end), it is ErrBusy; it is stored once the writer
// is free, and its retry is a repeat.
func TestSubmitWaitsAtMostTheBound(t *testing.T) {
	s := newTestStore(t)
	f := newFixture(t, s)
	sub := s.NewSubmitter(8, 100*time.Millisecond)
	defer sub.Close()
	hold, held := make(chan struct{}), make(chan struct{})
	go sub.runTx(context.Background(), func(writeTx) error {
		close(held)
		<-hold
		return nil
	})
	<-held
	r := f.response("00000000-0000-4000-8000-000000000201", f.a1, vn(2026, 1, 5, 9, 0), "", nil, "E1.1", 5)
	if _, err := sub.Submit(context.Background(), r); !errors.Is(err, ErrBusy) {
		t.Fatalf("a submission behind a held writer: %v, want ErrBusy", err)
	}
	close(hold)
	deadline := time.Now().Add(5 * time.Second)
	for countRows(t, s, "responses") == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if out, err := sub.Submit(context.Background(), r); err != nil || out != Repeated {
		t.Errorf("the retry: %v %v, want Repeated", out, err)
	}
	if n := countRows(t, s, "responses"); n != 1 {
		t.Errorf("%d responses", n)
	}
}

// In serve, an import's slices go through the kiosks' writer: a submission made while
// the import writes is stored between two slices, long before the import ends.
func TestImportTakesTurnsWithKiosks(t *testing.T) {
	s := newTestStore(t)
	f := newFixture(t, s)
	sub := s.NewSubmitter(8, 0)
	defer sub.Close()
	im := slicesOf(s.NewImporter(sub, func() time.Time { return benchNow }), 50)
	file := string(paperFile(t, 1000, 12, year2025, 365))
	var (
		once       sync.Once
		progress   atomic.Int64
		storedWhen atomic.Int64
		done       = make(chan error, 1)
	)
	job, err := im.ImportFile(context.Background(), testImport("turns.csv"), strings.NewReader(file), int64(len(file)), func(j ImportJob) {
		progress.Store(j.Progress.Stored)
		if j.Phase != PhaseWriting || j.Progress.Stored == 0 {
			return
		}
		once.Do(func() {
			go func() {
				r := f.response("00000000-0000-4000-8000-000000000301", f.a1, vn(2026, 1, 5, 9, 0), "", nil, "E1.1", 5)
				_, err := sub.Submit(context.Background(), r)
				storedWhen.Store(progress.Load())
				done <- err
			}()
		})
	})
	if err != nil || job.State != ImportDone {
		t.Fatalf("%+v %v", job, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if at := storedWhen.Load(); at >= 1000 {
		t.Errorf("the kiosk's response was stored when %d of 1000 questionnaires were: after the import", at)
	}
}

// A job and its problems read back as they were written, in the reader's words.
func TestImportProblemsKept(t *testing.T) {
	s := newTestStore(t)
	bad := "province,office,counter,channel,submitted_at,E1.1\n" + strings.Repeat("31,o,c,fax,2025-08-01,9\n", 12)
	job := importFile(t, testImporter(s), "bad.csv", bad)
	if job.State != ImportFailed || job.Failure != FailureRefused || !job.MoreProblems || len(job.Problems) != survey.MaxPaperErrors {
		t.Fatalf("%s %s more %t, %d problems", job.State, job.Failure, job.MoreProblems, len(job.Problems))
	}
	if got := job.Problems[0].String(); got != "paper.at.row_column(2, channel, paper.problem.channel(fax))" {
		t.Errorf("first problem %s", got)
	}
	if args := job.Problems[1].Args; len(args) != 3 || args[0] != 2 {
		t.Errorf("args keep their kinds: %#v", args)
	}
	if n := countRows(t, s, "offices") + countRows(t, s, "import_chunks"); n != 0 {
		t.Errorf("a refused file left %d rows", n)
	}
}

// Scopes: a province admin sees the jobs uploaded within its province only.
func TestImportScopes(t *testing.T) {
	hp := Scope{ProvinceIDs: []uint{31, 30}}
	job := ImportJob{scope: scopeText(Scope{ProvinceIDs: []uint{30, 31}})}
	national := ImportJob{scope: scopeText(AllProvinces())}
	for _, c := range []struct {
		s    Scope
		job  ImportJob
		sees bool
	}{
		{hp, job, true}, {hp, national, false}, {AllProvinces(), job, true}, {AllProvinces(), national, true},
		{Scope{ProvinceIDs: []uint{48}}, job, false}, {Scope{ProvinceIDs: []uint{}}, national, false},
	} {
		if got := c.s.Sees(c.job); got != c.sees {
			t.Errorf("%v sees %q: %t", c.s.ProvinceIDs, c.job.scope, got)
		}
	}
}
