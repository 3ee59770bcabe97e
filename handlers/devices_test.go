package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"sipas/models"
	"sipas/survey"
)

var deviceLinkURL = regexp.MustCompile(`/device/([A-Za-z0-9_-]{20,})\?lang=`)

// registerDevice makes a registration link for counter as admin (a signed-in browser)
// and opens it on a fresh browser, the tablet, which names the device.
func registerDevice(t *testing.T, ta *testApp, admin *client, counter, name string) *client {
	t.Helper()
	rec := admin.do("POST", "/admin/provinces/31/counters/"+counter+"/devices", url.Values{}, nil)
	m := deviceLinkURL.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil || !strings.Contains(rec.Body.String(), `<svg class="qr"`) {
		t.Fatalf("registration link: %d, link %v", rec.Code, m)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the link may be cached: %q", cc)
	}
	tablet := newClient(t, ta.router)
	if rec := tablet.do("GET", "/device/"+m[1], nil, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `name="name"`) {
		t.Fatalf("the tablet opens the link: %d", rec.Code)
	}
	rec = tablet.do("POST", "/device/"+m[1], url.Values{"name": {name}}, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/kiosk/"+counter+"?lang=vi" {
		t.Fatalf("register: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == deviceCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.Path != "/kiosk" || cookie.MaxAge < 300*24*3600 || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("device cookie %+v", cookie)
	}
	if rec := tablet.do("POST", "/device/"+m[1], url.Values{"name": {"again"}}, nil); rec.Code != http.StatusNotFound {
		t.Errorf("a used link registers again: %d", rec.Code)
	}
	return tablet
}

// kioskPost submits a response as the kiosk script does (JSON), with its report headers.
func kioskPost(cl *client, counter string, queue string) (int, map[string]any) {
	form := allCriteria("4")
	form.Set("response_id", uuid.NewString())
	token := cl.csrf
	cl.csrf = "" // a kiosk's form carries no CSRF token
	defer func() { cl.csrf = token }()
	rec := cl.do("POST", "/kiosk/"+counter, form, map[string]string{"Accept": "application/json",
		headerKioskVersion: "test-v1", headerKioskQueue: queue})
	var body map[string]any
	json.Unmarshal(rec.Body.Bytes(), &body)
	return rec.Code, body
}

// A counter that requires a registered device refuses everyone else, with a message the
// kiosk shows and a code its script acts on; a revoked device, or one of another counter,
// is refused too. The phone link stays open to citizens.
func TestKioskDeviceRules(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	addUser(t, ta.store, "hp.admin", survey.RoleProvinceAdmin, "31", "")
	admin := signIn(t, ta.router, "hp.admin")
	// a second counter, which requires a device too
	admin.do("POST", "/admin/provinces/31/offices/demo-31/counters", url.Values{"code": {"hp-2"}, "name": {"Quầy 2"}, "requires_device": {"on"}}, nil)
	if rec := admin.do("POST", "/admin/provinces/31/counters/demo-31", url.Values{"name": {"Quầy 1"}, "requires_device": {"on"}}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("require a device: %d %s", rec.Code, rec.Body)
	}
	tablet := registerDevice(t, ta, admin, "demo-31", "Máy tính bảng quầy 1")
	other := registerDevice(t, ta, admin, "hp-2", "Máy quầy 2")
	nobody := newClient(t, ta.router)

	// the page of an unregistered browser says how to register, in its language
	rec := nobody.do("GET", "/kiosk/demo-31?lang=en", nil, nil)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "Create a device registration link") ||
		!strings.Contains(rec.Body.String(), `href="/q/demo-31?lang=en"`) || strings.Contains(rec.Body.String(), `id="kiosk-form"`) {
		t.Errorf("unregistered kiosk page: %d\n%.600s", rec.Code, rec.Body)
	}
	if rec := tablet.do("GET", "/kiosk/demo-31", nil, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-ping-url="/kiosk/demo-31/ping"`) {
		t.Errorf("registered kiosk page: %d", rec.Code)
	}

	before := responseCount(t, ta)
	tests := []struct {
		name   string
		cl     *client
		status int
		code   string
	}{
		{"an unregistered browser", nobody, http.StatusForbidden, "device_unregistered"},
		{"the registered tablet", tablet, http.StatusOK, ""},
		{"a device of another counter", other, http.StatusForbidden, "device_elsewhere"},
	}
	for _, tt := range tests {
		status, body := kioskPost(tt.cl, "demo-31", "0")
		if status != tt.status || tt.code != "" && (body["code"] != tt.code || body["error"] == "") {
			t.Errorf("%s: %d %v, want %d %s", tt.name, status, body, tt.status, tt.code)
		}
	}
	if got := responseCount(t, ta); got != before+1 {
		t.Errorf("%d responses stored, want 1", got-before)
	}
	// citizens' phones are not kiosks: the short link takes answers from any browser
	form := allCriteria("5")
	form.Set("response_id", uuid.NewString())
	nobody.csrf = ""
	if rec := nobody.do("POST", "/q/demo-31", form, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("the phone link: %d %s", rec.Code, rec.Body)
	}
	var channel string
	ta.rawDB(t).QueryRow(`SELECT channel FROM responses WHERE uuid = ?`, form.Get("response_id")).Scan(&channel)
	if channel != "online" {
		t.Errorf("a phone's response has channel %q", channel)
	}

	// revoked: refused, with the code that makes the script drop what it queued
	devices, _ := ta.store.Devices(context.Background(), ta.counter.ID)
	if rec := admin.do("POST", "/admin/provinces/31/devices/"+itoa(devices[0].ID)+"/revoke", url.Values{}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if status, body := kioskPost(tablet, "demo-31", "0"); status != http.StatusForbidden || body["code"] != "device_revoked" {
		t.Errorf("a revoked device: %d %v", status, body)
	}
	if rec := tablet.do("GET", "/kiosk/demo-31?lang=en", nil, nil); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "revoked") {
		t.Errorf("a revoked device's page: %d", rec.Code)
	}
	// Đà Nẵng's admin cannot revoke or rename Hải Phòng's devices, even through its own province's path
	addUser(t, ta.store, "dn.admin", survey.RoleProvinceAdmin, "48", "")
	dn := signIn(t, ta.router, "dn.admin")
	if rec := dn.do("POST", "/admin/provinces/48/devices/"+itoa(devices[0].ID), url.Values{"name": {"x"}}, nil); rec.Code != http.StatusNotFound {
		t.Errorf("another province's device through its own path: %d", rec.Code)
	}
}

// A registered device's contacts are written at most once a minute, with the script's
// version and queue; its responses are counted per day and shown on the fleet page.
func TestDeviceContactAndFleet(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	addUser(t, ta.store, "hp.admin", survey.RoleProvinceAdmin, "31", "")
	admin := signIn(t, ta.router, "hp.admin")
	tablet := registerDevice(t, ta, admin, "demo-31", "Máy tính bảng quầy 1")
	ctx := context.Background()
	device := func() models.Device {
		ds, err := ta.store.Devices(ctx, ta.counter.ID)
		if err != nil || len(ds) != 1 {
			t.Fatalf("devices %v %v", ds, err)
		}
		return ds[0]
	}
	ta.clock.set(ta.clock.now().Add(2 * time.Minute))
	ping := func(queue string) int {
		return tablet.do("POST", "/kiosk/demo-31/ping", url.Values{}, map[string]string{headerKioskVersion: "abc123", headerKioskQueue: queue}).Code
	}
	if code := ping("3"); code != http.StatusNoContent {
		t.Fatalf("ping: %d", code)
	}
	if d := device(); d.AppVersion != "abc123" || d.Queue != 3 || !d.LastSeenAt.Equal(ta.clock.now()) {
		t.Errorf("after a ping: %+v", d)
	}
	ta.clock.set(ta.clock.now().Add(20 * time.Second))
	ping("5") // within the minute: not written
	if d := device(); d.Queue != 3 {
		t.Errorf("a contact within the minute was written: queue %d", d.Queue)
	}
	for range 2 {
		if status, _ := kioskPost(tablet, "demo-31", "5"); status != http.StatusOK {
			t.Fatalf("submit: %d", status)
		}
	}
	rec := admin.do("GET", "/admin/provinces/31/fleet?lang=en", nil, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Máy tính bảng quầy 1") || !strings.Contains(body, `<td class="num">2</td>`) {
		t.Errorf("fleet page: %d\n%s", rec.Code, body)
	}
	// an hour later, in opening hours (a Tuesday morning), still silent: flagged
	ta.clock.set(ta.clock.now().Add(time.Hour))
	admin = signIn(t, ta.router, "hp.admin") // the session was idle for longer than allowed
	if body := admin.do("GET", "/admin/provinces/31/fleet?lang=en", nil, nil).Body.String(); !strings.Contains(body, "Silent 1 h") {
		t.Errorf("a silent device is not flagged:\n%s", body)
	}
	// opening hours: a bad form is refused next to its field, a good one audited
	if rec := admin.do("POST", "/admin/provinces/31/fleet/hours", url.Values{"open": {"17:00"}, "close": {"08:00"}, "day": {"1"}}, nil); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `id="close-error"`) {
		t.Errorf("hours closing before opening: %d", rec.Code)
	}
	if rec := admin.do("POST", "/admin/provinces/31/fleet/hours", url.Values{"open": {"07:00"}, "close": {"11:30"}, "day": {"1", "2", "6"}}, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("hours: %d %s", rec.Code, rec.Body)
	}
	h, _ := ta.store.OpeningHours(ctx, provinceID(t, ta.store, "31"))
	if h.String() != "07:00-11:30 mon,tue,sat" {
		t.Errorf("hours %s", h)
	}
}
