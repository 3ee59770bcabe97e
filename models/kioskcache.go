package models

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// A kiosk's look-up (kioskQuery: a counter, its office, the questionnaire version in force,
// the device) runs on every kiosk page, ping and submission, and took a tenth of serve's
// CPU under a load of submissions, though what it reads changes a few times a year. So its
// answer is kept with the settings version it was read at — a number that triggers bump
// on every change of what the look-up reads, in this process or any other (migration 10)
// — and used while that version is unchanged and no questionnaire assignment has started
// since. Reading the version is one primary-key read through a prepared statement, a
// fraction of the look-up; a look-up is then exactly as current as the query alone.

// maxKioskLookups bounds the kept look-ups: one per counter, questionnaire and device
// token sent (a token nobody registered is kept too, so that a misconfigured kiosk's
// requests stay cheap); past it, all are forgotten and kept again as they come.
const maxKioskLookups = 4096

// settingsSQL reads the settings version; on SQLite it is one of the prepared statements.
const settingsSQL = "SELECT settings FROM counts_version WHERE id = 1"

// kioskCache keeps kiosk look-ups by counter, questionnaire and device token.
type kioskCache struct {
	mu      sync.RWMutex
	entries map[kioskKey]keptKiosk
	touched sync.Map // device ID → time.Time of the last contact this process wrote
}

type kioskKey struct{ counter, questionnaire, token string }

// keptKiosk is a look-up as read, valid from its moment until the next assignment starts,
// while the settings stay at its version (Kiosk.Settings).
type keptKiosk struct {
	kiosk Kiosk
	from  time.Time
	until time.Time // zero: no assignment starts later
}

// get returns the kept look-up for l if it is still current at settings version v (-1:
// whatever the version).
func (c *kioskCache) get(l KioskLookup, v int64) (Kiosk, bool) {
	c.mu.RLock()
	e, ok := c.entries[kioskKey{l.Counter, l.Questionnaire, l.DeviceToken}]
	c.mu.RUnlock()
	if !ok || v != -1 && e.kiosk.Settings != v || l.Now.Before(e.from) || !e.until.IsZero() && !l.Now.Before(e.until) {
		return Kiosk{}, false
	}
	return c.withTouches(e.kiosk), true
}

func (c *kioskCache) put(l KioskLookup, e keptKiosk) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxKioskLookups {
		c.entries = map[kioskKey]keptKiosk{}
	}
	c.entries[kioskKey{l.Counter, l.Questionnaire, l.DeviceToken}] = e
}

// withTouches is k with a device of its own, whose last contact is the later of what was
// read and what this process wrote since (a contact does not change the settings).
func (c *kioskCache) withTouches(k Kiosk) Kiosk {
	if k.Device != nil {
		d := *k.Device // the kept one is shared, and never changed
		if t, ok := c.touched.Load(d.ID); ok && t.(time.Time).After(d.LastSeen) {
			d.LastSeen = t.(time.Time)
		}
		k.Device = &d
	}
	return k
}

// touch records a device's last contact as written by this process.
func (c *kioskCache) touch(deviceID uint, at time.Time) { c.touched.Store(deviceID, at) }

// settingsVersion reads the settings version.
func (s *Store) settingsVersion(ctx context.Context) (int64, error) {
	ctx = context.WithoutCancel(ctx) // one row: see Store.short
	var row *sql.Row
	if stmt, ok := s.stmts.get(settingsSQL); ok {
		row = stmt.QueryRowContext(ctx)
	} else {
		sqlDB, err := s.db.DB()
		if err != nil {
			return 0, fmt.Errorf("read the settings version: %w", err)
		}
		row = sqlDB.QueryRowContext(ctx, settingsSQL)
	}
	var v int64
	if err := row.Scan(&v); err != nil {
		return 0, fmt.Errorf("read the settings version: %w", err)
	}
	return v, nil
}
