package models

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// A published version never changes: the store has no method that would, and the
// database itself refuses an UPDATE or DELETE of one, whoever connects.
func TestPublishedVersionIsImmutable(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		for name, stmt := range map[string]string{
			"update the definition": "UPDATE questionnaires SET definition = '{}' WHERE id = ?",
			"unpublish it":          "UPDATE questionnaires SET status = 'draft' WHERE id = ?",
			"delete it":             "DELETE FROM questionnaires WHERE id = ?",
		} {
			if err := s.db.Exec(stmt, f.qrow.ID).Error; err == nil {
				t.Errorf("%s: the database let it happen", name)
			}
		}
		var def string
		s.db.Model(&Questionnaire{}).Where("id = ?", f.qrow.ID).Pluck("definition", &def)
		if def != string(survey.OfficialQuestionnaireJSON()) {
			t.Error("the published definition changed")
		}
	})
}

// A draft is started from a version, saved revision by revision (a form from an older
// revision is refused), published as the next version, which replaces its base where
// the publisher may assign it, and is gone.
func TestDraftToVersion(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		admin := Actor{ID: 1, Name: "root", Now: vn(2026, 3, 10, 9, 0)}
		hpAdmin := Actor{ID: 2, Name: "hp.admin", Now: vn(2026, 3, 10, 9, 0)}
		if _, err := s.Assign(ctx, f.qrow.ID, f.provA.ID, 0, vn(2026, 3, 1, 0, 0), admin); err != nil { // Hải Phòng: v1 too
			t.Fatal(err)
		}
		d, err := s.StartDraft(ctx, f.qrow.ID, f.provA.ID, hpAdmin)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartDraft(ctx, f.qrow.ID, f.provA.ID, hpAdmin); !errors.Is(err, ErrDraftExists) {
			t.Errorf("a second draft of the same owner: %v", err)
		}
		if _, err := s.StartDraft(ctx, f.qrow.ID, 0, admin); err != nil { // the administrators' own
			t.Errorf("the administrators' draft: %v", err)
		}
		q, err := d.Parse()
		if err != nil {
			t.Fatal(err)
		}
		q.Elements[0].Criteria[0].Text["en"] = "The waiting area has enough seats"
		d2, err := s.SaveDraft(ctx, d.ID, d.Revision, q, hpAdmin)
		if err != nil || d2.Revision != d.Revision+1 {
			t.Fatalf("save: revision %d, %v", d2.Revision, err)
		}
		if _, err := s.SaveDraft(ctx, d.ID, d.Revision, q, hpAdmin); !errors.Is(err, ErrStale) {
			t.Errorf("a save from the old revision: %v", err)
		}
		if _, err := s.PublishDraft(ctx, d.ID, d.Revision, Publishing{Q: q}, hpAdmin); !errors.Is(err, ErrStale) {
			t.Errorf("publishing from the old revision: %v", err)
		}
		// a province admin's version replaces v1 in Hải Phòng only, not in the country
		p, err := s.PublishDraft(ctx, d.ID, d2.Revision, Publishing{Q: q, Note: "wording", Within: []uint{f.provA.ID}}, hpAdmin)
		if err != nil {
			t.Fatal(err)
		}
		if p.Version.Version != 2 || p.Version.PublishedBy != "hp.admin" || deref(p.Version.BasedOnID) != f.qrow.ID ||
			len(p.Replaced) != 1 || p.Replaced[0].ProvinceID != f.provA.ID {
			t.Errorf("published %+v, replaced %+v", p.Version, p.Replaced)
		}
		if _, err := s.DraftByID(ctx, d.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("the draft is still there: %v", err)
		}
		at := vn(2026, 3, 10, 9, 1)
		for _, tt := range []struct {
			counter string
			want    int
		}{{"a1", 2}, {"b1", 1}} {
			k, err := s.Kiosk(ctx, KioskLookup{Counter: tt.counter, Questionnaire: "sipas-counter", Now: at})
			if err != nil || k.Questionnaire.Version != tt.want {
				t.Errorf("%s shows version %d (%v), want %d", tt.counter, k.Questionnaire.Version, err, tt.want)
			}
			if tt.counter == "a1" && k.Q.Elements[0].Criteria[0].Text["en"] != "The waiting area has enough seats" {
				t.Errorf("a1 shows %q", k.Q.Elements[0].Criteria[0].Text["en"])
			}
		}
		// the reports follow the country's version
		if row, _, err := s.PublishedQuestionnaire(ctx, "sipas-counter"); err != nil || row.Version != 1 {
			t.Errorf("the country's version: %d, %v", row.Version, err)
		}
		// publishing what the base asks is refused
		if _, err := s.Publish(ctx, Publishing{Q: f.q, BaseID: f.qrow.ID}, admin); !errors.Is(err, ErrUnchanged) {
			t.Errorf("an unchanged version: %v", err)
		}
		// an administrator's version from v1 replaces it everywhere it is still in force
		q3 := f.q.Clone()
		q3.Intro["en"] += " Thank you."
		p3, err := s.Publish(ctx, Publishing{Q: q3, BaseID: f.qrow.ID, From: vn(2026, 3, 12, 0, 0)}, admin)
		if err != nil || p3.Version.Version != 3 || len(p3.Replaced) != 1 || p3.Replaced[0].Level() != 0 {
			t.Fatalf("v3: %+v %+v %v", p3.Version, p3.Replaced, err)
		}
		for _, tt := range []struct {
			counter string
			at      time.Time
			want    int
		}{{"b1", vn(2026, 3, 11, 23, 59), 1}, {"b1", vn(2026, 3, 12, 0, 0), 3}, {"a1", vn(2026, 3, 12, 0, 0), 2}} {
			if k, _ := s.Kiosk(ctx, KioskLookup{Counter: tt.counter, Questionnaire: "sipas-counter", Now: tt.at}); k.Questionnaire.Version != tt.want {
				t.Errorf("%s at %s: version %d, want %d", tt.counter, tt.at, k.Questionnaire.Version, tt.want)
			}
		}
		earlier, err := s.EarlierCodes(ctx, "sipas-counter")
		if err != nil || !earlier["E1.1"] || !earlier["P5"] || earlier["E9.9"] {
			t.Errorf("earlier codes %v, %v", earlier, err)
		}
		// every step is in the audit log
		var kinds []string
		s.db.Model(&AuditEvent{}).Order("id").Pluck("kind", &kinds)
		want := []string{"questionnaire.assign", "questionnaire.draft", "questionnaire.draft", "questionnaire.draft.save",
			"questionnaire.publish", "questionnaire.publish"}
		if len(kinds) != len(want) {
			t.Fatalf("audit %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Errorf("audit %v, want %v", kinds, want)
				break
			}
		}
		var save AuditEvent
		s.db.Where("kind = ?", "questionnaire.draft.save").Take(&save)
		if save.Before == "" || save.After != `{"E1.1.text.en":"The waiting area has enough seats"}` {
			t.Errorf("the save's audit: %s → %s", save.Before, save.After)
		}
	})
}

func TestDiscardDraft(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		by := Actor{Name: "root", Now: vn(2026, 3, 10, 9, 0)}
		d, err := s.StartDraft(ctx, f.qrow.ID, 0, by)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DiscardDraft(ctx, d.ID, d.Revision+1, by); !errors.Is(err, ErrStale) {
			t.Errorf("discarding another revision: %v", err)
		}
		if err := s.DiscardDraft(ctx, d.ID, d.Revision, by); err != nil {
			t.Fatal(err)
		}
		if drafts, _ := s.Drafts(ctx, nil); len(drafts) != 0 {
			t.Errorf("drafts left: %+v", drafts)
		}
		if vs, _ := s.Versions(ctx); len(vs) != 1 {
			t.Errorf("versions %+v", vs)
		}
	})
}

// The responses of a period say which versions they answered; the kept counts of a
// criterion add up across versions, whatever its wording in each.
func TestVersionsInAPeriod(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		q2 := f.q.Clone()
		q2.Elements[0].Criteria[0].Text["vi"] = "Nơi chờ có đủ ghế"
		q2.Elements[0].Criteria = q2.Elements[0].Criteria[:1] // E1.2–E1.4 gone
		p, err := s.Publish(ctx, Publishing{Q: q2, BaseID: f.qrow.ID}, Actor{Name: "root", Now: vn(2026, 3, 1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		_, v2, err := s.Version(ctx, p.Version.ID)
		if err != nil {
			t.Fatal(err)
		}
		r1 := f.response("v1-a", f.a1, vn(2026, 2, 20, 9, 0), "", nil, "E1.1", 5, "E1.2", 4)
		r2 := f.response("v2-a", f.a1, vn(2026, 3, 2, 9, 0), "", nil, "E1.1", 2)
		r2.QuestionnaireID, r2.Tally = p.Version.ID, v2.Tally(r2.Submission)
		r3 := f.response("v2-b", f.b1, vn(2026, 3, 2, 9, 0), "", nil, "E1.1", 4)
		r3.QuestionnaireID, r3.Tally = p.Version.ID, v2.Tally(r3.Submission)
		f.submit(t, r1, r2, r3)

		uses, err := s.VersionsIn(ctx, survey.QuarterPeriod(2026, 1), AllProvinces())
		if err != nil || len(uses) != 2 || uses[0].Version != 1 || uses[0].Responses != 1 || uses[1].Version != 2 || uses[1].Responses != 2 {
			t.Errorf("versions of Q1: %+v, %v", uses, err)
		}
		scoped, _ := s.VersionsIn(ctx, survey.MonthPeriod(2026, 3), Scope{ProvinceIDs: []uint{f.provA.ID}})
		if len(scoped) != 1 || scoped[0].Version != 2 || scoped[0].Responses != 1 {
			t.Errorf("versions of March in Hải Phòng: %+v", scoped)
		}
		days, _ := s.VersionsIn(ctx, survey.Period{Kind: "range", From: vn(2026, 2, 20, 0, 0), To: vn(2026, 2, 20, 0, 0)}, AllProvinces())
		if len(days) != 1 || days[0].Version != 1 {
			t.Errorf("versions of 20 February: %+v", days)
		}
		// E1.1 counts the three answers of both versions
		got, err := s.Tallies(ctx, TallyQuery{Period: survey.QuarterPeriod(2026, 1)})
		if err != nil {
			t.Fatal(err)
		}
		c := got[""].Criteria["E1.1"]
		if c == nil || c.Answered() != 3 || c.SatisfiedCount(4) != 2 || got[""].Criteria["E1.2"].Answered() != 1 {
			t.Errorf("E1.1 across versions: %+v", c)
		}
	})
}

// Migration 5 on a database made before it: the official questionnaire, which kiosks
// showed, is assigned to the whole country; running it again changes nothing.
func TestMigrationV5(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		dsn := db.fresh(t)
		s := openTestStore(t, dsn, true)
		f := newFixture(t, s)
		err := s.db.Transaction(func(tx *gorm.DB) error { // back to before migration 5, as far as it matters
			for _, stmt := range []string{"DROP TABLE kiosk_device_days", "DROP TABLE kiosk_device_links", "DROP TABLE kiosk_devices",
				"DROP TABLE questionnaire_assignments", "DROP TABLE questionnaire_drafts", "DELETE FROM schema_migrations WHERE version = 5"} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		s = openTestStore(t, dsn, false)
		rows, err := s.Assignments(context.Background(), nil)
		if err != nil || len(rows) != 1 || rows[0].QuestionnaireID != f.qrow.ID || rows[0].ProvinceID != nil || rows[0].StartsAt.After(time.Unix(0, 0)) {
			t.Fatalf("assignments after migration 5: %+v, %v", rows, err)
		}
		if err := s.db.Transaction(migrateV5); err != nil {
			t.Fatalf("migration 5 again: %v", err)
		}
		if rows, _ := s.Assignments(context.Background(), nil); len(rows) != 1 {
			t.Errorf("assignments after running migration 5 twice: %+v", rows)
		}
		if err := s.db.Exec("UPDATE questionnaires SET note = 'x' WHERE id = ?", f.qrow.ID).Error; err == nil {
			t.Error("a published version changed after migration 5 ran twice")
		}
	})
}
