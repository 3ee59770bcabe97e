package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the tables migration 2 creates; the live models are in accounts.go,
// sessions.go, throttle.go, audit.go and settings.go.

type v2User struct {
	ID                uint        `gorm:"primaryKey"`
	Name              string      `gorm:"not null;uniqueIndex"`
	Role              string      `gorm:"not null"`
	ProvinceID        *uint       `gorm:"index"`
	Province          *v1Province `gorm:"constraint:OnDelete:RESTRICT"`
	OfficeID          *uint
	Office            *v1Office `gorm:"constraint:OnDelete:RESTRICT"`
	Disabled          bool      `gorm:"not null;default:false"`
	PasswordHash      string    `gorm:"not null"`
	PasswordChangedAt time.Time `gorm:"not null"`
	CreatedAt         time.Time `gorm:"not null"`
	UpdatedAt         time.Time `gorm:"not null"`
}

type v2Session struct {
	ID         uint      `gorm:"primaryKey"`
	TokenHash  string    `gorm:"not null;uniqueIndex"`
	UserID     uint      `gorm:"not null;index"`
	User       v2User    `gorm:"constraint:OnDelete:CASCADE"`
	CreatedAt  time.Time `gorm:"not null"`
	LastSeenAt time.Time `gorm:"not null"`
	ClientAddr string    `gorm:"not null;default:''"`
	UserAgent  string    `gorm:"not null;default:''"`
}

type v2LoginFailure struct {
	ID      uint      `gorm:"primaryKey"`
	Subject string    `gorm:"not null;index:login_failures_subject_at"`
	At      time.Time `gorm:"not null;index:login_failures_subject_at;index"`
}

type v2AuditEvent struct {
	ID         uint      `gorm:"primaryKey"`
	At         time.Time `gorm:"not null;index"`
	Actor      string    `gorm:"not null;default:'';index"`
	ActorID    *uint
	ClientAddr string `gorm:"not null;default:''"`
	Kind       string `gorm:"not null;index"`
	Target     string `gorm:"not null;default:''"`
	Before     string `gorm:"not null;default:''"`
	After      string `gorm:"not null;default:''"`
}

type v2Setting struct {
	Key   string `gorm:"primaryKey"`
	Value string `gorm:"not null"`
}

type v2SetupToken struct {
	TokenHash string    `gorm:"primaryKey"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
}

func (v2User) TableName() string         { return "users" }
func (v2Session) TableName() string      { return "sessions" }
func (v2LoginFailure) TableName() string { return "login_failures" }
func (v2AuditEvent) TableName() string   { return "audit_log" }
func (v2Setting) TableName() string      { return "settings" }
func (v2SetupToken) TableName() string   { return "setup_tokens" }

func migrateV2(tx *gorm.DB) error {
	for _, model := range []any{&v2User{}, &v2Session{}, &v2LoginFailure{}, &v2AuditEvent{}, &v2Setting{}, &v2SetupToken{}} {
		if err := tx.Migrator().CreateTable(model); err != nil {
			return fmt.Errorf("create %T: %w", model, err)
		}
	}
	return appendOnlyAudit(tx)
}

// appendOnlyAudit makes the database itself refuse to change or remove an audit event,
// whatever program connects to it.
func appendOnlyAudit(tx *gorm.DB) error {
	var stmts []string
	if tx.Dialector.Name() == "postgres" {
		stmts = []string{
			`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$`,
			`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
			`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
		}
	} else {
		stmts = []string{
			`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
			`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("audit log trigger: %w", err)
		}
	}
	return nil
}
