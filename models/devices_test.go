package models

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// A registration link registers one device, once, before it expires; the kiosk's query
// knows the device by its token; its contacts are written at most once a minute and its
// responses counted per day, never linked to a response.
func TestDeviceRegistrationAndContact(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		t0 := vn(2026, 3, 10, 9, 0)
		admin := Actor{ID: 1, Name: "root", Now: t0}
		if err := s.CreateDeviceLink(ctx, f.a1, "link-hash", t0.Add(15*time.Minute), admin); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateDeviceLink(ctx, f.a1, "old-link", t0.Add(time.Minute), admin); err != nil {
			t.Fatal(err)
		}
		if c, err := s.DeviceLinkCounter(ctx, "link-hash", t0.Add(time.Minute)); err != nil || c.ID != f.a1.ID {
			t.Fatalf("the link's counter: %+v, %v", c, err)
		}
		tablet := Actor{Addr: "10.0.0.9", Now: t0.Add(2 * time.Minute)}
		if _, _, err := s.RegisterDevice(ctx, "old-link", "Tablet", "x", tablet); !errors.Is(err, ErrDeviceLink) {
			t.Errorf("an expired link: %v", err)
		}
		d, c, err := s.RegisterDevice(ctx, "link-hash", "Máy tính bảng quầy 1", "device-hash", tablet)
		if err != nil || c.ID != f.a1.ID || d.CounterID != f.a1.ID {
			t.Fatalf("register: %+v %+v %v", d, c, err)
		}
		if _, _, err := s.RegisterDevice(ctx, "link-hash", "Again", "device-hash-2", tablet); !errors.Is(err, ErrDeviceLink) {
			t.Errorf("a used link: %v", err)
		}
		if _, err := s.DeviceLinkCounter(ctx, "nope", t0); !errors.Is(err, ErrDeviceLink) {
			t.Errorf("an unknown link: %v", err)
		}
		k, err := s.Kiosk(ctx, KioskLookup{Counter: "a1", Questionnaire: "sipas-counter", DeviceToken: "device-hash", Now: t0})
		if err != nil || k.Device == nil || k.Device.ID != d.ID || k.Device.CounterID != f.a1.ID || k.Device.Revoked ||
			!k.Device.LastSeen.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("the kiosk's device: %+v, %v", k.Device, err)
		}
		if k, _ := s.Kiosk(ctx, KioskLookup{Counter: "a1", Questionnaire: "sipas-counter", DeviceToken: "unknown", Now: t0}); k.Device != nil {
			t.Errorf("an unknown token gives device %+v", k.Device)
		}

		// a contact; stored: a response sent from the device then, counted in its day with it
		contact := func(at time.Time, queue int, stored, touch bool) {
			t.Helper()
			if stored {
				r := f.response(fmt.Sprintf("device-%d", at.Unix()), f.a1, at, "land", nil, "E1.1", 4)
				r.DeviceID = d.ID
				if out := f.submit(t, r, r); out[0] != Stored || out[1] != Repeated { // a repeat is not counted again
					t.Fatalf("outcomes %v", out)
				}
			}
			if err := s.RecordContact(ctx, DeviceContact{DeviceID: d.ID, At: at, Version: "v7", Queue: queue, Touch: touch}); err != nil {
				t.Fatal(err)
			}
		}
		contact(t0.Add(150*time.Second), 2, true, true) // 30 s after registering: not written
		got, _ := s.DeviceByID(ctx, d.ID)
		if got.AppVersion != "" || !got.LastSeenAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("a contact within the minute was written: %+v", got)
		}
		contact(t0.Add(4*time.Minute), 3, true, true)
		contact(t0.Add(6*time.Minute), 1, false, true)
		got, _ = s.DeviceByID(ctx, d.ID)
		if got.AppVersion != "v7" || got.Queue != 1 || got.QueuePrev != 3 || got.QueueSince == nil || !got.QueueSince.Equal(t0.Add(4*time.Minute)) ||
			!got.LastSeenAt.Equal(t0.Add(6*time.Minute)) {
			t.Errorf("after contacts: %+v", got)
		}
		contact(t0.Add(8*time.Minute), 0, false, true)
		if got, _ = s.DeviceByID(ctx, d.ID); got.Queue != 0 || got.QueueSince != nil {
			t.Errorf("an emptied queue: %+v", got)
		}
		contact(vn(2026, 3, 9, 10, 0), -1, true, false) // Monday: the same week
		contact(vn(2026, 3, 8, 10, 0), -1, true, false) // Sunday: the week before
		rows, err := s.Fleet(ctx, []uint{f.provA.ID}, 0, 20260310, 20260309)
		if err != nil || len(rows) != 1 || rows[0].Today != 2 || rows[0].Week != 3 || rows[0].CounterCode != "a1" || rows[0].OfficeCode != "oa" {
			t.Fatalf("fleet %+v, %v", rows, err)
		}
		if rows, _ := s.Fleet(ctx, []uint{f.provB.ID}, 0, 20260310, 20260309); len(rows) != 0 {
			t.Errorf("another province's fleet: %+v", rows)
		}
		if rows, _ := s.Fleet(ctx, nil, f.officeB.ID, 20260310, 20260309); len(rows) != 0 {
			t.Errorf("another office's fleet: %+v", rows)
		}

		if _, err := s.UpdateDevice(ctx, d.ID, "device.revoke", admin, func(x *Device) { x.RevokedAt = Closing(t0) }); err != nil {
			t.Fatal(err)
		}
		if k, _ := s.Kiosk(ctx, KioskLookup{Counter: "a1", Questionnaire: "sipas-counter", DeviceToken: "device-hash", Now: t0}); k.Device == nil || !k.Device.Revoked {
			t.Errorf("a revoked device: %+v", k.Device)
		}
		var kinds []string
		s.db.Model(&AuditEvent{}).Order("id").Pluck("kind", &kinds)
		if len(kinds) != 4 || kinds[2] != "device.register" || kinds[3] != "device.revoke" {
			t.Errorf("audit %v", kinds)
		}
	})
}

func TestOpeningHoursSetting(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		h, err := s.OpeningHours(ctx, f.provA.ID)
		if err != nil || h.String() != "07:30-17:00 mon,tue,wed,thu,fri" {
			t.Fatalf("default hours %v, %v", h, err)
		}
		h.Close, h.Days[6] = 11*60+30, true
		if err := s.SetOpeningHours(ctx, f.provA.ID, h, Actor{Name: "root", Now: vn(2026, 3, 10, 9, 0)}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.OpeningHours(ctx, f.provA.ID); got != h {
			t.Errorf("hours %v, want %v", got, h)
		}
		if got, _ := s.OpeningHours(ctx, f.provB.ID); got.String() != "07:30-17:00 mon,tue,wed,thu,fri" {
			t.Errorf("another province's hours changed: %v", got)
		}
	})
}
