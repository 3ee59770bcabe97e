package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// OfficialResult is a SIPAS figure the Ministry published, as an administrator recorded
// it: a province's (its code, as in force that year) or the national average
// (survey.NationalCode). Recording it again for the same year and code replaces it.
type OfficialResult struct {
	ID         uint `gorm:"primaryKey"`
	Year       int
	Code       string
	SIPAS      float64 `gorm:"column:sipas"`
	Source     string  // where it was published, as the administrator wrote it
	RecordedBy string
	RecordedAt time.Time
}

// officialRecord is what the audit log keeps of a recorded figure.
type officialRecord struct {
	Year   int     `json:"year"`
	Code   string  `json:"code"`
	SIPAS  float64 `json:"sipas"`
	Source string  `json:"source,omitempty"`
}

// OfficialResults lists every recorded figure, by year then code.
func (s *Store) OfficialResults(ctx context.Context) ([]OfficialResult, error) {
	var rows []OfficialResult
	if err := s.db.WithContext(ctx).Order("year, code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read official results: %w", err)
	}
	return rows, nil
}

// RecordOfficial records (or replaces) the official figure of r's year and code, audited
// with the figure before and after, in one transaction.
func (s *Store) RecordOfficial(ctx context.Context, r OfficialResult, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var old OfficialResult
		err := tx.Where("year = ? AND code = ?", r.Year, r.Code).Take(&old).Error
		var before any
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			r.ID = 0
		case err != nil:
			return fmt.Errorf("read official result: %w", err)
		default:
			r.ID = old.ID
			before = officialRecord{old.Year, old.Code, old.SIPAS, old.Source}
		}
		r.RecordedBy, r.RecordedAt = by.Name, by.Now.UTC()
		if err := tx.Save(&r).Error; err != nil {
			return fmt.Errorf("record official result: %w", err)
		}
		target := fmt.Sprintf("%d %s", r.Year, r.Code)
		return appendAudit(tx, by, "official.record", target, before, officialRecord{r.Year, r.Code, r.SIPAS, r.Source})
	})
}

// domainOfficial turns the recorded figures into what projections are computed from.
func domainOfficial(rows []OfficialResult) []survey.OfficialResult {
	out := make([]survey.OfficialResult, len(rows))
	for i, r := range rows {
		out[i] = survey.OfficialResult{Year: r.Year, Code: r.Code, SIPAS: r.SIPAS}
	}
	return out
}
