package handlers

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sipas/models"
	"sipas/survey"
)

func newAccount(name, role, province, office string) url.Values {
	return url.Values{"name": {name}, "role": {role}, "province": {province}, "office": {office},
		"password": {testPassword}, "password_confirm": {testPassword}}
}

// A province admin manages the officials of its own province and nobody else; the
// administrator manages everyone; every change is audited and a disabled account is
// signed out at once.
func TestUsersPageScope(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	ctx := context.Background()
	addUser(t, ta.store, "dn-admin", survey.RoleProvinceAdmin, "48", "")
	hp := addUser(t, ta.store, "hp", survey.RoleOfficial, "31", "")
	dn := signIn(t, ta.router, "dn-admin")

	if rec := dn.do("POST", "/admin/users", newAccount("dn-lan", "official", "", ""), nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("a province admin creating an official of its province: %d %s", rec.Code, rec.Body)
	}
	if u, err := ta.store.UserByName(ctx, "dn-lan"); err != nil || u.Role != "official" || u.ProvinceID == nil {
		t.Fatalf("dn-lan: %+v %v", u, err)
	}
	for _, tt := range []struct {
		name string
		form url.Values
	}{
		{"an official of another province", newAccount("x1", "official", "31", "")},
		{"a province admin", newAccount("x2", "province_admin", "48", "")},
	} {
		if rec := dn.do("POST", "/admin/users", tt.form, nil); rec.Code != http.StatusForbidden {
			t.Errorf("a province admin creating %s: %d", tt.name, rec.Code)
		}
	}
	list := dn.do("GET", "/admin/users", nil, nil).Body.String()
	if !strings.Contains(list, "dn-lan") || strings.Contains(list, ">hp<") || strings.Contains(list, "root") {
		t.Errorf("a province admin's list shows other provinces' accounts:\n%s", list)
	}
	if rec := dn.do("POST", "/admin/users/"+itoa(hp.ID)+"/disable", url.Values{}, nil); rec.Code != http.StatusForbidden {
		t.Errorf("a province admin disabling another province's official: %d", rec.Code)
	}

	// an unknown office is named under its field
	rec := dn.do("POST", "/admin/users", newAccount("dn-x", "official", "48", "nope"), nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `aria-describedby="office-help office-error"`) ||
		!strings.Contains(rec.Body.String(), "Không có cơ quan nope") {
		t.Errorf("an unknown office: %d", rec.Code)
	}

	// the administrator: role and scope, then disabling signs the user out
	root := signIn(t, ta.router, "root")
	hpc := signIn(t, ta.router, "hp")
	if rec := root.do("POST", "/admin/users/"+itoa(hp.ID), url.Values{"role": {"official"}, "province": {"31"}, "office": {"demo-31"}}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("narrowing hp to an office: %d %s", rec.Code, rec.Body)
	}
	if u, _ := ta.store.UserByID(ctx, hp.ID); u.OfficeID == nil || *u.OfficeID != ta.counter.OfficeID {
		t.Fatalf("hp's office: %v", u.OfficeID)
	}
	if rec := hpc.do("GET", "/account", nil, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Bộ phận Một cửa Hải Phòng (demo-31)") {
		t.Errorf("hp's account after the change: %d", rec.Code)
	}
	if rec := root.do("POST", "/admin/users/"+itoa(hp.ID)+"/disable", url.Values{}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d", rec.Code)
	}
	if rec := hpc.do("GET", "/account", nil, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("a disabled user still signed in: %d", rec.Code)
	}
	if rec := root.do("POST", "/admin/users/"+itoa(hp.ID)+"/password", url.Values{"password": {"a new long password"}, "password_confirm": {"a new long password"}}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("reset password: %d", rec.Code)
	}
	got := strings.Join(kindsOf(t, ta.store, models.AuditFilter{Actor: "root"}), " ")
	if !strings.HasSuffix(got, "user.update user.disable user.password") {
		t.Errorf("root's audited changes: %s", got)
	}
	// the administrator cannot change their own account here, nor leave no administrator
	if rec := root.do("POST", "/admin/users/1/disable", url.Values{}, nil); rec.Code != http.StatusForbidden {
		t.Errorf("root disabling root: %d", rec.Code)
	}
}

func TestAuditPageFilterAndCSV(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	cl := newClient(t, ta.router)
	cl.do("GET", "/login", nil, nil)
	cl.do("POST", "/login", url.Values{"name": {"=cmd|calc"}, "password": {"wrong password!!"}}, nil)
	root := signIn(t, ta.router, "root")

	page := root.do("GET", "/admin/audit?kind=auth.login_failed&lang=en", nil, nil).Body.String()
	if !strings.Contains(page, "Events 1–1 of 1") || !strings.Contains(page, "=cmd|calc") || strings.Contains(page, "<code>auth.login</code>") {
		t.Errorf("filtered by kind:\n%s", page)
	}
	if page := root.do("GET", "/admin/audit?actor=root&from=2026-03-10&to=2026-03-10", nil, nil).Body.String(); !strings.Contains(page, "Sự kiện 1–2 trên 2") { // root signed in twice
		t.Errorf("root's events of 10/03/2026:\n%s", page)
	}
	if page := root.do("GET", "/admin/audit?from=2026-03-11", nil, nil).Body.String(); !strings.Contains(page, "Không có sự kiện nào phù hợp") {
		t.Error("events after the clock's day")
	}
	rec := root.do("GET", "/admin/audit?from=10-03-2026", nil, nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `aria-describedby="from-error"`) {
		t.Errorf("a bad date: %d", rec.Code)
	}

	rec = root.do("GET", "/admin/audit.csv", nil, nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "sipas-audit-20260310.csv") {
		t.Fatalf("CSV: %d %v", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// root created, root signed in (asAdmin), the failed sign-in, root signed in: oldest first
	if len(rows) != 5 || strings.Join(rows[0], ",") != "at,actor,client_addr,kind,target,before,after" {
		t.Fatalf("CSV rows: %v", rows)
	}
	if rows[3][3] != "auth.login_failed" || rows[3][4] != "'=cmd|calc" || rows[3][0] != "2026-03-10T09:00:00+07:00" || rows[3][2] != "192.0.2.1" {
		t.Errorf("the failed sign-in in CSV: %v", rows[3])
	}
}

// A province admin imports its own province's questionnaires only, and sees its own
// province's import jobs only; an import is one audit event with the file's name, hash
// and counts.
func TestImportProvinceAdminScope(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	addUser(t, ta.store, "hp-admin", survey.RoleProvinceAdmin, "31", "")
	addUser(t, ta.store, "dn-admin", survey.RoleProvinceAdmin, "48", "")
	dn := &signedIn{h: ta.router, cl: signIn(t, ta.router, "dn-admin")}
	ta.handler = dn
	refused := ta.upload("dn.csv", []byte(paperCSV), map[string]string{"lang": "en"})
	if refused.Code != 200 || !strings.Contains(refused.Body.String(), "row 2, column province: 31 (Thành phố Hải Phòng) is not your province.") {
		t.Fatalf("Đà Nẵng importing Hải Phòng's: %d\n%s", refused.Code, refused.Body)
	}
	if n := ta.responses2025(t); n != 0 {
		t.Fatalf("%d responses stored from a refused file", n)
	}
	hp := &signedIn{h: ta.router, cl: signIn(t, ta.router, "hp-admin")}
	ta.handler = hp
	rec := ta.postFile("hp.csv", []byte(paperCSV), nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("Hải Phòng importing its own: %d", rec.Code)
	}
	if err := ta.app.imports.RunPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	hpJob := strings.Split(rec.Header().Get("Location"), "?")[0]
	// Each province admin sees its own jobs; the administrator sees both.
	for _, c := range []struct {
		who       *signedIn
		job       string
		status    int
		listed    []string
		notListed []string
	}{
		{hp, hpJob, 200, []string{"hp.csv"}, []string{"dn.csv"}},
		{dn, hpJob, 403, []string{"dn.csv"}, []string{"hp.csv"}},
		{nil, hpJob, 200, []string{"hp.csv", "dn.csv"}, nil},
	} {
		ta.handler = asAdmin(t, ta.store, ta.router)
		if c.who != nil {
			ta.handler = c.who
		}
		if rec := ta.do("GET", c.job, nil, nil); rec.Code != c.status {
			t.Errorf("%s: %d, want %d", c.job, rec.Code, c.status)
		}
		list := ta.do("GET", "/admin/imports", nil, nil).Body.String()
		for _, f := range c.listed {
			if !strings.Contains(list, ">"+f+"</a>") {
				t.Errorf("the list lacks %s\n%s", f, list)
			}
		}
		for _, f := range c.notListed {
			if strings.Contains(list, ">"+f+"</a>") {
				t.Errorf("the list shows %s", f)
			}
		}
	}
	var evs []models.AuditEvent
	ta.store.EachAuditEvent(context.Background(), models.AuditFilter{Kind: "paper.import"}, func(ev models.AuditEvent) error {
		evs = append(evs, ev)
		return nil
	})
	if len(evs) != 1 || evs[0].Actor != "hp-admin" || evs[0].Target != "hp.csv" ||
		!strings.Contains(evs[0].After, `"rows":4`) || !strings.Contains(evs[0].After, `"stored":4`) ||
		!strings.Contains(evs[0].After, `"sha256":"`) {
		t.Fatalf("paper.import events: %+v", evs)
	}
}

// Public pages and the public API reveal nothing below province level, whatever the
// parameters.
func TestPublicRevealsNoOffice(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	form := allCriteria("4")
	form.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	form.Set("field", "land")
	anon := newClient(t, ta.router)
	anon.do("POST", "/kiosk/demo-31", form, nil)
	for _, target := range []string{
		"/api/v1/sipas?year=2026&office=demo-31&counter=demo-31&group=counter",
		"/dashboard?year=2026&office=demo-31&level=counters",
		"/export.json?year=2026&counter=demo-31",
		"/export.csv?year=2026&level=criteria&office=demo-31",
	} {
		rec := anon.do("GET", target, nil, nil)
		body := rec.Body.String()
		// (the code may come back in the sign-in link's return address, not as data)
		if rec.Code != 200 || strings.Contains(body, "Bộ phận Một cửa") || strings.Contains(body, "Quầy 1") || strings.Contains(body, `"offices"`) {
			t.Errorf("%s: %d, shows below province level", target, rec.Code)
		}
	}
}

func itoa(id uint) string { return strconv.FormatUint(uint64(id), 10) }

// An official of one office sees the province's own figures, which are public, but below
// province level only its office: its counters, and fields, perceptions and priorities of
// its own responses.
func TestOfficeOfficialSeesOnlyItsOffice(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	ctx := context.Background()
	units, err := ta.store.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hp, _ := survey.UnitAt(units, "31", "2026-03-10")
	other, err := ta.store.EnsureOffice(ctx, hp.ID, "hp-other", "Văn phòng khác")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ta.store.EnsureCounter(ctx, other, "hp-other-1", "Quầy khác"); err != nil {
		t.Fatal(err)
	}
	anon := newClient(t, ta.router)
	for i, post := range []struct{ counter, value, field string }{{"demo-31", "5", "land"}, {"hp-other-1", "2", "civil-status"}} {
		form := allCriteria(post.value)
		form.Set("response_id", fmt.Sprintf("0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a2%d", i))
		form.Set("field", post.field)
		if rec := anon.do("POST", "/kiosk/"+post.counter, form, nil); rec.Code != 303 {
			t.Fatalf("kiosk %s: %d %s", post.counter, rec.Code, rec.Body)
		}
	}
	addUser(t, ta.store, "office-official", survey.RoleOfficial, "31", "demo-31")
	official := signIn(t, ta.router, "office-official")

	type doc struct {
		Responses   int64  `json:"responses"`
		DetailScope string `json:"detail_scope"`
		Offices     []struct{ Code string }
		Counters    []struct{ Code string }
		Fields      []struct{ Field string }
	}
	read := func(get func(method, target string, form url.Values, header map[string]string) *httptest.ResponseRecorder, who string) doc {
		t.Helper()
		rec := get("GET", "/api/v1/sipas/provinces/31?year=2026", nil, nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", who, rec.Code, rec.Body)
		}
		var d doc
		if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	codes := func(d doc) string {
		var out []string
		for _, o := range d.Offices {
			out = append(out, "office "+o.Code)
		}
		for _, c := range d.Counters {
			out = append(out, "counter "+c.Code)
		}
		for _, f := range d.Fields {
			out = append(out, "field "+f.Field)
		}
		return strings.Join(out, ", ")
	}
	if d := read(official.do, "official"); d.Responses != 2 || d.DetailScope != "office" ||
		codes(d) != "office demo-31, counter demo-31, field land" {
		t.Errorf("official of demo-31: %d responses, detail %q, %s", d.Responses, d.DetailScope, codes(d))
	}
	if d := read(ta.do, "admin"); d.Responses != 2 || d.DetailScope != "" || len(d.Offices) != 2 || len(d.Counters) != 2 || len(d.Fields) != 2 {
		t.Errorf("admin: %d responses, detail %q, %s", d.Responses, d.DetailScope, codes(d))
	}
	page := official.do("GET", "/dashboard/province/31?year=2026", nil, nil)
	if page.Code != 200 || strings.Contains(page.Body.String(), "Văn phòng khác") || strings.Contains(page.Body.String(), "hp-other-1") {
		t.Errorf("the official's page: %d, shows the other office", page.Code)
	}
}
