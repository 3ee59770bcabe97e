package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// Seeded tells what EnsureReferenceData created.
type Seeded struct {
	Provinces     int
	Questionnaire bool
}

// EnsureReferenceData creates, on an empty database, the provincial units and the
// official questionnaire published as version 1 and assigned to the whole country. It
// leaves existing data alone.
func (s *Store) EnsureReferenceData(ctx context.Context, units []survey.Unit, questionnaire []byte) (Seeded, error) {
	var seeded Seeded
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Province{}).Count(&n).Error; err != nil {
			return fmt.Errorf("count provinces: %w", err)
		}
		if n == 0 {
			rows := make([]Province, len(units))
			for i, u := range units {
				rows[i] = Province{Code: u.Code, Name: u.Name, ValidFrom: u.ValidFrom, ValidUntil: u.ValidUntil, MergedFrom: strings.Join(u.MergedFrom, ",")}
			}
			if err := tx.Create(&rows).Error; err != nil {
				return fmt.Errorf("create provinces: %w", err)
			}
			seeded.Provinces = len(rows)
		}
		if err := tx.Model(&Questionnaire{}).Count(&n).Error; err != nil {
			return fmt.Errorf("count questionnaires: %w", err)
		}
		if n == 0 {
			q, err := survey.ParseQuestionnaire(questionnaire)
			if err != nil {
				return fmt.Errorf("the questionnaire to publish: %w", err)
			}
			now := time.Now().UTC()
			row := Questionnaire{Code: q.Code, Version: q.Version, Status: StatusPublished, Definition: string(questionnaire), CreatedAt: now, PublishedAt: &now}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("publish questionnaire %s: %w", q.Code, err)
			}
			// the whole country asks it, as from ever, until another version is assigned
			if err := tx.Create(&Assignment{QuestionnaireID: row.ID, StartsAt: time.Unix(0, 0).UTC(), CreatedAt: now}).Error; err != nil {
				return fmt.Errorf("assign questionnaire %s: %w", q.Code, err)
			}
			seeded.Questionnaire = true
		}
		return nil
	})
	return seeded, err
}

// Units returns every provincial unit, old and current.
// Every page with figures asks for them, and a cold one spent a tenth of its time on
// GORM's reflection over the hundred rows: they are scanned by hand.
func (s *Store) Units(ctx context.Context) ([]survey.Unit, error) {
	rows, err := s.short(ctx).Raw("SELECT id, code, name, valid_from, valid_until, merged_from FROM provinces ORDER BY valid_from, code").Rows()
	if err != nil {
		return nil, fmt.Errorf("read provinces: %w", err)
	}
	defer rows.Close()
	units := make([]survey.Unit, 0, 128)
	for rows.Next() {
		var p Province
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.ValidFrom, &p.ValidUntil, &p.MergedFrom); err != nil {
			return nil, fmt.Errorf("read provinces: %w", err)
		}
		units = append(units, p.Unit())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read provinces: %w", err)
	}
	return units, nil
}

// Unit converts the row to the domain type.
func (p Province) Unit() survey.Unit {
	var merged []string
	if p.MergedFrom != "" {
		merged = strings.Split(p.MergedFrom, ",")
	}
	return survey.Unit{ID: p.ID, Code: p.Code, Name: p.Name, ValidFrom: p.ValidFrom, ValidUntil: p.ValidUntil, MergedFrom: merged}
}

// PublishedQuestionnaire returns the version of questionnaire code that is in force for
// the whole country (the newest published one when none is assigned to it): the version
// whose structure and wording the reports and the paper import follow. A version a
// province publishes for its own offices does not change them. It is asked on every page
// that shows figures: the definition is read only for a version not yet parsed (see
// parsedVersion).
func (s *Store) PublishedQuestionnaire(ctx context.Context, code string) (Questionnaire, *survey.Questionnaire, error) {
	var row Questionnaire
	db := s.short(ctx)
	err := db.Table("questionnaire_assignments a").Select("q.id, q.code, q.version, q.status, q.created_at, q.published_at").
		Joins("JOIN questionnaires q ON q.id = a.questionnaire_id").
		Where("a.province_id IS NULL AND a.office_id IS NULL AND a.starts_at <= ? AND q.code = ?", time.Now().UTC(), code).
		Order("a.starts_at DESC, a.id DESC").Limit(1).Scan(&row).Error
	if err != nil {
		return row, nil, fmt.Errorf("read questionnaire %s: %w", code, err)
	}
	if row.ID != 0 {
		q, err := s.parsedVersion(ctx, row.ID)
		return row, q, err
	}
	err = db.Select("id, code, version, status, created_at, published_at").
		Where("code = ? AND status = ?", code, StatusPublished).Order("version DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, nil, ErrNotFound
	}
	if err != nil {
		return row, nil, fmt.Errorf("read questionnaire %s: %w", code, err)
	}
	q, err := s.parsedVersion(ctx, row.ID)
	return row, q, err
}

// EnsureOffice returns the office with code in the province, creating it if missing.
func (s *Store) EnsureOffice(ctx context.Context, provinceID uint, code, name string) (Office, error) {
	o := Office{ProvinceID: provinceID, Code: code}
	err := s.db.WithContext(ctx).Where(Office{ProvinceID: provinceID, Code: code}).
		Attrs(Office{Name: name}).FirstOrCreate(&o).Error
	if err != nil {
		return o, fmt.Errorf("office %s of province %d: %w", code, provinceID, err)
	}
	return o, nil
}

// EnsureCounter returns the counter with code, creating it in the office if missing. A
// counter code is unique across the country; an existing one in another office is an error.
func (s *Store) EnsureCounter(ctx context.Context, office Office, code, name string) (Counter, error) {
	c := Counter{Code: code}
	err := s.db.WithContext(ctx).Where(Counter{Code: code}).
		Attrs(Counter{OfficeID: office.ID, ProvinceID: office.ProvinceID, Name: name}).FirstOrCreate(&c).Error
	if err != nil {
		return c, fmt.Errorf("counter %s: %w", code, err)
	}
	if c.OfficeID != office.ID {
		return c, fmt.Errorf("counter %s already belongs to another office", code)
	}
	return c, nil
}
