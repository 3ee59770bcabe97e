package survey

import (
	"testing"
	"time"
)

// assignmentCases are shared with the store's test of the kiosk query (models), which
// must choose as InForce does.
func TestInForce(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, VietnamTime()) }
	const hp, dn = 31, 48 // provinces
	const office, other = 7, 8
	country1 := Assignment{ID: 1, VersionID: 101, From: day(1)}
	country2 := Assignment{ID: 2, VersionID: 102, From: day(5)}
	province := Assignment{ID: 3, VersionID: 103, ProvinceID: hp, From: day(3)}
	atOffice := Assignment{ID: 4, VersionID: 104, ProvinceID: hp, OfficeID: office, From: day(4)}
	future := Assignment{ID: 5, VersionID: 105, ProvinceID: hp, OfficeID: office, From: day(20)}
	sameStart := Assignment{ID: 6, VersionID: 106, ProvinceID: hp, From: day(3)}
	all := []Assignment{country1, country2, province, atOffice, future}
	tests := []struct {
		name             string
		list             []Assignment
		province, office uint
		now              time.Time
		want             uint // version; 0 none
	}{
		{"nothing assigned", nil, hp, office, day(10), 0},
		{"before any start", all, hp, office, day(1).Add(-time.Second), 0},
		{"the country's, from its first second", all, dn, other, day(1), 101},
		{"the country's latest start", all, dn, other, day(6), 102},
		{"the province's beats the country's newer one", all, hp, other, day(6), 103},
		{"the office's beats its province's", all, hp, office, day(6), 104},
		{"another office of the province", all, hp, other, day(4), 103},
		{"an office's assignment not started yet", all, hp, office, day(3), 103},
		{"the future one once started", all, hp, office, day(20), 105},
		{"same place, same start: the later made", append(all, sameStart), hp, other, day(4), 106},
	}
	for _, tt := range tests {
		got, ok := InForce(tt.list, tt.province, tt.office, tt.now)
		if ok != (tt.want != 0) || got.VersionID != tt.want {
			t.Errorf("%s: version %d (%t), want %d", tt.name, got.VersionID, ok, tt.want)
		}
	}
}

func TestReplacements(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, VietnamTime()) }
	list := []Assignment{
		{ID: 1, VersionID: 1, From: day(1)},                              // the country: v1
		{ID: 2, VersionID: 1, ProvinceID: 31, From: day(2)},              // Hải Phòng: v1
		{ID: 3, VersionID: 2, ProvinceID: 48, From: day(2)},              // Đà Nẵng: v2
		{ID: 4, VersionID: 1, ProvinceID: 31, OfficeID: 7, From: day(2)}, // an office: v1 …
		{ID: 5, VersionID: 3, ProvinceID: 31, OfficeID: 7, From: day(3)}, // … then v3
		{ID: 6, VersionID: 1, ProvinceID: 48, OfficeID: 9, From: day(9)}, // not started at the publishing
	}
	everywhere := func(Assignment) bool { return true }
	got := Replacements(list, 1, 4, day(5), everywhere)
	want := []Assignment{{VersionID: 4, From: day(5)}, {VersionID: 4, ProvinceID: 31, From: day(5)}}
	if len(got) != len(want) {
		t.Fatalf("replacements %+v, want %+v", got, want)
	}
	for i := range want {
		if g, w := got[i], want[i]; g.VersionID != w.VersionID || g.ProvinceID != w.ProvinceID || g.OfficeID != w.OfficeID || !g.From.Equal(w.From) {
			t.Errorf("replacement %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// a province admin of Hải Phòng replaces within Hải Phòng only
	got = Replacements(list, 1, 4, day(5), func(a Assignment) bool { return a.ProvinceID == 31 })
	if len(got) != 1 || got[0].ProvinceID != 31 || got[0].OfficeID != 0 {
		t.Errorf("province admin's replacements %+v", got)
	}
	// after them, the kiosks of the places v1 was in force follow v4
	after := append(list, Replacements(list, 1, 4, day(5), everywhere)...)
	for _, tt := range []struct{ province, office, want uint }{{1, 1, 4}, {31, 8, 4}, {31, 7, 3}, {48, 8, 2}} {
		if a, _ := InForce(after, tt.province, tt.office, day(6)); a.VersionID != tt.want {
			t.Errorf("province %d office %d after publishing: v%d, want v%d", tt.province, tt.office, a.VersionID, tt.want)
		}
	}
}
