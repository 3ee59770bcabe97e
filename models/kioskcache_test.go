package models

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// TestKioskLookupKeptUntilSettingsChange: a kiosk's look-up is kept while the settings
// version stays (a change made behind the triggers' back is not seen, which shows that it
// is kept), and every change of what it reads made by another process on the same
// database — an office closed, a device registered or revoked, an assignment — is seen by
// the next look-up; an assignment that starts later is in force from its start, with no
// other change; a device's last contact written here is given without a change.
func TestKioskLookupKeptUntilSettingsChange(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		dsn := db.fresh(t)
		s := openTestStore(t, dsn, true)
		f := newFixture(t, s)
		other := openTestStore(t, dsn, false) // another serve on the same database
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		look := func(token string, at time.Time) Kiosk {
			t.Helper()
			k, err := s.Kiosk(ctx, KioskLookup{Counter: "a2", Questionnaire: "sipas-counter", DeviceToken: token, Now: at})
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		exec := func(st *Store, sql string, args ...any) {
			t.Helper()
			if err := st.db.Exec(sql, args...).Error; err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}

		if k := look("", now); k.Counter.Name != "Counter A2" || k.Closed {
			t.Fatalf("first look-up: %+v", k)
		}
		drop := "DROP TRIGGER settings_version_counters_UPDATE"
		if s.postgres {
			drop += " ON counters"
		}
		exec(other, drop)
		exec(other, "UPDATE counters SET name = 'Renamed' WHERE code = 'a2'")
		if k := look("", now); k.Counter.Name != "Counter A2" {
			t.Fatalf("a change the settings version does not show was seen: the look-up is not kept (%q)", k.Counter.Name)
		}
		exec(other, "UPDATE counts_version SET settings = settings + 1 WHERE id = 1")
		if k := look("", now); k.Counter.Name != "Renamed" {
			t.Fatalf("after the settings version moved: %q", k.Counter.Name)
		}

		exec(other, "UPDATE offices SET closed_at = ? WHERE id = ?", now, f.officeA.ID)
		if k := look("", now); !k.Closed {
			t.Error("an office closed by another process is not seen")
		}
		exec(other, "UPDATE offices SET closed_at = NULL WHERE id = ?", f.officeA.ID)
		if k := look("", now); k.Closed {
			t.Error("an office opened again by another process is not seen")
		}

		if k := look("tok", now); k.Device != nil {
			t.Fatalf("unknown token: %+v", k.Device)
		}
		exec(other, "INSERT INTO kiosk_devices (counter_id, name, token_hash, created_at, last_seen_at) VALUES (?, 'tablet', 'tok', ?, ?)",
			f.a2.ID, now, now.Add(-time.Hour))
		k := look("tok", now)
		if k.Device == nil || k.Device.Revoked || !k.Device.LastSeen.Equal(now.Add(-time.Hour)) {
			t.Fatalf("a device registered by another process: %+v", k.Device)
		}
		if err := s.RecordContact(ctx, DeviceContact{DeviceID: k.Device.ID, At: now, Queue: -1, Touch: true}); err != nil {
			t.Fatal(err)
		}
		if k := look("tok", now); !k.Device.LastSeen.Equal(now) {
			t.Errorf("after a contact written here the kept look-up gives %s, want %s", k.Device.LastSeen, now)
		}
		exec(other, "UPDATE kiosk_devices SET revoked_at = ? WHERE token_hash = 'tok'", now)
		if k := look("tok", now); k.Device == nil || !k.Device.Revoked {
			t.Errorf("a device revoked by another process is not seen: %+v", k.Device)
		}

		by := Actor{Name: "root", Now: now}
		q := f.q.Clone()
		q.Intro["en"] = "two"
		p, err := other.Publish(ctx, Publishing{Q: q, Within: []uint{}}, by)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.Assign(ctx, p.Version.ID, 0, 0, now.Add(time.Hour), by); err != nil {
			t.Fatal(err)
		}
		if k := look("", now); k.Questionnaire.ID != f.qrow.ID {
			t.Errorf("before the assignment starts: version %d, want %d", k.Questionnaire.ID, f.qrow.ID)
		}
		if k := look("", now.Add(2*time.Hour)); k.Questionnaire.ID != p.Version.ID {
			t.Errorf("once the assignment has started: version %d, want %d", k.Questionnaire.ID, p.Version.ID)
		}
		if k := look("", now.Add(time.Minute)); k.Questionnaire.ID != f.qrow.ID {
			t.Errorf("asked again for a moment before it starts: version %d, want %d", k.Questionnaire.ID, f.qrow.ID)
		}
	})
}

// TestStaleSettingsAreNotStored: a response checked against a look-up whose settings
// version is no longer the current one is answered Stale and changes nothing; checked
// against the current one, or not checked (0), it is stored.
func TestStaleSettingsAreNotStored(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		at := vn(2026, 3, 2, 9, 0)
		k, err := s.Kiosk(ctx, KioskLookup{Counter: "a1", Questionnaire: "sipas-counter", Now: at})
		if err != nil {
			t.Fatal(err)
		}
		if k.Settings == 0 {
			t.Fatal("a look-up without its settings version")
		}
		if err := s.db.Exec("UPDATE offices SET name = 'Office A, renamed' WHERE id = ?", f.officeA.ID).Error; err != nil {
			t.Fatal(err)
		}
		before := keptCounts(t, s)
		stale := f.response(uuidOf(1), f.a1, at, "land", nil, "E1.1", 4)
		stale.Settings = k.Settings
		current := f.response(uuidOf(2), f.a1, at, "land", nil, "E1.1", 5)
		current.Settings = k.Settings + 1
		unchecked := f.response(uuidOf(3), f.a1, at, "land", nil, "E1.1", 3)
		got := f.submit(t, stale, current, unchecked)
		if want := []Outcome{Stale, Stored, Stored}; !reflect.DeepEqual(got, want) {
			t.Fatalf("outcomes %v, want %v", got, want)
		}
		if n := f.count(t, "responses"); n != 2 {
			t.Errorf("%d responses stored, want 2", n)
		}
		if len(keptCounts(t, s)) <= len(before) {
			t.Error("no count row written")
		}
		if _, found := verifyAll(t, s); len(found) != 0 {
			t.Fatalf("the kept counts differ from the responses: %+v", found[0])
		}
	})
}
