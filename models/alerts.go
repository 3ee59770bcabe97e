package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// Alert is a drop in a counter's or an office's satisfaction, as the scan found it and
// as officials acknowledge it. It stays open while the scan still finds the drop; the
// figures are those of the last scan that did.
type Alert struct {
	ID              uint `gorm:"primaryKey"`
	UnitKind        string
	UnitID          uint
	OfficeID        uint
	ProvinceID      uint
	Since           int // YYYYMMDD
	DetectedAt      time.Time
	CheckedAt       time.Time
	ResolvedAt      *time.Time
	BeforeSIPAS     float64 `gorm:"column:before_sipas"`
	BeforeLow       float64
	BeforeHigh      float64
	BeforeResponses int64
	AfterSIPAS      float64 `gorm:"column:after_sipas"`
	AfterLow        float64
	AfterHigh       float64
	AfterResponses  int64
	Drop            float64
	Criteria        string // JSON of []AlertCriterion
	AcknowledgedAt  *time.Time
	AcknowledgedBy  string
	AckNote         string
}

// AlertCriterion is a criterion that fell, as an alert keeps it.
type AlertCriterion struct {
	Code   string  `json:"code"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Drop   float64 `json:"drop"`
}

// AlertRow is an alert with the names of its unit, office and province.
type AlertRow struct {
	Alert        `gorm:"embedded"`
	Code, Name   string // the unit's
	OfficeName   string
	ProvinceCode string
	ProvinceName string
}

// CriteriaList decodes the criteria that fell.
func (a Alert) CriteriaList() []AlertCriterion {
	var out []AlertCriterion
	if a.Criteria != "" {
		if err := json.Unmarshal([]byte(a.Criteria), &out); err != nil {
			return nil
		}
	}
	return out
}

// AlertInput reads what a scan for drops as of today needs: every counter with its office
// and province, and its lean daily counts over rules.Days() days up to today.
func (s *Store) AlertInput(ctx context.Context, questionnaire string, today time.Time, rules survey.DropRules) (survey.AlertInput, error) {
	_, q, err := s.PublishedQuestionnaire(ctx, questionnaire)
	if err != nil {
		return survey.AlertInput{}, err
	}
	in := survey.AlertInput{Questionnaire: q, Days: map[uint]survey.DayCounts{}}
	db := s.db.WithContext(ctx)
	var counters []Counter
	if err := db.Select("id, office_id, province_id").Order("id").Find(&counters).Error; err != nil {
		return in, fmt.Errorf("read counters: %w", err)
	}
	for _, c := range counters {
		in.Counters = append(in.Counters, survey.AlertPlace{CounterID: c.ID, OfficeID: c.OfficeID, ProvinceID: c.ProvinceID})
	}
	from := survey.DayKey(today.AddDate(0, 0, -rules.Days()))
	rows, err := db.Table("tallies").Select("counter_id, period, responses, sum_score, sum_score2, counts").
		Where("grain = 'D' AND period BETWEEN ? AND ? AND "+visibleBatches, from, survey.DayKey(today)).Rows()
	if err != nil {
		return in, fmt.Errorf("read daily counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			counter, day int64
			r            tallyRow
		)
		if err := rows.Scan(&counter, &day, &r.Responses, &r.SumScore, &r.SumScore2, &r.Counts); err != nil {
			return in, fmt.Errorf("read daily counts: %w", err)
		}
		days := in.Days[uint(counter)]
		if days == nil {
			days = survey.DayCounts{}
			in.Days[uint(counter)] = days
		}
		t := days[int(day)]
		if t == nil {
			t = survey.NewTally()
			days[int(day)] = t
		}
		t.Responses += r.Responses
		t.SumScore += r.SumScore
		t.SumScore2 += r.SumScore2
		if err := addCounts(t, r.Counts, false); err != nil {
			return in, err
		}
	}
	return in, rows.Err()
}

// AlertScan is what saving a scan did.
type AlertScan struct {
	Opened, Updated, Resolved int
}

// SaveAlerts records a scan made at now: a drop at a unit without an open alert opens
// one (and, when a webhook URL is set, a delivery of it), one with an open alert updates
// its figures, and every open alert the scan no longer finds is resolved. One
// transaction: a reader sees the scan whole or not at all.
func (s *Store) SaveAlerts(ctx context.Context, drops []survey.UnitDrop, now time.Time) (AlertScan, error) {
	var res AlertScan
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		webhook, err := settingValue(tx, webhookSetting)
		if err != nil {
			return err
		}
		found := map[[2]any]bool{}
		for _, d := range drops {
			found[[2]any{d.Kind, d.ID}] = true
			opened, err := saveDrop(tx, d, now)
			if err != nil {
				return err
			}
			if opened == nil {
				res.Updated++
				continue
			}
			res.Opened++
			if webhook != "" {
				if err := enqueueDelivery(tx, *opened, webhook, now); err != nil {
					return err
				}
			}
		}
		var open []Alert
		if err := tx.Where("resolved_at IS NULL").Find(&open).Error; err != nil {
			return fmt.Errorf("read open alerts: %w", err)
		}
		for _, a := range open {
			if found[[2]any{a.UnitKind, a.UnitID}] {
				continue
			}
			if err := tx.Model(&Alert{}).Where("id = ?", a.ID).Update("resolved_at", now.UTC()).Error; err != nil {
				return fmt.Errorf("resolve alert %d: %w", a.ID, err)
			}
			res.Resolved++
		}
		return nil
	})
	return res, err
}

// saveDrop updates the open alert of d's unit, or opens one and returns it.
func saveDrop(tx *gorm.DB, d survey.UnitDrop, now time.Time) (*Alert, error) {
	criteria := make([]AlertCriterion, len(d.Criteria))
	for i, c := range d.Criteria {
		criteria[i] = AlertCriterion(c)
	}
	js, err := json.Marshal(criteria)
	if err != nil {
		return nil, err
	}
	a := Alert{UnitKind: d.Kind, UnitID: d.ID, OfficeID: d.OfficeID, ProvinceID: d.ProvinceID, Since: survey.DayKey(d.Since),
		DetectedAt: now.UTC(), CheckedAt: now.UTC(),
		BeforeSIPAS: *d.Before.SIPAS, BeforeLow: d.Before.CI95[0], BeforeHigh: d.Before.CI95[1], BeforeResponses: d.Before.Responses,
		AfterSIPAS: *d.After.SIPAS, AfterLow: d.After.CI95[0], AfterHigh: d.After.CI95[1], AfterResponses: d.After.Responses,
		Drop: d.Drop.Drop, Criteria: string(js)}
	var open Alert
	err = tx.Where("unit_kind = ? AND unit_id = ? AND resolved_at IS NULL", d.Kind, d.ID).Take(&open).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		if err := tx.Create(&a).Error; err != nil {
			return nil, fmt.Errorf("open alert of %s %d: %w", d.Kind, d.ID, err)
		}
		return &a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read alert of %s %d: %w", d.Kind, d.ID, err)
	}
	err = tx.Model(&Alert{}).Where("id = ?", open.ID).Updates(map[string]any{
		"since": a.Since, "checked_at": a.CheckedAt, "before_sipas": a.BeforeSIPAS, "before_low": a.BeforeLow,
		"before_high": a.BeforeHigh, "before_responses": a.BeforeResponses, "after_sipas": a.AfterSIPAS,
		"after_low": a.AfterLow, "after_high": a.AfterHigh, "after_responses": a.AfterResponses, "drop": a.Drop,
		"criteria": a.Criteria}).Error
	if err != nil {
		return nil, fmt.Errorf("update alert %d: %w", open.ID, err)
	}
	return nil, nil
}

// AlertFilter selects alerts: within a scope, open ones only or every one that was open
// at some time of a period.
type AlertFilter struct {
	Scope    Scope
	OpenOnly bool
	Period   *survey.Period // nil: any time
	ID       uint           // 0: any
	Limit    int            // 0: no limit
}

// Alerts lists the alerts f selects, newest first, with the names of their units.
func (s *Store) Alerts(ctx context.Context, f AlertFilter) ([]AlertRow, error) {
	db := s.db.WithContext(ctx).Table("alerts a").
		Select("a.*, COALESCE(c.code, o.code) AS code, COALESCE(c.name, o.name) AS name, o.name AS office_name, " +
			"p.code AS province_code, p.name AS province_name").
		Joins("LEFT JOIN counters c ON a.unit_kind = 'counter' AND c.id = a.unit_id").
		Joins("JOIN offices o ON o.id = a.office_id").
		Joins("JOIN provinces p ON p.id = a.province_id")
	db = f.Scope.alertsWhere(db)
	if f.OpenOnly {
		db = db.Where("a.resolved_at IS NULL")
	}
	if p := f.Period; p != nil {
		db = db.Where("(a.resolved_at IS NULL OR a.resolved_at >= ?) AND a.since <= ?", p.From.UTC(), p.LastDay())
	}
	if f.ID != 0 {
		db = db.Where("a.id = ?", f.ID)
	}
	if f.Limit > 0 {
		db = db.Limit(f.Limit)
	}
	var out []AlertRow
	if err := db.Order("a.resolved_at IS NOT NULL, a.detected_at DESC, a.id DESC").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("read alerts: %w", err)
	}
	return out, nil
}

// alertsWhere limits a query of alerts (table alias a) to the scope.
func (s Scope) alertsWhere(db *gorm.DB) *gorm.DB {
	if s.ProvinceIDs != nil {
		db = db.Where("a.province_id IN ?", append([]uint{0}, s.ProvinceIDs...))
	}
	if s.OfficeIDs != nil {
		db = db.Where("a.office_id IN ?", append([]uint{0}, s.OfficeIDs...))
	}
	return db
}

// ErrAcknowledged is an alert that was acknowledged before.
var ErrAcknowledged = errors.New("this alert was acknowledged before")

// AcknowledgeAlert marks an alert within scope acknowledged with a note, audited.
// ErrNotFound when there is no such alert in scope.
func (s *Store) AcknowledgeAlert(ctx context.Context, id uint, scope Scope, note string, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a Alert
		err := scope.alertsWhere(tx.Table("alerts a")).Where("a.id = ?", id).Take(&a).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read alert %d: %w", id, err)
		}
		if a.AcknowledgedAt != nil {
			return ErrAcknowledged
		}
		at := by.Now.UTC()
		res := tx.Model(&Alert{}).Where("id = ? AND acknowledged_at IS NULL", id).
			Updates(map[string]any{"acknowledged_at": at, "acknowledged_by": by.Name, "ack_note": note})
		if res.Error != nil {
			return fmt.Errorf("acknowledge alert %d: %w", id, res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrAcknowledged
		}
		target := fmt.Sprintf("%s %d, alert %d", a.UnitKind, a.UnitID, a.ID)
		return appendAudit(tx, by, "alert.acknowledge", target, map[string]any{"acknowledged": false},
			map[string]any{"acknowledged": true, "note": note})
	})
}

// ScanAlerts scans every counter and office for a drop as of now and records the scan
// (SaveAlerts).
func (s *Store) ScanAlerts(ctx context.Context, questionnaire string, now time.Time, rules survey.DropRules) (AlertScan, error) {
	in, err := s.AlertInput(ctx, questionnaire, now, rules)
	if err != nil {
		return AlertScan{}, err
	}
	return s.SaveAlerts(ctx, in.Scan(now, rules), now)
}
