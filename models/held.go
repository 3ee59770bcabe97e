package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// HeldResponse is a response stored but not counted: the kiosk's checks found it
// suspect (a burst, a run of identical answers, outside opening hours), so that it
// changes no figure until an administrator includes it (its counts are added then) or
// excludes it (it stays stored, never counted). Nothing is deleted.
type HeldResponse struct {
	ResponseUUID string `gorm:"primaryKey"`
	CounterID    uint
	OfficeID     uint
	ProvinceID   uint // the unit in force when it was given, as the response's
	Day          int  // YYYYMMDD
	State        string
	Reasons      string // comma-separated survey.HoldReason values
	HeldAt       time.Time
	ReviewedAt   *time.Time
	ReviewedBy   string
}

// The states of a held response.
const (
	HeldPending  = "held"
	HeldIncluded = "included"
	HeldExcluded = "excluded"
)

// HeldFilter selects held responses: within a scope, over a period (nil: any time), in a
// state ("" any).
type HeldFilter struct {
	Scope  Scope
	Period *survey.Period
	State  string
}

func (f HeldFilter) apply(db *gorm.DB) *gorm.DB {
	if f.Scope.ProvinceIDs != nil {
		db = db.Where("province_id IN ?", append([]uint{0}, f.Scope.ProvinceIDs...))
	}
	if f.Scope.OfficeIDs != nil {
		db = db.Where("office_id IN ?", append([]uint{0}, f.Scope.OfficeIDs...))
	}
	if p := f.Period; p != nil {
		db = db.Where("day BETWEEN ? AND ?", p.FirstDay(), p.LastDay())
	}
	if f.State != "" {
		db = db.Where("state = ?", f.State)
	}
	return db
}

// HeldCounts are how many responses were held, by state and by reason.
type HeldCounts struct {
	Pending, Included, Excluded int64
	ByReason                    map[string]int64 // of those still pending
}

// HeldCounts counts the held responses f selects.
func (s *Store) HeldCounts(ctx context.Context, f HeldFilter) (HeldCounts, error) {
	var rows []struct {
		State   string
		Reasons string
		N       int64
	}
	err := f.apply(s.db.WithContext(ctx).Table("held_responses")).Select("state, reasons, COUNT(*) AS n").
		Group("state, reasons").Scan(&rows).Error
	if err != nil {
		return HeldCounts{}, fmt.Errorf("count held responses: %w", err)
	}
	out := HeldCounts{ByReason: map[string]int64{}}
	for _, r := range rows {
		switch r.State {
		case HeldPending:
			out.Pending += r.N
			for _, reason := range strings.Split(r.Reasons, ",") {
				out.ByReason[reason] += r.N
			}
		case HeldIncluded:
			out.Included += r.N
		case HeldExcluded:
			out.Excluded += r.N
		}
	}
	return out, nil
}

// PendingHeld counts the responses still held, by a grouping of ByProvince (the stored
// unit's ID), ByOffice or ByCounter, over a period: the "held" beside every figure they
// would change.
func (s *Store) PendingHeld(ctx context.Context, f HeldFilter, by Grouping) (map[uint]int64, error) {
	col := map[Grouping]string{ByProvince: "province_id", ByOffice: "office_id", ByCounter: "counter_id"}[by]
	if col == "" {
		return nil, fmt.Errorf("held responses cannot be grouped by %q", by)
	}
	f.State = HeldPending
	var rows []struct {
		ID uint
		N  int64
	}
	if err := f.apply(s.db.WithContext(ctx).Table("held_responses")).Select(col + " AS id, COUNT(*) AS n").Group(col).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count held responses: %w", err)
	}
	out := make(map[uint]int64, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}
