package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sipas/survey"
)

func TestProvinceReport(t *testing.T) {
	ta := alertsApp(t)
	ta.do("POST", "/admin/alerts/scan", url.Values{}, nil)
	tests := []struct {
		target string
		want   []string
	}{
		{"/report/province/31?year=2026", []string{"Báo cáo chỉ số hài lòng", "Thành phố Hải Phòng", "1. Tóm tắt", "Dự báo kết quả chính thức năm 2026",
			"2. Năm yếu tố", "3. 5 tiêu chí thấp nhất", "4. Xếp hạng các cơ quan", "5. Cảnh báo sớm trong kỳ", "Quầy 1", "6. Phiếu tạm giữ",
			"7. Phương pháp", "css/report.css"}},
		{"/report/province/31?year=2026&lang=en", []string{"Report on satisfaction", "The 5 weakest criteria", "Early alerts of the period", "Quầy 1"}},
		// a past year: no projection, and the alerts opened in 2026 are not of it
		{"/report/province/31?year=2025", []string{"Không có cảnh báo nào trong kỳ."}},
	}
	for _, tt := range tests {
		rec := ta.do("GET", tt.target, nil, nil)
		body := rec.Body.String()
		if rec.Code != 200 {
			t.Errorf("%s: %d", tt.target, rec.Code)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", tt.target, w)
			}
		}
	}
	if body := ta.do("GET", "/report/province/31?year=2025", nil, nil).Body.String(); strings.Contains(body, "Dự báo kết quả chính thức") {
		t.Error("a past year's report has a projection")
	}
	addUser(t, ta.store, "dn", survey.RoleOfficial, "48", "")
	if rec := signIn(t, ta.router, "dn").do("GET", "/report/province/31", nil, nil); rec.Code != 403 {
		t.Errorf("Đà Nẵng's official reading Hải Phòng's report: %d", rec.Code)
	}
}
