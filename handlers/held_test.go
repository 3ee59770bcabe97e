package handlers

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"sipas/models"
	"sipas/survey"
)

// provinceFigures reads Hải Phòng's responses, SIPAS and held count from its API.
func provinceFigures(t *testing.T, ta *testApp) (responses int64, sipas float64, held int64) {
	t.Helper()
	rec := ta.do("GET", "/api/v1/sipas/provinces/31?year=2026", nil, nil)
	var doc struct {
		Responses int64   `json:"responses"`
		SIPAS     float64 `json:"sipas"`
		Held      int64   `json:"held"`
		Counters  []struct {
			Code string `json:"code"`
			Held int64  `json:"held"`
		} `json:"counters"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
		t.Fatalf("province API: %d %.200s", rec.Code, rec.Body)
	}
	for _, c := range doc.Counters {
		if c.Code == "demo-31" && c.Held != doc.Held {
			t.Errorf("counter demo-31 held %d, the province %d", c.Held, doc.Held)
		}
	}
	return doc.Responses, doc.SIPAS, doc.Held
}

// 50 identical presses in a minute at one kiosk: every one is acknowledged as usual, all
// are held, the province's figure does not move until an administrator includes them.
func TestKioskBurstIsHeld(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RateLimit = 0 // an office behind one address: the burst is the checks' to catch
	ta := newTestApp(t, cfg)
	storeShares(t, ta.store, ta.counter, vnDay(2026, 3, 2), 40, 30) // 75 % before
	n0, s0, h0 := provinceFigures(t, ta)
	if n0 != 40 || s0 != 75 || h0 != 0 {
		t.Fatalf("before: %d responses, %v, %d held", n0, s0, h0)
	}
	kiosk := newClient(t, ta.router)
	for i := range 50 {
		ta.clock.set(ta.now.Add(time.Duration(i) * time.Second))
		form := allCriteria("5")
		form.Set("response_id", uuid.NewString())
		if rec := kiosk.do("POST", "/kiosk/demo-31", form, nil); rec.Code != 303 || !strings.Contains(rec.Header().Get("Location"), "/thanks") {
			t.Fatalf("press %d: %d", i, rec.Code)
		}
	}
	n1, s1, h1 := provinceFigures(t, ta)
	if n1 != 40 || s1 != 75 || h1 != 50 {
		t.Fatalf("after the burst: %d responses, %v, %d held; want 40, 75, 50", n1, s1, h1)
	}
	var national struct {
		National  struct{ Held int64 }
		Provinces []struct {
			Code string
			Held int64
		}
	}
	json.Unmarshal(ta.do("GET", "/api/v1/sipas?year=2026", nil, nil).Body.Bytes(), &national)
	if national.National.Held != 50 {
		t.Errorf("national held %d", national.National.Held)
	}
	if body := ta.do("GET", "/dashboard/province/31?year=2026", nil, nil).Body.String(); !strings.Contains(body, "50 phiếu đang tạm giữ") {
		t.Error("the province page does not show the held count")
	}

	// The review page lists them as one group of identical presses and a burst.
	page := ta.do("GET", "/admin/held", nil, nil).Body.String()
	for _, want := range []string{"Quầy 1", "Chuỗi phiếu trả lời giống hệt nhau", "Nhiều phiếu dồn dập"} {
		if !strings.Contains(page, want) {
			t.Errorf("the review page lacks %q", want)
		}
	}
	groups, err := ta.store.HeldGroups(t.Context(), models.HeldFilter{Scope: models.AllProvinces()})
	if err != nil || len(groups) == 0 {
		t.Fatalf("groups %v (%v)", groups, err)
	}
	total := int64(0)
	for _, g := range groups {
		total += g.N
	}
	if total != 50 {
		t.Errorf("%d held in the groups", total)
	}
	// A province admin of Đà Nẵng cannot review Hải Phòng's.
	addUser(t, ta.store, "dn-admin", survey.RoleProvinceAdmin, "48", "")
	dn := signIn(t, ta.router, "dn-admin")
	dn.do("GET", "/admin/held", nil, nil)
	g := groups[0]
	form := url.Values{"counter": {itoa(g.CounterID)}, "day": {strconv.Itoa(g.Day)}, "reasons": {g.Reasons}, "action": {"include"}}
	dn.do("POST", "/admin/held/review", form, nil)
	if _, _, h := provinceFigures(t, ta); h != 50 {
		t.Errorf("Đà Nẵng's admin reviewed Hải Phòng's held responses: %d left", h)
	}
	// The administrator includes every group: the figure moves.
	for _, g := range groups {
		form := url.Values{"counter": {itoa(g.CounterID)}, "day": {strconv.Itoa(g.Day)}, "reasons": {g.Reasons}, "action": {"include"}}
		if rec := ta.do("POST", "/admin/held/review", form, nil); rec.Code != 303 {
			t.Fatalf("include: %d %.200s", rec.Code, rec.Body)
		}
	}
	n2, s2, h2 := provinceFigures(t, ta)
	if n2 != 90 || s2 <= 75 || h2 != 0 {
		t.Errorf("after including: %d responses, %v, %d held", n2, s2, h2)
	}
	if kinds := kindsOf(t, ta.store, models.AuditFilter{Kind: "held.include"}); len(kinds) != len(groups) {
		t.Errorf("%d audit events for %d groups", len(kinds), len(groups))
	}
}

// A response outside opening hours is held; the thresholds are configurable.
func TestKioskHoursAndRules(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	post := func(at time.Time) {
		t.Helper()
		ta.clock.set(at)
		form := allCriteria("4")
		form.Set("response_id", uuid.NewString())
		if rec := newClient(t, ta.router).do("POST", "/kiosk/demo-31", form, nil); rec.Code != 303 {
			t.Fatalf("post: %d", rec.Code)
		}
		ta.clock.set(ta.now) // the administrator's session is of 09:00
	}
	// By default a response is not held for the hour it comes at.
	post(time.Date(2026, 3, 10, 22, 0, 0, 0, survey.VietnamTime()))
	if n, _, h := provinceFigures(t, ta); h != 0 || n != 1 {
		t.Errorf("at 22:00 by default: %d counted, %d held; want 1 and 0", n, h)
	}
	bad := url.Values{"enabled": {"on"}, "burst_count": {"1"}, "burst_minutes": {"5"}, "run_length": {"6"}, "run_minutes": {"30"}}
	if rec := ta.do("POST", "/admin/held/rules", bad, nil); rec.Code != 400 || !strings.Contains(rec.Body.String(), "từ 2 đến 1000") {
		t.Errorf("bad rules: %d", rec.Code)
	}
	good := url.Values{"enabled": {"on"}, "burst_count": {"10"}, "burst_minutes": {"5"}, "run_length": {"6"}, "run_minutes": {"30"},
		"outside_hours": {"on"}}
	if rec := ta.do("POST", "/admin/held/rules", good, nil); rec.Code != 303 {
		t.Fatalf("rules: %d %.300s", rec.Code, rec.Body)
	}
	// Turned on, the province's opening hours (the fleet's, 07:30–17:00 by default) decide.
	post(time.Date(2026, 3, 10, 22, 10, 0, 0, survey.VietnamTime()))
	post(time.Date(2026, 3, 10, 16, 59, 0, 0, survey.VietnamTime()))
	if n, _, h := provinceFigures(t, ta); h != 1 || n != 2 {
		t.Errorf("outside hours turned on, at 22:10 and 16:59: %d counted, %d held; want 2 and 1", n, h)
	}
	hours := url.Values{"open": {"07:00"}, "close": {"23:00"}, "day": {"1", "2", "3", "4", "5", "6"}}
	if rec := ta.do("POST", "/admin/provinces/31/fleet/hours", hours, nil); rec.Code != 303 {
		t.Fatalf("opening hours: %d %.300s", rec.Code, rec.Body)
	}
	post(time.Date(2026, 3, 10, 22, 30, 0, 0, survey.VietnamTime()))
	if n, _, h := provinceFigures(t, ta); h != 1 || n != 3 {
		t.Errorf("at 22:30 with hours to 23:00: %d counted, %d held; want 3 and 1", n, h)
	}
	if kinds := kindsOf(t, ta.store, models.AuditFilter{Kind: "held.rules"}); len(kinds) != 1 {
		t.Errorf("%d audit events of the rules", len(kinds))
	}
}
