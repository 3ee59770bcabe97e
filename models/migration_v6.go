package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the tables migration 6 creates (official results, alerts and their
// webhook deliveries, feed links, held responses, background leases); the live models
// are in official.go, alerts.go, deliveries.go, feeds.go, held.go and lease.go.

type v6OfficialResult struct {
	ID         uint      `gorm:"primaryKey"`
	Year       int       `gorm:"not null;uniqueIndex:official_results_year_code"`
	Code       string    `gorm:"not null;uniqueIndex:official_results_year_code"` // a province code, or "national"
	SIPAS      float64   `gorm:"column:sipas;not null"`
	Source     string    `gorm:"not null;default:''"`
	RecordedBy string    `gorm:"not null;default:''"`
	RecordedAt time.Time `gorm:"not null"`
}

type v6Alert struct {
	ID              uint       `gorm:"primaryKey"`
	UnitKind        string     `gorm:"not null"` // counter or office
	UnitID          uint       `gorm:"not null"`
	OfficeID        uint       `gorm:"not null;index"`
	ProvinceID      uint       `gorm:"not null;index"`
	Since           int        `gorm:"not null"` // YYYYMMDD
	DetectedAt      time.Time  `gorm:"not null"`
	CheckedAt       time.Time  `gorm:"not null"`
	ResolvedAt      *time.Time `gorm:"index"`
	BeforeSIPAS     float64    `gorm:"column:before_sipas;not null"`
	BeforeLow       float64    `gorm:"not null"`
	BeforeHigh      float64    `gorm:"not null"`
	BeforeResponses int64      `gorm:"not null"`
	AfterSIPAS      float64    `gorm:"column:after_sipas;not null"`
	AfterLow        float64    `gorm:"not null"`
	AfterHigh       float64    `gorm:"not null"`
	AfterResponses  int64      `gorm:"not null"`
	Drop            float64    `gorm:"not null"`
	Criteria        string     `gorm:"not null;default:''"` // JSON
	AcknowledgedAt  *time.Time
	AcknowledgedBy  string `gorm:"not null;default:''"`
	AckNote         string `gorm:"not null;default:''"`
}

type v6AlertDelivery struct {
	ID           uint      `gorm:"primaryKey"`
	AlertID      uint      `gorm:"not null;index"`
	Alert        v6Alert   `gorm:"constraint:OnDelete:RESTRICT"`
	URL          string    `gorm:"not null"`
	Payload      string    `gorm:"not null"`
	State        string    `gorm:"not null;index:alert_deliveries_due"` // pending, delivered, failed
	NextAt       time.Time `gorm:"not null;index:alert_deliveries_due"`
	Attempts     int       `gorm:"not null;default:0"`
	ClaimedUntil *time.Time
	LastStatus   int    `gorm:"not null;default:0"`
	LastError    string `gorm:"not null;default:''"`
	CreatedAt    time.Time
	DeliveredAt  *time.Time
}

type v6FeedToken struct {
	ID        uint   `gorm:"primaryKey"`
	UserID    uint   `gorm:"not null;index"`
	User      v2User `gorm:"constraint:OnDelete:CASCADE"`
	TokenHash string `gorm:"not null;uniqueIndex"`
	CreatedAt time.Time
	RevokedAt *time.Time
}

type v6HeldResponse struct {
	ResponseUUID string     `gorm:"primaryKey"`
	CounterID    uint       `gorm:"not null"`
	OfficeID     uint       `gorm:"not null"`
	ProvinceID   uint       `gorm:"not null;index:held_responses_state_province_day"`
	Day          int        `gorm:"not null;index:held_responses_state_province_day"`
	State        string     `gorm:"not null;index:held_responses_state_province_day"` // held, included, excluded
	Reasons      string     `gorm:"not null"`
	HeldAt       time.Time  `gorm:"not null"`
	ReviewedAt   *time.Time // when an administrator included or excluded it
	ReviewedBy   string     `gorm:"not null;default:''"`
}

type v6Lease struct {
	Name   string    `gorm:"primaryKey"`
	Holder string    `gorm:"not null"`
	Until  time.Time `gorm:"not null"`
}

func (v6OfficialResult) TableName() string { return "official_results" }
func (v6Alert) TableName() string          { return "alerts" }
func (v6AlertDelivery) TableName() string  { return "alert_deliveries" }
func (v6FeedToken) TableName() string      { return "feed_tokens" }
func (v6HeldResponse) TableName() string   { return "held_responses" }
func (v6Lease) TableName() string          { return "leases" }

func migrateV6(tx *gorm.DB) error {
	for _, model := range []any{&v6OfficialResult{}, &v6Alert{}, &v6AlertDelivery{}, &v6FeedToken{}, &v6HeldResponse{}, &v6Lease{}} {
		if err := tx.Migrator().CreateTable(model); err != nil {
			return fmt.Errorf("create %T: %w", model, err)
		}
	}
	// One open alert per unit, whatever number of serve processes detect it at once.
	if err := tx.Exec("CREATE UNIQUE INDEX alerts_open_unit ON alerts (unit_kind, unit_id) WHERE resolved_at IS NULL").Error; err != nil {
		return fmt.Errorf("index of open alerts: %w", err)
	}
	return nil
}
