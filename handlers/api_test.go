package handlers

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNationalAPIRejectsBadParameters(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	tests := []struct{ query, msg string }{
		{"year=abc", "year"},
		{"year=1999", "year"},
		{"year=2025&quarter=5", "quarter"},
		{"year=2025&month=13", "month"},
		{"year=2025&quarter=1&month=2", "either quarter or month"},
		{"from=2025-02-01", "both from and to"},
		{"from=2025-02-30&to=2025-03-01", "from"},
		{"from=2025-03-01&to=2025-02-01", "after"},
		{"year=2025&from=2025-01-01&to=2025-02-01", "not both"},
		{"units=everything", "units"},
	}
	for _, tt := range tests {
		rec := ta.do("GET", "/api/v1/sipas?"+tt.query, nil, nil)
		var body map[string]string
		if rec.Code != 400 || json.Unmarshal(rec.Body.Bytes(), &body) != nil || !strings.Contains(body["error"], tt.msg) {
			t.Errorf("%s: %d %s, want 400 mentioning %q", tt.query, rec.Code, rec.Body.String(), tt.msg)
		}
	}
}

func TestNationalAPIPeriodsAndUnits(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	tests := []struct {
		query     string
		period    string
		provinces int
	}{
		{"year=2024", "2024", 63},
		{"year=2025", "2025", 34}, // shown with the provinces in force at its end
		{"year=2024&units=current", "2024", 34},
		{"year=2026&quarter=1", "2026-Q1", 34},
		{"year=2025&month=3", "2025-03", 63},
		{"from=2025-06-01&to=2025-07-31", "2025-06-01/2025-07-31", 34},
		{"", "2026", 34}, // the current year in Vietnam
	}
	for _, tt := range tests {
		rec := ta.do("GET", "/api/v1/sipas?"+tt.query, nil, nil)
		var out struct {
			Period    string `json:"period"`
			Provinces []any  `json:"provinces"`
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			t.Fatalf("%s: %d %s", tt.query, rec.Code, rec.Body.String())
		}
		if out.Period != tt.period || len(out.Provinces) != tt.provinces {
			t.Errorf("%s: period %s with %d provinces, want %s with %d", tt.query, out.Period, len(out.Provinces), tt.period, tt.provinces)
		}
	}
}

// On a page, a bad period is explained in the page's language.
func TestBadPeriodInThePageLanguage(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	tests := []struct{ target, want string }{
		{"/dashboard?year=abc", "không phải là một năm"},
		{"/dashboard?year=abc&lang=en", "is not a year"},
		{"/dashboard/province/31?from=2026-03-01&to=2026-02-01", "ở sau ngày kết thúc"},
		{"/api/v1/sipas?quarter=9", "is not 1, 2, 3 or 4"},
	}
	for _, tt := range tests {
		rec := ta.do("GET", tt.target, nil, nil)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s: %d, want 400 with %q:\n%s", tt.target, rec.Code, tt.want, rec.Body.String())
		}
	}
}
