package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// Errors of the questionnaire designer that the user can act on.
var (
	// ErrStale is a change made from a draft's earlier revision: someone else changed it
	// meanwhile.
	ErrStale = errors.New("the draft was changed meanwhile")
	// ErrUnchanged is a new version that asks exactly what the version it started from, or
	// the newest version, asks.
	ErrUnchanged = errors.New("nothing differs from the version it started from or the newest one")
	// ErrDraftExists is a second draft of a questionnaire for the same owner.
	ErrDraftExists = errors.New("a draft of this questionnaire exists")
)

// Draft is a questionnaire being designed: a copy of a published version that can change
// until it is published (a new version; the draft is gone) or discarded.
type Draft struct {
	ID         uint `gorm:"primaryKey"`
	Code       string
	BasedOnID  *uint // the version it started from
	ProvinceID *uint // the province whose admins may edit it; nil: administrators only
	Definition string
	Revision   int // raised by every save, so that a form made from an older one is refused
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedBy  string
	UpdatedAt  time.Time
}

// TableName is the drafts' table.
func (Draft) TableName() string { return "questionnaire_drafts" }

// Parse reads the draft's definition.
func (d Draft) Parse() (*survey.Questionnaire, error) {
	return survey.ParseQuestionnaire([]byte(d.Definition))
}

// Assignment puts a published version in force at the counters of the country, a
// province or an office from StartsAt. Assignments are never changed.
type Assignment struct {
	ID              uint `gorm:"primaryKey"`
	QuestionnaireID uint
	ProvinceID      *uint
	OfficeID        *uint
	StartsAt        time.Time
	CreatedBy       string
	CreatedAt       time.Time
}

// TableName is the assignments' table.
func (Assignment) TableName() string { return "questionnaire_assignments" }

// Domain is the assignment as the domain chooses among them.
func (a Assignment) Domain() survey.Assignment {
	return survey.Assignment{ID: a.ID, VersionID: a.QuestionnaireID, ProvinceID: deref(a.ProvinceID), OfficeID: deref(a.OfficeID), From: a.StartsAt}
}

// VersionSummary is a published version as lists show it, without its definition.
type VersionSummary struct {
	ID             uint
	Code           string
	Version        int
	PublishedAt    *time.Time
	PublishedBy    string
	Note           string
	BasedOnID      *uint
	BasedOnVersion int // 0: a first version
}

// Versions lists every published version, by code and newest first.
func (s *Store) Versions(ctx context.Context) ([]VersionSummary, error) {
	var out []VersionSummary
	err := s.db.WithContext(ctx).Table("questionnaires q").
		Select("q.id, q.code, q.version, q.published_at, q.published_by, q.note, q.based_on_id, COALESCE(b.version, 0) AS based_on_version").
		Joins("LEFT JOIN questionnaires b ON b.id = q.based_on_id").
		Where("q.status = ?", StatusPublished).Order("q.code, q.version DESC").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list questionnaire versions: %w", err)
	}
	return out, nil
}

// Version returns a published version and its parsed definition.
func (s *Store) Version(ctx context.Context, id uint) (Questionnaire, *survey.Questionnaire, error) {
	var row Questionnaire
	err := s.db.WithContext(ctx).Select("id, code, version, status, created_at, published_at, based_on_id, published_by, note").
		Where("id = ? AND status = ?", id, StatusPublished).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, nil, ErrNotFound
	}
	if err != nil {
		return row, nil, fmt.Errorf("read questionnaire version %d: %w", id, err)
	}
	q, err := s.parsedVersion(ctx, id)
	return row, q, err
}

// VersionByNumber returns version n of questionnaire code.
func (s *Store) VersionByNumber(ctx context.Context, code string, n int) (Questionnaire, *survey.Questionnaire, error) {
	var id uint
	err := s.db.WithContext(ctx).Model(&Questionnaire{}).Where("code = ? AND version = ? AND status = ?", code, n, StatusPublished).
		Pluck("id", &id).Error
	if err != nil {
		return Questionnaire{}, nil, fmt.Errorf("read %s version %d: %w", code, n, err)
	}
	if id == 0 {
		return Questionnaire{}, nil, ErrNotFound
	}
	return s.Version(ctx, id)
}

// EarlierCodes are the codes of the criteria and questions of every published version
// of questionnaire code: a new item of a draft may not take one (survey.DesignRules).
func (s *Store) EarlierCodes(ctx context.Context, code string) (map[string]bool, error) {
	var ids []uint
	if err := s.db.WithContext(ctx).Model(&Questionnaire{}).Where("code = ? AND status = ?", code, StatusPublished).
		Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("read versions of %s: %w", code, err)
	}
	out := map[string]bool{}
	for _, id := range ids {
		q, err := s.parsedVersion(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, c := range append(q.CriterionCodes(), q.QuestionCodes()...) {
			out[c] = true
		}
	}
	return out, nil
}

// Drafts lists the drafts of the given provinces' admins and, when national, those of
// the administrators too (provinceIDs nil: every draft).
func (s *Store) Drafts(ctx context.Context, provinceIDs []uint) ([]Draft, error) {
	q := s.db.WithContext(ctx).Omit("definition").Order("code, id")
	if provinceIDs != nil {
		q = q.Where("province_id IN ?", append([]uint{0}, provinceIDs...))
	}
	var out []Draft
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	return out, nil
}

// DraftByID returns a draft.
func (s *Store) DraftByID(ctx context.Context, id uint) (Draft, error) {
	var d Draft
	err := s.db.WithContext(ctx).Take(&d, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("read draft %d: %w", id, err)
	}
	return d, nil
}

// StartDraft copies a published version into a new draft owned by a province's admins
// (provinceID) or by the administrators (0). One owner has one draft of a questionnaire
// at a time (ErrDraftExists).
func (s *Store) StartDraft(ctx context.Context, fromID, provinceID uint, by Actor) (Draft, error) {
	_, q, err := s.Version(ctx, fromID)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{Code: q.Code, BasedOnID: &fromID, ProvinceID: idPtr(provinceID), Definition: string(q.JSON()), Revision: 1,
		CreatedBy: by.Name, CreatedAt: by.Now.UTC(), UpdatedBy: by.Name, UpdatedAt: by.Now.UTC()}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		owner := tx.Model(&Draft{}).Where("code = ?", q.Code)
		if provinceID == 0 {
			owner = owner.Where("province_id IS NULL")
		} else {
			owner = owner.Where("province_id = ?", provinceID)
		}
		if err := owner.Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrDraftExists
		}
		if err := tx.Create(&d).Error; err != nil {
			return fmt.Errorf("create draft of %s: %w", q.Code, err)
		}
		return appendAudit(tx, by, "questionnaire.draft", draftName(d), nil,
			map[string]any{"code": q.Code, "from_version": q.Version, "draft": d.ID})
	})
	return d, err
}

func draftName(d Draft) string { return fmt.Sprintf("%s draft %d", d.Code, d.ID) }

// SaveDraft stores a new definition of the draft made from its revision (ErrStale when
// it was changed since) and audits the texts that changed.
func (s *Store) SaveDraft(ctx context.Context, id uint, revision int, q *survey.Questionnaire, by Actor) (Draft, error) {
	var d Draft
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if d, err = lockDraft(tx, id, revision); err != nil {
			return err
		}
		old, err := d.Parse()
		if err != nil {
			return err
		}
		was, now := survey.DesignChanges(old, q)
		if len(now) == 0 {
			return nil
		}
		d.Definition, d.Revision, d.UpdatedBy, d.UpdatedAt = string(q.JSON()), d.Revision+1, by.Name, by.Now.UTC()
		res := tx.Model(&Draft{}).Where("id = ? AND revision = ?", id, revision).
			Updates(map[string]any{"definition": d.Definition, "revision": d.Revision, "updated_by": d.UpdatedBy, "updated_at": d.UpdatedAt})
		if res.Error != nil {
			return fmt.Errorf("save draft %d: %w", id, res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrStale
		}
		return appendAudit(tx, by, "questionnaire.draft.save", draftName(d), was, now)
	})
	return d, err
}

// lockDraft reads a draft inside a write transaction and checks its revision.
func lockDraft(tx *gorm.DB, id uint, revision int) (Draft, error) {
	var d Draft
	err := tx.Take(&d, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("read draft %d: %w", id, err)
	}
	if d.Revision != revision {
		return d, ErrStale
	}
	return d, nil
}

// DiscardDraft removes a draft; the audit log keeps its definition.
func (s *Store) DiscardDraft(ctx context.Context, id uint, revision int, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		d, err := lockDraft(tx, id, revision)
		if err != nil {
			return err
		}
		if err := tx.Delete(&Draft{}, id).Error; err != nil {
			return fmt.Errorf("discard draft %d: %w", id, err)
		}
		return appendAudit(tx, by, "questionnaire.draft.discard", draftName(d), map[string]any{"definition": d.Definition}, nil)
	})
}

// Publishing is a new version to store: its definition (checked by the caller with
// survey's CheckDesign), the version it corrects, when it takes over from that one, and
// where the publisher may assign it.
type Publishing struct {
	Q      *survey.Questionnaire
	BaseID uint      // 0: a new questionnaire
	From   time.Time // the moment it replaces the base version where that one is assigned
	Note   string
	// Within says where the base version is replaced: nil every place, else the
	// assignments of these provinces and their offices (a province admin's).
	Within []uint
}

// Published is what publishing did.
type Published struct {
	Version  Questionnaire
	Replaced []survey.Assignment // the places where the new version took over
}

// PublishDraft publishes a draft made from its revision as a new version, in one
// transaction with its replacements and the draft's removal.
func (s *Store) PublishDraft(ctx context.Context, id uint, revision int, p Publishing, by Actor) (Published, error) {
	var out Published
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		d, err := lockDraft(tx, id, revision)
		if err != nil {
			return err
		}
		p.BaseID = deref(d.BasedOnID)
		if out, err = publish(tx, p, by); err != nil {
			return err
		}
		return tx.Delete(&Draft{}, id).Error
	})
	return out, err
}

// Publish stores a new version of a questionnaire defined elsewhere (the command line's
// JSON file), as PublishDraft does.
func (s *Store) Publish(ctx context.Context, p Publishing, by Actor) (Published, error) {
	var out Published
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		out, err = publish(tx, p, by)
		return err
	})
	return out, err
}

func publish(tx *gorm.DB, p Publishing, by Actor) (Published, error) {
	var out Published
	baseVersion := 0
	if p.BaseID != 0 {
		var base Questionnaire
		if err := tx.Where("id = ? AND status = ?", p.BaseID, StatusPublished).Take(&base).Error; err != nil {
			return out, fmt.Errorf("the version the draft started from: %w", err)
		}
		bq, err := survey.ParseStoredQuestionnaire([]byte(base.Definition))
		if err != nil {
			return out, err
		}
		if bq.SameDesign(p.Q) {
			return out, ErrUnchanged
		}
		baseVersion = base.Version
	}
	var newest Questionnaire
	if err := tx.Where("code = ?", p.Q.Code).Order("version DESC").Limit(1).Find(&newest).Error; err != nil {
		return out, fmt.Errorf("newest version of %s: %w", p.Q.Code, err)
	}
	last := newest.Version
	if newest.ID != 0 && newest.ID != p.BaseID { // publishing the same file twice makes one version
		nq, err := survey.ParseStoredQuestionnaire([]byte(newest.Definition))
		if err != nil {
			return out, err
		}
		if nq.SameDesign(p.Q) {
			return out, ErrUnchanged
		}
	}
	q := p.Q.Clone()
	q.Version = last + 1
	now := by.Now.UTC()
	row := Questionnaire{Code: q.Code, Version: q.Version, Status: StatusPublished, Definition: string(q.JSON()),
		CreatedAt: now, PublishedAt: &now, BasedOnID: idPtr(p.BaseID), PublishedBy: actorName(by), Note: p.Note}
	if err := tx.Create(&row).Error; err != nil {
		return out, fmt.Errorf("publish %s version %d: %w", q.Code, q.Version, err)
	}
	out.Version = row
	from := p.From.UTC().Truncate(time.Second)
	if p.From.IsZero() || from.Before(now) {
		from = now.Truncate(time.Second)
	}
	if p.BaseID != 0 {
		list, err := assignments(tx)
		if err != nil {
			return out, err
		}
		allowed := func(a survey.Assignment) bool {
			return p.Within == nil || a.ProvinceID != 0 && containsUint(p.Within, a.ProvinceID)
		}
		out.Replaced = survey.Replacements(list, p.BaseID, row.ID, from, allowed)
		for _, r := range out.Replaced {
			a := Assignment{QuestionnaireID: row.ID, ProvinceID: idPtr(r.ProvinceID), OfficeID: idPtr(r.OfficeID),
				StartsAt: from, CreatedBy: actorName(by), CreatedAt: now}
			if err := tx.Create(&a).Error; err != nil {
				return out, fmt.Errorf("assign %s version %d: %w", q.Code, q.Version, err)
			}
		}
	}
	replaced := make([]map[string]any, len(out.Replaced))
	for i, r := range out.Replaced {
		replaced[i] = placeSnapshot(tx, r.ProvinceID, r.OfficeID)
	}
	return out, appendAudit(tx, by, "questionnaire.publish", fmt.Sprintf("%s version %d", q.Code, q.Version), nil,
		map[string]any{"code": q.Code, "version": q.Version, "based_on_version": baseVersion, "note": p.Note,
			"from": from.Format(time.RFC3339), "replaces_at": replaced})
}

// actorName is how a version or an assignment names who made it.
func actorName(by Actor) string {
	if by.Name == "" {
		return by.Addr
	}
	return by.Name
}

func containsUint(list []uint, v uint) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// placeSnapshot names a place of an assignment for the audit log.
func placeSnapshot(tx *gorm.DB, provinceID, officeID uint) map[string]any {
	m := map[string]any{"place": "country"}
	if provinceID != 0 {
		var p Province
		tx.Select("code").Take(&p, provinceID)
		m["place"], m["province"] = "province", p.Code
	}
	if officeID != 0 {
		var o Office
		tx.Select("code").Take(&o, officeID)
		m["place"], m["office"] = "office", o.Code
	}
	return m
}

func assignments(tx *gorm.DB) ([]survey.Assignment, error) {
	var rows []Assignment
	if err := tx.Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read assignments: %w", err)
	}
	out := make([]survey.Assignment, len(rows))
	for i, r := range rows {
		out[i] = r.Domain()
	}
	return out, nil
}

// Assign puts a published version in force at the counters of the whole country
// (provinceID 0), of a province, or of one of its offices, from a moment on.
func (s *Store) Assign(ctx context.Context, versionID, provinceID, officeID uint, from time.Time, by Actor) (Assignment, error) {
	a := Assignment{QuestionnaireID: versionID, ProvinceID: idPtr(provinceID), OfficeID: idPtr(officeID),
		StartsAt: from.UTC().Truncate(time.Second), CreatedBy: actorName(by), CreatedAt: by.Now.UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var v Questionnaire
		if err := tx.Select("id, code, version").Where("id = ? AND status = ?", versionID, StatusPublished).Take(&v).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		if err := tx.Create(&a).Error; err != nil {
			return fmt.Errorf("assign %s version %d: %w", v.Code, v.Version, err)
		}
		after := placeSnapshot(tx, provinceID, officeID)
		after["version"], after["from"] = v.Version, a.StartsAt.Format(time.RFC3339)
		return appendAudit(tx, by, "questionnaire.assign", fmt.Sprintf("%s version %d", v.Code, v.Version), nil, after)
	})
	return a, err
}

// AssignmentRow is an assignment with the names of its version and place, for lists.
type AssignmentRow struct {
	Assignment
	Code         string
	Version      int
	ProvinceCode string
	ProvinceName string
	OfficeCode   string
	OfficeName   string
}

// Assignments lists the assignments of the given provinces and their offices, and the
// country's (provinceIDs nil: every one), latest start first.
func (s *Store) Assignments(ctx context.Context, provinceIDs []uint) ([]AssignmentRow, error) {
	q := s.db.WithContext(ctx).Table("questionnaire_assignments a").
		Select("a.*, q.code, q.version, COALESCE(p.code, '') AS province_code, COALESCE(p.name, '') AS province_name, " +
			"COALESCE(o.code, '') AS office_code, COALESCE(o.name, '') AS office_name").
		Joins("JOIN questionnaires q ON q.id = a.questionnaire_id").
		Joins("LEFT JOIN provinces p ON p.id = a.province_id").
		Joins("LEFT JOIN offices o ON o.id = a.office_id")
	if provinceIDs != nil {
		q = q.Where("a.province_id IS NULL OR a.province_id IN ?", append([]uint{0}, provinceIDs...))
	}
	var out []AssignmentRow
	if err := q.Order("a.starts_at DESC, a.id DESC").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("list assignments: %w", err)
	}
	return out, nil
}

// VersionUse is a questionnaire version and how many responses of a period answered it.
type VersionUse struct {
	ID        uint
	Code      string
	Version   int
	Responses int64
}

// VersionsIn tells which versions the kept counts of a period come from, within a scope
// (read from the monthly counts per counter, or the daily ones for a period of days).
func (s *Store) VersionsIn(ctx context.Context, p survey.Period, scope Scope) ([]VersionUse, error) {
	from, to := p.FirstDay(), p.LastDay()
	grain, lo, hi := "D", from, to
	if p.Kind != "range" {
		grain, lo, hi = "M", from/100, to/100
	}
	q := s.db.WithContext(ctx).Table("tallies t").
		Select("q.id, q.code, q.version, SUM(t.responses) AS responses").
		Joins("JOIN questionnaires q ON q.id = t.questionnaire_id").
		Where("t.grain = ? AND t.period BETWEEN ? AND ? AND "+visibleBatches, grain, lo, hi)
	if scope.ProvinceIDs != nil {
		q = q.Where("t.province_id IN ?", append([]uint{0}, scope.ProvinceIDs...))
	}
	if scope.OfficeIDs != nil {
		q = q.Where("t.office_id IN ?", append([]uint{0}, scope.OfficeIDs...))
	}
	var out []VersionUse
	if err := q.Group("q.id, q.code, q.version").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("versions of %s: %w", p, err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}
