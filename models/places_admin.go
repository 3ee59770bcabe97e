package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ErrCodeTaken is a new office or counter whose code another has: an office's code is
// unique within its province's territory, a counter's in the country.
var ErrCodeTaken = errors.New("the code is taken")

// OfficeRow is an office with how many counters it has, open and in all, for lists.
type OfficeRow struct {
	Office       `gorm:"embedded"`
	Counters     int64
	OpenCounters int64
	Devices      int64
}

// OfficesIn lists the offices of the given provinces (a current province and the former
// ones merged into it), by name; those created by a paper import included.
func (s *Store) OfficesIn(ctx context.Context, provinceIDs []uint) ([]OfficeRow, error) {
	var out []OfficeRow
	err := s.db.WithContext(ctx).Table("offices o").
		Select("o.*, (SELECT COUNT(*) FROM counters c WHERE c.office_id = o.id) AS counters, "+
			"(SELECT COUNT(*) FROM counters c WHERE c.office_id = o.id AND c.closed_at IS NULL) AS open_counters, "+
			"(SELECT COUNT(*) FROM kiosk_devices d JOIN counters c ON c.id = d.counter_id WHERE c.office_id = o.id AND d.revoked_at IS NULL) AS devices").
		Where("o.province_id IN ?", append([]uint{0}, provinceIDs...)).Order("o.closed_at IS NOT NULL, o.name, o.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list offices: %w", err)
	}
	return out, nil
}

// CountersOf lists the counters of an office, open ones first, by name.
func (s *Store) CountersOf(ctx context.Context, officeID uint) ([]Counter, error) {
	var out []Counter
	err := s.db.WithContext(ctx).Where("office_id = ?", officeID).Order("closed_at IS NOT NULL, name, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list counters of office %d: %w", officeID, err)
	}
	return out, nil
}

// CounterByCode finds a counter by its code, unique in the country.
func (s *Store) CounterByCode(ctx context.Context, code string) (Counter, error) {
	var c Counter
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("read counter %s: %w", code, err)
	}
	return c, nil
}

// CreateOffice stores a new office in a province; its code must be free in the
// province's territory (territory: the province and the former ones merged into it).
func (s *Store) CreateOffice(ctx context.Context, o *Office, territory []uint, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Office{}).Where("province_id IN ? AND code = ?", append([]uint{0}, territory...), o.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrCodeTaken
		}
		o.CreatedAt = by.Now.UTC()
		if err := tx.Create(o).Error; err != nil {
			return fmt.Errorf("create office %s: %w", o.Code, err)
		}
		return appendAudit(tx, by, "office.create", o.Code, nil, officeSnapshot(*o))
	})
}

func officeSnapshot(o Office) map[string]any {
	return map[string]any{"code": o.Code, "name": o.Name, "annual_dossiers": o.AnnualDossiers, "closed": o.ClosedAt != nil}
}

func counterSnapshot(tx *gorm.DB, c Counter) map[string]any {
	var o Office
	tx.Select("code").Take(&o, c.OfficeID)
	return map[string]any{"code": c.Code, "name": c.Name, "office": o.Code, "field": c.Field, "annual_dossiers": c.AnnualDossiers,
		"requires_device": c.RequiresDevice, "closed": c.ClosedAt != nil}
}

// UpdateOffice changes an office with change and audits it as kind. Closing an office
// (setting ClosedAt) closes its open counters too; reopening it leaves them closed.
func (s *Store) UpdateOffice(ctx context.Context, id uint, kind string, by Actor, change func(*Office) error) (Office, error) {
	var o Office
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&o, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		before := officeSnapshot(o)
		wasOpen := o.ClosedAt == nil
		if err := change(&o); err != nil {
			return err
		}
		err := tx.Model(&Office{}).Where("id = ?", id).
			Updates(map[string]any{"name": o.Name, "annual_dossiers": o.AnnualDossiers, "closed_at": o.ClosedAt}).Error
		if err != nil {
			return fmt.Errorf("update office %s: %w", o.Code, err)
		}
		after := officeSnapshot(o)
		if wasOpen && o.ClosedAt != nil {
			var closed []string
			if err := tx.Model(&Counter{}).Where("office_id = ? AND closed_at IS NULL", id).Order("code").Pluck("code", &closed).Error; err != nil {
				return err
			}
			if err := tx.Model(&Counter{}).Where("office_id = ? AND closed_at IS NULL", id).Update("closed_at", o.ClosedAt).Error; err != nil {
				return fmt.Errorf("close the counters of office %s: %w", o.Code, err)
			}
			after["closed_counters"] = closed
		}
		return appendAudit(tx, by, kind, o.Code, before, after)
	})
	return o, err
}

// CreateCounter stores a new counter in an office; its code must be free in the country.
func (s *Store) CreateCounter(ctx context.Context, c *Counter, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Counter{}).Where("code = ?", c.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrCodeTaken
		}
		c.CreatedAt = by.Now.UTC()
		if err := tx.Create(c).Error; err != nil {
			return fmt.Errorf("create counter %s: %w", c.Code, err)
		}
		return appendAudit(tx, by, "counter.create", c.Code, nil, counterSnapshot(tx, *c))
	})
}

// UpdateCounter changes a counter with change and audits it as kind. Moving it to
// another office moves its future responses; those it had stay counted where they were
// given.
func (s *Store) UpdateCounter(ctx context.Context, id uint, kind string, by Actor, change func(*Counter) error) (Counter, error) {
	var c Counter
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&c, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		before := counterSnapshot(tx, c)
		if err := change(&c); err != nil {
			return err
		}
		err := tx.Model(&Counter{}).Where("id = ?", id).Updates(map[string]any{"name": c.Name, "office_id": c.OfficeID,
			"province_id": c.ProvinceID, "field": c.Field, "requires_device": c.RequiresDevice, "annual_dossiers": c.AnnualDossiers,
			"closed_at": c.ClosedAt}).Error
		if err != nil {
			return fmt.Errorf("update counter %s: %w", c.Code, err)
		}
		return appendAudit(tx, by, kind, c.Code, before, counterSnapshot(tx, c))
	})
	return c, err
}

// Closing is the moment something is closed: a helper for change functions.
func Closing(now time.Time) *time.Time {
	t := now.UTC()
	return &t
}

// CounterByID finds a counter.
func (s *Store) CounterByID(ctx context.Context, id uint) (Counter, error) {
	var c Counter
	err := s.db.WithContext(ctx).Take(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrNotFound
	}
	return c, err
}
