package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"sipas/survey"
)

// testHash is a cheap argon2id hash of "a long password", for accounts in tests.
func testHash(t testing.TB) string {
	t.Helper()
	h, err := survey.HashPassword("a long password", survey.Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var t0 = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)

func cli(at time.Time) Actor { return Actor{Name: "", Addr: "command line", Now: at} }

func auditOf(t *testing.T, s *Store, kind string) []AuditEvent {
	t.Helper()
	evs, _, err := s.AuditEvents(context.Background(), AuditFilter{Kind: kind}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestUsersCreateUpdateAndAudit(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		hp := mustUnit(t, s, "31", "2026-01-01")
		office, err := s.EnsureOffice(ctx, hp.ID, "ubnd-hb", "UBND Hồng Bàng")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.HasAdmin(ctx); ok || err != nil {
			t.Fatalf("HasAdmin on a fresh database: %t %v", ok, err)
		}
		root := User{Name: "root", Role: "admin", PasswordHash: testHash(t)}
		if err := s.CreateUser(ctx, &root, cli(t0)); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.HasAdmin(ctx); !ok {
			t.Fatal("no admin after creating one")
		}
		if err := s.CreateUser(ctx, &User{Name: "root", Role: "official", PasswordHash: "x"}, cli(t0)); !errors.Is(err, ErrNameTaken) {
			t.Fatalf("a second root: %v", err)
		}
		lan := User{Name: "lan", PasswordHash: testHash(t)}
		lan.SetAccount(survey.Account{Name: "lan", Role: survey.RoleOfficial, ProvinceID: hp.ID, OfficeID: office.ID})
		by := Actor{ID: root.ID, Name: "root", Addr: "192.0.2.1", Now: t0.Add(time.Minute)}
		if err := s.CreateUser(ctx, &lan, by); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByName(ctx, "lan")
		if err != nil || got.Account() != (survey.Account{Name: "lan", Role: survey.RoleOfficial, ProvinceID: hp.ID, OfficeID: office.ID}) {
			t.Fatalf("UserByName: %+v %v", got, err)
		}
		rows, err := s.Users(ctx, []uint{hp.ID})
		if err != nil || len(rows) != 1 || rows[0].ProvinceCode != "31" || rows[0].OfficeCode != "ubnd-hb" || rows[0].OfficeName != "UBND Hồng Bàng" {
			t.Fatalf("Users of Hải Phòng: %+v %v", rows, err)
		}
		if all, _ := s.Users(ctx, nil); len(all) != 2 || all[0].Name != "lan" || all[1].Name != "root" {
			t.Fatalf("every user: %+v", all)
		}

		// a password change ends the sessions but the one kept
		keep := Session{TokenHash: "k", UserID: lan.ID}
		other := Session{TokenHash: "o", UserID: lan.ID}
		for _, sess := range []*Session{&keep, &other} {
			if err := s.StartSession(ctx, sess, Actor{ID: lan.ID, Name: "lan", Now: t0}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.UpdateUser(ctx, lan.ID, "account.password", Actor{ID: lan.ID, Name: "lan", Now: t0.Add(2 * time.Minute)}, keep.ID,
			func(u *User) error { u.PasswordHash = testHash(t); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if sessions, _ := s.UserSessions(ctx, lan.ID); len(sessions) != 1 || sessions[0].ID != keep.ID {
			t.Fatalf("after a password change: %+v", sessions)
		}
		// disabling ends every session
		if _, err := s.UpdateUser(ctx, lan.ID, "user.disable", by, 0, func(u *User) error { u.Disabled = true; return nil }); err != nil {
			t.Fatal(err)
		}
		if sessions, _ := s.UserSessions(ctx, lan.ID); len(sessions) != 0 {
			t.Fatalf("a disabled user keeps %d sessions", len(sessions))
		}
		// the last administrator stays one, and the refused change leaves nothing behind
		for _, change := range []func(*User) error{
			func(u *User) error { u.Disabled = true; return nil },
			func(u *User) error { u.Role = "province_admin"; u.ProvinceID = &hp.ID; return nil },
		} {
			if _, err := s.UpdateUser(ctx, root.ID, "user.update", by, 0, change); !errors.Is(err, ErrLastAdmin) {
				t.Fatalf("changing the last admin: %v", err)
			}
		}
		if r, _ := s.UserByID(ctx, root.ID); r.Role != "admin" || r.Disabled {
			t.Fatalf("root after refused changes: %+v", r)
		}

		create := auditOf(t, s, "user.create")
		if len(create) != 2 || create[0].Target != "lan" || create[0].Actor != "root" || create[0].ClientAddr != "192.0.2.1" ||
			create[0].Before != "" || !strings.Contains(create[0].After, `"office":"ubnd-hb"`) || !strings.Contains(create[0].After, `"province":"31"`) {
			t.Fatalf("user.create events: %+v", create)
		}
		pw := auditOf(t, s, "account.password")
		if len(pw) != 1 || !strings.Contains(pw[0].After, `"password":"changed"`) || strings.Contains(pw[0].After+pw[0].Before, "argon2") {
			t.Fatalf("account.password event: %+v", pw)
		}
		dis := auditOf(t, s, "user.disable")
		if len(dis) != 1 || !strings.Contains(dis[0].Before, `"disabled":false`) || !strings.Contains(dis[0].After, `"disabled":true`) {
			t.Fatalf("user.disable event: %+v", dis)
		}
		if n := len(auditOf(t, s, "user.update")); n != 0 {
			t.Fatalf("%d refused changes were audited", n)
		}
	})
}

// The database itself refuses to change or remove an audit event.
func TestAuditLogAppendOnly(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.Audit(ctx, cli(t0), "test.event", "x", nil, map[string]int{"n": 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.db.Exec("UPDATE audit_log SET kind = 'forged'").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("UPDATE of the audit log: %v", err)
		}
		if err := s.db.Exec("DELETE FROM audit_log").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("DELETE from the audit log: %v", err)
		}
		if s.postgres {
			if err := s.db.Exec("TRUNCATE audit_log").Error; err == nil {
				t.Error("TRUNCATE of the audit log succeeded")
			}
		}
		if evs := auditOf(t, s, "test.event"); len(evs) != 1 || evs[0].After != `{"n":1}` {
			t.Fatalf("after the refused changes: %+v", evs)
		}
	})
}

func TestAuditFilterPagesAndStream(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for i := 0; i < 7; i++ {
			kind := "auth.login"
			if i%2 == 1 {
				kind = "auth.login_failed"
			}
			name := []string{"lan", "minh"}[i%3%2]
			if err := s.Audit(ctx, Actor{Name: name, Now: t0.Add(time.Duration(i) * time.Hour)}, kind, name, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		evs, total, err := s.AuditEvents(ctx, AuditFilter{}, 0, 3)
		if err != nil || total != 7 || len(evs) != 3 || !evs[0].At.Equal(t0.Add(6*time.Hour)) {
			t.Fatalf("first page: %d of %d, %v", len(evs), total, err)
		}
		evs, _, _ = s.AuditEvents(ctx, AuditFilter{}, 6, 3)
		if len(evs) != 1 || !evs[0].At.Equal(t0) {
			t.Fatalf("last page: %+v", evs)
		}
		for _, tt := range []struct {
			f    AuditFilter
			want int64
		}{
			{AuditFilter{Kind: "auth.login_failed"}, 3},
			{AuditFilter{Actor: "minh"}, 2}, // i = 1, 4
			{AuditFilter{From: t0.Add(2 * time.Hour), To: t0.Add(4 * time.Hour)}, 2},
			{AuditFilter{Actor: "lan", Kind: "auth.login", From: t0.Add(time.Hour)}, 2}, // i = 2, 6
		} {
			if _, n, err := s.AuditEvents(ctx, tt.f, 0, 100); err != nil || n != tt.want {
				t.Errorf("%+v: %d events, %v; want %d", tt.f, n, err, tt.want)
			}
		}
		var streamed []time.Time
		if err := s.EachAuditEvent(ctx, AuditFilter{Kind: "auth.login"}, func(ev AuditEvent) error {
			streamed = append(streamed, ev.At)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(streamed) != 4 || !streamed[0].Equal(t0) || !streamed[3].Equal(t0.Add(6*time.Hour)) {
			t.Fatalf("streamed %v", streamed)
		}
		if kinds, err := s.AuditKinds(ctx); err != nil || strings.Join(kinds, ",") != "auth.login,auth.login_failed" {
			t.Fatalf("kinds %v %v", kinds, err)
		}
	})
}

func TestSessionsLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		u := User{Name: "root", Role: "admin", PasswordHash: testHash(t)}
		if err := s.CreateUser(ctx, &u, cli(t0)); err != nil {
			t.Fatal(err)
		}
		by := Actor{ID: u.ID, Name: u.Name, Addr: "192.0.2.9", Now: t0}
		a := Session{TokenHash: "hash-a", UserID: u.ID, ClientAddr: "192.0.2.9", UserAgent: "Firefox"}
		b := Session{TokenHash: "hash-b", UserID: u.ID}
		for _, sess := range []*Session{&a, &b} {
			if err := s.StartSession(ctx, sess, by); err != nil {
				t.Fatal(err)
			}
		}
		got, user, err := s.SessionByToken(ctx, "hash-a")
		if err != nil || got.ID != a.ID || user.Name != "root" || !got.LastSeenAt.Equal(t0) || got.UserAgent != "Firefox" {
			t.Fatalf("SessionByToken: %+v %+v %v", got, user, err)
		}
		if _, _, err := s.SessionByToken(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		if err := s.TouchSession(ctx, a.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// b was idle since t0: an idle cut-off of t0+30 min drops it, not a
		if err := s.DropExpiredSessions(ctx, t0.Add(30*time.Minute), t0.Add(-12*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.UserSessions(ctx, u.ID); len(list) != 1 || list[0].ID != a.ID {
			t.Fatalf("after dropping idle sessions: %+v", list)
		}
		if n, err := s.EndSessions(ctx, u.ID, a.ID+1000, 0, "auth.session_end", by); err != nil || n != 0 {
			t.Fatalf("ending someone else's session: %d %v", n, err)
		}
		if n, err := s.EndSessions(ctx, u.ID, a.ID, 0, "auth.logout", by); err != nil || n != 1 {
			t.Fatalf("logout: %d %v", n, err)
		}
		if len(auditOf(t, s, "auth.login")) != 2 || len(auditOf(t, s, "auth.logout")) != 1 || len(auditOf(t, s, "auth.session_end")) != 0 {
			t.Fatal("sign-ins and sign-outs are not audited once each")
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		th := Throttle{Limit: 3, Window: 15 * time.Minute}
		wait := func(subject string, at time.Time) time.Duration {
			t.Helper()
			d, err := s.LoginWait(ctx, th, subject, at)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		for i := 0; i < 3; i++ {
			if d := wait("account:lan", t0.Add(time.Duration(i)*time.Minute)); d != 0 {
				t.Fatalf("blocked after %d failures: %v", i, d)
			}
			if err := s.AddLoginFailure(ctx, t0.Add(time.Duration(i)*time.Minute), "account:lan", "addr:192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		// the third failure was at t0+2 min; the oldest of the last three leaves at t0+15 min
		if d := wait("account:lan", t0.Add(5*time.Minute)); d != 10*time.Minute {
			t.Errorf("wait after 3 failures: %v, want 10m", d)
		}
		if d := wait("account:minh", t0.Add(5*time.Minute)); d != 0 {
			t.Errorf("another account waits %v", d)
		}
		if d := wait("account:lan", t0.Add(15*time.Minute)); d != 0 {
			t.Errorf("still blocked once the oldest failure left the window: %v", d)
		}
		if err := s.ClearLoginFailures(ctx, "account:lan"); err != nil {
			t.Fatal(err)
		}
		if d := wait("account:lan", t0.Add(5*time.Minute)); d != 0 {
			t.Errorf("blocked after clearing: %v", d)
		}
		if d := wait("addr:192.0.2.1", t0.Add(5*time.Minute)); d == 0 {
			t.Error("clearing an account cleared its address too")
		}
	})
}

func TestSessionKeyAndSetupLink(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		n := 0
		gen := func() ([]byte, error) { n++; return []byte(strings.Repeat(string(rune('a'+n)), 64)), nil }
		k1, err := s.SessionKey(ctx, gen)
		if err != nil || len(k1) != 64 {
			t.Fatalf("first key: %d bytes, %v", len(k1), err)
		}
		if k2, err := s.SessionKey(ctx, gen); err != nil || string(k2) != string(k1) {
			t.Fatalf("the key changed at the second start: %v", err)
		}

		if err := s.CreateSetupToken(ctx, "tok", t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.SetupTokenValid(ctx, "tok", t0.Add(time.Hour)); ok {
			t.Error("a setup link is valid at its expiry")
		}
		admin := func(name string) *User { return &User{Name: name, Role: "admin", PasswordHash: testHash(t)} }
		if err := s.CreateFirstAdmin(ctx, "tok", admin("late"), cli(t0.Add(61*time.Minute))); !errors.Is(err, ErrSetupLink) {
			t.Fatalf("an expired link: %v", err)
		}
		if err := s.CreateFirstAdmin(ctx, "other", admin("forged"), cli(t0)); !errors.Is(err, ErrSetupLink) {
			t.Fatalf("an unknown link: %v", err)
		}
		if ok, _ := s.SetupTokenValid(ctx, "tok", t0.Add(time.Minute)); !ok {
			t.Fatal("a fresh setup link is not valid")
		}
		if err := s.CreateFirstAdmin(ctx, "tok", admin("first"), cli(t0.Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateFirstAdmin(ctx, "tok", admin("second"), cli(t0.Add(2*time.Minute))); !errors.Is(err, ErrSetupLink) {
			t.Fatalf("a used link: %v", err)
		}
		// a fresh link is worthless once an administrator exists
		if err := s.CreateSetupToken(ctx, "tok2", t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateFirstAdmin(ctx, "tok2", admin("third"), cli(t0.Add(time.Minute))); !errors.Is(err, ErrSetupLink) {
			t.Fatalf("a link after the first admin: %v", err)
		}
		if all, _ := s.Users(ctx, nil); len(all) != 1 || all[0].Name != "first" {
			t.Fatalf("accounts: %+v", all)
		}
		if evs := auditOf(t, s, "auth.setup"); len(evs) != 1 || evs[0].Target != "first" {
			t.Fatalf("auth.setup events: %+v", evs)
		}
	})
}

// An office-scoped query reads the office's rows only, also by procedure field (which
// province-wide monthly rows cannot answer), and never shares cached pieces with a wider one.
func TestTalliesOfficeScope(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		other, err := s.EnsureOffice(ctx, f.provA.ID, "oa2", "Office A2")
		if err != nil {
			t.Fatal(err)
		}
		a3, err := s.EnsureCounter(ctx, other, "a3", "Counter A3")
		if err != nil {
			t.Fatal(err)
		}
		f.submit(t,
			f.response("00000000-0000-4000-8000-000000000001", f.a1, vn(2026, 1, 10, 9, 0), "land", nil, "E1.1", 5),
			f.response("00000000-0000-4000-8000-000000000002", f.a2, vn(2026, 1, 11, 9, 0), "", nil, "E1.1", 4),
			f.response("00000000-0000-4000-8000-000000000003", a3, vn(2026, 1, 12, 9, 0), "land", nil, "E1.1", 1),
		)
		y := survey.YearPeriod(2026)
		province := Scope{ProvinceIDs: []uint{f.provA.ID}}
		office := Scope{ProvinceIDs: []uint{f.provA.ID}, OfficeIDs: []uint{f.officeA.ID}}
		for range 2 { // the second round comes from the cache
			checkTally(t, "province", f.tallies(t, TallyQuery{Period: y, Scope: province}),
				map[string]want{"": {3, 2, [5]int64{1, 0, 0, 1, 1}, 2}})
			checkTally(t, "office", f.tallies(t, TallyQuery{Period: y, Scope: office}),
				map[string]want{"": {2, 2, [5]int64{0, 0, 0, 1, 1}, 1}})
			checkTally(t, "office by field", f.tallies(t, TallyQuery{Period: y, Scope: office, GroupBy: ByField}),
				map[string]want{"land": {1, 1, [5]int64{0, 0, 0, 0, 1}, 1}, "": {1, 1, [5]int64{0, 0, 0, 1, 0}, 0}})
			checkTally(t, "office by counter", f.tallies(t, TallyQuery{Period: y, Scope: office, GroupBy: ByCounter}), map[string]want{
				itoa(f.a1.ID): {1, 1, [5]int64{0, 0, 0, 0, 1}, 1}, itoa(f.a2.ID): {1, 1, [5]int64{0, 0, 0, 1, 0}, 0}})
			checkTally(t, "office land", f.tallies(t, TallyQuery{Period: y, Scope: office, Field: "land"}),
				map[string]want{"": {1, 1, [5]int64{0, 0, 0, 0, 1}, 1}})
		}
	})
}

func itoa(id uint) string { return strconv.FormatUint(uint64(id), 10) }
