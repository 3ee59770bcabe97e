package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

// A questionnaire lives in version control: export it, edit the file, publish it (checked
// as the designer checks a draft; it replaces the version it came from where that one is
// assigned), assign a version elsewhere, and list where each is in force.
func TestQuestionnaireCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	if _, err := sipasIn(t, "", nil, "demo", "-db", db, "-responses", "0"); err != nil {
		t.Fatal(err)
	}
	out, err := sipasIn(t, "", nil, "questionnaire", "export", "-db", db, "sipas-counter")
	if err != nil {
		t.Fatal(err)
	}
	var q survey.Questionnaire
	if err := json.Unmarshal([]byte(out), &q); err != nil || q.Version != 1 || q.Code != "sipas-counter" {
		t.Fatalf("export: %v %+v", err, q.Version)
	}
	write := func(name string, edit func(*survey.Questionnaire)) string {
		c := q.Clone()
		edit(c)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, c.JSON(), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	reworded := write("reworded.json", func(c *survey.Questionnaire) {
		c.Elements[0].Criteria[0].Text["en"] = "The waiting area has enough seats"
	})
	empty := write("empty.json", func(c *survey.Questionnaire) { c.Elements[2].Criteria[1].Text["en"] = "" })
	nobase := write("nobase.json", func(c *survey.Questionnaire) { c.Version = 7 })
	other := write("other.json", func(c *survey.Questionnaire) { c.Code, c.Version = "sipas-phone", 0 })

	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		err  string
		out  []string
	}{
		{"a problem", nil, []string{"questionnaire", "publish", "-db", db, empty}, "1 problem; nothing was published",
			[]string{"el.2.c.1.text.en: Criterion E3.2 (en): is empty."}},
		{"a version that does not exist", nil, []string{"questionnaire", "publish", "-db", db, nobase}, "no sipas-counter version 7", nil},
		{"publish", nil, []string{"questionnaire", "publish", reworded, "-db", db, "-note", "E1.1 reworded"}, "",
			[]string{"published sipas-counter version 2 (from version 1)", "replaces version 1 at the whole country from "}},
		{"the same file again", nil, []string{"questionnaire", "publish", "-db", db, reworded}, "nothing was published", nil},
		{"a new questionnaire", nil, []string{"questionnaire", "publish", "-db", db, other}, "", []string{"published sipas-phone version 1\n"}},
		{"assign from the environment", map[string]string{"SIPAS_DB": db, "SIPAS_FROM": "2099-01-01"},
			[]string{"questionnaire", "assign", "sipas-counter@1", "-province", "31", "-office", "demo-31"}, "",
			[]string{"assigned sipas-counter version 1 to office demo-31 (31 Thành phố Hải Phòng) from 2099-01-01 00:00"}},
		{"assign to a province", nil, []string{"questionnaire", "assign", "-db", db, "sipas-phone@1", "-province", "48", "-from", "2020-01-01"}, "",
			[]string{"assigned sipas-phone version 1 to province 48"}},
		{"assign without a day", nil, []string{"questionnaire", "assign", "-db", db, "sipas-counter@1"}, "-from", nil},
		{"assign an office without its province", nil, []string{"questionnaire", "assign", "-db", db, "sipas-counter@1", "-office", "demo-31", "-from", "2026-01-01"}, "-office needs -province", nil},
		{"assign an unknown version", nil, []string{"questionnaire", "assign", "-db", db, "sipas-counter@9", "-from", "2026-01-01"}, "no published sipas-counter@9", nil},
		{"export a version", nil, []string{"questionnaire", "export", "-db", db, "sipas-counter@2"}, "", []string{`"version": 2`, "The waiting area has enough seats"}},
		{"export the country's version", nil, []string{"questionnaire", "export", "-db", db, "sipas-counter"}, "", []string{`"version": 2`}},
		{"export an unknown version", nil, []string{"questionnaire", "export", "-db", db, "sipas-counter@5"}, "no published sipas-counter@5", nil},
		{"list", nil, []string{"questionnaire", "list", "-db", db}, "", []string{"sipas-counter  2", "country", "E1.1 reworded", "sipas-phone    1", "1 province"}},
	} {
		out, err := sipasIn(t, "", tt.env, tt.args...)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: error %v, want %q\n%s", tt.name, err, tt.err, out)
		}
		for _, want := range tt.out {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", tt.name, want, out)
			}
		}
	}
	// the kiosks of the country now show version 2; the audit log says who did it
	store, err := models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	k, err := store.Kiosk(context.Background(), models.KioskLookup{Counter: "demo-48", Questionnaire: "sipas-counter", Now: time.Now()})
	if err != nil || k.Questionnaire.Code != "sipas-phone" {
		t.Errorf("Đà Nẵng's kiosk shows %s v%d (%v), want sipas-phone", k.Questionnaire.Code, k.Questionnaire.Version, err)
	}
	if k, _ := store.KioskByCounter(context.Background(), "demo-01", "sipas-counter"); k.Questionnaire.Version != 2 {
		t.Errorf("Hà Nội's kiosk shows version %d", k.Questionnaire.Version)
	}
	events, _, _ := store.AuditEvents(context.Background(), models.AuditFilter{Kind: "questionnaire.publish"}, 0, 10)
	if len(events) != 2 || events[0].ClientAddr != "command line" {
		t.Errorf("publish events %+v", events)
	}
}
