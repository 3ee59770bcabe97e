package survey

import (
	"testing"
	"time"
)

func TestOpeningHoursParse(t *testing.T) {
	h, err := ParseOpeningHours("07:30-17:00 mon,tue,wed,thu,fri")
	if err != nil || h != DefaultOpeningHours() {
		t.Fatalf("parse the default: %+v, %v", h, err)
	}
	if got := DefaultOpeningHours().String(); got != "07:30-17:00 mon,tue,wed,thu,fri" {
		t.Errorf("String %q", got)
	}
	for _, bad := range []string{"", "7-17 mon", "17:00-07:30 mon", "07:30-17:00 monday", "07:30-17:00", "25:00-26:00 mon"} {
		if _, err := ParseOpeningHours(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestOpenBetween(t *testing.T) {
	vn := VietnamTime()
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, vn) } // 9 March 2026 is a Monday
	h := DefaultOpeningHours()
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"within a morning", at(9, 8, 0), at(9, 9, 0), time.Hour},
		{"before opening", at(9, 6, 0), at(9, 7, 30), 0},
		{"across the opening", at(9, 7, 0), at(9, 8, 0), 30 * time.Minute},
		{"a night", at(9, 16, 50), at(10, 7, 40), 20 * time.Minute},
		{"a weekend", at(13, 16, 50), at(16, 8, 10), 50 * time.Minute}, // Friday to Monday
		{"a whole day", at(10, 0, 0), at(11, 0, 0), 9*time.Hour + 30*time.Minute},
		{"backwards", at(10, 9, 0), at(10, 8, 0), 0},
		{"in UTC", at(9, 8, 0).UTC(), at(9, 9, 0).UTC(), time.Hour},
	}
	for _, tt := range tests {
		if got := h.OpenBetween(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDeviceHealth(t *testing.T) {
	vn := VietnamTime()
	now := time.Date(2026, 3, 10, 10, 0, 0, 0, vn) // a Tuesday morning
	h := DefaultOpeningHours()
	tests := []struct {
		name      string
		d         DeviceState
		severity  int
		silentFor time.Duration
	}{
		{"in touch", DeviceState{LastSeen: now.Add(-time.Minute), Version: "v2"}, 0, time.Minute},
		{"silent since yesterday evening", DeviceState{LastSeen: now.Add(-18 * time.Hour), Version: "v2"}, 3, 3*time.Hour + 30*time.Minute},
		{"never seen since registering an hour ago", DeviceState{Registered: now.Add(-time.Hour)}, 3, time.Hour},
		{"a growing queue", DeviceState{LastSeen: now, Queue: 3, QueuePrev: 1, QueueSince: now.Add(-time.Minute)}, 2, 0},
		{"a queue that does not empty", DeviceState{LastSeen: now, Queue: 2, QueuePrev: 2, QueueSince: now.Add(-20 * time.Minute)}, 2, 0},
		{"a queue being sent", DeviceState{LastSeen: now, Queue: 1, QueuePrev: 2, QueueSince: now.Add(-time.Minute)}, 0, 0},
		{"an old kiosk script", DeviceState{LastSeen: now, Version: "v1"}, 1, 0},
		{"revoked", DeviceState{LastSeen: now.Add(-48 * time.Hour), Revoked: true}, -1, 0},
	}
	for _, tt := range tests {
		got := h.Health(tt.d, "v2", now)
		if got.Severity != tt.severity || tt.severity >= 0 && got.SilentFor != tt.silentFor {
			t.Errorf("%s: %+v, want severity %d silent for %v", tt.name, got, tt.severity, tt.silentFor)
		}
	}
	// silent outside opening hours is not silent
	sunday := time.Date(2026, 3, 15, 10, 0, 0, 0, vn)
	if got := h.Health(DeviceState{LastSeen: sunday.Add(-24 * time.Hour)}, "", sunday); got.Silent {
		t.Errorf("a device off over the weekend is flagged: %+v", got)
	}

	type dev struct {
		name string
		d    DeviceState
	}
	list := []dev{{"ok", DeviceState{LastSeen: now}}, {"revoked", DeviceState{Revoked: true}},
		{"silent-long", DeviceState{LastSeen: now.Add(-26 * time.Hour)}}, {"queue", DeviceState{LastSeen: now, Queue: 4, QueuePrev: 1}},
		{"silent-short", DeviceState{LastSeen: now.Add(-time.Hour)}}}
	SortWorstFirst(list, func(x dev) DeviceHealth { return h.Health(x.d, "", now) }, func(x dev) int { return x.d.Queue },
		func(x dev) string { return x.name })
	var order []string
	for _, x := range list {
		order = append(order, x.name)
	}
	if want := "silent-long silent-short queue ok revoked"; joinSpace(order) != want {
		t.Errorf("order %v, want %s", order, want)
	}
}

func joinSpace(list []string) string {
	s := ""
	for i, x := range list {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}
