package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEvent is one entry of the append-only audit log: who did what, when, from where,
// and the values before and after (JSON). Nothing in sipas updates or deletes one, and
// the database refuses it (migration 2's triggers). Responses are never audited one by
// one: citizens stay anonymous.
type AuditEvent struct {
	ID         uint `gorm:"primaryKey"`
	At         time.Time
	Actor      string // the account name; "" for someone not signed in or the command line
	ActorID    *uint
	ClientAddr string
	Kind       string // e.g. auth.login, user.create, paper.import
	Target     string // what the event is about: an account name, a file name
	Before     string // JSON, "" when nothing was before
	After      string // JSON
}

// TableName is the audit log's table.
func (AuditEvent) TableName() string { return "audit_log" }

// Audit appends an event that goes with no other change (a failed sign-in, an import).
func (s *Store) Audit(ctx context.Context, by Actor, kind, target string, before, after any) error {
	return appendAudit(s.db.WithContext(ctx), by, kind, target, before, after)
}

func appendAudit(tx *gorm.DB, by Actor, kind, target string, before, after any) error {
	ev := AuditEvent{At: by.Now.UTC(), Actor: by.Name, ActorID: idPtr(by.ID), ClientAddr: by.Addr, Kind: kind, Target: target}
	for _, f := range []struct {
		v   any
		out *string
	}{{before, &ev.Before}, {after, &ev.After}} {
		if f.v == nil {
			continue
		}
		b, err := json.Marshal(f.v)
		if err != nil {
			return fmt.Errorf("audit %s: %w", kind, err)
		}
		*f.out = string(b)
	}
	if err := tx.Create(&ev).Error; err != nil {
		return fmt.Errorf("audit %s: %w", kind, err)
	}
	return nil
}

// AuditFilter selects audit events; empty fields select everything.
type AuditFilter struct {
	Actor    string
	Kind     string
	From, To time.Time // From inclusive, To exclusive; zero: open
}

func (f AuditFilter) apply(db *gorm.DB) *gorm.DB {
	if f.Actor != "" {
		db = db.Where("actor = ?", f.Actor)
	}
	if f.Kind != "" {
		db = db.Where("kind = ?", f.Kind)
	}
	if !f.From.IsZero() {
		db = db.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		db = db.Where("at < ?", f.To.UTC())
	}
	return db
}

// AuditEvents returns a page of the events f selects, newest first, and how many it
// selects in all.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter, offset, limit int) ([]AuditEvent, int64, error) {
	db := s.db.WithContext(ctx)
	var total int64
	if err := f.apply(db.Model(&AuditEvent{})).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count audit events: %w", err)
	}
	var out []AuditEvent
	err := f.apply(db).Order("at DESC, id DESC").Offset(offset).Limit(limit).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("read audit events: %w", err)
	}
	return out, total, nil
}

// EachAuditEvent calls fn with every event f selects, oldest first, reading them as a
// stream (a CSV export of the whole log holds one row in memory at a time).
func (s *Store) EachAuditEvent(ctx context.Context, f AuditFilter, fn func(AuditEvent) error) error {
	db := s.db.WithContext(ctx)
	rows, err := f.apply(db.Model(&AuditEvent{})).Order("at, id").Rows()
	if err != nil {
		return fmt.Errorf("read audit events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ev AuditEvent
		if err := db.ScanRows(rows, &ev); err != nil {
			return fmt.Errorf("read audit events: %w", err)
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditKinds lists the kinds of event the log holds, for the filter.
func (s *Store) AuditKinds(ctx context.Context) ([]string, error) {
	var kinds []string
	err := s.db.WithContext(ctx).Model(&AuditEvent{}).Distinct("kind").Order("kind").Pluck("kind", &kinds).Error
	return kinds, err
}
