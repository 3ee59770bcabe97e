package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// TakeLease makes holder the one process that runs the background job name until now +
// ttl, when no other holder's lease is still running; it reports whether holder has it.
// Several serve processes sharing one database so run a job one at a time, and a process
// that died leaves its lease to expire.
func (s *Store) TakeLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	db := s.db.WithContext(ctx)
	until := now.Add(ttl).UTC()
	err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&lease{Name: name, Holder: holder, Until: until}).Error
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	res := db.Model(&lease{}).Where("name = ? AND (holder = ? OR until < ?)", name, holder, now.UTC()).
		Updates(map[string]any{"holder": holder, "until": until})
	if res.Error != nil {
		return false, fmt.Errorf("lease %s: %w", name, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// lease is the live model of the table migration 6 creates.
type lease struct {
	Name   string `gorm:"primaryKey"`
	Holder string
	Until  time.Time
}

func (lease) TableName() string { return "leases" }
