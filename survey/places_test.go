package survey

import (
	"testing"
	"time"
)

// stored returns the official units with store IDs 1, 2, … as the store would give them.
func stored() []Unit {
	units := OfficialUnits()
	for i := range units {
		units[i].ID = uint(i + 1)
	}
	return units
}

func unitOn(t *testing.T, all []Unit, code, day string) Unit {
	t.Helper()
	u, ok := UnitAt(all, code, day)
	if !ok {
		t.Fatalf("no unit %s on %s", code, day)
	}
	return u
}

func TestOfficialUnits(t *testing.T) {
	all := OfficialUnits()
	if len(all) != 63+34 {
		t.Fatalf("%d units, want 97", len(all))
	}
	cases := []struct {
		day  string
		want int
	}{
		{"2024-06-30", 63}, {"2025-06-30", 63}, {"2008-08-01", 63}, {"2025-07-01", 34}, {"2030-01-01", 34}, {"2008-07-31", 0},
	}
	for _, c := range cases {
		units := UnitsOn(all, c.day)
		if len(units) != c.want {
			t.Errorf("%d units on %s, want %d", len(units), c.day, c.want)
		}
		seen := map[string]bool{}
		for i, u := range units {
			if seen[u.Code] {
				t.Errorf("code %s twice on %s", u.Code, c.day)
			}
			seen[u.Code] = true
			if i > 0 && units[i-1].Code >= u.Code {
				t.Errorf("UnitsOn(%s) not ordered by code: %s before %s", c.day, units[i-1].Code, u.Code)
			}
			if u.Name == "" || len(u.Code) != 2 {
				t.Errorf("unit %+v", u)
			}
		}
	}
	old, cur := UnitsOn(all, "2024-06-30"), UnitsOn(all, "2025-07-01")
	for _, u := range old {
		if u.ValidUntil != "2025-06-30" || len(u.MergedFrom) != 0 {
			t.Errorf("old unit %s: until %q merged %v", u.Code, u.ValidUntil, u.MergedFrom)
		}
	}
	// Every former code is merged into exactly one new unit; new units merge only former codes.
	oldCodes := map[string]bool{}
	for _, u := range old {
		oldCodes[u.Code] = true
	}
	mergedInto := map[string][]string{}
	for _, u := range cur {
		if u.ValidFrom != "2025-07-01" || u.ValidUntil != "" {
			t.Errorf("new unit %s: %s..%q", u.Code, u.ValidFrom, u.ValidUntil)
		}
		if len(u.MergedFrom) == 0 {
			t.Errorf("new unit %s merges nothing", u.Code)
		}
		for _, c := range u.MergedFrom {
			if !oldCodes[c] {
				t.Errorf("new unit %s merges unknown code %s", u.Code, c)
			}
			mergedInto[c] = append(mergedInto[c], u.Code)
		}
	}
	for c := range oldCodes {
		if len(mergedInto[c]) != 1 {
			t.Errorf("former code %s merged into %v, want exactly one unit", c, mergedInto[c])
		}
	}
	// Spot checks from the 2025 reorganisation.
	for oldCode, newCode := range map[string]string{"30": "31", "31": "31", "74": "79", "77": "79", "01": "01", "06": "19", "49": "48", "95": "96"} {
		if got := mergedInto[oldCode]; len(got) != 1 || got[0] != newCode {
			t.Errorf("former %s merged into %v, want %s", oldCode, got, newCode)
		}
	}
}

func TestUnitValidOnAndAt(t *testing.T) {
	all := OfficialUnits()
	u := unitOn(t, all, "31", "2024-06-30")
	if u.ValidUntil != "2025-06-30" {
		t.Errorf("31 in 2024 = %+v", u)
	}
	n := unitOn(t, all, "31", "2025-07-01")
	if n.ValidFrom != "2025-07-01" || len(n.MergedFrom) != 2 {
		t.Errorf("31 in 2025 = %+v", n)
	}
	if _, ok := UnitAt(all, "30", "2025-07-01"); ok {
		t.Error("Hải Dương (30) still in force after 1 July 2025")
	}
	if !u.ValidOn("2025-06-30") || u.ValidOn("2025-07-01") || !n.ValidOn("2099-12-31") || n.ValidOn("2025-06-30") {
		t.Error("ValidOn boundaries wrong")
	}
}

func TestSuccessor(t *testing.T) {
	all := stored()
	targets := UnitsOn(all, "2025-12-31")
	cases := []struct {
		name     string
		u        Unit
		wantCode string
		wantFrom string
		ok       bool
	}{
		{"old Hải Dương → new Hải Phòng", unitOn(t, all, "30", "2025-01-01"), "31", "2025-07-01", true},
		{"old Hải Phòng → new Hải Phòng", unitOn(t, all, "31", "2025-01-01"), "31", "2025-07-01", true},
		{"old Bình Dương → Hồ Chí Minh City", unitOn(t, all, "74", "2025-01-01"), "79", "2025-07-01", true},
		{"old Hà Nội → new Hà Nội", unitOn(t, all, "01", "2025-01-01"), "01", "2025-07-01", true},
		{"current unit → itself", unitOn(t, all, "22", "2025-12-31"), "22", "2025-07-01", true},
		{"unknown unit", Unit{ID: 999, Code: "99", ValidFrom: "2008-08-01", ValidUntil: "2025-06-30"}, "", "", false},
		{"zero unit", Unit{}, "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Successor(c.u, targets)
			if ok != c.ok || got.Code != c.wantCode || got.ValidFrom != c.wantFrom {
				t.Errorf("Successor = %s from %s (%v), want %s from %s (%v)", got.Code, got.ValidFrom, ok, c.wantCode, c.wantFrom, c.ok)
			}
			if ok && got.ID == 0 {
				t.Error("successor without ID")
			}
		})
	}
	if got, _ := Successor(unitOn(t, all, "22", "2025-12-31"), targets); got.ID != unitOn(t, all, "22", "2025-12-31").ID {
		t.Error("a current unit is not its own successor")
	}
	// Looking back: with the former units as targets, a former unit is itself and a new
	// unit has no predecessor to be split onto.
	before := UnitsOn(all, "2024-12-31")
	if got, ok := Successor(unitOn(t, all, "30", "2024-12-31"), before); !ok || got.Code != "30" {
		t.Errorf("former unit among former targets = %s, %v", got.Code, ok)
	}
	if got, ok := Successor(unitOn(t, all, "31", "2025-12-31"), before); ok {
		t.Errorf("new unit mapped back onto %s %s", got.Code, got.ValidFrom)
	}
}

func TestReportDay(t *testing.T) {
	now := mustTime(t, "2025-05-10T03:00:00Z")
	nye := mustTime(t, "2025-12-31T17:30:00Z") // already 1 Jan 2026 in Vietnam
	cases := []struct {
		name    string
		p       Period
		now     time.Time
		current bool
		want    string
	}{
		{"past year", YearPeriod(2024), now, false, "2024-12-31"},
		{"current year", YearPeriod(2025), now, false, "2025-05-10"},
		{"future year", YearPeriod(2026), now, false, "2025-05-10"},
		{"past quarter", QuarterPeriod(2025, 1), now, false, "2025-03-31"},
		{"current month", MonthPeriod(2025, 5), now, false, "2025-05-10"},
		{"current=true", YearPeriod(2024), now, true, "2025-05-10"},
		{"current=true, current year", YearPeriod(2025), now, true, "2025-05-10"},
		{"today in Vietnam", YearPeriod(2025), nye, false, "2025-12-31"},
		{"today in Vietnam, new year", YearPeriod(2026), nye, false, "2026-01-01"},
		{"today in Vietnam, current", YearPeriod(2024), nye, true, "2026-01-01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := dayString(ReportDay(c.p, c.now, c.current)); got != c.want {
				t.Errorf("ReportDay = %s, want %s", got, c.want)
			}
		})
	}
}

func TestUnitsQuery(t *testing.T) {
	for s, want := range map[string]bool{"": false, "period": false, "current": true} {
		got, err := UnitsQuery(s)
		if err != nil || got != want {
			t.Errorf("UnitsQuery(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"Current", "all", "1"} {
		if _, err := UnitsQuery(s); err == nil {
			t.Errorf("UnitsQuery(%q) accepted", s)
		}
	}
}
