package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migration is one numbered, append-only schema change. It runs in its own transaction
// and uses frozen copies of the structs it creates, never the live models, so that a
// later change of a model cannot change what an old migration did.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB) error
}

// schemaMigration records an applied migration.
type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

func migrations() []migration {
	return []migration{
		{1, "reference data, responses and kept counts", migrateV1},
		{2, "accounts, sessions, login throttling and the audit log", migrateV2},
		{3, "re-encode kept counts with a checksum", migrateV3},
		{4, "imports as jobs: kept counts by batch, responses by import", migrateV4},
		{5, "questionnaire drafts and assignments, closed offices and counters, kiosk devices", migrateV5},
		{6, "official results, alerts, feed links, held responses", migrateV6},
		{7, "the counts version, the read caches' fingerprint", migrateV7},
		{8, "kept counts of a day in a province (grain P)", migrateV8},
		{9, "kept counts of a week of the month in a province (grain W)", migrateV9},
		{10, "the settings version, the kiosk look-ups' fingerprint", migrateV10},
	}
}

// SchemaVersion is the version of the newest migration: what a database file made by this
// build looks like (benchmarks name their cached files after it).
func SchemaVersion() int {
	m := migrations()
	return m[len(m)-1].version
}

// migrate applies every migration not yet recorded; running it twice changes nothing.
func (s *Store) migrate() error {
	if err := s.db.AutoMigrate(&schemaMigration{}); err != nil { // the one table that records the others
		return fmt.Errorf("migrations table: %w", err)
	}
	var applied []int
	if err := s.db.Model(&schemaMigration{}).Pluck("version", &applied).Error; err != nil {
		return fmt.Errorf("read applied migrations: %w", err)
	}
	done := map[int]bool{}
	for _, v := range applied {
		done[v] = true
	}
	for _, m := range migrations() {
		if done[m.version] {
			continue
		}
		err := s.db.Transaction(func(tx *gorm.DB) error {
			if err := m.up(tx); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

type v1Province struct {
	ID             uint   `gorm:"primaryKey"`
	Code           string `gorm:"not null;uniqueIndex:provinces_code_valid"`
	Name           string `gorm:"not null"`
	ValidFrom      string `gorm:"not null;uniqueIndex:provinces_code_valid"`
	ValidUntil     string `gorm:"not null;default:''"`
	MergedFrom     string `gorm:"not null;default:''"`
	AnnualDossiers int64  `gorm:"not null;default:0"`
}

type v1Questionnaire struct {
	ID          uint   `gorm:"primaryKey"`
	Code        string `gorm:"not null;uniqueIndex:questionnaires_code_version"`
	Version     int    `gorm:"not null;uniqueIndex:questionnaires_code_version"`
	Status      string `gorm:"not null"`
	Definition  string `gorm:"not null"`
	CreatedAt   time.Time
	PublishedAt *time.Time
}

type v1Office struct {
	ID             uint       `gorm:"primaryKey"`
	ProvinceID     uint       `gorm:"not null;uniqueIndex:offices_province_code"`
	Province       v1Province `gorm:"constraint:OnDelete:RESTRICT"`
	Code           string     `gorm:"not null;uniqueIndex:offices_province_code"`
	Name           string     `gorm:"not null"`
	AnnualDossiers int64      `gorm:"not null;default:0"`
	CreatedAt      time.Time
}

type v1Counter struct {
	ID             uint       `gorm:"primaryKey"`
	OfficeID       uint       `gorm:"not null;index"`
	Office         v1Office   `gorm:"constraint:OnDelete:RESTRICT"`
	ProvinceID     uint       `gorm:"not null"`
	Province       v1Province `gorm:"constraint:OnDelete:RESTRICT"`
	Code           string     `gorm:"not null;uniqueIndex"`
	Name           string     `gorm:"not null"`
	Field          string     `gorm:"not null;default:''"`
	RequiresDevice bool       `gorm:"not null;default:false"`
	AnnualDossiers int64      `gorm:"not null;default:0"`
	CreatedAt      time.Time
}

type v1Response struct {
	ID              uint            `gorm:"primaryKey"`
	UUID            string          `gorm:"not null;uniqueIndex"`
	CounterID       uint            `gorm:"not null;index:responses_counter_day"`
	Counter         v1Counter       `gorm:"constraint:OnDelete:RESTRICT"`
	OfficeID        uint            `gorm:"not null"`
	ProvinceID      uint            `gorm:"not null"`
	Province        v1Province      `gorm:"constraint:OnDelete:RESTRICT"`
	QuestionnaireID uint            `gorm:"not null"`
	Questionnaire   v1Questionnaire `gorm:"constraint:OnDelete:RESTRICT"`
	Channel         string          `gorm:"not null"`
	Field           string          `gorm:"not null;default:''"`
	SubmittedAt     time.Time       `gorm:"not null"`
	Day             int             `gorm:"not null;index:responses_counter_day"`
	Answers         string          `gorm:"not null"`
}

// v1Tallies creates the kept counts, one row per key (grain, period, province, office,
// counter, questionnaire, field). Grain D: one Vietnam day (period YYYYMMDD) per counter
// and procedure field; grain M: one month (YYYYMM) per counter, all fields together
// (field "*"); grain F: one month per province and field (office and counter 0); grain P
// (migration 8): one day per province, all fields (office and counter 0, field "*"). Beside
// the number of responses and their score sums, a row holds its criterion and option
// counts in one compact value (tallycodec.go). Rows of about a kilobyte are why it is an
// ordinary rowid table in SQLite, not WITHOUT ROWID, which suits small rows only (at a
// million responses the same data took four times the space).
func v1Tallies(tx *gorm.DB) error {
	blob := "BLOB"
	if tx.Dialector.Name() == "postgres" {
		blob = "BYTEA"
	}
	ddl := "CREATE TABLE tallies (grain TEXT NOT NULL, period INTEGER NOT NULL, province_id BIGINT NOT NULL, " +
		"office_id BIGINT NOT NULL, counter_id BIGINT NOT NULL, questionnaire_id BIGINT NOT NULL, field TEXT NOT NULL, " +
		"responses BIGINT NOT NULL, sum_score DOUBLE PRECISION NOT NULL, sum_score2 DOUBLE PRECISION NOT NULL, " +
		"counts " + blob + " NOT NULL, " +
		"PRIMARY KEY (grain, period, province_id, office_id, counter_id, questionnaire_id, field))"
	if err := tx.Exec(ddl).Error; err != nil {
		return fmt.Errorf("create tallies: %w", err)
	}
	return nil
}

func (v1Province) TableName() string      { return "provinces" }
func (v1Questionnaire) TableName() string { return "questionnaires" }
func (v1Office) TableName() string        { return "offices" }
func (v1Counter) TableName() string       { return "counters" }
func (v1Response) TableName() string      { return "responses" }

func migrateV1(tx *gorm.DB) error {
	for _, model := range []any{&v1Province{}, &v1Questionnaire{}, &v1Office{}, &v1Counter{},
		&v1Response{}} {
		if err := tx.Migrator().CreateTable(model); err != nil {
			return fmt.Errorf("create %T: %w", model, err)
		}
	}
	return v1Tallies(tx)
}
