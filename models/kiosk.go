package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sipas/survey"
)

// Kiosk is what a kiosk request needs: the counter, its office, the questionnaire
// version in force there, and the device that sends the request.
type Kiosk struct {
	Counter       Counter
	Office        Office
	Closed        bool          // the counter or its office is closed
	Questionnaire Questionnaire // without its definition, which is Q
	Q             *survey.Questionnaire
	Device        *KioskDevice // nil: the request carries no known device token
	// Settings is the settings version the look-up was read at (kioskcache.go): a response
	// checked against it is stored only if it is still the current one (NewResponse.Settings).
	Settings int64
}

// KioskDevice is the registered device a kiosk request comes from.
type KioskDevice struct {
	ID        uint
	CounterID uint // the counter it is registered at
	Revoked   bool
	LastSeen  time.Time // zero: never
}

// KioskLookup asks for a counter's kiosk: its code, the questionnaire whose newest
// version is shown where no version is assigned, the hash of the device token the
// request carries ("" none), and the moment (for the assignments in force).
type KioskLookup struct {
	Counter       string
	Questionnaire string
	DeviceToken   string // hashed
	Now           time.Time
}

// kioskQuery reads a counter, its office, the questionnaire version in force there and
// the requesting device in one round trip, through a statement prepared once: it runs on
// every kiosk page and submission. The version is the assignment in force that is the
// most specific (office, province, country), the latest started at that level, as
// survey.InForce chooses; without one, the newest published version of the questionnaire.
const kioskQuery = `SELECT c.id, c.office_id, c.province_id, c.code, c.name, c.field, c.requires_device,
	c.closed_at IS NOT NULL OR o.closed_at IS NOT NULL,
	o.id, o.province_id, o.code, o.name,
	COALESCE((SELECT a.questionnaire_id FROM questionnaire_assignments a
		WHERE a.starts_at <= ? AND (a.office_id = o.id OR a.office_id IS NULL AND (a.province_id = o.province_id OR a.province_id IS NULL))
		ORDER BY CASE WHEN a.office_id IS NOT NULL THEN 2 WHEN a.province_id IS NOT NULL THEN 1 ELSE 0 END DESC,
			a.starts_at DESC, a.id DESC LIMIT 1),
		(SELECT q.id FROM questionnaires q WHERE q.code = ? AND q.status = ? ORDER BY q.version DESC LIMIT 1)),
	d.id, d.counter_id, d.revoked_at IS NOT NULL, d.last_seen_at,
	(SELECT settings FROM counts_version WHERE id = 1)
	FROM counters c JOIN offices o ON o.id = c.office_id LEFT JOIN kiosk_devices d ON d.token_hash = ?
	WHERE c.code = ?`

// KioskByCounter finds the counter with code and what its kiosk shows now, for a request
// without a device.
func (s *Store) KioskByCounter(ctx context.Context, counterCode, questionnaireCode string) (Kiosk, error) {
	return s.Kiosk(ctx, KioskLookup{Counter: counterCode, Questionnaire: questionnaireCode, Now: time.Now()})
}

// Kiosk finds a counter and what its kiosk shows. ErrNotFound when there is no such
// counter; an error when no version of the questionnaire is published. The answer is
// kept while the settings stay as they were (kioskcache.go).
func (s *Store) Kiosk(ctx context.Context, l KioskLookup) (Kiosk, error) {
	v, err := s.settingsVersion(ctx)
	if err != nil {
		return Kiosk{}, fmt.Errorf("read counter %s: %w", l.Counter, err)
	}
	if k, ok := s.kiosks.get(l, v); ok {
		return k, nil
	}
	k, err := s.lookUpKiosk(ctx, l)
	if err != nil {
		return k, err
	}
	var next sql.NullTime // the next assignment to start, which may change the version in force
	err = s.db.WithContext(ctx).Raw("SELECT starts_at FROM questionnaire_assignments WHERE starts_at > ? ORDER BY starts_at LIMIT 1",
		l.Now.UTC()).Scan(&next).Error
	if err != nil {
		return Kiosk{}, fmt.Errorf("read the next assignment: %w", err)
	}
	s.kiosks.put(l, keptKiosk{kiosk: k, from: l.Now, until: next.Time})
	return s.kiosks.withTouches(k), nil
}

// KeptKiosk is Kiosk without reading the settings version when the look-up is kept: for
// a submission, whose transaction checks that version itself (NewResponse.Settings) and
// answers Stale when it moved, and whose refusal the caller confirms with Kiosk. It saves
// the one read a kiosk request would still make.
func (s *Store) KeptKiosk(ctx context.Context, l KioskLookup) (Kiosk, error) {
	if k, ok := s.kiosks.get(l, -1); ok {
		return k, nil
	}
	return s.Kiosk(ctx, l)
}

// lookUpKiosk is Kiosk's query, with the settings version it read (Kiosk.Settings).
func (s *Store) lookUpKiosk(ctx context.Context, l KioskLookup) (Kiosk, error) {
	var row *sql.Row
	args := []any{l.Now.UTC(), l.Questionnaire, StatusPublished, l.DeviceToken, l.Counter}
	if stmt, ok := s.stmts.get(kioskQuery); ok {
		row = stmt.QueryRowContext(ctx, args...)
	} else { // PostgreSQL: its driver caches the prepared statement
		sqlDB, err := s.db.DB()
		if err != nil {
			return Kiosk{}, fmt.Errorf("read counter %s: %w", l.Counter, err)
		}
		row = sqlDB.QueryRowContext(ctx, toDollars(kioskQuery), args...)
	}
	var (
		k        Kiosk
		qid      sql.NullInt64
		deviceID sql.NullInt64
		devCtr   sql.NullInt64
		revoked  sql.NullBool
		seen     sql.NullTime
		settings int64
	)
	err := row.Scan(
		&k.Counter.ID, &k.Counter.OfficeID, &k.Counter.ProvinceID, &k.Counter.Code, &k.Counter.Name, &k.Counter.Field,
		&k.Counter.RequiresDevice, &k.Closed, &k.Office.ID, &k.Office.ProvinceID, &k.Office.Code, &k.Office.Name, &qid,
		&deviceID, &devCtr, &revoked, &seen, &settings)
	if errors.Is(err, sql.ErrNoRows) {
		return Kiosk{}, ErrNotFound
	}
	if err != nil {
		return Kiosk{}, fmt.Errorf("read counter %s: %w", l.Counter, err)
	}
	if !qid.Valid {
		return Kiosk{}, fmt.Errorf("no published version of questionnaire %s", l.Questionnaire)
	}
	if deviceID.Valid {
		k.Device = &KioskDevice{ID: uint(deviceID.Int64), CounterID: uint(devCtr.Int64), Revoked: revoked.Bool}
		if seen.Valid {
			k.Device.LastSeen = seen.Time
		}
	}
	k.Questionnaire = Questionnaire{ID: uint(qid.Int64), Status: StatusPublished}
	if k.Q, err = s.parsedVersion(ctx, k.Questionnaire.ID); err != nil {
		return k, err
	}
	k.Questionnaire.Code, k.Questionnaire.Version = k.Q.Code, k.Q.Version
	k.Settings = settings
	return k, nil
}

// AnsweredVersion is the published version a kiosk's form was made from (its hidden
// questionnaire_id), if it is a version of the same questionnaire as k's: a response
// queued offline while a new version took over is stored with the version it answered.
func (s *Store) AnsweredVersion(ctx context.Context, k Kiosk, id uint) (Questionnaire, *survey.Questionnaire, bool) {
	if id == 0 || id == k.Questionnaire.ID {
		return k.Questionnaire, k.Q, id != 0
	}
	row, q, err := s.Version(ctx, id)
	if err != nil || row.Code != k.Questionnaire.Code {
		return k.Questionnaire, k.Q, false
	}
	return row, q, true
}

// toDollars numbers the ? placeholders of query as $1, $2, … for PostgreSQL.
func toDollars(query string) string {
	out := make([]byte, 0, len(query)+8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			out = fmt.Appendf(out, "$%d", n)
			continue
		}
		out = append(out, query[i])
	}
	return string(out)
}
