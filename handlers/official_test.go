package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

// An administrator records Hải Phòng's official 2025 figure; the projection of 2026 on
// the province's API and page is then calibrated by the gap, on one year.
func TestOfficialResultCalibratesTheProjection(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	for m := time.January; m <= time.December; m++ {
		storeShares(t, ta.store, ta.counter, vnDay(2025, m, 10), 20, 16) // 80 % in 2025
	}
	storeShares(t, ta.store, ta.counter, vnDay(2026, 1, 12), 60, 51) // 85 % so far in 2026
	storeShares(t, ta.store, ta.counter, vnDay(2026, 2, 12), 60, 51)

	apiProjection := func() map[string]any {
		t.Helper()
		rec := ta.do("GET", "/api/v1/sipas/provinces/31?year=2026", nil, nil)
		var doc struct {
			Projection map[string]any `json:"projection"`
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &doc) != nil || doc.Projection == nil {
			t.Fatalf("province API: %d %.300s", rec.Code, rec.Body)
		}
		return doc.Projection
	}
	p := apiProjection()
	if p["calibrated"] != nil || p["calibration"] != nil || p["sipas"].(float64) != 85 {
		t.Errorf("before any official figure: %v", p)
	}
	if lr := p["rank_likely"].([]any); len(lr) != 2 || lr[0].(float64) != 1 || lr[1].(float64) != 1 {
		t.Errorf("rank range %v, want [1, 1] (the only province with data)", lr)
	}

	rec := ta.do("POST", "/admin/official", url.Values{"year": {"2025"}, "code": {"31"}, "sipas": {"83,5"}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("record: %d %.300s", rec.Code, rec.Body)
	}
	if page := ta.follow(rec).Body.String(); !strings.Contains(page, "Đã ghi nhận kết quả chính thức của 31 năm 2025.") {
		t.Errorf("the notice after recording is not %q", "Đã ghi nhận kết quả chính thức của 31 năm 2025.")
	}
	p = apiProjection() // at once, not a minute later: the recording forgot the kept projections
	cal, _ := p["calibration"].(map[string]any)
	if cal == nil || cal["basis"] != "province" || cal["years"].(float64) != 1 || !near(cal["gap"].(float64), 3.5) ||
		!near(p["calibrated"].(float64), 88.5) {
		t.Errorf("after recording 2025: calibrated %v, calibration %v", p["calibrated"], p["calibration"])
	}
	page := ta.do("GET", "/dashboard/province/31?year=2026", nil, nil).Body.String()
	for _, want := range []string{"Dự báo kết quả chính thức năm 2026", "88,50 %", "dựa trên 1 năm của tỉnh", "83,50 %"} {
		if !strings.Contains(page, want) {
			t.Errorf("the province page lacks %q", want)
		}
	}
	// The national table of the current year shows the projection and the rank range.
	if body := ta.do("GET", "/dashboard?year=2026", nil, nil).Body.String(); !strings.Contains(body, "Hạng dự báo (80 %)") {
		t.Error("the national table has no projection columns")
	}
	// A past year has no projection.
	if body := ta.do("GET", "/api/v1/sipas/provinces/31?year=2025", nil, nil).Body.String(); !strings.Contains(body, `"projection":null`) {
		t.Errorf("2025 has a projection: %.200s", body)
	}
}

func TestOfficialResultForm(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	addUser(t, ta.store, "dn-admin", survey.RoleProvinceAdmin, "48", "")
	tests := []struct {
		who    string
		form   url.Values
		status int
		want   string
	}{
		{"root", url.Values{"year": {"2023"}, "code": {"31"}, "sipas": {"101"}}, 400, "không phải là một tỉ lệ phần trăm"},
		{"root", url.Values{"year": {"2025"}, "code": {"30"}, "sipas": {"88"}}, 400, "Không có tỉnh, thành phố mã “30” vào cuối năm 2025"},
		{"root", url.Values{"year": {"2025"}, "code": {"national"}, "sipas": {"84,1"}}, 303, ""},
		{"dn-admin", url.Values{"year": {"2025"}, "code": {"48"}, "sipas": {"87"}}, 303, ""},
		{"dn-admin", url.Values{"year": {"2025"}, "code": {"31"}, "sipas": {"87"}}, 403, ""},
		{"dn-admin", url.Values{"year": {"2025"}, "code": {"national"}, "sipas": {"87"}}, 403, ""},
	}
	for _, tt := range tests {
		cl := signIn(t, ta.router, tt.who)
		cl.do("GET", "/admin/official", nil, nil)
		rec := cl.do("POST", "/admin/official", tt.form, nil)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s %v: %d, want %d with %q\n%.300s", tt.who, tt.form, rec.Code, tt.status, tt.want, rec.Body)
		}
	}
	rows, err := ta.store.OfficialResults(t.Context())
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows recorded (%v), want 2", len(rows), err)
	}
	body := ta.do("GET", "/admin/official", nil, nil).Body.String()
	for _, want := range []string{"84,10 %", "87,00 %", "80,08 %", "Có sẵn (Bộ Nội vụ công bố)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := len(kindsOf(t, ta.store, models.AuditFilter{Kind: "official.record"})); n != 2 {
		t.Errorf("%d audit events, want 2", n)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
