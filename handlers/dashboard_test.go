package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sipas/models"
	"sipas/static"
	"sipas/survey"
)

// dashApp is the real app over a fresh SQLite file holding a small data set whose
// figures are computed by hand below.
type dashApp struct {
	handler http.Handler
}

// The hand-computed data set (clock: 10 March 2026, Vietnam time).
//
// Hải Phòng (31, the unit formed on 1 July 2025), office "HP" with 3,650 dossiers a year
// and a counter without a configured number, three responses on 15 January 2026 (by
// 10 March, 69 days of 2026: 690 dossiers, Yamane's sample 254, not reached):
//
//	r1: every criterion 5;                           P1=1, P2=no,  P3=no,  field land
//	r2: E1–E4 criteria 4, E5 not answered;           P1=2, P2=yes, P3=no,  field land
//	r3: E1.1=2 E1.2=2 E1.3=3 E1.4=4, E2 4, E3 5,
//	    E4 3, E5 1;                                  P1=3, P2=no,  P3=yes, no field
//
// Criterion indices: E1.1–E1.3 2/3, E1.4 3/3 → E1 75; E2 100; E3 100; E4 2/3 → 66.67;
// E5 1/2 → 50. SIPAS = (75 + 100 + 100 + 66.67 + 50) / 5 = 78.33.
// Scores: 1, 1, (0.25 + 1 + 1 + 0 + 0)/5 = 0.45 → sd 0.3175, SE 18.33 points,
// CI 78.33 ± 35.93 = [42.40, 100] (clipped).
// Wilson of E5.1 (1 of 2): [9.45, 90.55]. Fields: land (r1, r2) 100; none (r3) 45.
// P2 yes 1/3, P3 yes 1/3, P1 once 1/3.
//
// Hà Nội (01): two responses on 10 February 2026, every criterion 4 and 5 → 100, CI [100, 100].
// Ranks: Hà Nội 1, Hải Phòng 2; the intervals overlap.
//
// 2025 (the previous year): one response in Hải Dương (30, merged into Hải Phòng) on
// 20 March 2025, every criterion 2, and one in Hải Phòng on 20 November 2025, every
// criterion 4 → 50 for today's Hải Phòng; the change is +28.33 points.
func newDashApp(t testing.TB, minSample int) *dashApp {
	t.Helper()
	ctx := context.Background()
	store, units := openSeededStore(t)
	qrow, q, err := store.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		t.Fatal(err)
	}
	unit := func(code, day string) survey.Unit {
		u, ok := survey.UnitAt(units, code, day)
		if !ok {
			t.Fatalf("no unit %s on %s", code, day)
		}
		return u
	}
	hp, hn := unit("31", "2026-01-01"), unit("01", "2026-01-01")
	hpOffice, err := store.EnsureOffice(ctx, hp.ID, "HP", "Trung tâm Phục vụ hành chính công Hải Phòng")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetOfficeAnnualDossiers(ctx, hpOffice.ID, 3650); err != nil {
		t.Fatal(err)
	}
	hpCounter, err := store.EnsureCounter(ctx, hpOffice, "hp-1", "Quầy số 1")
	if err != nil {
		t.Fatal(err)
	}
	hnOffice, err := store.EnsureOffice(ctx, hn.ID, "HN", "Trung tâm Phục vụ hành chính công Hà Nội")
	if err != nil {
		t.Fatal(err)
	}
	hnCounter, err := store.EnsureCounter(ctx, hnOffice, "hn-1", "Quầy số 1")
	if err != nil {
		t.Fatal(err)
	}
	all := func(v int, except ...string) map[string]int {
		m := map[string]int{}
		for _, code := range q.CriterionCodes() {
			m[code] = v
		}
		for _, code := range except {
			delete(m, code)
		}
		return m
	}
	r2 := all(4, "E5.1", "E5.2", "E5.3", "E5.4")
	r3 := map[string]int{"E1.1": 2, "E1.2": 2, "E1.3": 3, "E1.4": 4}
	for _, code := range q.CriterionCodes() {
		if _, ok := r3[code]; !ok {
			r3[code] = map[byte]int{'2': 4, '3': 5, '4': 3, '5': 1}[code[1]]
		}
	}
	at := func(day string) time.Time {
		d, err := survey.ParseDate(day)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(10 * time.Hour)
	}
	type resp struct {
		counter models.Counter
		unit    survey.Unit
		day     string
		sub     survey.Submission
	}
	data := []resp{
		{hpCounter, hp, "2026-01-15", survey.Submission{Field: "land", Criteria: all(5), Answers: map[string]string{"P1": "1", "P2": "no", "P3": "no"}}},
		{hpCounter, hp, "2026-01-15", survey.Submission{Field: "land", Criteria: r2, Answers: map[string]string{"P1": "2", "P2": "yes", "P3": "no"}}},
		{hpCounter, hp, "2026-01-15", survey.Submission{Criteria: r3, Answers: map[string]string{"P1": "3", "P2": "no", "P3": "yes"}}},
		{hnCounter, hn, "2026-02-10", survey.Submission{Criteria: all(4)}},
		{hnCounter, hn, "2026-02-10", survey.Submission{Criteria: all(5)}},
		{hpCounter, unit("30", "2025-03-20"), "2025-03-20", survey.Submission{Criteria: all(2)}},
		{hpCounter, hp, "2025-11-20", survey.Submission{Criteria: all(4)}},
	}
	var batch []models.NewResponse
	for i, r := range data {
		batch = append(batch, models.NewResponse{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Counter: r.counter,
			ProvinceID: r.unit.ID, QuestionnaireID: qrow.ID, Channel: models.ChannelKiosk, SubmittedAt: at(r.day),
			Submission: r.sub, Tally: q.Tally(r.sub)})
	}
	if _, err := store.SubmitResponses(ctx, batch); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, survey.VietnamTime())
	cfg := DefaultConfig()
	cfg.MinSample = minSample
	app, err := New(store, static.FS(), cfg, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return &dashApp{handler: asAdmin(t, store, app.Handler())}
}

func (d *dashApp) get(target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	d.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

// mustContain checks that body, its HTML entities decoded, has every piece in that order.
func mustContain(t *testing.T, what, body string, pieces ...string) {
	t.Helper()
	body = html.UnescapeString(body)
	rest := body
	for _, p := range pieces {
		i := strings.Index(rest, p)
		if i < 0 {
			if strings.Contains(body, p) {
				t.Errorf("%s: %q is there but not after the pieces before it", what, p)
			} else {
				t.Errorf("%s: %q missing", what, p)
			}
			continue
		}
		rest = rest[i+len(p):]
	}
}

func TestDashboardNationalFigures(t *testing.T) {
	d := newDashApp(t, 3)
	rec := d.get("/dashboard?year=2026")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	body := rec.Body.String()
	mustContain(t, "summary", body,
		`<html lang="vi">`, "Chỉ số SIPAS toàn quốc · Năm 2026",
		"Từ 01/01/2026 đến 31/12/2026",
		"89,17 %", // national average: (100 + 78.33) / 2
		"88,00 %", // pooled over the 5 responses: (85 + 100 + 100 + 80 + 75) / 5
		">5<",     // responses
		"2 / 34",  // provinces with responses
	)
	// The ranking rows: Hà Nội first with an overlap note and "not enough responses"
	// (2 < 3), then Hải Phòng with its change against 2025, then the provinces without
	// responses with dashes.
	mustContain(t, "ranking", body,
		`<tr class="low-sample">`, ">1<", "Thành phố Hà Nội", ">2<", "100,00 %", "100,00–100,00 %", "–",
		"chưa đủ phiếu", "≈", "khoảng tin cậy chồng lấn với Thành phố Hải Phòng",
		">2<", "/dashboard/province/31?lang=vi&year=2026", "Thành phố Hải Phòng", ">3<", "78,33 %", "42,40–100,00 %", "+28,33",
		"Cao Bằng", ">0<", "–",
	)
	if strings.Count(body, `class="low-sample"`) != 1 {
		t.Errorf("%d greyed rows, want 1 (Hà Nội)", strings.Count(body, `class="low-sample"`))
	}
	for _, ref := range []string{`"value":80.08,"label":"BNV 2022"`, `"value":82.66,"label":"BNV 2023"`,
		`"value":83.94,"label":"BNV 2024"`, `"value":89.17,"label":"TB kỳ này"`} {
		mustContain(t, "reference lines", body, ref)
	}
}

func TestDashboardGreysEverythingBelowTheMinimumSample(t *testing.T) {
	d := newDashApp(t, 30) // the default
	body := d.get("/dashboard?year=2026").Body.String()
	if n := strings.Count(body, `<tr class="low-sample">`); n != 2 {
		t.Errorf("%d greyed rows, want 2", n)
	}
	if n := strings.Count(body, "chưa đủ phiếu"); n < 2 {
		t.Errorf("%q %d times, want at least 2", "chưa đủ phiếu", n)
	}
	page := d.get("/dashboard/province/31?year=2026&lang=en").Body.String()
	mustContain(t, "province headline", page, `card low-sample`, "78.33%", "not enough responses", "fewer than 30 responses")
}

func TestDashboardEnglish(t *testing.T) {
	d := newDashApp(t, 3)
	body := d.get("/dashboard?year=2026&lang=en").Body.String()
	mustContain(t, "english", body, `<html lang="en">`, "National SIPAS · Year 2026", "From 2026-01-01 to 2026-12-31",
		"89.17%", "Thành phố Hải Phòng", "78.33%", "+28.33")
	mustContain(t, "language switch", body, `href="/dashboard?lang=vi&year=2026"`) // keeps the query
}

func TestProvinceDashboardFigures(t *testing.T) {
	d := newDashApp(t, 3)
	rec := d.get("/dashboard/province/31?year=2026")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	body := rec.Body.String()
	mustContain(t, "headline", body,
		"Thành phố Hải Phòng · Năm 2026", "Hải Dương (đến 30/06/2025)",
		"78,33 %", "42,40–100,00 %", "n = 3 phiếu", "đủ phiếu",
		"2 / 2",             // rank among provinces with responses
		"+28,33", "50,00 %", // change against 2025, and 2025's figure
	)
	mustContain(t, "elements", body, "Chỉ số 5 yếu tố", "75,00 %", "100,00 %", "100,00 %", "66,67 %", "50,00 %", "78,33 %")
	// Weakest first: the E5 criteria (50 %), Wilson [9.45, 90.55], answered twice.
	mustContain(t, "criteria", body, "Các tiêu chí từ thấp đến cao", "E5.1", "50,00 %", "9,45–90,55 %", ">2<", "3,00")
	mustContain(t, "trend", body, "SIPAS theo tháng", "01/2026", ">3<", "78,33 %", "02/2026", ">0<", "–", "12/2026")
	// 3,650 dossiers a year, 69 days of 2026 by 10 March: 690 dossiers, Yamane 690 / 2.725 → 254.
	mustContain(t, "offices", body, "Trung tâm Phục vụ hành chính công Hải Phòng", "78,33 %", "690", "254", "chưa đạt",
		"Quầy số 1", "chưa khai báo số hồ sơ")
	mustContain(t, "fields", body, "Đất đai", ">2<", "100,00 %", "Không chọn lĩnh vực", ">1<", "45,00 %")
	mustContain(t, "perceptions", body, "P1.", "33,33 %", "P2.", "33,33 %", "trả lời “Có”", "P3.", "33,33 %")
	mustContain(t, "priority", body, "Ma trận ưu tiên", `data-chart=`)
	for _, want := range []string{`<caption id=`, `scope="col"`, `scope="row"`, `role="img"`, `aria-label=`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestProvinceAcrossTheMerger(t *testing.T) {
	d := newDashApp(t, 3)
	tests := []struct {
		target    string
		status    int
		responses float64
	}{
		{"/api/v1/sipas/provinces/31?year=2025", 200, 2},                       // Hải Dương's March response is in today's Hải Phòng
		{"/api/v1/sipas/provinces/31?year=2025&month=3", 200, 0},               // March 2025: the former Hải Phòng, without Hải Dương
		{"/api/v1/sipas/provinces/30?year=2025&month=3", 200, 1},               // Hải Dương itself in March 2025
		{"/api/v1/sipas/provinces/30?year=2026", 404, 0},                       // no Hải Dương since the merger
		{"/api/v1/sipas/provinces/31?year=2025&month=3&units=current", 200, 1}, // today's territory
	}
	for _, tt := range tests {
		rec := d.get(tt.target)
		if rec.Code != tt.status {
			t.Errorf("%s: %d, want %d: %s", tt.target, rec.Code, tt.status, rec.Body.String())
			continue
		}
		if tt.status != 200 {
			continue
		}
		var out struct{ Responses float64 }
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Responses != tt.responses {
			t.Errorf("%s: %v responses (%v), want %v", tt.target, out.Responses, err, tt.responses)
		}
	}
}

func TestProvinceAPI(t *testing.T) {
	d := newDashApp(t, 3)
	rec := d.get("/api/v1/sipas/provinces/31?year=2026")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	near := func(what string, got any, want float64) {
		t.Helper()
		g, ok := got.(float64)
		if !ok || g < want-0.005 || g > want+0.005 {
			t.Errorf("%s = %v, want %.2f", what, got, want)
		}
	}
	near("sipas", out["sipas"], 78.33)
	ci := out["ci95"].([]any)
	near("ci95 low", ci[0], 42.40)
	near("ci95 high", ci[1], 100)
	near("responses", out["responses"], 3)
	near("rank", out["rank"], 2)
	near("ranked_provinces", out["ranked_provinces"], 2)
	if out["reliable"] != true || out["code"] != "31" || out["period"] != "2026" || out["units"] != "period" {
		t.Errorf("reliable %v code %v period %v units %v", out["reliable"], out["code"], out["period"], out["units"])
	}
	prev := out["previous"].(map[string]any)
	near("previous sipas", prev["sipas"], 50)
	near("change", prev["change"], 28.33)
	if includes := out["includes"].([]any); len(includes) != 2 {
		t.Errorf("includes %v, want the former Hải Phòng and Hải Dương", includes)
	}
	elements := out["elements"].([]any)
	near("E4", elements[3].(map[string]any)["index"], 66.67)
	criteria := out["criteria"].([]any)
	if len(criteria) != 22 {
		t.Fatalf("%d criteria", len(criteria))
	}
	e51 := item(t, criteria, "code", "E5.1")
	near("E5.1 index", e51["index"], 50)
	wilson := e51["ci95"].([]any)
	near("E5.1 wilson low", wilson[0], 9.45)
	near("E5.1 wilson high", wilson[1], 90.55)
	near("E5.1 answered", e51["answered"], 2)
	trend := out["trend"].([]any)
	if len(trend) != 12 || trend[0].(map[string]any)["month"] != "2026-01" || trend[1].(map[string]any)["sipas"] != nil {
		t.Errorf("trend %v", trend)
	}
	offices := out["offices"].([]any)
	office := offices[0].(map[string]any)
	sample := office["sample"].(map[string]any)
	near("office responses", office["responses"], 3)
	near("office rank", office["rank"], 1)
	near("dossiers", sample["dossiers"], 690)
	near("needed", sample["needed"], 254)
	if sample["reached"] != false || sample["configured"] != true || office["reliable"] != true {
		t.Errorf("office %v", office)
	}
	counter := out["counters"].([]any)[0].(map[string]any)
	if cs := counter["sample"].(map[string]any); cs["configured"] != false || cs["reached"] != nil {
		t.Errorf("counter sample %v, want not configured", cs)
	}
	perceptions := out["perceptions"].([]any)
	if len(perceptions) != 3 {
		t.Fatalf("perceptions %v", perceptions)
	}
	p2 := perceptions[1].(map[string]any)
	near("P2 answered", p2["answered"], 3)
	near("P2 yes", item(t, p2["options"].([]any), "value", "yes")["share"], 33.33)
	fields := out["fields"].([]any)
	near("land", fields[0].(map[string]any)["sipas"], 100)
	if _, ok := out["priority"].(map[string]any)["points"].([]any); !ok {
		t.Errorf("priority %v", out["priority"])
	}
}

func TestDashboardBadParameters(t *testing.T) {
	d := newDashApp(t, 3)
	paths := []string{"/dashboard", "/dashboard/province/31", "/api/v1/sipas/provinces/31"}
	queries := []string{"year=abc", "year=2026&quarter=5", "from=2026-03-01&to=2026-02-01", "year=2026&month=0", "units=later"}
	for _, p := range paths {
		for _, q := range queries {
			rec := d.get(p + "?" + q)
			if rec.Code != http.StatusBadRequest {
				t.Errorf("%s?%s: %d, want 400", p, q, rec.Code)
			}
			if strings.HasPrefix(p, "/api/") && !strings.Contains(rec.Body.String(), `"error"`) {
				t.Errorf("%s?%s: %s, want a JSON error", p, q, rec.Body.String())
			}
		}
	}
}

func TestDashboardUnknownProvince(t *testing.T) {
	d := newDashApp(t, 3)
	for _, target := range []string{"/dashboard/province/99", "/api/v1/sipas/provinces/99", "/dashboard/province/30?year=2026"} {
		if rec := d.get(target); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", target, rec.Code)
		}
	}
	if rec := d.get("/dashboard/province/30?year=2024"); rec.Code != http.StatusOK {
		t.Errorf("Hải Dương in 2024: %d, want 200", rec.Code)
	}
}

func TestDashboardPeriods(t *testing.T) {
	d := newDashApp(t, 3)
	tests := []struct{ target, want string }{
		{"/dashboard?year=2026&quarter=1", "Quý 1/2026"},
		{"/dashboard?year=2026&month=1", "Tháng 1/2026"},
		{"/dashboard?from=2026-01-01&to=2026-01-31", "01/01/2026 – 31/01/2026"},
		{"/dashboard/province/31?year=2026&quarter=1&lang=en", "Q1 2026"},
		{"/dashboard/province/31?from=2026-01-10&to=2026-02-20", "10/01/2026 – 20/02/2026"},
	}
	for _, tt := range tests {
		rec := d.get(tt.target)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), tt.want) || !strings.Contains(rec.Body.String(), "78,33") && !strings.Contains(rec.Body.String(), "78.33") {
			t.Errorf("%s: %d, want %q and Hải Phòng's 78.33", tt.target, rec.Code, tt.want)
		}
	}
	if rec := d.get("/"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/dashboard" {
		t.Errorf("/: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
}

// item is the object of a JSON list whose key has value; the test fails without one.
func item(t *testing.T, list []any, key, value string) map[string]any {
	t.Helper()
	for _, x := range list {
		if o, ok := x.(map[string]any); ok && o[key] == value {
			return o
		}
	}
	t.Fatalf("no item with %s %q in %v", key, value, list)
	return nil
}
