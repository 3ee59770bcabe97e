package handlers

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

func TestKioskFormRendersTheQuestionnaire(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	tests := []struct {
		target string
		want   []string
	}{
		{"/kiosk/demo-31", []string{`<html lang="vi">`, `name="response_id"`, `name="E5.4"`, "Rất hài lòng", `href="?lang=en"`, "Lĩnh vực", `name="P3"`}},
		{"/kiosk/demo-31?lang=en", []string{`<html lang="en">`, "Very satisfied", `href="?lang=vi"`, "The civil servant was polite"}},
	}
	for _, tt := range tests {
		rec := ta.do("GET", tt.target, nil, nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", tt.target, rec.Code)
		}
		body := rec.Body.String()
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: page lacks %q", tt.target, w)
			}
		}
		if n := strings.Count(body, `type="radio" name="E`); n != 22*5 {
			t.Errorf("%s: %d criterion radios, want 110", tt.target, n)
		}
	}
	// Each form gets its own UUID.
	id := regexp.MustCompile(`name="response_id" value="([^"]+)"`)
	a := id.FindStringSubmatch(ta.do("GET", "/kiosk/demo-31", nil, nil).Body.String())
	b := id.FindStringSubmatch(ta.do("GET", "/kiosk/demo-31", nil, nil).Body.String())
	if a == nil || b == nil || a[1] == b[1] {
		t.Errorf("response ids %v %v", a, b)
	}
}

func TestKioskUnknownCounterIs404(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	for _, m := range []string{"GET", "POST"} {
		form := allCriteria("4")
		form.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
		if rec := ta.do(m, "/kiosk/nope", form, nil); rec.Code != 404 || !strings.Contains(rec.Body.String(), "nope") {
			t.Errorf("%s unknown counter: %d %s", m, rec.Code, rec.Body.String())
		}
	}
}

func responseCount(t *testing.T, ta *testApp) int64 {
	t.Helper()
	n, err := ta.store.CountResponses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestKioskSubmitStoresOnceAndCounts(t *testing.T) {
	ta := newTestApp(t, Config{MinSample: 30, Questionnaire: "sipas-counter", ThanksSeconds: 5})
	form := allCriteria("4")
	form.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	form.Set("field", "land")
	form.Set("P2", "no")
	form.Set("lang", "en")

	for i := 0; i < 2; i++ { // a kiosk retry: same UUID, same answers
		rec := ta.do("POST", "/kiosk/demo-31", form, nil)
		if rec.Code != 303 || rec.Header().Get("Location") != "/kiosk/demo-31/thanks?lang=en" {
			t.Fatalf("submission %d: %d %q", i, rec.Code, rec.Header().Get("Location"))
		}
	}
	if n := responseCount(t, ta); n != 1 {
		t.Fatalf("%d responses stored, want 1", n)
	}
	// The same UUID with other answers is refused and changes nothing.
	other := allCriteria("2")
	other.Set("response_id", form.Get("response_id"))
	if rec := ta.do("POST", "/kiosk/demo-31", other, nil); rec.Code != 409 {
		t.Fatalf("conflicting reuse: %d", rec.Code)
	}
	// A second citizen answers 2 everywhere: every criterion is 50 %.
	other.Set("response_id", "9b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a12")
	if rec := ta.do("POST", "/kiosk/demo-31", other, map[string]string{"Accept": "application/json"}); rec.Code != 200 ||
		!strings.Contains(rec.Body.String(), `"thanks_url"`) {
		t.Fatalf("JSON submission: %d %s", rec.Code, rec.Body.String())
	}
	rec := ta.do("GET", "/api/v1/sipas?year=2026", nil, nil)
	var out struct {
		National struct {
			Responses int64    `json:"responses"`
			SIPAS     *float64 `json:"sipas"`
		} `json:"national"`
		Provinces []struct {
			Code      string     `json:"code"`
			Responses int64      `json:"responses"`
			SIPAS     *float64   `json:"sipas"`
			Rank      *int       `json:"rank"`
			CI95      *[]float64 `json:"ci95"`
			Criteria  []struct {
				Code     string   `json:"code"`
				Index    *float64 `json:"index"`
				Answered int64    `json:"answered"`
			} `json:"criteria"`
			Elements []struct {
				Code  string   `json:"code"`
				Index *float64 `json:"index"`
			} `json:"elements"`
		} `json:"provinces"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err, rec.Body.String())
	}
	if len(out.Provinces) != 34 {
		t.Fatalf("%d provinces in 2026, want 34", len(out.Provinces))
	}
	p := out.Provinces[0]
	if p.Code != "31" || p.Responses != 2 || p.SIPAS == nil || *p.SIPAS != 50 || p.Rank == nil || *p.Rank != 1 {
		t.Fatalf("province 31: %+v", p)
	}
	if len(p.Elements) != 5 || len(p.Criteria) != 22 || p.Criteria[0].Answered != 2 || *p.Criteria[0].Index != 50 {
		t.Errorf("elements/criteria: %+v", p)
	}
	if out.National.Responses != 2 || *out.National.SIPAS != 50 {
		t.Errorf("national %+v", out.National)
	}
	for _, q := range out.Provinces[1:] {
		if q.SIPAS != nil || q.Rank != nil || q.Responses != 0 {
			t.Errorf("province %s without responses: %+v", q.Code, q)
		}
	}
}

func TestKioskRejectsBadInput(t *testing.T) {
	const id = "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11"
	with := func(change func(url.Values)) url.Values {
		f := allCriteria("4")
		f.Set("response_id", id)
		change(f)
		return f
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		msg    string
	}{
		{"value 6", with(func(f url.Values) { f.Set("E1.1", "6") }), 400, "E1.1"},
		{"value 0", with(func(f url.Values) { f.Set("E3.2", "0") }), 400, "E3.2"},
		{"not a number", with(func(f url.Values) { f.Set("E2.1", "good") }), 400, "E2.1"},
		{"unknown criterion", with(func(f url.Values) { f.Set("E9.9", "4") }), 400, "E9.9"},
		{"answered twice", with(func(f url.Values) { f.Add("E1.2", "5") }), 400, "E1.2"},
		{"unknown option", with(func(f url.Values) { f.Set("P2", "maybe") }), 400, "P2"},
		{"unknown field", with(func(f url.Values) { f.Set("field", "fishing") }), 400, "fishing"},
		{"no criterion", url.Values{"response_id": {id}, "P1": {"1"}}, 400, "tiêu chí"},
		{"missing id", with(func(f url.Values) { f.Del("response_id") }), 400, "response_id"},
		{"bad id", with(func(f url.Values) { f.Set("response_id", "123") }), 400, "response_id"},
		{"oversized", with(func(f url.Values) { f.Set("E1.1", strings.Repeat("4", 70<<10)) }), 413, ""},
	}
	ta := newTestApp(t, Config{MinSample: 30, Questionnaire: "sipas-counter"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, accept := range []string{"", "application/json"} {
				rec := ta.do("POST", "/kiosk/demo-31", tt.form, map[string]string{"Accept": accept})
				if rec.Code != tt.status {
					t.Fatalf("accept %q: status %d, want %d: %s", accept, rec.Code, tt.status, rec.Body.String())
				}
				if !strings.Contains(rec.Body.String(), tt.msg) {
					t.Errorf("accept %q: message lacks %q: %s", accept, tt.msg, rec.Body.String())
				}
				if accept == "" && tt.status == 400 && !strings.Contains(rec.Body.String(), `id="kiosk-form"`) {
					t.Errorf("a 400 must show the form again with its message")
				}
			}
			if n := responseCount(t, ta); n != 0 {
				t.Fatalf("%d responses stored after bad input", n)
			}
		})
	}
}

// A form sent back with an error keeps the citizen's answers.
func TestKioskErrorKeepsAnswers(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	form := url.Values{"response_id": {"0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11"}, "E1.1": {"5"}, "E1.2": {"9"}}
	rec := ta.do("POST", "/kiosk/demo-31", form, nil)
	if rec.Code != 400 {
		t.Fatal(rec.Code)
	}
	if !regexp.MustCompile(`name="E1.1" value="5" checked`).MatchString(rec.Body.String()) {
		t.Error("the answer to E1.1 was not kept")
	}
	if !strings.Contains(rec.Body.String(), `value="0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11"`) {
		t.Error("the response id was not kept")
	}
}

func TestKioskStoresNothingPersonal(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	form := allCriteria("5")
	form.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	rec := ta.do("POST", "/kiosk/demo-31", form, map[string]string{"User-Agent": "Mozilla/5.0 TestAgent", "X-Forwarded-For": "203.0.113.7"})
	if rec.Code != 303 {
		t.Fatal(rec.Code)
	}
	dump := dumpRows(t, ta.rawDB(t), "responses")
	if !strings.Contains(dump, "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11") {
		t.Fatalf("the response is not among the rows: %s", dump)
	}
	for _, secret := range []string{"TestAgent", "203.0.113.7", "192.0.2.1"} { // httptest's RemoteAddr is 192.0.2.1
		if strings.Contains(dump, secret) {
			t.Errorf("stored response contains %q: %s", secret, dump)
		}
	}
}

func TestKioskCounterPresetField(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	if _, err := ta.rawDB(t).Exec("UPDATE counters SET field = 'civil-status' WHERE id = ?", ta.counter.ID); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ta.do("GET", "/kiosk/demo-31", nil, nil).Body.String(), `name="field"`) {
		t.Error("a counter with a preset field must not ask for it")
	}
	form := allCriteria("4")
	form.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	if rec := ta.do("POST", "/kiosk/demo-31", form, nil); rec.Code != 303 {
		t.Fatal(rec.Code)
	}
	p, _ := survey.ParsePeriod(survey.PeriodQuery{Year: "2026"}, ta.now)
	byField, err := ta.store.Tallies(context.Background(), models.TallyQuery{Period: p, GroupBy: models.ByField})
	if err != nil {
		t.Fatal(err)
	}
	if byField["civil-status"] == nil || byField["civil-status"].Responses != 1 {
		t.Errorf("by field: %v", byField)
	}
}

func TestThanksPageReturnsToAFreshForm(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	rec := ta.do("GET", "/kiosk/demo-31/thanks?lang=en", nil, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `http-equiv="refresh" content="6;url=/kiosk/demo-31?lang=en"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
}

func TestKioskRateLimit(t *testing.T) {
	ta := newTestApp(t, Config{RateLimit: 10, MinSample: 30, Questionnaire: "sipas-counter"})
	var last int
	for i := 0; i < 12; i++ {
		form := url.Values{"response_id": {"x"}}
		last = ta.do("POST", "/kiosk/demo-31", form, nil).Code
	}
	if last != 429 {
		t.Errorf("after 12 quick submissions: %d, want 429", last)
	}
}

// dumpRows writes every row of table as text, every column, to look for what must not be kept.
func dumpRows(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	rows, err := db.Query("SELECT * FROM " + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	values := make([]any, len(cols))
	for i := range values {
		values[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(values...); err != nil {
			t.Fatal(err)
		}
		for i, c := range cols {
			v := *values[i].(*any)
			if raw, ok := v.([]byte); ok {
				v = string(raw)
			}
			fmt.Fprintf(&b, "%s=%v ", c, v)
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestKioskSubmitSeesAClosureBehindItsKeptLookUp: a submission takes the counter's kept
// look-up without reading the settings version; when another process has closed the
// counter since, its transaction answers Stale, the look-up is read again and the
// submission is refused (410), storing nothing.
func TestKioskSubmitSeesAClosureBehindItsKeptLookUp(t *testing.T) {
	ta := newTestApp(t, Config{MinSample: 30, Questionnaire: "sipas-counter"})
	form := allCriteria("4")
	form.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a21")
	if rec := ta.do("POST", "/kiosk/demo-31", form, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("first submission: %d", rec.Code)
	}
	if _, err := ta.rawDB(t).Exec("UPDATE counters SET closed_at = ? WHERE code = 'demo-31'", time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	form.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a22")
	if rec := ta.do("POST", "/kiosk/demo-31", form, nil); rec.Code != http.StatusGone {
		t.Fatalf("a submission to a counter closed behind the kept look-up: %d, want 410", rec.Code)
	}
	if n := responseCount(t, ta); n != 1 {
		t.Fatalf("%d responses stored, want 1", n)
	}
}
