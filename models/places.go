package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// SetOfficeAnnualDossiers records how many dossiers an office handles a year, for the
// sample adequacy of its index (0: unknown).
func (s *Store) SetOfficeAnnualDossiers(ctx context.Context, officeID uint, dossiers int64) error {
	return s.setAnnualDossiers(ctx, &Office{}, officeID, dossiers)
}

// SetCounterAnnualDossiers records how many dossiers a counter handles a year (0: unknown).
func (s *Store) SetCounterAnnualDossiers(ctx context.Context, counterID uint, dossiers int64) error {
	return s.setAnnualDossiers(ctx, &Counter{}, counterID, dossiers)
}

func (s *Store) setAnnualDossiers(ctx context.Context, model any, id uint, dossiers int64) error {
	if dossiers < 0 {
		return fmt.Errorf("annual dossiers %d: must be 0 or more", dossiers)
	}
	res := s.db.WithContext(ctx).Model(model).Where("id = ?", id).Update("annual_dossiers", dossiers)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// PlacesIn returns the offices and counters of a province's dashboard: those registered in
// one of provinceIDs, and those whose IDs are given (where counts were kept under the
// province while the office belongs elsewhere, e.g. to the unit that took it over). Offices
// are ordered by name, counters by office then name.
func (s *Store) PlacesIn(ctx context.Context, provinceIDs, officeIDs, counterIDs []uint) ([]Office, []Counter, error) {
	db := s.db.WithContext(ctx)
	in := func(q *gorm.DB, ids []uint) *gorm.DB {
		return q.Where("province_id IN ?", append([]uint{0}, provinceIDs...)).Or("id IN ?", append([]uint{0}, ids...))
	}
	var offices []Office
	if err := in(db.Model(&Office{}), officeIDs).Order("name, id").Find(&offices).Error; err != nil {
		return nil, nil, fmt.Errorf("offices: %w", err)
	}
	var counters []Counter
	if err := in(db.Model(&Counter{}), counterIDs).Order("office_id, name, id").Find(&counters).Error; err != nil {
		return nil, nil, fmt.Errorf("counters: %w", err)
	}
	return offices, counters, nil
}
