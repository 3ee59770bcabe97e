package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// FuzzKioskSubmit posts arbitrary bodies to the kiosk through the real router and
// database, as a form, as multipart, as JSON or as nothing known: the answer is never a
// 5xx (a panic would be one), a 303 only for a form that reads and stores a response
// exactly once under its UUID, and nothing else stores anything.
func FuzzKioskSubmit(f *testing.F) {
	ta := newTestApp(f, Config{MinSample: 30, Questionnaire: "sipas-counter"})
	valid := allCriteria("4")
	valid.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	for _, s := range []string{valid.Encode(), valid.Encode() + "&E1.1=5", "response_id=0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a12&E1.1=4&field=land&P1=1",
		"response_id=x&E1.1=4", "E1.1=%FF", "%ZZ", "response_id=0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a13&E1.1=4;E1.2=5",
		"--b\r\nContent-Disposition: form-data; name=\"E1.1\"\r\n\r\n4\r\n--b--\r\n", `{"E1.1":4}`} {
		for kind := range 4 {
			f.Add(fmt.Sprint(kind) + s) // the first character picks the content type
		}
	}
	types := []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "application/json", ""}
	ctx := context.Background()
	acknowledged := map[string]bool{}
	f.Fuzz(func(t *testing.T, input string) {
		if input == "" {
			return
		}
		ct, body := types[int(input[0])%len(types)], input[1:]
		before, err := ta.store.CountResponses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", "/kiosk/demo-31", strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		rec := httptest.NewRecorder()
		ta.router.ServeHTTP(rec, req)
		after, err := ta.store.CountResponses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch rec.Code {
		case http.StatusSeeOther:
			form := req.PostForm // the form as the handler read it: an urlencoded body is parsed apart
			if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
				form, _ = url.ParseQuery(body)
			}
			id, err := uuid.Parse(form.Get("response_id"))
			if err != nil || len(form["response_id"]) != 1 {
				t.Fatalf("%q: acknowledged without one UUID: %q", body, form["response_id"])
			}
			stored := int64(1)
			if acknowledged[id.String()] {
				stored = 0 // a retry: acknowledged again, stored once
			}
			acknowledged[id.String()] = true
			if after != before+stored {
				t.Fatalf("%q: acknowledged; %d responses before, %d after", body, before, after)
			}
		case http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge:
			if after != before {
				t.Fatalf("%q: refused with %d, but %d responses before, %d after", body, rec.Code, before, after)
			}
		default:
			t.Fatalf("%q: %d\n%s", body, rec.Code, rec.Body)
		}
	})
}

// FuzzClientAddr feeds the client address arbitrary peers and forwarding headers: it never
// panics, without trusted proxies it is always the peer, and behind one it is the peer
// or an address one of the headers holds.
func FuzzClientAddr(f *testing.F) {
	for _, s := range [][3]string{{"10.0.0.2:443", "203.0.113.9", ""}, {"10.0.0.2:443", "1.2.3.4, 203.0.113.9, 10.9.9.9", ""},
		{"10.0.0.2:443", "", "203.0.113.10"}, {"[2001:db8::1]:443", "[2001:db9::5]", ""}, {"198.51.100.7:5000", "203.0.113.9", "1.1.1.1"},
		{"10.0.0.2:443", "bogus", "x"}, {"@", "203.0.113.9", ""}, {"[::ffff:10.0.0.2]:1", "::ffff:203.0.113.9", ""}, {"10.0.0.2:443", ",,", ""}} {
		f.Add(s[0], s[1], s[2])
	}
	trusted, err := ParseTrustedProxies("10.0.0.0/8,2001:db8::/32")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, peer, xff, realIP string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = peer
		r.Header.Set("X-Forwarded-For", xff)
		r.Header.Set("X-Real-IP", realIP)
		direct := TrustedProxies(nil).clientAddr(r)
		if a, ok := peerAddr(peer); ok && direct != a.String() || !ok && direct != peer {
			t.Fatalf("no trusted proxy, peer %q: %q", peer, direct)
		}
		got := trusted.clientAddr(r)
		if got == direct {
			return
		}
		named := map[string]bool{}
		for _, item := range append(strings.Split(xff, ","), realIP) {
			if a, ok := headerAddr(item); ok {
				named[a.String()] = true
			}
		}
		if !named[got] {
			t.Fatalf("peer %q, X-Forwarded-For %q, X-Real-IP %q: %q is neither the peer nor an address they name", peer, xff, realIP, got)
		}
	})
}
