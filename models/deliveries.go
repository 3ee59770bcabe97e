package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// webhookSetting is the settings key of the URL new alerts are posted to ("" for none).
const webhookSetting = "alerts.webhook_url"

// AlertDelivery is one alert to be posted to the webhook, with how its delivery went. It
// lives in the database, so that a delivery survives a restart and any serve process may
// make it; a process claims it for a while before posting, so that two do not post it at
// once.
type AlertDelivery struct {
	ID           uint `gorm:"primaryKey"`
	AlertID      uint
	URL          string
	Payload      string // the JSON posted
	State        string // DeliveryPending, DeliveryDone or DeliveryFailed
	NextAt       time.Time
	Attempts     int
	ClaimedUntil *time.Time
	LastStatus   int
	LastError    string
	CreatedAt    time.Time
	DeliveredAt  *time.Time
}

// Delivery states.
const (
	DeliveryPending = "pending"
	DeliveryDone    = "delivered"
	DeliveryFailed  = "failed" // given up after the last attempt
)

// settingValue reads a setting, "" when it was never set.
func settingValue(tx *gorm.DB, key string) (string, error) {
	var row setting
	err := tx.Where("key = ?", key).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return row.Value, nil
}

// putSetting stores a setting and audits its change as kind.
func putSetting(tx *gorm.DB, key, value, kind string, by Actor) error {
	before, err := settingValue(tx, key)
	if err != nil {
		return err
	}
	err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoUpdates: clause.AssignmentColumns([]string{"value"})}).
		Create(&setting{Key: key, Value: value}).Error
	if err != nil {
		return fmt.Errorf("store setting %s: %w", key, err)
	}
	return appendAudit(tx, by, kind, key, map[string]string{"value": before}, map[string]string{"value": value})
}

// WebhookURL is the URL new alerts are posted to, "" for none.
func (s *Store) WebhookURL(ctx context.Context) (string, error) {
	return settingValue(s.db.WithContext(ctx), webhookSetting)
}

// SetWebhookURL sets (or, with "", removes) the URL new alerts are posted to, audited.
func (s *Store) SetWebhookURL(ctx context.Context, url string, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return putSetting(tx, webhookSetting, url, "alert.webhook", by)
	})
}

// enqueueDelivery adds a delivery of a newly opened alert, due at once.
func enqueueDelivery(tx *gorm.DB, a Alert, url string, now time.Time) error {
	payload, err := json.Marshal(map[string]any{"event": "alert.opened", "alert_id": a.ID})
	if err != nil {
		return err
	}
	d := AlertDelivery{AlertID: a.ID, URL: url, Payload: string(payload), State: DeliveryPending, NextAt: now.UTC(), CreatedAt: now.UTC()}
	if err := tx.Create(&d).Error; err != nil {
		return fmt.Errorf("queue the delivery of alert %d: %w", a.ID, err)
	}
	return nil
}

// ClaimDeliveries claims up to limit pending deliveries that are due, for ttl: no other
// process takes them meanwhile. Each is claimed by one conditional update, so two
// processes never both get one.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, ttl time.Duration, limit int) ([]AlertDelivery, error) {
	db := s.db.WithContext(ctx)
	var due []AlertDelivery
	err := db.Where("state = ? AND next_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)", DeliveryPending, now.UTC(), now.UTC()).
		Order("next_at, id").Limit(limit).Find(&due).Error
	if err != nil {
		return nil, fmt.Errorf("read due deliveries: %w", err)
	}
	until := now.Add(ttl).UTC()
	var out []AlertDelivery
	for _, d := range due {
		res := db.Model(&AlertDelivery{}).
			Where("id = ? AND state = ? AND (claimed_until IS NULL OR claimed_until < ?)", d.ID, DeliveryPending, now.UTC()).
			Update("claimed_until", until)
		if res.Error != nil {
			return nil, fmt.Errorf("claim delivery %d: %w", d.ID, res.Error)
		}
		if res.RowsAffected == 1 {
			d.ClaimedUntil = &until
			out = append(out, d)
		}
	}
	return out, nil
}

// DeliveryResult records one attempt at a delivery: delivered, or to be tried again at
// next (nil: given up).
func (s *Store) DeliveryResult(ctx context.Context, id uint, now time.Time, status int, problem string, next *time.Time) error {
	fields := map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_status": status, "last_error": problem, "claimed_until": nil}
	switch {
	case problem == "":
		fields["state"], fields["delivered_at"] = DeliveryDone, now.UTC()
	case next == nil:
		fields["state"] = DeliveryFailed
	default:
		fields["next_at"] = next.UTC()
	}
	if err := s.db.WithContext(ctx).Model(&AlertDelivery{}).Where("id = ?", id).Updates(fields).Error; err != nil {
		return fmt.Errorf("record delivery %d: %w", id, err)
	}
	return nil
}

// RecentDeliveries lists the latest deliveries, newest first.
func (s *Store) RecentDeliveries(ctx context.Context, limit int) ([]AlertDelivery, error) {
	var out []AlertDelivery
	if err := s.db.WithContext(ctx).Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("read deliveries: %w", err)
	}
	return out, nil
}

// AlertByID reads one alert with its names; ErrNotFound when there is none.
func (s *Store) AlertByID(ctx context.Context, id uint) (AlertRow, error) {
	rows, err := s.Alerts(ctx, AlertFilter{Scope: AllProvinces(), ID: id})
	if err != nil {
		return AlertRow{}, err
	}
	if len(rows) == 0 {
		return AlertRow{}, ErrNotFound
	}
	return rows[0], nil
}
