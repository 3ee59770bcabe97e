package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"sipas/models"
)

// verify recomputes every kept count from the raw responses and reports each row that
// differs; it fails (exit status 1) when one does.
func verify(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("verify", env)
	dsn := dbFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.stdout, "usage: sipas verify [-db …]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("verify takes no arguments, only flags (got %q)", fs.Arg(0))
	}
	store, err := openExisting(*dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	began := time.Now()
	sum, err := store.VerifyCounts(ctx, func(d models.CountDifference) error {
		printDifference(env.stdout, d)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "verified %d kept count rows against %d responses over %d months in %.1f s: %s\n",
		sum.Rows, sum.Responses, sum.Months, time.Since(began).Seconds(), plural(sum.Differences, "difference"))
	if sum.Differences > 0 {
		return fmt.Errorf("the kept counts differ from the responses in %s", plural(sum.Differences, "place"))
	}
	return nil
}

// printDifference writes one difference: what kind, which row, and the figures that differ.
func printDifference(w io.Writer, d models.CountDifference) {
	key := describeKey(d.Key)
	switch d.Kind {
	case models.Missing:
		fmt.Fprintf(w, "missing: %s\n  no row is kept; the responses give one of %s\n", key, plural(d.Recomputed.Responses, "response"))
	case models.Extra:
		fmt.Fprintf(w, "extra: %s\n  a row of %s is kept; no response gives it\n", key, plural(d.Kept.Responses, "response"))
	case models.Unreadable:
		fmt.Fprintf(w, "unreadable: %s\n  %v\n", key, d.Err)
	case models.BadResponse:
		fmt.Fprintf(w, "bad response %s, %s\n  its answers cannot be counted: %v\n", d.Response, key, d.Err)
	default:
		fmt.Fprintf(w, "different: %s\n", key)
		for i, p := range d.Parts {
			if i == maxParts {
				fmt.Fprintf(w, "  and %d more\n", len(d.Parts)-maxParts)
				break
			}
			fmt.Fprintf(w, "  %s: kept %s, recomputed %s\n", partName(p), figures(p.Kept), figures(p.Recomputed))
		}
	}
}

// maxParts is how many differing figures of a row are shown: the first ones (responses,
// score sums, the first criteria) say enough to find the cause.
const maxParts = 8

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func partName(p models.TallyDifference) string {
	switch p.Part {
	case models.DiffResponses:
		return "responses"
	case models.DiffScores:
		return "score sums (Σs, Σs²)"
	case models.DiffAnswers:
		return p.Code + " answers 1-5"
	case models.DiffPairs:
		return p.Code + " importance sums (pairs, Σx, Σx², Σo, Σo², Σx·o)"
	}
	return "option " + p.Code + "=" + p.Value
}

func figures(fs []float64) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = num(f)
	}
	return strings.Join(out, " ")
}
