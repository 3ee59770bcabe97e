package models

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// ErrDeviceLink is a registration link that is unknown, used or expired.
var ErrDeviceLink = errors.New("this registration link is not valid")

// Device is a tablet registered as a kiosk of one counter. It is known by the SHA-256 of
// the token its cookie carries; nothing links it to the responses given on it, of which
// only the number per day is kept.
type Device struct {
	ID         uint `gorm:"primaryKey"`
	CounterID  uint
	Name       string
	TokenHash  string
	CreatedBy  string
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastSeenAt *time.Time // written at most once a minute
	AppVersion string     // the kiosk script's version at its last contact
	Queue      int        // answers waiting in its offline queue at its last contact
	QueuePrev  int        // at the contact before
	QueueSince *time.Time // since when its queue has not been empty
}

// TableName is the devices' table.
func (Device) TableName() string { return "kiosk_devices" }

// State is what the fleet page judges the device by.
func (d Device) State() survey.DeviceState {
	st := survey.DeviceState{Registered: d.CreatedAt, Revoked: d.RevokedAt != nil, Queue: d.Queue, QueuePrev: d.QueuePrev, Version: d.AppVersion}
	if d.LastSeenAt != nil {
		st.LastSeen = *d.LastSeenAt
	}
	if d.QueueSince != nil {
		st.QueueSince = *d.QueueSince
	}
	return st
}

// DeviceLink is a one-time link that registers a device at a counter.
type DeviceLink struct {
	TokenHash string `gorm:"primaryKey"`
	CounterID uint
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	DeviceID  *uint
}

// TableName is the registration links' table.
func (DeviceLink) TableName() string { return "kiosk_device_links" }

// CreateDeviceLink stores a registration link for a counter, valid until expires.
func (s *Store) CreateDeviceLink(ctx context.Context, counter Counter, tokenHash string, expires time.Time, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l := DeviceLink{TokenHash: tokenHash, CounterID: counter.ID, CreatedBy: actorName(by), CreatedAt: by.Now.UTC(), ExpiresAt: expires.UTC()}
		if err := tx.Create(&l).Error; err != nil {
			return fmt.Errorf("create a registration link for counter %s: %w", counter.Code, err)
		}
		return appendAudit(tx, by, "device.link", counter.Code, nil, map[string]any{"counter": counter.Code, "expires": l.ExpiresAt.Format(time.RFC3339)})
	})
}

// DeviceLinkCounter is the counter a registration link registers at; ErrDeviceLink when
// the link is unknown, used or expired.
func (s *Store) DeviceLinkCounter(ctx context.Context, tokenHash string, now time.Time) (Counter, error) {
	var c Counter
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l, err := validLink(tx, tokenHash, now)
		if err != nil {
			return err
		}
		return tx.Take(&c, l.CounterID).Error
	})
	return c, err
}

func validLink(tx *gorm.DB, tokenHash string, now time.Time) (DeviceLink, error) {
	var l DeviceLink
	err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash, now.UTC()).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return l, ErrDeviceLink
	}
	if err != nil {
		return l, fmt.Errorf("read registration link: %w", err)
	}
	return l, nil
}

// RegisterDevice uses a registration link once: it creates the device, known by the hash
// of its token, at the link's counter.
func (s *Store) RegisterDevice(ctx context.Context, linkHash, name, tokenHash string, by Actor) (Device, Counter, error) {
	var (
		d Device
		c Counter
	)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l, err := validLink(tx, linkHash, by.Now)
		if err != nil {
			return err
		}
		if err := tx.Take(&c, l.CounterID).Error; err != nil {
			return fmt.Errorf("counter of a registration link: %w", err)
		}
		now := by.Now.UTC()
		d = Device{CounterID: c.ID, Name: name, TokenHash: tokenHash, CreatedBy: l.CreatedBy, CreatedAt: now, LastSeenAt: &now}
		if err := tx.Create(&d).Error; err != nil {
			return fmt.Errorf("register a device at %s: %w", c.Code, err)
		}
		res := tx.Model(&DeviceLink{}).Where("token_hash = ? AND used_at IS NULL", linkHash).Updates(map[string]any{"used_at": now, "device_id": d.ID})
		if res.Error != nil {
			return fmt.Errorf("use registration link: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrDeviceLink
		}
		return appendAudit(tx, by, "device.register", c.Code, nil, deviceSnapshot(d, c))
	})
	return d, c, err
}

func deviceSnapshot(d Device, c Counter) map[string]any {
	m := map[string]any{"device": d.ID, "name": d.Name, "counter": c.Code, "revoked": d.RevokedAt != nil}
	return m
}

// Devices lists the devices registered at a counter, newest first.
func (s *Store) Devices(ctx context.Context, counterID uint) ([]Device, error) {
	var out []Device
	if err := s.db.WithContext(ctx).Omit("token_hash").Where("counter_id = ?", counterID).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("devices of counter %d: %w", counterID, err)
	}
	return out, nil
}

// DeviceByID returns a device (without its token's hash).
func (s *Store) DeviceByID(ctx context.Context, id uint) (Device, error) {
	var d Device
	err := s.db.WithContext(ctx).Omit("token_hash").Take(&d, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, ErrNotFound
	}
	return d, err
}

// UpdateDevice renames or revokes a device with change and audits it as kind.
func (s *Store) UpdateDevice(ctx context.Context, id uint, kind string, by Actor, change func(*Device)) (Device, error) {
	var d Device
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&d, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		var c Counter
		if err := tx.Take(&c, d.CounterID).Error; err != nil {
			return err
		}
		before := deviceSnapshot(d, c)
		change(&d)
		if err := tx.Model(&Device{}).Where("id = ?", id).Updates(map[string]any{"name": d.Name, "revoked_at": d.RevokedAt}).Error; err != nil {
			return fmt.Errorf("update device %d: %w", id, err)
		}
		return appendAudit(tx, by, kind, c.Code, before, deviceSnapshot(d, c))
	})
	d.TokenHash = ""
	return d, err
}

// DeviceContact is what a kiosk request tells of its device: the version of its script
// and the length of its offline queue (-1: not told), and whether it just stored a
// response (counted in the device's day, never linked to the response).
type DeviceContact struct {
	DeviceID uint
	At       time.Time
	Version  string
	Queue    int
	// Touch writes the last contact: the caller asks for it at most once a minute per
	// device (it knows the last one from the kiosk's lookup).
	Touch bool
}

// RecordContact writes a device's last contact, version and queue when c.Touch (guarded
// in the database too, so that two processes write it at most once a minute). The
// responses a device stores are counted with them (countDeviceDays).
func (s *Store) RecordContact(ctx context.Context, c DeviceContact) error {
	if !c.Touch {
		return nil
	}
	at := c.At.UTC()
	set := map[string]any{"last_seen_at": at}
	if c.Version != "" {
		set["app_version"] = c.Version
	}
	if c.Queue >= 0 {
		set["queue_prev"] = gorm.Expr("queue")
		set["queue"] = c.Queue
		if c.Queue == 0 {
			set["queue_since"] = nil
		} else {
			set["queue_since"] = gorm.Expr("COALESCE(queue_since, ?)", at)
		}
	}
	err := s.db.WithContext(ctx).Model(&Device{}).Where("id = ? AND (last_seen_at IS NULL OR last_seen_at <= ?)", c.DeviceID, at.Add(-time.Minute)).
		Updates(set).Error
	if err != nil {
		return fmt.Errorf("record the contact of device %d: %w", c.DeviceID, err)
	}
	s.kiosks.touch(c.DeviceID, at) // the kept look-ups give it: no other touch for a minute
	return nil
}

// countDeviceDays adds a batch's new responses to their devices' counts of the day (the
// fleet page's today and this week), in the transaction that stores them: no write of
// its own per response, and a count that never disagrees with what was stored.
func countDeviceDays(tx writeTx, batch []NewResponse, outcomes []Outcome) error {
	type deviceDay struct {
		device uint
		day    int
	}
	counts := map[deviceDay]int{}
	for i, r := range batch {
		if outcomes[i] == Stored && r.DeviceID != 0 {
			counts[deviceDay{r.DeviceID, survey.DayKey(r.SubmittedAt)}]++
		}
	}
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b deviceDay) int { // one order for every writer
		return cmp.Or(cmp.Compare(a.device, b.device), cmp.Compare(a.day, b.day))
	})
	for _, k := range keys {
		err := tx.DB.Exec(`INSERT INTO kiosk_device_days (device_id, day, responses) VALUES (?, ?, ?)
ON CONFLICT (device_id, day) DO UPDATE SET responses = kiosk_device_days.responses + excluded.responses`, k.device, k.day, counts[k]).Error
		if err != nil {
			return fmt.Errorf("count the responses of device %d: %w", k.device, err)
		}
	}
	return nil
}

// FleetRow is a device as the fleet page lists it: its counter and office, and the
// responses given on it today and this week (Monday to today, Vietnam time).
type FleetRow struct {
	Device      `gorm:"embedded"`
	CounterCode string
	CounterName string
	OfficeCode  string
	OfficeName  string
	Today       int64
	Week        int64
}

// Fleet lists the devices of the counters of the given provinces (nil: every one),
// narrowed to one office when officeID is not 0, with their counts for today (a day key
// YYYYMMDD) and the week that began on weekStart.
func (s *Store) Fleet(ctx context.Context, provinceIDs []uint, officeID uint, today, weekStart int) ([]FleetRow, error) {
	q := s.db.WithContext(ctx).Table("kiosk_devices d").
		Select("d.id, d.counter_id, d.name, d.created_by, d.created_at, d.revoked_at, d.last_seen_at, d.app_version, d.queue, d.queue_prev, d.queue_since, "+
			"c.code AS counter_code, c.name AS counter_name, o.code AS office_code, o.name AS office_name, "+
			"COALESCE((SELECT SUM(x.responses) FROM kiosk_device_days x WHERE x.device_id = d.id AND x.day = ?), 0) AS today, "+
			"COALESCE((SELECT SUM(x.responses) FROM kiosk_device_days x WHERE x.device_id = d.id AND x.day BETWEEN ? AND ?), 0) AS week",
			today, weekStart, today).
		Joins("JOIN counters c ON c.id = d.counter_id").
		Joins("JOIN offices o ON o.id = c.office_id")
	if provinceIDs != nil {
		q = q.Where("o.province_id IN ?", append([]uint{0}, provinceIDs...))
	}
	if officeID != 0 {
		q = q.Where("o.id = ?", officeID)
	}
	var out []FleetRow
	if err := q.Order("d.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("read the fleet: %w", err)
	}
	return out, nil
}

// OpeningHours returns the opening hours a province's fleet is judged by (the default
// ones when none were set).
func (s *Store) OpeningHours(ctx context.Context, provinceID uint) (survey.OpeningHours, error) {
	var row setting
	err := s.db.WithContext(ctx).Where("key = ?", hoursKey(provinceID)).Limit(1).Find(&row).Error
	if err != nil {
		return survey.OpeningHours{}, fmt.Errorf("read opening hours: %w", err)
	}
	if row.Value == "" {
		return survey.DefaultOpeningHours(), nil
	}
	return survey.ParseOpeningHours(row.Value)
}

// SetOpeningHours stores a province's opening hours and audits the change.
func (s *Store) SetOpeningHours(ctx context.Context, provinceID uint, h survey.OpeningHours, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row setting
		if err := tx.Where("key = ?", hoursKey(provinceID)).Limit(1).Find(&row).Error; err != nil {
			return err
		}
		before := survey.DefaultOpeningHours().String()
		if row.Value != "" {
			before = row.Value
		}
		if err := tx.Save(&setting{Key: hoursKey(provinceID), Value: h.String()}).Error; err != nil {
			return fmt.Errorf("store opening hours: %w", err)
		}
		var p Province
		if err := tx.Select("code").Take(&p, provinceID).Error; err != nil {
			return err
		}
		return appendAudit(tx, by, "fleet.hours", p.Code, map[string]string{"hours": before}, map[string]string{"hours": h.String()})
	})
}

func hoursKey(provinceID uint) string { return fmt.Sprintf("fleet.opening_hours.%d", provinceID) }
