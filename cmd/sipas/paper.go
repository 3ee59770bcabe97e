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

// importPaper stores a file of paper questionnaires (SPEC §4), all of it or nothing: every
// row is checked before anything is stored, and a file imported again stores nothing twice.
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
	began := time.Now()
	records, err := readSheet(name)
	if err != nil {
		return nothingImported(name, err)
	}
	fmt.Fprintf(env.stdout, "read %d rows from %s in %.1f s\n", max(len(records)-1, 0), name, time.Since(began).Seconds())

	store, err := openStore(ctx, *dsn, env.stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	qrow, q, err := store.PublishedQuestionnaire(ctx, *code)
	if err != nil {
		return fmt.Errorf("questionnaire %s: %w", *code, err)
	}
	units, err := store.Units(ctx)
	if err != nil {
		return err
	}
	step := time.Now()
	rows, err := survey.ParsePaper(q, units, records, time.Now())
	if err != nil {
		return nothingImported(name, err)
	}
	fmt.Fprintf(env.stdout, "checked %d questionnaires in %.1f s\n", len(rows), time.Since(step).Seconds())
	step = time.Now()
	res, err := store.ImportPaper(ctx, rows, q, qrow.ID)
	if err != nil {
		return nothingImported(name, err)
	}
	if res.Offices > 0 || res.Counters > 0 {
		fmt.Fprintf(env.stdout, "created %d offices and %d counters\n", res.Offices, res.Counters)
	}
	fmt.Fprintf(env.stdout, "stored in %.1f s (%.1f s in all)\n", time.Since(step).Seconds(), time.Since(began).Seconds())
	if res.Repeated > 0 {
		fmt.Fprintf(env.stdout, "%d rows were already imported\n", res.Repeated)
	}
	fmt.Fprintf(env.stdout, "imported %d responses\n", res.Stored)
	return nil
}

// readSheet reads every row of a CSV or XLSX file within the limits of an upload.
func readSheet(name string) ([][]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return sheets.ReadAll(name, f, st.Size(), sheets.DefaultLimits())
}

// nothingImported words a refused file in English through the catalogue: each problem on
// a line, naming row and column.
func nothingImported(name string, err error) error {
	catalog, cerr := views.LoadCatalog()
	if cerr != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	words := func(m survey.Message) string { return strings.TrimSuffix(catalog.Message(cliLang, m), ".") }
	var list survey.PaperErrors
	var one *survey.PaperError
	var sheet *sheets.Error
	switch {
	case errors.As(err, &sheet):
		return errors.New(catalog.T(cliLang, "cli.import.refused", words(sheet.Describe())))
	case errors.As(err, &list) && len(list) == 1:
		return errors.New(catalog.T(cliLang, "cli.import.refused", words(list[0].Describe())))
	case errors.As(err, &list):
		lines := make([]string, len(list))
		for i, e := range list {
			lines[i] = "  " + catalog.Message(cliLang, e.Describe())
		}
		if len(list) == survey.MaxPaperErrors {
			return errors.New(catalog.T(cliLang, "cli.import.first_problems", len(list), name, strings.Join(lines, "\n")))
		}
		return errors.New(catalog.T(cliLang, "cli.import.problems", len(list), name, strings.Join(lines, "\n")))
	case errors.As(err, &one):
		return errors.New(catalog.T(cliLang, "cli.import.refused", words(one.Describe())))
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
