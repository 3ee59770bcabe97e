package handlers

import (
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sipas/static"
	"sipas/survey"
	"sipas/views"
)

// routeParams fills the parameters of the router's paths with values that exist in the
// test app; a route with a parameter missing here fails the test, so that none is skipped.
var routeParams = map[string]string{":code": "31", ":counter": "demo-31", "*": "/css/app.css", ":token": "no-such-token",
	":office": "demo-31", ":version": "1", ":file": "31.svg"}

// answersNotFound are the GET routes whose parameter names nothing the test app has (a
// setup link exists only until the first administrator): their GET is a 404 page, and
// their HEAD must be the same 404 without the page.
var answersNotFound = map[string]bool{"/setup/:token": true, "/device/:token": true, "/feeds/alerts/:token": true}

// Every GET route answers HEAD with the status and headers of its GET and no body.
func TestEveryGETRouteAnswersHEAD(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	e := ta.router
	official := addUser(t, ta.store, "official-31", survey.RoleOfficial, "31", "")
	params := maps.Clone(routeParams)
	params[":id"] = itoa(official.ID) // the users page of an account the administrator manages
	fx := newRouteFixture(t, ta)
	params[":draft"] = itoa(fx.draft)
	jobParams := map[string]string{":id": itoa(fx.job)} // an import job's page
	param := regexp.MustCompile(`:[a-z_]+|\*`)
	checked := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method != http.MethodGet || checked[r.Path] {
			continue
		}
		checked[r.Path] = true
		target := param.ReplaceAllStringFunc(r.Path, func(p string) string {
			v, ok := params[p]
			if strings.HasPrefix(r.Path, "/admin/imports/") {
				v, ok = jobParams[p]
			}
			if !ok {
				t.Errorf("%s: no test value for %s; add one to routeParams", r.Path, p)
			}
			return v
		})
		get, head := ta.do("GET", target, nil, nil), ta.do("HEAD", target, nil, nil)
		if (get.Code >= 400) != (answersNotFound[r.Path] && get.Code == http.StatusNotFound) || head.Code != get.Code || head.Body.Len() != 0 || get.Body.Len() == 0 && get.Code != http.StatusSeeOther {
			t.Errorf("%s: GET %d with %d bytes, HEAD %d with %d bytes", target, get.Code, get.Body.Len(), head.Code, head.Body.Len())
		}
		for _, h := range [][2]http.Header{{get.Header(), head.Header()}, {head.Header(), get.Header()}} {
			for k := range h[0] {
				if k != "Set-Cookie" && !slices.Equal(h[0].Values(k), h[1].Values(k)) {
					t.Errorf("%s: header %s is %q on GET, %q on HEAD", target, k, get.Header().Values(k), head.Header().Values(k))
				}
			}
		}
	}
	for _, want := range []string{"/healthz", "/dashboard", "/dashboard/province/:code", "/api/v1/sipas", "/kiosk/:counter", "/static*"} {
		if !checked[want] {
			t.Errorf("route %s not checked (checked %v)", want, slices.Sorted(maps.Keys(checked)))
		}
	}
	// Over a real connection too: the server sends no body, and the length of a file.
	srv := httptest.NewServer(ta.handler)
	defer srv.Close()
	for _, target := range []string{"/dashboard", "/static/css/app.css"} {
		res, err := http.Head(srv.URL + target)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || len(body) != 0 || strings.HasSuffix(target, ".css") && res.ContentLength <= 0 {
			t.Errorf("HEAD %s over HTTP: %d, %d bytes, length %d", target, res.StatusCode, len(body), res.ContentLength)
		}
	}
	// A HEAD of an unknown page is the GET's 404, without its body.
	if rec := ta.do("HEAD", "/nope", nil, nil); rec.Code != http.StatusNotFound || rec.Body.Len() != 0 {
		t.Errorf("HEAD /nope: %d with %d bytes", rec.Code, rec.Body.Len())
	}
}

// A static file linked with its content version may be kept for ever; any other request
// of it is revalidated with its version as ETag.
func TestStaticCaching(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	assets, err := views.LoadAssets(static.FS(), "/static/")
	if err != nil {
		t.Fatal(err)
	}
	versioned := assets.URL("css/app.css")
	version, _ := assets.Version("css/app.css")
	if !strings.Contains(versioned, "?v=") {
		t.Fatalf("asset URL %s has no version", versioned)
	}
	tests := []struct {
		target, ifNoneMatch string
		status              int
		cache               string
	}{
		{versioned, "", 200, "public, max-age=31536000, immutable"},
		{"/static/css/app.css", "", 200, "no-cache"},
		{"/static/css/app.css?v=0123456789ab", "", 200, "no-cache"}, // an old version's URL
		{"/static/css/app.css", `"` + version + `"`, http.StatusNotModified, "no-cache"},
		{"/static/css/none.css?v=" + version, "", 404, "no-cache"},
	}
	for _, tt := range tests {
		header := map[string]string{}
		if tt.ifNoneMatch != "" {
			header["If-None-Match"] = tt.ifNoneMatch
		}
		rec := ta.do("GET", tt.target, nil, header)
		if rec.Code != tt.status || rec.Header().Get("Cache-Control") != tt.cache {
			t.Errorf("%s (If-None-Match %s): %d %q, want %d %q", tt.target, tt.ifNoneMatch, rec.Code, rec.Header().Get("Cache-Control"), tt.status, tt.cache)
		}
	}
	// Pages link their assets with the version.
	if body := ta.do("GET", "/kiosk/demo-31", nil, nil).Body.String(); !strings.Contains(body, versioned) {
		t.Errorf("the kiosk page does not link %s", versioned)
	}
}
