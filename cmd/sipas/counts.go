package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"sipas/models"
	"sipas/survey"
)

// counts prints the kept count rows of a counter, an office or a province in a period,
// so that an operator can check them against the raw responses.
func counts(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("counts", env)
	dsn := dbFlag(fs)
	counter := fs.String("counter", "", "code of a counter")
	office := fs.String("office", "", "code of an office (with -province)")
	province := fs.String("province", "", "code of a province: every unit that had it")
	day := fs.String("day", "", "one day, YYYY-MM-DD: its daily rows")
	month := fs.String("month", "", "one month, YYYY-MM: its daily and monthly rows (default: this month)")
	year := fs.String("year", "", "one year, YYYY: its daily and monthly rows")
	grain := fs.String("grain", "", "only rows of grain D, M or F")
	fs.Usage = func() {
		fmt.Fprintln(env.stdout, "usage: sipas counts [-db …] -counter CODE | -office CODE -province C | -province C  [-day YYYY-MM-DD | -month YYYY-MM | -year YYYY] [-grain D|M|F]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	q := models.CountRowQuery{Counter: *counter, Office: *office, Province: *province, Grain: *grain}
	switch {
	case fs.NArg() != 0:
		return fmt.Errorf("counts takes no arguments, only flags (got %q)", fs.Arg(0))
	case *counter != "" && (*office != "" || *province != ""):
		return errors.New("-counter names one counter: leave -office and -province out")
	case *office != "" && *province == "":
		return errors.New("-office needs -province: office codes are unique within a province")
	case *counter == "" && *province == "":
		fs.Usage()
		return errors.New("name a -counter, an -office with its -province, or a -province")
	case *grain != "" && *grain != "D" && *grain != "M" && *grain != "F":
		return fmt.Errorf("-grain %q: D, M or F", *grain)
	}
	label, err := countsPeriod(&q, *day, *month, *year, time.Now())
	if err != nil {
		return err
	}
	store, err := openExisting(*dsn)
	if err != nil {
		return err
	}
	defer store.Close()

	w := env.stdout
	fmt.Fprintf(w, "kept counts of %s, %s\n", countsUnit(q), label)
	fmt.Fprintln(w, "grain D: a day at a counter and procedure field; M: a month at a counter, all fields; F: a month in a province and field")
	totals := map[string][2]int64{}
	err = store.EachCountRow(ctx, q, func(r models.CountRow) error {
		t := totals[r.Key.Grain]
		totals[r.Key.Grain] = [2]int64{t[0] + 1, t[1] + r.Tally.Responses}
		printCountRow(w, r)
		return nil
	})
	if err != nil {
		return err
	}
	if len(totals) == 0 {
		fmt.Fprintln(w, "\nno kept counts")
		return nil
	}
	fmt.Fprintln(w)
	for _, g := range []string{"D", "M", "F"} {
		if t, ok := totals[g]; ok {
			fmt.Fprintf(w, "%s rows: %d, responses: %d\n", g, t[0], t[1])
		}
	}
	return nil
}

// countsPeriod sets the query's days and months from at most one of -day, -month and
// -year (this month in Vietnam when none) and returns how to name them.
func countsPeriod(q *models.CountRowQuery, day, month, year string, now time.Time) (string, error) {
	given := 0
	for _, v := range []string{day, month, year} {
		if v != "" {
			given++
		}
	}
	if given > 1 {
		return "", errors.New("give one of -day, -month and -year")
	}
	switch {
	case day != "":
		d, err := time.Parse("2006-01-02", day)
		if err != nil {
			return "", fmt.Errorf("-day %q: want YYYY-MM-DD", day)
		}
		q.FromDay = survey.DayKey(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, survey.VietnamTime()))
		q.ToDay = q.FromDay
		return "day " + day + " (daily rows only)", nil
	case year != "":
		y, err := strconv.Atoi(year)
		if err != nil || y < 1 || y > 9999 {
			return "", fmt.Errorf("-year %q: want YYYY", year)
		}
		q.FromDay, q.ToDay, q.FromMonth, q.ToMonth = y*10000+101, y*10000+1231, y*100+1, y*100+12
		return "year " + year, nil
	}
	if month == "" {
		month = now.In(survey.VietnamTime()).Format("2006-01")
	}
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return "", fmt.Errorf("-month %q: want YYYY-MM", month)
	}
	key := m.Year()*100 + int(m.Month())
	q.FromDay, q.ToDay, q.FromMonth, q.ToMonth = key*100+1, key*100+31, key, key
	return "month " + month, nil
}

func countsUnit(q models.CountRowQuery) string {
	switch {
	case q.Counter != "":
		return "counter " + q.Counter
	case q.Office != "":
		return "office " + q.Office + " of province " + q.Province
	}
	return "province " + q.Province
}

// describeKey names a count row on one line: grain and period, province, office and
// counter, questionnaire version, procedure field, and the import that wrote it.
func describeKey(k models.CountKey) string {
	period := strconv.Itoa(k.Period)
	if len(period) == 8 {
		period = period[:4] + "-" + period[4:6] + "-" + period[6:]
	} else if len(period) == 6 {
		period = period[:4] + "-" + period[4:]
	}
	parts := []string{k.Grain + " " + period}
	province := "province " + k.ProvinceCode + " " + k.ProvinceName
	if k.ProvinceUntil != "" {
		province += " (until " + k.ProvinceUntil + ")"
	}
	parts = append(parts, strings.TrimSpace(province))
	if k.OfficeCode != "" {
		parts = append(parts, "office "+k.OfficeCode)
	}
	if k.CounterCode != "" {
		parts = append(parts, "counter "+k.CounterCode)
	}
	parts = append(parts, fmt.Sprintf("%s v%d", k.Questionnaire, k.QuestionnaireVersion))
	switch k.Field {
	case "":
		parts = append(parts, "no field")
	case "*":
		parts = append(parts, "all fields")
	default:
		parts = append(parts, "field "+k.Field)
	}
	if k.Import != 0 { // the rows a paper import wrote are its own
		parts = append(parts, fmt.Sprintf("import %d", k.Import))
	}
	return strings.Join(parts, " | ")
}

// printCountRow writes one row: its key, its responses and score sums, its answers 1–5
// per criterion in the questionnaire's order, and its option counts.
func printCountRow(w io.Writer, r models.CountRow) {
	t := r.Tally
	fmt.Fprintf(w, "\n%s\n", describeKey(r.Key))
	fmt.Fprintf(w, "  responses %d, score sum %s, sum of squared scores %s\n", t.Responses, num(t.SumScore), num(t.SumScore2))
	if r.Unreadable != nil {
		fmt.Fprintf(w, "  packed counts unreadable: %v\n", r.Unreadable)
		return
	}
	var criteria, questions []string
	if r.Q != nil {
		criteria, questions = r.Q.CriterionCodes(), append(r.Q.QuestionCodes(), survey.FieldName)
	}
	criteria = inOrder(criteria, t.Criteria)
	if len(criteria) > 0 {
		fmt.Fprintf(w, "  %-10s %6s %6s %6s %6s %6s %9s\n", "criterion", "1", "2", "3", "4", "5", "answered")
	}
	for _, code := range criteria {
		c := t.Criteria[code]
		fmt.Fprintf(w, "  %-10s %6d %6d %6d %6d %6d %9d\n", code, c.Values[0], c.Values[1], c.Values[2], c.Values[3], c.Values[4], c.Answered())
	}
	for _, question := range inOrder(questions, t.Options) {
		values := t.Options[question]
		counts := make([]string, 0, len(values))
		for _, v := range inOrder(nil, values) {
			counts = append(counts, fmt.Sprintf("%s=%d", v, values[v]))
		}
		fmt.Fprintf(w, "  %s: %s\n", question, strings.Join(counts, " "))
	}
}

// inOrder lists the keys of m: those of order first, in that order, then the others sorted.
func inOrder[V any](order []string, m map[string]V) []string {
	out := make([]string, 0, len(m))
	for _, k := range order {
		if _, ok := m[k]; ok && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(out, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// num writes a sum as precisely as it is kept, without trailing zeros.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
