package models

import (
	"context"
	"fmt"
	"time"
)

// LoginFailure is one failed sign-in of a subject (an account name or a client address).
// Kept in the database, so that every serve process sharing it counts the same failures.
type LoginFailure struct {
	ID      uint `gorm:"primaryKey"`
	Subject string
	At      time.Time
}

// Throttle allows Limit failures of a subject within Window.
type Throttle struct {
	Limit  int
	Window time.Duration
}

// LoginWait is how long subject must wait before it may try again: 0 while it has had
// fewer than th.Limit failures in the window, else until the oldest of its last
// th.Limit failures leaves the window.
func (s *Store) LoginWait(ctx context.Context, th Throttle, subject string, now time.Time) (time.Duration, error) {
	var times []time.Time
	err := s.db.WithContext(ctx).Model(&LoginFailure{}).Where("subject = ? AND at > ?", subject, now.Add(-th.Window)).
		Order("at DESC").Limit(th.Limit).Pluck("at", &times).Error
	if err != nil {
		return 0, fmt.Errorf("read login failures: %w", err)
	}
	if len(times) < th.Limit {
		return 0, nil
	}
	return max(times[len(times)-1].Add(th.Window).Sub(now), time.Second), nil
}

// AddLoginFailure records a failure of each subject at now, and forgets failures older
// than a day.
func (s *Store) AddLoginFailure(ctx context.Context, now time.Time, subjects ...string) error {
	db := s.db.WithContext(ctx)
	for _, subj := range subjects {
		if err := db.Create(&LoginFailure{Subject: subj, At: now}).Error; err != nil {
			return fmt.Errorf("record login failure: %w", err)
		}
	}
	return db.Where("at < ?", now.Add(-24*time.Hour)).Delete(&LoginFailure{}).Error
}

// ClearLoginFailures forgets a subject's failures (after it signed in).
func (s *Store) ClearLoginFailures(ctx context.Context, subject string) error {
	return s.db.WithContext(ctx).Where("subject = ?", subject).Delete(&LoginFailure{}).Error
}
