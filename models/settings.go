package models

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrSetupLink is a setup link that is unknown, used, expired, or comes after an
// administrator was created.
var ErrSetupLink = errors.New("this setup link is not valid")

// setting is one stored value of the app's own (not of a province's data).
type setting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func (setting) TableName() string { return "settings" }

// SessionKey returns the key that signs and encrypts session cookies, generating and
// storing it on first use, so that a restart keeps everybody signed in. Two processes
// starting at once agree on one key: the first stored wins.
func (s *Store) SessionKey(ctx context.Context, generate func() ([]byte, error)) ([]byte, error) {
	db := s.db.WithContext(ctx)
	fresh, err := generate()
	if err != nil {
		return nil, err
	}
	err = db.Clauses(clause.OnConflict{DoNothing: true}).Create(&setting{Key: "session_key", Value: hex.EncodeToString(fresh)}).Error
	if err != nil {
		return nil, fmt.Errorf("store the session key: %w", err)
	}
	var row setting
	if err := db.Take(&row, "key = ?", "session_key").Error; err != nil {
		return nil, fmt.Errorf("read the session key: %w", err)
	}
	return hex.DecodeString(row.Value)
}

// SetupToken is a one-time link that creates the first administrator.
type SetupToken struct {
	TokenHash string `gorm:"primaryKey"`
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// CreateSetupToken stores the hash of a new setup link valid until expires.
func (s *Store) CreateSetupToken(ctx context.Context, tokenHash string, now, expires time.Time) error {
	return s.db.WithContext(ctx).Create(&SetupToken{TokenHash: tokenHash, CreatedAt: now, ExpiresAt: expires}).Error
}

// SetupTokenValid tells whether a setup link may still be used.
func (s *Store) SetupTokenValid(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return checkSetupToken(tx, tokenHash, now) })
	if errors.Is(err, ErrSetupLink) {
		return false, nil
	}
	return err == nil, err
}

func checkSetupToken(tx *gorm.DB, tokenHash string, now time.Time) error {
	var t SetupToken
	err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash, now).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrSetupLink
	}
	if err != nil {
		return fmt.Errorf("read setup link: %w", err)
	}
	if n, err := enabledAdmins(tx); err != nil {
		return err
	} else if n > 0 {
		return ErrSetupLink
	}
	return nil
}

// CreateFirstAdmin uses a setup link: it creates the administrator u and marks the link
// used, in one transaction, so that a link creates one administrator at most.
func (s *Store) CreateFirstAdmin(ctx context.Context, tokenHash string, u *User, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkSetupToken(tx, tokenHash, by.Now); err != nil {
			return err
		}
		res := tx.Model(&SetupToken{}).Where("token_hash = ? AND used_at IS NULL", tokenHash).Update("used_at", by.Now)
		if res.Error != nil {
			return fmt.Errorf("use setup link: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrSetupLink
		}
		return createUser(tx, u, "auth.setup", by)
	})
}
