package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Frozen copies of what migration 5 adds; the live models are in schema.go,
// questionnaires.go and devices.go.

// v5OfficeCols and v5CounterCols add the moment an office or a counter was closed.
type v5OfficeCols struct {
	ClosedAt *time.Time
}

type v5CounterCols struct {
	ClosedAt *time.Time
}

// v5QuestionnaireCols adds where a questionnaire version comes from and who published it.
type v5QuestionnaireCols struct {
	BasedOnID   *uint
	PublishedBy string `gorm:"not null;default:''"`
	Note        string `gorm:"not null;default:''"`
}

type v5Draft struct {
	ID         uint             `gorm:"primaryKey"`
	Code       string           `gorm:"not null;index"`
	BasedOnID  *uint            `gorm:"index"`
	BasedOn    *v1Questionnaire `gorm:"constraint:OnDelete:RESTRICT"`
	ProvinceID *uint            `gorm:"index"` // the province admins who may edit it; nil: administrators only
	Province   *v1Province      `gorm:"constraint:OnDelete:RESTRICT"`
	Definition string           `gorm:"not null"`
	Revision   int              `gorm:"not null;default:1"`
	CreatedBy  string           `gorm:"not null;default:''"`
	CreatedAt  time.Time        `gorm:"not null"`
	UpdatedBy  string           `gorm:"not null;default:''"`
	UpdatedAt  time.Time        `gorm:"not null"`
}

type v5Assignment struct {
	ID              uint            `gorm:"primaryKey"`
	QuestionnaireID uint            `gorm:"not null;index"`
	Questionnaire   v1Questionnaire `gorm:"constraint:OnDelete:RESTRICT"`
	ProvinceID      *uint           `gorm:"index"` // nil: the whole country
	Province        *v1Province     `gorm:"constraint:OnDelete:RESTRICT"`
	OfficeID        *uint           `gorm:"index"` // nil: the whole province (or country)
	Office          *v1Office       `gorm:"constraint:OnDelete:RESTRICT"`
	StartsAt        time.Time       `gorm:"not null"`
	CreatedBy       string          `gorm:"not null;default:''"`
	CreatedAt       time.Time       `gorm:"not null"`
}

type v5Device struct {
	ID         uint      `gorm:"primaryKey"`
	CounterID  uint      `gorm:"not null;index"`
	Counter    v1Counter `gorm:"constraint:OnDelete:RESTRICT"`
	Name       string    `gorm:"not null"`
	TokenHash  string    `gorm:"not null;uniqueIndex"`
	CreatedBy  string    `gorm:"not null;default:''"`
	CreatedAt  time.Time `gorm:"not null"`
	RevokedAt  *time.Time
	LastSeenAt *time.Time
	AppVersion string `gorm:"not null;default:''"`
	Queue      int    `gorm:"not null;default:0"`
	QueuePrev  int    `gorm:"not null;default:0"`
	QueueSince *time.Time
}

type v5DeviceLink struct {
	TokenHash string    `gorm:"primaryKey"`
	CounterID uint      `gorm:"not null;index"`
	Counter   v1Counter `gorm:"constraint:OnDelete:RESTRICT"`
	CreatedBy string    `gorm:"not null;default:''"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
	DeviceID  *uint
}

type v5DeviceDay struct {
	DeviceID  uint     `gorm:"primaryKey;autoIncrement:false"`
	Device    v5Device `gorm:"constraint:OnDelete:RESTRICT"`
	Day       int      `gorm:"primaryKey;autoIncrement:false"` // YYYYMMDD in Vietnam time
	Responses int64    `gorm:"not null;default:0"`
}

func (v5Draft) TableName() string      { return "questionnaire_drafts" }
func (v5Assignment) TableName() string { return "questionnaire_assignments" }
func (v5Device) TableName() string     { return "kiosk_devices" }
func (v5DeviceLink) TableName() string { return "kiosk_device_links" }
func (v5DeviceDay) TableName() string  { return "kiosk_device_days" }

func (v5OfficeCols) TableName() string        { return "offices" }
func (v5CounterCols) TableName() string       { return "counters" }
func (v5QuestionnaireCols) TableName() string { return "questionnaires" }

// migrateV5 adds what administrators configure in the browser: drafts and assignments of
// questionnaire versions, closing offices and counters, kiosk devices with their
// registration links and daily counts. Published versions become immutable in the
// database itself. The whole country is assigned the newest published version of the
// official questionnaire, which kiosks showed until now.
func migrateV5(tx *gorm.DB) error {
	m := tx.Migrator()
	for _, col := range []struct {
		model any
		field string
	}{{&v5OfficeCols{}, "ClosedAt"}, {&v5CounterCols{}, "ClosedAt"},
		{&v5QuestionnaireCols{}, "BasedOnID"}, {&v5QuestionnaireCols{}, "PublishedBy"}, {&v5QuestionnaireCols{}, "Note"}} {
		if m.HasColumn(col.model, col.field) {
			continue
		}
		if err := m.AddColumn(col.model, col.field); err != nil {
			return fmt.Errorf("add %T.%s: %w", col.model, col.field, err)
		}
	}
	for _, model := range []any{&v5Draft{}, &v5Assignment{}, &v5Device{}, &v5DeviceLink{}, &v5DeviceDay{}} {
		if m.HasTable(model) {
			continue
		}
		if err := m.CreateTable(model); err != nil {
			return fmt.Errorf("create %T: %w", model, err)
		}
	}
	if err := immutablePublished(tx); err != nil {
		return err
	}
	return assignCountry(tx)
}

// immutablePublished makes the database refuse to change or remove a published
// questionnaire version: responses point at it and are read with it.
func immutablePublished(tx *gorm.DB) error {
	var stmts []string
	if tx.Dialector.Name() == "postgres" {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION questionnaires_published_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'published' THEN RAISE EXCEPTION 'a published questionnaire version never changes'; END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$`,
			`DROP TRIGGER IF EXISTS questionnaires_published_no_change ON questionnaires`,
			`CREATE TRIGGER questionnaires_published_no_change BEFORE UPDATE OR DELETE ON questionnaires
FOR EACH ROW EXECUTE FUNCTION questionnaires_published_immutable()`,
		}
	} else {
		stmts = []string{
			`CREATE TRIGGER IF NOT EXISTS questionnaires_published_no_update BEFORE UPDATE ON questionnaires
WHEN OLD.status = 'published' BEGIN SELECT RAISE(ABORT, 'a published questionnaire version never changes'); END`,
			`CREATE TRIGGER IF NOT EXISTS questionnaires_published_no_delete BEFORE DELETE ON questionnaires
WHEN OLD.status = 'published' BEGIN SELECT RAISE(ABORT, 'a published questionnaire version never changes'); END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("questionnaire trigger: %w", err)
		}
	}
	return nil
}

// assignCountry assigns the newest published version of the official questionnaire to
// the whole country, as from ever (the kiosks showed it until now), unless something is
// assigned already.
func assignCountry(tx *gorm.DB) error {
	var n int64
	if err := tx.Model(&v5Assignment{}).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	var q v1Questionnaire
	err := tx.Where("code = ? AND status = ?", "sipas-counter", "published").Order("version DESC").Limit(1).Find(&q).Error
	if err != nil || q.ID == 0 {
		return err
	}
	return tx.Create(&v5Assignment{QuestionnaireID: q.ID, StartsAt: time.Unix(0, 0).UTC(), CreatedBy: "migration 5", CreatedAt: time.Now().UTC()}).Error
}
