package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"sipas/models"
	"sipas/survey"
)

// newFlags makes a flag set whose defaults come from SIPAS_* environment variables: a
// flag -rate-limit reads SIPAS_RATE_LIMIT. Flags given on the command line win.
func newFlags(name string, env cmdEnv) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stdout)
	return fs
}

// parseFlags applies the environment, then the arguments.
func parseFlags(fs *flag.FlagSet, env cmdEnv, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		key := "SIPAS_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := env.getenv(key); v != "" && err == nil {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", key, v, e)
			}
		}
	})
	if err != nil {
		return err
	}
	return fs.Parse(args)
}

// dbFlag registers -db, the SQLite file or postgres:// URL.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "sipas.db", "SQLite file, or a postgres:// URL for PostgreSQL (env SIPAS_DB)")
}

// openExisting opens a database that must exist already, for the commands that read or
// copy one: opening a SQLite path with no database would create an empty one.
func openExisting(dsn string) (*models.Store, error) {
	if !models.IsPostgresDSN(dsn) {
		if _, err := os.Stat(models.SQLitePath(dsn)); err != nil {
			return nil, fmt.Errorf("no database at %s (-db or SIPAS_DB names it)", models.SQLitePath(dsn))
		}
	}
	return models.Open(dsn)
}

// openStore opens the database and makes sure the reference data exist, telling out
// what it created.
func openStore(ctx context.Context, dsn string, out io.Writer) (*models.Store, error) {
	store, err := models.Open(dsn)
	if err != nil {
		return nil, err
	}
	seeded, err := store.EnsureReferenceData(ctx, survey.OfficialUnits(), survey.OfficialQuestionnaireJSON())
	if err != nil {
		store.Close()
		return nil, err
	}
	if seeded.Provinces > 0 {
		fmt.Fprintf(out, "created %d provincial units (63 until 30/06/2025, 34 from 01/07/2025)\n", seeded.Provinces)
	}
	if seeded.Questionnaire {
		fmt.Fprintln(out, "published the official SIPAS counter questionnaire as version 1")
	}
	return store, nil
}
