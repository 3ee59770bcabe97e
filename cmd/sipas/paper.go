package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"sipas/handlers"
	"sipas/handlers/apijson"
	"sipas/models"
	"sipas/survey"
	"sipas/survey/sheets"
	"sipas/views"
)

// importPaper imports a file of paper questionnaires (SPEC §4), all of it or nothing,
// through the same job as the upload page, run in this process: every row is read and
// checked, then written in slices that no reader sees until the job publishes them; a
// file imported again stores nothing twice. Progress goes to stdout, on one line updated
// in place when it is a terminal; the last line says how many responses were imported.
func importPaper(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("import", env)
	dsn := dbFlag(fs)
	code := fs.String("questionnaire", handlers.DefaultConfig().Questionnaire, "code of the published questionnaire the forms answer (env SIPAS_QUESTIONNAIRE)")
	fs.Usage = func() {
		fmt.Fprintln(env.stdout, "usage: sipas import [-db …] FILE.csv|FILE.xlsx")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("import needs one file, .csv or .xlsx")
	}
	name := fs.Arg(0)
	if err := sheets.CheckName(name); err != nil {
		return nothingImported(name, err, false)
	}
	f, err := os.Open(name)
	if err != nil {
		return nothingImported(name, err, false)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nothingImported(name, err, false)
	}
	collectorSettings(env, importGCPercent, importMemoryLimit)
	store, err := openStore(ctx, *dsn, env.stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	show := newImportProgress(env.stdout, isTerminal(env.stdout), time.Now)
	job, err := store.NewImporter(nil, time.Now).ImportFile(ctx, models.NewImport{FileName: name, Questionnaire: *code,
		Scope: models.AllProvinces(), By: models.Actor{Addr: "command line", Now: time.Now()}}, f, st.Size(), show.update)
	show.finish(job)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case job.State == models.ImportDone:
		return nil
	case job.Failure == models.FailureRefused:
		return nothingImported(name, nil, job.MoreProblems, job.Problems...)
	case job.Failure == models.FailureInterrupted:
		return fmt.Errorf("%s: the import was interrupted; nothing was imported", name)
	}
	return fmt.Errorf("%s: the import failed (see the log above); nothing was imported", name)
}

// The garbage collector's settings of `sipas import`, unless GOGC or GOMEMLIMIT say
// otherwise. An import makes about 10 KB of garbage a row, and at Go's default (a
// collection each time the heap doubles) collecting was a third of its CPU. Collecting
// when it quadruples, but working harder as the heap nears 110 MiB, took the one-month
// file from 3.9–4.2 s to 3.5–3.7 s and the national one from 5.5–5.7 to 5.0–5.3 s on the
// 2-core machine (five and three runs in turn), at 155 MB resident instead of 120 (SPEC
// §7: under 200 MB). The import streams, so the heap does not grow with the file.
const (
	importGCPercent   = 300
	importMemoryLimit = 110 << 20
)

// nothingImported words a refused file in English through the catalogue, each problem
// on a line naming row and column: the problems of a job (more: the first of them), or
// the error of a file that could not be opened.
func nothingImported(name string, err error, more bool, problems ...survey.Message) error {
	catalog, cerr := views.LoadCatalog()
	if cerr != nil {
		return fmt.Errorf("%s: %v %v", name, err, problems)
	}
	var sheet *sheets.Error
	if errors.As(err, &sheet) {
		problems = append(problems, sheet.Describe())
	}
	switch {
	case len(problems) == 1:
		return errors.New(catalog.T(cliLang, "cli.import.refused", strings.TrimSuffix(catalog.Message(cliLang, problems[0]), ".")))
	case len(problems) > 1:
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = "  " + catalog.Message(cliLang, p)
		}
		if more {
			return errors.New(catalog.T(cliLang, "cli.import.first_problems", len(problems), name, strings.Join(lines, "\n")))
		}
		return errors.New(catalog.T(cliLang, "cli.import.problems", len(problems), name, strings.Join(lines, "\n")))
	}
	return errors.New(catalog.T(cliLang, "cli.import.failed", name, err.Error()))
}

// exportIndex writes the national table of a period to stdout: CSV (one level), XLSX (a
// sheet per level) or the JSON of GET /api/v1/sipas.
func exportIndex(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("export", env)
	dsn := dbFlag(fs)
	var pq survey.PeriodQuery
	fs.StringVar(&pq.Year, "year", "", "calendar year, default the current one in Vietnam (env SIPAS_YEAR)")
	fs.StringVar(&pq.Quarter, "quarter", "", "quarter 1–4 of the year (env SIPAS_QUARTER)")
	fs.StringVar(&pq.Month, "month", "", "month 1–12 of the year (env SIPAS_MONTH)")
	fs.StringVar(&pq.From, "from", "", "first day YYYY-MM-DD of a date range, with -to (env SIPAS_FROM)")
	fs.StringVar(&pq.To, "to", "", "last day YYYY-MM-DD of a date range (env SIPAS_TO)")
	unitsFlag := fs.String("units", "", "\"current\" maps earlier responses onto today's provinces (env SIPAS_UNITS)")
	format := fs.String("format", "csv", "csv, xlsx or json (env SIPAS_FORMAT)")
	level := fs.String("level", survey.LevelProvinces, "table of the CSV: provinces, elements or criteria (env SIPAS_LEVEL)")
	lang := fs.String("lang", "vi", "language of element names: vi or en (env SIPAS_LANG)")
	code := fs.String("questionnaire", handlers.DefaultConfig().Questionnaire, "code of the questionnaire (env SIPAS_QUESTIONNAIRE)")
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export takes no arguments (got %q); it writes to stdout", fs.Arg(0))
	}
	now := time.Now()
	p, err := survey.ParsePeriod(pq, now)
	if err != nil {
		return inWords(err)
	}
	current, err := survey.UnitsQuery(*unitsFlag)
	if err != nil {
		return inWords(err)
	}
	if *format != "csv" && *format != "xlsx" && *format != "json" {
		return fmt.Errorf("-format %q is not csv, xlsx or json", *format)
	}
	if err := survey.CheckLevel(*level); err != nil {
		return inWords(err)
	}
	store, err := openStore(ctx, *dsn, io.Discard) // stdout is the export
	if err != nil {
		return err
	}
	defer store.Close()
	// The same national table as GET /api/v1/sipas: the same store call and report.
	in, err := store.National(ctx, models.NationalQuery{Questionnaire: *code, Period: p, Scope: models.AllProvinces()})
	if err != nil {
		return fmt.Errorf("questionnaire %s: %w", *code, err)
	}
	r := in.Report(survey.ReportDay(p, now, current))
	switch *format {
	case "json":
		return json.NewEncoder(env.stdout).Encode(apijson.NationalDoc(r, current, *lang))
	case "xlsx":
		return sheets.WriteXLSX(env.stdout, r.Tables(*lang)...)
	}
	t, err := survey.TableOf(r.Tables(*lang), *level)
	if err != nil {
		return err
	}
	return sheets.WriteCSV(env.stdout, t)
}

// cliLang is the language of the command line's messages.
const cliLang = "en"

// inWords words an error the domain describes (a period, a level) in English through the
// catalogue; any other error is returned as it is.
func inWords(err error) error {
	catalog, cerr := views.LoadCatalog()
	if cerr != nil {
		return err
	}
	if text, ok := catalog.Error(cliLang, err); ok {
		return errors.New(text)
	}
	return err
}
