package handlers

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

func TestPublicProvincePage(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	storeShares(t, ta.store, ta.counter, vnDay(2025, 3, 10), 40, 30) // in Hải Dương's time: counted for today's Hải Phòng
	storeShares(t, ta.store, ta.counter, vnDay(2026, 2, 10), 40, 36)
	anon := newClient(t, ta.router)

	body := anon.do("GET", "/provinces/31", nil, nil).Body.String()
	for _, want := range []string{"Chỉ số hài lòng SIPAS – Thành phố Hải Phòng", "90,00 %", "CC BY 4.0", "/badge/31.svg",
		"/provinces/31/data.csv", "Chỉ số qua các năm", "75,00 %", "Dự báo kết quả chính thức năm 2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	for _, unwanted := range []string{"Quầy 1", "demo-31", "dash.", "public."} {
		if strings.Contains(body, unwanted) {
			t.Errorf("the public page shows %q", unwanted)
		}
	}
	// Anonymous visitors of the national table go to the public page; officials to the dashboard.
	if b := anon.do("GET", "/dashboard", nil, nil).Body.String(); !strings.Contains(b, `href="/provinces/31?`) || strings.Contains(b, "/dashboard/province/31") {
		t.Error("the national table does not link anonymous visitors to the public page")
	}
	if b := ta.do("GET", "/dashboard", nil, nil).Body.String(); !strings.Contains(b, "/dashboard/province/31?") {
		t.Error("the national table does not link an administrator to the dashboard")
	}

	rec := anon.do("GET", "/provinces/31/data.json?lang=en", nil, nil)
	var doc struct {
		Licence struct{ Name, URL string }
		Code    string
		Held    *int64  `json:"held"`
		SIPAS   float64 `json:"sipas"`
		Years   []struct {
			Period string
			SIPAS  float64 `json:"sipas"`
		}
		Months   []json.RawMessage
		Criteria []struct{ Code, Text string }
		Offices  any `json:"offices"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
		t.Fatalf("data.json: %d %.200s", rec.Code, rec.Body)
	}
	if doc.Licence.Name != "CC BY 4.0" || doc.Code != "31" || doc.Held == nil || doc.SIPAS != 90 || len(doc.Years) != 2 || doc.Years[0].Period != "2025" ||
		doc.Years[0].SIPAS != 75 || len(doc.Months) != 24 || len(doc.Criteria) != 22 || doc.Offices != nil ||
		!strings.Contains(doc.Criteria[0].Text, "One-Stop-Shop") {
		t.Errorf("data.json %+v", doc)
	}
	if rec.Header().Get("Link") != `<https://creativecommons.org/licenses/by/4.0/>; rel="license"` || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers %v", rec.Header())
	}
	rec = anon.do("GET", "/provinces/31/data.csv?year=2025", nil, nil)
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || rows[0][0] != "table" || rows[1][0] != "province" || rows[1][1] != "2025" || rows[1][5] != "75.00" ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "sipas-31-2025.csv") {
		t.Errorf("data.csv: %v %v", err, rows[:2])
	}
	if rec := anon.do("GET", "/provinces/99", nil, nil); rec.Code != 404 {
		t.Errorf("an unknown province: %d", rec.Code)
	}
}

func TestBadge(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	storeShares(t, ta.store, ta.counter, vnDay(2026, 2, 10), 1000, 881)
	anon := newClient(t, ta.router)
	tests := []struct {
		target, title string
	}{
		{"/badge/31.svg", "SIPAS Hải Phòng 2026: 88,1 %"},
		{"/badge/31.svg?lang=en", "SIPAS Hải Phòng 2026: 88.1%"},
		{"/badge/48.svg", "SIPAS Đà Nẵng 2026: chưa có"},
	}
	for _, tt := range tests {
		rec := anon.do("GET", tt.target, nil, nil)
		var svg struct {
			Title string `xml:"title"`
		}
		if rec.Code != 200 || xml.Unmarshal(rec.Body.Bytes(), &svg) != nil || svg.Title != tt.title {
			t.Errorf("%s: %d %q, want %q", tt.target, rec.Code, svg.Title, tt.title)
			continue
		}
		h := rec.Header()
		if h.Get("Content-Type") != "image/svg+xml; charset=utf-8" || h.Get("Cache-Control") != "public, max-age=3600" ||
			h.Get("Content-Security-Policy") != "default-src 'none'; style-src 'unsafe-inline'" || h.Get("X-Frame-Options") != "" ||
			h.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
			t.Errorf("%s: headers %v", tt.target, h)
		}
	}
	for _, target := range []string{"/badge/31.png", "/badge/99.svg", "/badge/.svg"} {
		if rec := anon.do("GET", target, nil, nil); rec.Code != 404 {
			t.Errorf("%s: %d", target, rec.Code)
		}
	}
}
