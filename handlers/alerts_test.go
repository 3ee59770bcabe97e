package handlers

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sipas/models"
	"sipas/survey"
)

// alertsApp is the test app with two counters of one office in Hải Phòng: demo-31, whose
// answers fell from 90 % to 30 % satisfied over the last 10 days (before 10 March 2026),
// and steady-31, steady at 90 %.
func alertsApp(t *testing.T) *testApp {
	t.Helper()
	ta := newTestApp(t, DefaultConfig())
	ctx := context.Background()
	office, err := ta.store.EnsureOffice(ctx, ta.counter.ProvinceID, "demo-31", "Bộ phận Một cửa Hải Phòng")
	if err != nil {
		t.Fatal(err)
	}
	steady, err := ta.store.EnsureCounter(ctx, office, "steady-31", "Quầy 2")
	if err != nil {
		t.Fatal(err)
	}
	start := vnDay(2025, 11, 25)
	for d := 0; d <= 104; d++ {
		day := start.AddDate(0, 0, d)
		sat := 9
		if d >= 95 {
			sat = 3
		}
		storeShares(t, ta.store, ta.counter, day, 10, sat)
		storeShares(t, ta.store, steady, day, 10, 9)
	}
	return ta
}

// webhookSink records what is posted to it.
type webhookSink struct {
	mu     sync.Mutex
	bodies []string
}

func (w *webhookSink) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	w.bodies = append(w.bodies, string(b))
	w.mu.Unlock()
	rw.WriteHeader(http.StatusNoContent)
}

func TestAlertsFlow(t *testing.T) {
	ta := alertsApp(t)
	addUser(t, ta.store, "hp", survey.RoleOfficial, "31", "")
	addUser(t, ta.store, "dn", survey.RoleOfficial, "48", "")
	sink := &webhookSink{}
	hook := httptest.NewServer(sink)
	defer hook.Close()

	if rec := ta.do("POST", "/admin/alerts/webhook", url.Values{"webhook": {"ftp://x"}}, nil); rec.Code != 400 {
		t.Errorf("a bad webhook URL: %d", rec.Code)
	}
	if rec := ta.do("POST", "/admin/alerts/webhook", url.Values{"webhook": {hook.URL + "/sipas"}}, nil); rec.Code != 303 {
		t.Fatalf("set webhook: %d", rec.Code)
	}
	if rec := ta.do("POST", "/admin/alerts/scan", url.Values{}, nil); rec.Code != 303 {
		t.Fatalf("scan: %d %.300s", rec.Code, rec.Body)
	}

	var doc struct {
		Alerts []map[string]any `json:"alerts"`
	}
	hp := signIn(t, ta.router, "hp")
	rec := hp.do("GET", "/api/v1/alerts?lang=en", nil, nil)
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
		t.Fatalf("alerts API: %d %.300s", rec.Code, rec.Body)
	}
	var counter map[string]any
	for _, a := range doc.Alerts {
		if a["unit"] == "counter" {
			counter = a
		}
	}
	if counter == nil || counter["code"] != "demo-31" || counter["province"] != "31" || counter["since"] != "2026-02-28" ||
		counter["drop"].(float64) != 60 || counter["responses"].(float64) != 100 || counter["name"] != "Quầy 1" {
		t.Fatalf("counter alert %v (of %d)", counter, len(doc.Alerts))
	}
	for _, key := range []string{"before", "after", "criteria", "detected_at", "acknowledged"} {
		if _, ok := counter[key]; !ok {
			t.Errorf("the alert has no %q", key)
		}
	}
	if before := counter["before"].(map[string]any); before["sipas"].(float64) != 90 || len(before["ci95"].([]any)) != 2 {
		t.Errorf("before %v", before)
	}
	if crit := counter["criteria"].([]any); len(crit) != 3 || !strings.Contains(crit[0].(map[string]any)["text"].(string), "One-Stop-Shop") {
		t.Errorf("criteria %v", crit)
	}
	for _, a := range doc.Alerts {
		if a["code"] == "steady-31" {
			t.Error("the steady counter raised an alert")
		}
	}
	// Scope: Đà Nẵng's official sees none; nobody signed in gets 401.
	var other struct{ Alerts []any }
	if rec := signIn(t, ta.router, "dn").do("GET", "/api/v1/alerts", nil, nil); json.Unmarshal(rec.Body.Bytes(), &other) != nil || len(other.Alerts) != 0 {
		t.Errorf("Đà Nẵng sees %d alerts", len(other.Alerts))
	}
	if rec := newClient(t, ta.router).do("GET", "/api/v1/alerts", nil, nil); rec.Code != 401 {
		t.Errorf("anonymous: %d", rec.Code)
	}

	// The dashboards of those whose scope covers the unit show it.
	if body := hp.do("GET", "/dashboard/province/31", nil, nil).Body.String(); !strings.Contains(body, ">Quầy 1</a>") || !strings.Contains(body, "90,00 % → 30,00 %") {
		t.Error("the province dashboard does not show the alert")
	}
	if body := hp.do("GET", "/dashboard", nil, nil).Body.String(); !strings.Contains(body, "cảnh báo sớm đang mở trong phạm vi của bạn") {
		t.Error("the national dashboard of Hải Phòng's official has no alert banner")
	}
	for _, cl := range []*client{signIn(t, ta.router, "dn"), newClient(t, ta.router)} {
		if body := cl.do("GET", "/dashboard", nil, nil).Body.String(); strings.Contains(body, "cảnh báo sớm đang mở") {
			t.Error("an alert banner outside the alert's scope")
		}
	}

	// The webhook receives each new alert once.
	if err := ta.app.DeliverAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := ta.app.DeliverAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	bodies := append([]string(nil), sink.bodies...)
	sink.mu.Unlock()
	if len(bodies) != len(doc.Alerts) || !strings.Contains(strings.Join(bodies, ""), `"event":"alert.opened"`) ||
		!strings.Contains(strings.Join(bodies, ""), `"code":"demo-31"`) {
		t.Errorf("webhook got %d posts for %d alerts: %.300s", len(bodies), len(doc.Alerts), strings.Join(bodies, "\n"))
	}

	// A feed link reads the same alerts without a session, until it is revoked.
	page := hp.do("POST", "/alerts/feed", url.Values{}, nil).Body.String()
	m := regexp.MustCompile(`value="(http://[^"]+/feeds/alerts/[^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no feed link on the page: %.500s", page)
	}
	feedPath := strings.TrimPrefix(m[1], "http://example.com")
	rec = newClient(t, ta.router).do("GET", feedPath, nil, nil)
	var feed struct {
		Entries []struct {
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") ||
		xml.Unmarshal(rec.Body.Bytes(), &feed) != nil || len(feed.Entries) != len(doc.Alerts) ||
		!strings.Contains(rec.Body.String(), "Quầy 1 (Thành phố Hải Phòng)") {
		t.Fatalf("feed: %d %s %.400s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if rec := hp.do("POST", "/alerts/feed/revoke", url.Values{}, nil); rec.Code != 303 {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if rec := newClient(t, ta.router).do("GET", feedPath, nil, nil); rec.Code != 404 {
		t.Errorf("a revoked feed link: %d", rec.Code)
	}

	// An official acknowledges the counter's alert with a note; the note is required.
	id := int(counter["id"].(float64))
	ack := "/alerts/" + strconv.Itoa(id) + "/acknowledge"
	if rec := hp.do("POST", ack, url.Values{"note": {"  "}}, nil); rec.Code != 400 || !strings.Contains(rec.Body.String(), "Hãy ghi vài lời") {
		t.Errorf("an empty note: %d", rec.Code)
	}
	if rec := signIn(t, ta.router, "dn").do("POST", ack, url.Values{"note": {"x"}}, nil); rec.Code != 404 {
		t.Errorf("Đà Nẵng acknowledging Hải Phòng's alert: %d", rec.Code)
	}
	if rec := hp.do("POST", ack, url.Values{"note": {"Đã họp với quầy 1"}}, nil); rec.Code != 303 {
		t.Fatalf("acknowledge: %d %.300s", rec.Code, rec.Body)
	}
	if kinds := kindsOf(t, ta.store, models.AuditFilter{Kind: "alert.acknowledge"}); len(kinds) != 1 {
		t.Errorf("%d acknowledge events", len(kinds))
	}
	if body := hp.do("GET", "/alerts", nil, nil).Body.String(); !strings.Contains(body, "Đã xác nhận: hp") || !strings.Contains(body, "Đã họp với quầy 1") {
		t.Error("the alerts page does not show the acknowledgement")
	}
}
