package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Session is a signed-in browser. The cookie holds a random token; the database holds
// its SHA-256 only, so that a copy of the database signs nobody in.
type Session struct {
	ID         uint `gorm:"primaryKey"`
	TokenHash  string
	UserID     uint
	CreatedAt  time.Time
	LastSeenAt time.Time
	ClientAddr string
	UserAgent  string
}

// StartSession stores a new session for a user who has just signed in and audits the
// sign-in, in one transaction.
func (s *Store) StartSession(ctx context.Context, sess *Session, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sess.CreatedAt, sess.LastSeenAt = by.Now, by.Now
		if err := tx.Create(sess).Error; err != nil {
			return fmt.Errorf("start session of %s: %w", by.Name, err)
		}
		return appendAudit(tx, by, "auth.login", by.Name, nil, map[string]any{"session": sess.ID})
	})
}

// SessionByToken finds a session by its token's hash, with its user.
func (s *Store) SessionByToken(ctx context.Context, tokenHash string) (Session, User, error) {
	var sess Session
	db := s.db.WithContext(ctx)
	err := db.Where("token_hash = ?", tokenHash).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sess, User{}, ErrNotFound
	}
	if err != nil {
		return sess, User{}, fmt.Errorf("read session: %w", err)
	}
	var u User
	if err := db.Take(&u, sess.UserID).Error; err != nil {
		return sess, u, fmt.Errorf("read the user of session %d: %w", sess.ID, err)
	}
	return sess, u, nil
}

// TouchSession records that the session was used at now.
func (s *Store) TouchSession(ctx context.Context, id uint, now time.Time) error {
	return s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", id).Update("last_seen_at", now).Error
}

// DropSession removes an expired session (not audited: nobody acted).
func (s *Store) DropSession(ctx context.Context, id uint) error {
	return s.db.WithContext(ctx).Where("id = ?", id).Delete(&Session{}).Error
}

// DropExpiredSessions removes the sessions idle since idleBefore or started before
// startedBefore.
func (s *Store) DropExpiredSessions(ctx context.Context, idleBefore, startedBefore time.Time) error {
	return s.db.WithContext(ctx).Where("last_seen_at < ? OR created_at < ?", idleBefore, startedBefore).
		Delete(&Session{}).Error
}

// UserSessions lists a user's sessions, the most recently used first.
func (s *Store) UserSessions(ctx context.Context, userID uint) ([]Session, error) {
	var out []Session
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("last_seen_at DESC, id DESC").Find(&out).Error
	return out, err
}

// EndSessions signs out sessions of a user and audits it as kind: the one whose ID is
// given, or (id 0) every one but keep. It returns how many ended.
func (s *Store) EndSessions(ctx context.Context, userID, id, keep uint, kind string, by Actor) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("user_id = ?", userID)
		if id != 0 {
			q = q.Where("id = ?", id)
		} else {
			q = q.Where("id <> ?", keep)
		}
		res := q.Delete(&Session{})
		if res.Error != nil {
			return fmt.Errorf("end sessions of %s: %w", by.Name, res.Error)
		}
		n = res.RowsAffected
		if n == 0 {
			return nil
		}
		return appendAudit(tx, by, kind, by.Name, nil, map[string]any{"sessions": n})
	})
	return n, err
}
