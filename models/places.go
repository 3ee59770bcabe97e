package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"sipas/survey"
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
		return fmt.Errorf("set the annual dossiers of %T %d: %w", model, id, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// placesIn returns the offices and counters of a province's report: those registered in
// one of the scope's provinces, and those whose IDs are given (where counts were kept under the
// province while the office belongs elsewhere, e.g. to the unit that took it over).
// An official of some offices sees those and their counters only. Offices are ordered by
// name, counters by office then name.
func (s *Store) placesIn(ctx context.Context, scope Scope, officeIDs, counterIDs []uint) (offices, counters []survey.Place, err error) {
	db := s.db.WithContext(ctx)
	in := func(q *gorm.DB, ids []uint) *gorm.DB {
		return q.Where("province_id IN ?", append([]uint{0}, scope.ProvinceIDs...)).Or("id IN ?", append([]uint{0}, ids...))
	}
	officesIn, countersIn := in(db.Model(&Office{}), officeIDs), in(db.Model(&Counter{}), counterIDs)
	if scope.OfficeIDs != nil { // an official of some offices sees those and their counters only
		officesIn = db.Model(&Office{}).Where("id IN ?", append([]uint{0}, scope.OfficeIDs...))
		countersIn = db.Model(&Counter{}).Where("office_id IN ?", append([]uint{0}, scope.OfficeIDs...))
	}
	var officeRows []Office
	if err := officesIn.Order("name, id").Find(&officeRows).Error; err != nil {
		return nil, nil, fmt.Errorf("read offices: %w", err)
	}
	var counterRows []Counter
	if err := countersIn.Order("office_id, name, id").Find(&counterRows).Error; err != nil {
		return nil, nil, fmt.Errorf("read counters: %w", err)
	}
	for _, o := range officeRows {
		offices = append(offices, survey.Place{ID: o.ID, Code: o.Code, Name: o.Name, AnnualDossiers: o.AnnualDossiers})
	}
	for _, c := range counterRows {
		counters = append(counters, survey.Place{ID: c.ID, Code: c.Code, Name: c.Name, OfficeID: c.OfficeID, AnnualDossiers: c.AnnualDossiers})
	}
	return offices, counters, nil
}
