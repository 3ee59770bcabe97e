package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// questionnaire keeps questionnaires in version control: list the versions, export one
// as JSON, publish an edited file as a new version (checked as the designer checks a
// draft), assign a version to the country, a province or an office. Every change is
// audited as made from the command line.
func questionnaire(ctx context.Context, env cmdEnv, args []string) error {
	verbs := map[string]func(context.Context, cmdEnv, []string) error{
		"list": questionnaireList, "export": questionnaireExport, "publish": questionnairePublish, "assign": questionnaireAssign,
	}
	if len(args) == 0 || verbs[args[0]] == nil {
		fmt.Fprintln(env.stdout, "usage: sipas questionnaire list\n"+
			"       sipas questionnaire export CODE[@VERSION] > q.json\n"+
			"       sipas questionnaire publish q.json [-from YYYY-MM-DD] [-note TEXT]\n"+
			"       sipas questionnaire assign CODE@VERSION [-province C [-office O]] -from YYYY-MM-DD\n(each also takes -db)")
		return errors.New("questionnaire needs one of list, export, publish, assign")
	}
	return verbs[args[0]](ctx, env, args[1:])
}

// parseWithArg parses flags around one positional argument (before or after the flags).
func parseWithArg(fs *flag.FlagSet, env cmdEnv, args []string, what string) (string, error) {
	if err := parseFlags(fs, env, args); err != nil {
		return "", err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return "", fmt.Errorf("give %s", what)
	}
	if err := fs.Parse(rest[1:]); err != nil {
		return "", err
	}
	if len(fs.Args()) > 0 {
		return "", fmt.Errorf("unexpected %q", fs.Args()[0])
	}
	return rest[0], nil
}

// versionRef reads CODE[@VERSION]; version 0 when none is given.
func versionRef(ref string) (code string, version int, err error) {
	code, v, found := strings.Cut(ref, "@")
	if m, ok := survey.CheckCode(code); !ok {
		return "", 0, fmt.Errorf("questionnaire code %q: %s", code, m)
	}
	if !found {
		return code, 0, nil
	}
	version, err = strconv.Atoi(strings.TrimPrefix(v, "v"))
	if err != nil || version < 1 {
		return "", 0, fmt.Errorf("%q: the version after @ is a number from 1", ref)
	}
	return code, version, nil
}

func questionnaireList(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("questionnaire list", env)
	dsn := dbFlag(fs)
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	store, err := openStore(ctx, *dsn, io.Discard)
	if err != nil {
		return err
	}
	defer store.Close()
	versions, err := store.Versions(ctx)
	if err != nil {
		return err
	}
	assigned, err := store.Assignments(ctx, nil)
	if err != nil {
		return err
	}
	drafts, err := store.Drafts(ctx, nil)
	if err != nil {
		return err
	}
	inForce := places(assigned, time.Now())
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CODE\tVERSION\tPUBLISHED\tBY\tFROM\tIN FORCE AT\tNOTE")
	for _, v := range versions {
		published, from := "-", "-"
		if v.PublishedAt != nil {
			published = v.PublishedAt.In(survey.VietnamTime()).Format("2006-01-02 15:04")
		}
		if v.BasedOnVersion != 0 {
			from = "v" + strconv.Itoa(v.BasedOnVersion)
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", v.Code, v.Version, published, dash(v.PublishedBy), from, dash(inForce[v.ID]), v.Note)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, d := range drafts {
		fmt.Fprintf(env.stdout, "draft %d of %s, revision %d, last changed by %s at %s\n", d.ID, d.Code, d.Revision, dash(d.UpdatedBy),
			d.UpdatedAt.In(survey.VietnamTime()).Format("2006-01-02 15:04"))
	}
	return nil
}

// places says, for each version, where it is the assignment in force now at its own
// place: "country", "3 provinces", "2 offices".
func places(rows []models.AssignmentRow, now time.Time) map[uint]string {
	var all []survey.Assignment
	for _, r := range rows {
		all = append(all, r.Domain())
	}
	type count struct{ country, provinces, offices int }
	counts := map[uint]*count{}
	seen := map[[2]uint]bool{}
	for _, a := range all {
		place := [2]uint{a.ProvinceID, a.OfficeID}
		if seen[place] {
			continue
		}
		seen[place] = true
		cur, ok := survey.InForce(all, a.ProvinceID, a.OfficeID, now)
		if !ok || cur.Level() != a.Level() {
			continue
		}
		c := counts[cur.VersionID]
		if c == nil {
			c = &count{}
			counts[cur.VersionID] = c
		}
		switch a.Level() {
		case 0:
			c.country++
		case 1:
			c.provinces++
		default:
			c.offices++
		}
	}
	out := map[uint]string{}
	for id, c := range counts {
		var parts []string
		if c.country > 0 {
			parts = append(parts, "country")
		}
		if c.provinces > 0 {
			parts = append(parts, plural(int64(c.provinces), "province"))
		}
		if c.offices > 0 {
			parts = append(parts, plural(int64(c.offices), "office"))
		}
		out[id] = strings.Join(parts, ", ")
	}
	return out
}

func questionnaireExport(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("questionnaire export", env)
	dsn := dbFlag(fs)
	ref, err := parseWithArg(fs, env, args, "the questionnaire, CODE or CODE@VERSION")
	if err != nil {
		return fmt.Errorf("usage: sipas questionnaire export [-db …] CODE[@VERSION]: %w", err)
	}
	code, version, err := versionRef(ref)
	if err != nil {
		return err
	}
	store, err := openExisting(*dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	var q *survey.Questionnaire
	if version == 0 {
		_, q, err = store.PublishedQuestionnaire(ctx, code) // the version the whole country asks
	} else {
		_, q, err = store.VersionByNumber(ctx, code, version)
	}
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("there is no published %s", ref)
	}
	if err != nil {
		return err
	}
	_, err = env.stdout.Write(q.JSON())
	return err
}

// dayFlag reads -from, a day in Vietnam time; today (or empty, when allowed) means now.
func dayFlag(v string, required bool) (time.Time, error) {
	now := time.Now()
	if v == "" && !required {
		return now, nil
	}
	t, err := survey.ParseDate(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("-from %q: want a day YYYY-MM-DD", v)
	}
	if survey.DayKey(t) <= survey.DayKey(now) {
		return now, nil
	}
	return t, nil
}

func questionnairePublish(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("questionnaire publish", env)
	dsn := dbFlag(fs)
	fromFlag := fs.String("from", "", "the day (YYYY-MM-DD, Vietnam time) it replaces the version it was exported from; default now")
	note := fs.String("note", "", "what changed, for the version list and the audit log")
	file, err := parseWithArg(fs, env, args, "the JSON file to publish")
	if err != nil {
		return fmt.Errorf("usage: sipas questionnaire publish [-db …] q.json [-from YYYY-MM-DD] [-note TEXT]: %w", err)
	}
	from, err := dayFlag(*fromFlag, false)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	q, err := survey.ParseQuestionnaire(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	catalog, err := views.LoadCatalog()
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *dsn, io.Discard)
	if err != nil {
		return err
	}
	defer store.Close()
	rules := survey.DesignRules{Languages: catalog.Languages()}
	var baseID uint
	if q.Version != 0 { // the version it was exported from, which it corrects
		row, base, err := store.VersionByNumber(ctx, q.Code, q.Version)
		switch {
		case errors.Is(err, models.ErrNotFound):
			return fmt.Errorf("%s: there is no %s version %d to start from; export a published version and edit it", file, q.Code, q.Version)
		case err != nil:
			return err
		}
		baseID, rules.Base = row.ID, base
	}
	if rules.Earlier, err = store.EarlierCodes(ctx, q.Code); err != nil {
		return err
	}
	if problems := q.CheckDesign(rules); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(env.stdout, "%s: %s\n", p.Field, catalog.Message("en", p.Describe()))
		}
		return fmt.Errorf("%s: %s; nothing was published", file, plural(int64(len(problems)), "problem"))
	}
	pub, err := store.Publish(ctx, models.Publishing{Q: q, BaseID: baseID, From: from, Note: *note}, cliActor())
	if errors.Is(err, models.ErrUnchanged) {
		return fmt.Errorf("%s asks exactly what %s version %d or its newest version asks: nothing was published", file, q.Code, q.Version)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "published %s version %d", pub.Version.Code, pub.Version.Version)
	if baseID != 0 {
		fmt.Fprintf(env.stdout, " (from version %d)", q.Version)
	}
	fmt.Fprintln(env.stdout)
	if baseID != 0 {
		units, err := store.Units(ctx)
		if err != nil {
			return err
		}
		if len(pub.Replaced) == 0 {
			fmt.Fprintf(env.stdout, "version %d was assigned nowhere: assign version %d with sipas questionnaire assign %s@%d\n",
				q.Version, pub.Version.Version, pub.Version.Code, pub.Version.Version)
		}
		for _, r := range pub.Replaced {
			fmt.Fprintf(env.stdout, "replaces version %d at %s from %s\n", q.Version, placeName(ctx, store, units, r),
				from.In(survey.VietnamTime()).Format("2006-01-02 15:04"))
		}
	}
	return nil
}

// placeName names the place of an assignment for the terminal.
func placeName(ctx context.Context, store *models.Store, units []survey.Unit, a survey.Assignment) string {
	province := ""
	for _, u := range units {
		if u.ID == a.ProvinceID {
			province = u.Code + " " + u.Name
		}
	}
	switch a.Level() {
	case 2:
		o, err := store.OfficeByID(ctx, a.OfficeID)
		if err != nil {
			return fmt.Sprintf("office %d", a.OfficeID)
		}
		return "office " + o.Code + " (" + province + ")"
	case 1:
		return "province " + province
	}
	return "the whole country"
}

func questionnaireAssign(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("questionnaire assign", env)
	dsn := dbFlag(fs)
	province := fs.String("province", "", "the current province's code; none: the whole country")
	office := fs.String("office", "", "the office's code, within -province")
	fromFlag := fs.String("from", "", "the day (YYYY-MM-DD, Vietnam time) it is in force from; today means now")
	ref, err := parseWithArg(fs, env, args, "the version, CODE@VERSION")
	if err != nil {
		return fmt.Errorf("usage: sipas questionnaire assign [-db …] CODE@VERSION [-province C [-office O]] -from YYYY-MM-DD: %w", err)
	}
	code, version, err := versionRef(ref)
	if err != nil {
		return err
	}
	if version == 0 {
		return fmt.Errorf("%q: name the version, CODE@VERSION", ref)
	}
	from, err := dayFlag(*fromFlag, true)
	if err != nil {
		return err
	}
	if *office != "" && *province == "" {
		return errors.New("-office needs -province (office codes are unique within a province)")
	}
	store, err := openStore(ctx, *dsn, io.Discard)
	if err != nil {
		return err
	}
	defer store.Close()
	row, _, err := store.VersionByNumber(ctx, code, version)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("there is no published %s", ref)
	}
	if err != nil {
		return err
	}
	units, err := store.Units(ctx)
	if err != nil {
		return err
	}
	a := survey.Assignment{}
	if *province != "" {
		u, ok := survey.UnitAt(units, *province, time.Now().In(survey.VietnamTime()).Format("2006-01-02"))
		if !ok {
			return fmt.Errorf("-province: no current province has the code %q", *province)
		}
		a.ProvinceID = u.ID
		if *office != "" {
			o, err := store.OfficeIn(ctx, survey.UnitIDs(survey.UnitsInto(units, u)), *office)
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("-office: there is no office %q in %s", *office, u.Name)
			}
			if err != nil {
				return err
			}
			a.OfficeID, a.ProvinceID = o.ID, o.ProvinceID
		}
	}
	if _, err := store.Assign(ctx, row.ID, a.ProvinceID, a.OfficeID, from, cliActor()); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "assigned %s version %d to %s from %s\n", code, version, placeName(ctx, store, units, a),
		from.In(survey.VietnamTime()).Format("2006-01-02 15:04"))
	return nil
}
