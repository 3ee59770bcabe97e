package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sipas/models"
	"sipas/survey"
)

// A province admin creates offices and counters of their province through the forms:
// codes follow the one rule, a taken code is refused next to its field, a counter moves
// and closes (its kiosk then says so and takes nothing; its history stays), and every
// change is one audit event with its values before and after.
func TestOfficesAndCountersThroughTheForms(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	addUser(t, ta.store, "hp.admin", survey.RoleProvinceAdmin, "31", "")
	hp := signIn(t, ta.router, "hp.admin")
	p31 := "/admin/provinces/31"

	tests := []struct {
		name, target string
		form         url.Values
		status       int
		want         string // in the page (a 400) or the Location (a 303)
	}{
		{"a code with a space", p31 + "/offices", url.Values{"code": {"le chan"}, "name": {"UBND Lê Chân"}}, 400, `id="office-code-error"`},
		{"a code not starting with a letter or digit", p31 + "/offices", url.Values{"code": {"-lc"}, "name": {"UBND Lê Chân"}}, 400, "must start with a letter or a digit"},
		{"no name", p31 + "/offices", url.Values{"code": {"lc"}}, 400, `id="office-name-error"`},
		{"bad dossiers", p31 + "/offices", url.Values{"code": {"lc"}, "name": {"x"}, "annual_dossiers": {"-4"}}, 400, `id="office-annual_dossiers-error"`},
		{"an office", p31 + "/offices", url.Values{"code": {"ubnd-le-chan"}, "name": {"UBND quận Lê Chân"}, "annual_dossiers": {"12.000"}}, 303, p31 + "/offices/ubnd-le-chan"},
		{"the same office code", p31 + "/offices", url.Values{"code": {"ubnd-le-chan"}, "name": {"Again"}}, 400, "An office with the code ubnd-le-chan exists"},
		{"a counter", p31 + "/offices/ubnd-le-chan/counters", url.Values{"code": {"lc-1"}, "name": {"Quầy 1"}, "field": {"land"}}, 303, p31 + "/counters/lc-1"},
		{"a second counter", p31 + "/offices/ubnd-le-chan/counters", url.Values{"code": {"lc-2"}, "name": {"Quầy 2"}, "requires_device": {"on"}}, 303, p31 + "/counters/lc-2"},
		{"a counter code taken in the country", p31 + "/offices/ubnd-le-chan/counters", url.Values{"code": {"demo-31"}, "name": {"x"}}, 400, "counter codes are unique in the country"},
		{"a field the questionnaire lacks", p31 + "/offices/ubnd-le-chan/counters", url.Values{"code": {"lc-3"}, "name": {"x"}, "field": {"moon"}}, 400, `id="counter-field-error"`},
		{"rename the office", p31 + "/offices/ubnd-le-chan", url.Values{"name": {"UBND Lê Chân"}, "annual_dossiers": {"15000"}}, 303, p31 + "/offices/ubnd-le-chan"},
		{"move a counter", p31 + "/counters/lc-2/move", url.Values{"office": {"demo-31"}}, 303, p31 + "/counters/lc-2"},
		{"close a counter", p31 + "/counters/lc-1/close", url.Values{}, 303, p31 + "/counters/lc-1"},
	}
	for _, tt := range tests {
		rec := hp.do("POST", tt.target+"?lang=en", tt.form, nil)
		got := rec.Body.String()
		if rec.Code == http.StatusSeeOther {
			got = rec.Header().Get("Location")
		}
		if rec.Code != tt.status || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %d, want %d with %q\n%.400s", tt.name, rec.Code, tt.status, tt.want, got)
		}
	}
	// the office's list names a counter's preset field in the page's language
	for lang, want := range map[string]string{"vi": "<td>Đất đai</td>", "en": "<td>Land</td>"} {
		if page := hp.do("GET", p31+"/offices/ubnd-le-chan?lang="+lang, nil, nil).Body.String(); !strings.Contains(page, want) {
			t.Errorf("the office page in %s lacks %s", lang, want)
		}
	}
	ctx := context.Background()
	lc2, _ := ta.store.CounterByCode(ctx, "lc-2")
	if lc2.OfficeID != ta.counter.OfficeID || !lc2.RequiresDevice {
		t.Errorf("lc-2 after moving: %+v", lc2)
	}
	lc1, _ := ta.store.CounterByCode(ctx, "lc-1")
	if lc1.Field != "land" || lc1.ClosedAt == nil {
		t.Errorf("lc-1: %+v", lc1)
	}
	// the closed counter's kiosk says so in the page's language and takes nothing
	if rec := ta.do("GET", "/kiosk/lc-1?lang=en", nil, nil); rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), "This counter is closed") {
		t.Errorf("closed kiosk page: %d %.300s", rec.Code, rec.Body)
	}
	if rec := ta.do("GET", "/kiosk/lc-1", nil, nil); !strings.Contains(rec.Body.String(), "Quầy này đã đóng") {
		t.Errorf("closed kiosk page in Vietnamese: %.300s", rec.Body)
	}
	form := allCriteria("4")
	form.Set("response_id", uuid.NewString())
	before := responseCount(t, ta)
	for _, path := range []string{"/kiosk/lc-1", "/q/lc-1"} {
		if rec := ta.do("POST", path, form, map[string]string{"Accept": "application/json"}); rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), `"code":"closed"`) {
			t.Errorf("POST %s to a closed counter: %d %s", path, rec.Code, rec.Body)
		}
	}
	if responseCount(t, ta) != before {
		t.Error("a closed counter stored a response")
	}
	// the pages show it all
	body := hp.do("GET", p31+"/offices/ubnd-le-chan?lang=en", nil, nil).Body.String()
	for _, want := range []string{"UBND Lê Chân", `value="15000"`, "lc-1", "Closed"} {
		if !strings.Contains(body, want) {
			t.Errorf("the office page lacks %q", want)
		}
	}
	// audit: one event per change, with before and after
	events, _, err := ta.store.AuditEvents(ctx, models.AuditFilter{}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]models.AuditEvent{}
	for _, ev := range events {
		kinds[ev.Kind] = ev
	}
	for _, k := range []string{"office.create", "counter.create", "office.update", "counter.move", "counter.close"} {
		if _, ok := kinds[k]; !ok {
			t.Errorf("no %s event in the audit log", k)
		}
	}
	if ev := kinds["office.update"]; !strings.Contains(ev.Before, `"name":"UBND quận Lê Chân"`) || !strings.Contains(ev.After, `"name":"UBND Lê Chân"`) || ev.Actor != "hp.admin" {
		t.Errorf("office.update event: %+v", ev)
	}
	if ev := kinds["counter.move"]; !strings.Contains(ev.Before, `"office":"ubnd-le-chan"`) || !strings.Contains(ev.After, `"office":"demo-31"`) {
		t.Errorf("counter.move event: %+v", ev)
	}

	// Đà Nẵng's admin sees none of it: 403 under Hải Phòng's path, 404 under their own
	addUser(t, ta.store, "dn.admin", survey.RoleProvinceAdmin, "48", "")
	dn := signIn(t, ta.router, "dn.admin")
	for target, want := range map[string]int{
		p31 + "/offices":                      http.StatusForbidden,
		"/admin/provinces/48/counters/lc-2":   http.StatusNotFound,
		"/admin/provinces/48/offices/demo-31": http.StatusNotFound,
	} {
		if rec := dn.do("GET", target, nil, nil); rec.Code != want {
			t.Errorf("Đà Nẵng's admin GET %s: %d, want %d", target, rec.Code, want)
		}
	}
	if rec := dn.do("POST", "/admin/provinces/48/counters/lc-2/close", url.Values{}, nil); rec.Code != http.StatusNotFound {
		t.Errorf("Đà Nẵng's admin closes Hải Phòng's counter: %d", rec.Code)
	}
}

// An office created by a paper import is listed with the others and can be renamed.
func TestImportedOfficeCanBeRenamed(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	rec := ta.upload("paper.csv", []byte("province,office,counter,channel,submitted_at,E1.1\n31,ubnd-kien-an,ka-1,paper,2026-03-01,4\n"), nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Đã lưu 1 phiếu mới.") {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	page := ta.do("GET", "/admin/provinces/31/offices", nil, nil).Body.String()
	if !strings.Contains(page, `/admin/provinces/31/offices/ubnd-kien-an?`) {
		t.Fatalf("the imported office is not listed:\n%s", page)
	}
	if rec := ta.do("POST", "/admin/provinces/31/offices/ubnd-kien-an", url.Values{"name": {"UBND quận Kiến An"}}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", rec.Code, rec.Body)
	}
	if page := ta.do("GET", "/admin/provinces/31/offices", nil, nil).Body.String(); !strings.Contains(page, "UBND quận Kiến An") {
		t.Error("the new name is not shown")
	}
}
