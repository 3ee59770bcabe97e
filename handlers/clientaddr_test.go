package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sipas/models"
	"sipas/survey"
)

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "", want: ""},
		{in: "10.0.0.0/8", want: "10.0.0.0/8"},
		{in: " 10.1.2.3/8 , 192.0.2.10", want: "10.0.0.0/8,192.0.2.10/32"},
		{in: "fd00::/8,::1", want: "fd00::/8,::1/128"},
		{in: "::ffff:192.0.2.1", want: "192.0.2.1/32"},
		{in: "10.0.0.0/33", bad: true},
		{in: "proxy.example", bad: true},
		{in: "10.0.0.0/8;10.1.0.0/16", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseTrustedProxies(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("%q: %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("%q: %q %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestClientAddr(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		trusted TrustedProxies
		peer    string
		xff     []string // one header line each
		realIP  string
		want    string
	}{
		{name: "no proxy trusted: the peer, whatever the headers say", peer: "198.51.100.7:5000",
			xff: []string{"203.0.113.9"}, realIP: "203.0.113.10", want: "198.51.100.7"},
		{name: "untrusted peer's headers are ignored", trusted: proxies, peer: "198.51.100.7:5000",
			xff: []string{"203.0.113.9"}, realIP: "203.0.113.10", want: "198.51.100.7"},
		{name: "trusted proxy, one hop", trusted: proxies, peer: "10.0.0.2:443", xff: []string{"203.0.113.9"}, want: "203.0.113.9"},
		{name: "forged left part is skipped", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"1.2.3.4, 203.0.113.9"}, want: "203.0.113.9"},
		{name: "two trusted proxies", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"1.2.3.4, 203.0.113.9, 10.9.9.9"}, want: "203.0.113.9"},
		{name: "several header lines read as one list", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"1.2.3.4", "203.0.113.9", "10.9.9.9"}, want: "203.0.113.9"},
		{name: "only trusted hops: the leftmost", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"10.1.1.1, 10.2.2.2"}, want: "10.1.1.1"},
		{name: "malformed hop: the peer", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"203.0.113.9, bogus"}, want: "10.0.0.2"},
		{name: "a port in the header is malformed", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"203.0.113.9:8080"}, want: "10.0.0.2"},
		{name: "an empty hop is malformed", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"203.0.113.9,,10.1.1.1"}, want: "10.0.0.2"},
		{name: "unknown is malformed", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"unknown"}, want: "10.0.0.2"},
		{name: "IPv6 in brackets", trusted: proxies, peer: "[2001:db8::1]:443",
			xff: []string{"[2001:db9::5]"}, want: "2001:db9::5"},
		{name: "IPv4-mapped IPv6 reads as IPv4", trusted: proxies, peer: "[::ffff:10.0.0.2]:443",
			xff: []string{"::ffff:203.0.113.9"}, want: "203.0.113.9"},
		{name: "X-Real-IP without X-Forwarded-For", trusted: proxies, peer: "10.0.0.2:443", realIP: "203.0.113.10", want: "203.0.113.10"},
		{name: "X-Forwarded-For wins over X-Real-IP", trusted: proxies, peer: "10.0.0.2:443",
			xff: []string{"203.0.113.9"}, realIP: "203.0.113.10", want: "203.0.113.9"},
		{name: "malformed X-Real-IP: the peer", trusted: proxies, peer: "10.0.0.2:443", realIP: "203.0.113.10, 1.2.3.4", want: "10.0.0.2"},
		{name: "trusted proxy without headers: the peer", trusted: proxies, peer: "10.0.0.2:443", want: "10.0.0.2"},
		{name: "a peer without port", peer: "198.51.100.7", want: "198.51.100.7"},
		{name: "a peer that is no address is kept as it is", trusted: proxies, peer: "@", xff: []string{"203.0.113.9"}, want: "@"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		for _, v := range tt.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if tt.realIP != "" {
			r.Header.Set("X-Real-IP", tt.realIP)
		}
		if got := tt.trusted.clientAddr(r); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A client that writes a new X-Forwarded-For on every request is still one client to the
// kiosk rate limit; behind a trusted proxy, the clients it names are counted apart.
func TestKioskRateLimitByClientAddr(t *testing.T) {
	post := func(ta *testApp, peer, xff string) int {
		form := allCriteria("4")
		form.Set("response_id", uuid.NewString())
		form.Set("lang", "en")
		req := httptest.NewRequest("POST", "/kiosk/demo-31", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = peer
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		ta.router.ServeHTTP(rec, req)
		if rec.Code == http.StatusTooManyRequests && !strings.Contains(rec.Body.String(), "Too many submissions") {
			t.Errorf("429 not in the form's language:\n%.300s", rec.Body)
		}
		return rec.Code
	}
	cfg := Config{RateLimit: 10, MinSample: 30, Questionnaire: "sipas-counter"}

	direct := newTestApp(t, cfg)
	codes := map[int]int{}
	for i := 0; i < 12; i++ {
		codes[post(direct, "198.51.100.7:5000", "203.0.113."+strconv.Itoa(i))]++
	}
	if codes[http.StatusTooManyRequests] == 0 {
		t.Errorf("a forged X-Forwarded-For per request escaped the limit: %v", codes)
	}

	proxies, err := ParseTrustedProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TrustedProxies = proxies
	proxied := newTestApp(t, cfg)
	codes = map[int]int{}
	for i := 0; i < 12; i++ {
		codes[post(proxied, "10.0.0.2:443", "203.0.113."+strconv.Itoa(i))]++
	}
	if codes[http.StatusSeeOther] != 12 {
		t.Errorf("12 citizens behind a trusted proxy, one submission each: %v, want 12 × 303", codes)
	}
	codes = map[int]int{}
	for i := 0; i < 12; i++ {
		codes[post(proxied, "10.0.0.2:443", "192.0.2.50")]++
	}
	if codes[http.StatusTooManyRequests] == 0 {
		t.Errorf("one client behind a trusted proxy, 12 quick submissions: %v, want some 429", codes)
	}
}

// Sessions and the audit log keep the address the trusted proxy names, not the proxy's.
func TestAuditKeepsTheForwardedAddress(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	ta := newBareApp(t, Config{RateLimit: 30, MinSample: 30, Questionnaire: "sipas-counter", TrustedProxies: proxies})
	addUser(t, ta.store, "lan", survey.RoleOfficial, "31", "")
	cl := newClient(t, ta.router)
	cl.addr = "10.0.0.2:443"
	fwd := map[string]string{"X-Forwarded-For": "198.51.100.23"}
	cl.do("GET", "/login", nil, fwd)
	if rec := cl.do("POST", "/login", url.Values{"name": {"lan"}, "password": {"wrong password!!"}}, fwd); rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", rec.Code)
	}
	if rec := cl.do("POST", "/login", url.Values{"name": {"lan"}, "password": {testPassword}}, fwd); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in: %d", rec.Code)
	}
	for _, kind := range []string{"auth.login_failed", "auth.login"} {
		var events []models.AuditEvent
		if err := ta.store.EachAuditEvent(context.Background(), models.AuditFilter{Kind: kind}, func(ev models.AuditEvent) error {
			events = append(events, ev)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].ClientAddr != "198.51.100.23" {
			t.Errorf("%s: %+v, want one event from 198.51.100.23", kind, events)
		}
	}
}
