package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// FeedToken is a user's secret feed link: a feed reader has no session, so the link
// itself says whose alerts it may read. Only its SHA-256 is kept; a new link revokes the
// user's earlier one, and a revoked link reads nothing.
type FeedToken struct {
	ID        uint `gorm:"primaryKey"`
	UserID    uint
	TokenHash string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// NewFeedToken stores the hash of a new feed link of user u and revokes u's earlier ones,
// audited, in one transaction.
func (s *Store) NewFeedToken(ctx context.Context, u User, tokenHash string, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		revoked, err := revokeFeeds(tx, u.ID, by.Now)
		if err != nil {
			return err
		}
		if err := tx.Create(&FeedToken{UserID: u.ID, TokenHash: tokenHash, CreatedAt: by.Now.UTC()}).Error; err != nil {
			return fmt.Errorf("store feed link: %w", err)
		}
		return appendAudit(tx, by, "feed.create", u.Name, map[string]int64{"active_links": revoked}, map[string]int64{"active_links": 1})
	})
}

// RevokeFeedTokens revokes user u's feed links, audited.
func (s *Store) RevokeFeedTokens(ctx context.Context, u User, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		revoked, err := revokeFeeds(tx, u.ID, by.Now)
		if err != nil || revoked == 0 {
			return err
		}
		return appendAudit(tx, by, "feed.revoke", u.Name, map[string]int64{"active_links": revoked}, map[string]int64{"active_links": 0})
	})
}

func revokeFeeds(tx *gorm.DB, userID uint, now time.Time) (int64, error) {
	res := tx.Model(&FeedToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("revoke feed links: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// ActiveFeed tells when user u's feed link was made; ok is false when u has none.
func (s *Store) ActiveFeed(ctx context.Context, userID uint) (created time.Time, ok bool, err error) {
	var t FeedToken
	err = s.db.WithContext(ctx).Where("user_id = ? AND revoked_at IS NULL", userID).Order("id DESC").Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read feed link: %w", err)
	}
	return t.CreatedAt, true, nil
}

// FeedUser is the enabled user whose active feed link has tokenHash; ErrNotFound for a
// link unknown, revoked, or of a disabled account.
func (s *Store) FeedUser(ctx context.Context, tokenHash string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Table("users").Select("users.*").
		Joins("JOIN feed_tokens f ON f.user_id = users.id").
		Where("f.token_hash = ? AND f.revoked_at IS NULL AND NOT users.disabled", tokenHash).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("read feed link: %w", err)
	}
	return u, nil
}
