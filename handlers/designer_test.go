package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sipas/models"
	"sipas/survey"
)

var revisionInput = regexp.MustCompile(`name="revision" value="(\d+)"`)

// revisionOf reads the draft's revision from its designer page.
func revisionOf(t *testing.T, cl *client, draft string) string {
	t.Helper()
	rec := cl.do("GET", draft+"?lang=en", nil, nil)
	m := revisionInput.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		t.Fatalf("designer page: %d\n%.500s", rec.Code, rec.Body)
	}
	return m[1]
}

// The whole life of a version in the browser, as a province admin of Hải Phòng: start a
// draft, reword a criterion, add an optional question, check it, publish it (a new
// version, the draft gone), assign it to an office: that office's kiosk shows it, an
// earlier response keeps its version, and the province's page computes the criterion
// across both versions and says which versions its figures come from.
func TestDesignerToKiosk(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	addUser(t, ta.store, "hp.admin", survey.RoleProvinceAdmin, "31", "")
	hp := signIn(t, ta.router, "hp.admin")
	kioskAnswer := func(e11 string) string {
		id := uuid.NewString()
		form := allCriteria("4")
		form.Set("E1.1", e11)
		form.Set("response_id", id)
		if rec := ta.do("POST", "/kiosk/demo-31", form, nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("kiosk: %d %s", rec.Code, rec.Body)
		}
		return id
	}
	before := kioskAnswer("5") // answers version 1

	rec := hp.do("POST", "/admin/questionnaires/drafts", url.Values{"from": {"1"}}, nil)
	draft := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(draft, "/admin/questionnaires/drafts/") {
		t.Fatalf("start a draft: %d %s", rec.Code, draft)
	}
	draft, _, _ = strings.Cut(draft, "?")
	page := hp.do("GET", draft+"?lang=en", nil, nil).Body.String()
	for _, want := range []string{`id="el.0.c.0.text.vi"`, `id="el.0.c.0.text.en"`, `value="add-question"`, `formaction="` + draft + `/publish"`} {
		if !strings.Contains(page, want) {
			t.Errorf("designer lacks %q", want)
		}
	}
	rev := revisionOf(t, hp, draft)
	rec = hp.do("POST", draft, url.Values{"revision": {rev}, "el.0.c.0.text.en": {"The waiting area has enough seats for everyone"},
		"edit": {"add-question"}}, nil)
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "#q.5") {
		t.Fatalf("reword and add a question: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	// a form made from the older revision changes nothing and says why
	rec = hp.do("POST", draft, url.Values{"revision": {rev}, "el.0.c.0.text.en": {"stale"}, "edit": {"save"}}, nil)
	if rec.Code != http.StatusSeeOther || !strings.Contains(hp.do("GET", draft+"?lang=en", nil, nil).Body.String(), "Someone else changed the draft") {
		t.Errorf("a stale save: %d", rec.Code)
	}
	rev = revisionOf(t, hp, draft)
	// checking it shows the new question's empty texts next to their fields
	rec = hp.do("POST", draft+"?lang=en", url.Values{"revision": {rev}, "edit": {"check"}}, nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="q.5.text.vi-error"`) ||
		!strings.Contains(rec.Body.String(), `<a href="#q.5.text.vi">`) {
		t.Errorf("check: %d\n%.2000s", rec.Code, rec.Body)
	}
	rev = revisionOf(t, hp, draft)
	publish := url.Values{"revision": {rev}, "q.5.code": {"P6"},
		"q.5.text.vi": {"Ông/Bà có được hướng dẫn qua điện thoại trước khi đến không?"}, "q.5.text.en": {"Were you guided by phone before coming?"},
		"q.5.o.0.value": {"no"}, "q.5.o.0.label.vi": {"Không"}, "q.5.o.0.label.en": {"No"},
		"q.5.o.1.value": {"yes"}, "q.5.o.1.label.vi": {"Có"}, "q.5.o.1.label.en": {"Yes"},
		"note": {"E1.1 reworded; P6 added"}, "from": {""}}
	rec = hp.do("POST", draft+"/publish", publish, nil)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/admin/questionnaires/versions/") {
		t.Fatalf("publish: %d %s\n%.1500s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	version, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
	if rec := hp.do("GET", draft, nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("the published draft is still there: %d", rec.Code)
	}
	// a province admin's version replaces nothing outside the province; it is assigned to the office
	if body := ta.do("GET", "/kiosk/demo-31?lang=en", nil, nil).Body.String(); strings.Contains(body, "for everyone") {
		t.Error("the kiosk shows the new version before it is assigned")
	}
	if rec := hp.do("POST", version+"/assign", url.Values{"place": {"country"}, "from": {"2026-03-10"}}, nil); rec.Code != http.StatusForbidden {
		t.Errorf("a province admin assigns to the country: %d", rec.Code)
	}
	rec = hp.do("POST", version+"/assign", url.Values{"place": {"office"}, "office": {"demo-31"}, "from": {"2026-03-10"}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("assign to the office: %d %s", rec.Code, rec.Body)
	}
	ta.clock.set(ta.clock.now().Add(1)) // the assignment starts at the moment it was made
	body := ta.do("GET", "/kiosk/demo-31?lang=en", nil, nil).Body.String()
	if !strings.Contains(body, "The waiting area has enough seats for everyone") || !strings.Contains(body, `name="P6"`) {
		t.Errorf("the kiosk does not show version 2:\n%.3000s", body)
	}
	after := kioskAnswer("2")
	versions := map[string]int{}
	rows, err := ta.rawDB(t).Query(`SELECT r.uuid, q.version FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var v int
		rows.Scan(&id, &v)
		versions[id] = v
	}
	rows.Close()
	if versions[before] != 1 || versions[after] != 2 {
		t.Errorf("versions answered: before %d, after %d", versions[before], versions[after])
	}
	// the province's figures: E1.1 across both versions, and which versions they come from
	page = ta.do("GET", "/dashboard/province/31?lang=en", nil, nil).Body.String()
	if !strings.Contains(page, "sipas-counter v1: n = 1; v2: n = 1") {
		t.Errorf("the province page does not say which versions its figures come from")
	}
	var doc struct {
		Criteria []struct {
			Code     string `json:"code"`
			Answered int64  `json:"answered"`
		} `json:"criteria"`
	}
	if err := json.Unmarshal(ta.do("GET", "/api/v1/sipas/provinces/31", nil, nil).Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Criteria {
		if c.Code == "E1.1" && c.Answered != 2 {
			t.Errorf("E1.1 answered %d times across versions, want 2", c.Answered)
		}
	}
	// the audit log has every step
	kinds := map[string]bool{}
	events, _, _ := ta.store.AuditEvents(context.Background(), models.AuditFilter{}, 0, 100)
	for _, ev := range events {
		kinds[ev.Kind] = true
	}
	for _, k := range []string{"questionnaire.draft", "questionnaire.draft.save", "questionnaire.publish", "questionnaire.assign"} {
		if !kinds[k] {
			t.Errorf("no %s in the audit log", k)
		}
	}
}

// A form posted after the version it was made from was replaced keeps its version; a
// form naming a version of another questionnaire is answered with the one in force.
func TestKioskKeepsTheVersionAnswered(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	page := ta.do("GET", "/kiosk/demo-31", nil, nil).Body.String()
	if !strings.Contains(page, `name="questionnaire_id" value="1"`) {
		t.Fatalf("the kiosk form does not carry its version")
	}
	// the administrator publishes version 2 from 1: it replaces 1 in the whole country
	rec := ta.do("POST", "/admin/questionnaires/drafts", url.Values{"from": {"1"}}, nil)
	draft, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
	cl := &client{t: t, h: ta.handler, cookies: map[string]*http.Cookie{}}
	rev := revisionOf(t, cl, draft)
	rec = ta.do("POST", draft+"/publish", url.Values{"revision": {rev}, "intro.en": {"A new introduction."}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %.800s", rec.Code, rec.Body)
	}
	ta.clock.set(ta.clock.now().Add(1))
	if page := ta.do("GET", "/kiosk/demo-31?lang=en", nil, nil).Body.String(); !strings.Contains(page, "A new introduction.") ||
		!strings.Contains(page, `name="questionnaire_id" value="2"`) {
		t.Fatalf("the country's kiosks do not show version 2")
	}
	for _, tt := range []struct{ sent, want string }{{"1", "1"}, {"2", "2"}, {"", "2"}, {"999", "2"}, {"x", "2"}} {
		form := allCriteria("3")
		id := uuid.NewString()
		form.Set("response_id", id)
		form.Set(survey.KioskVersionField, tt.sent)
		if rec := ta.do("POST", "/kiosk/demo-31", form, nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("submit with version %q: %d %s", tt.sent, rec.Code, rec.Body)
		}
		var v int
		ta.rawDB(t).QueryRow(`SELECT q.version FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id WHERE r.uuid = ?`, id).Scan(&v)
		if strconv.Itoa(v) != tt.want {
			t.Errorf("a form of version %q is stored as version %d, want %s", tt.sent, v, tt.want)
		}
	}
}

// The preview is the kiosk's own page with the draft, framed by our page only, posting nothing.
func TestDesignerPreview(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	rec := ta.do("POST", "/admin/questionnaires/drafts", url.Values{"from": {"1"}}, nil)
	draft, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
	page := ta.do("GET", draft+"/preview?lang=en&show=vi", nil, nil)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `<iframe src="`+draft+`/preview/frame?lang=vi"`) {
		t.Errorf("preview page: %d %.1000s", page.Code, page.Body)
	}
	frame := ta.do("GET", draft+"/preview/frame?lang=en", nil, nil)
	body := frame.Body.String()
	if frame.Code != http.StatusOK || frame.Header().Get("X-Frame-Options") != "SAMEORIGIN" ||
		!strings.Contains(frame.Header().Get("Content-Security-Policy"), "frame-ancestors 'self'") ||
		!strings.Contains(body, `data-mode="preview"`) || !strings.Contains(body, "The civil servant was polite") || strings.Contains(body, "data-ping-url") {
		t.Errorf("preview frame: %d %v\n%.800s", frame.Code, frame.Header(), body)
	}
	if rec := ta.do("GET", "/kiosk/demo-31", nil, nil); rec.Header().Get("X-Frame-Options") != "DENY" {
		t.Error("the kiosk itself may be framed")
	}
}
