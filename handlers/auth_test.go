package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sipas/models"
	"sipas/survey"
)

// kindsOf lists the kinds of the audit events f selects, oldest first.
func kindsOf(t *testing.T, store *models.Store, f models.AuditFilter) []string {
	t.Helper()
	var out []string
	if err := store.EachAuditEvent(context.Background(), f, func(ev models.AuditEvent) error {
		out = append(out, ev.Kind)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLoginLogoutAndFixation(t *testing.T) {
	ta := newBareApp(t, DefaultConfig())
	addUser(t, ta.store, "lan", survey.RoleOfficial, "31", "")
	cl := newClient(t, ta.router)
	rec := cl.do("GET", "/login?next=/dashboard/province/31", nil, nil)
	for _, piece := range []string{`<form method="post" action="/login"`, `type="text" id="name" name="name"`,
		`type="password" id="password"`, `type="hidden" name="csrf_token"`, `name="next" value="/dashboard/province/31"`} {
		if !strings.Contains(rec.Body.String(), piece) {
			t.Errorf("the sign-in page lacks %s", piece)
		}
	}
	anonymous := cl.cookies[sessionName]

	for _, tt := range []struct{ name, password string }{{"lan", "wrong password!!"}, {"nobody", testPassword}} {
		rec = cl.do("POST", "/login", url.Values{"name": {tt.name}, "password": {tt.password}}, nil)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "Tên đăng nhập hoặc mật khẩu không đúng") ||
			!strings.Contains(rec.Body.String(), `aria-describedby="login-error"`) {
			t.Fatalf("%s/%s: %d %s", tt.name, tt.password, rec.Code, rec.Body)
		}
	}
	rec = cl.do("POST", "/login", url.Values{"name": {" Lan "}, "password": {testPassword}, "next": {"/dashboard/province/31"}}, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/dashboard/province/31" {
		t.Fatalf("sign-in: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	signedIn := cl.cookies[sessionName]
	if signedIn.Value == anonymous.Value {
		t.Fatal("the cookie did not change at sign-in")
	}
	if rec := cl.do("GET", "/account", nil, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "lan (cán bộ)") {
		t.Fatalf("account page: %d", rec.Code)
	}
	// the cookie from before the sign-in signs nobody in (no fixation)
	old := newClient(t, ta.router)
	old.cookies[sessionName] = anonymous
	if rec := old.do("GET", "/account", nil, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("the anonymous cookie after sign-in: %d", rec.Code)
	}
	// a return address off the site goes to the dashboard
	other := newClient(t, ta.router)
	other.do("GET", "/login", nil, nil)
	if rec := other.do("POST", "/login", url.Values{"name": {"lan"}, "password": {testPassword}, "next": {"//evil.example/x"}}, nil); rec.Header().Get("Location") != "/dashboard" {
		t.Errorf("next=//evil.example: Location %q", rec.Header().Get("Location"))
	}

	// sign-out is a POST with the token; a GET is not a route
	if rec := cl.do("GET", "/logout", nil, nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: %d", rec.Code)
	}
	if rec := cl.do("POST", "/logout", url.Values{csrfField: {"forged"}}, nil); rec.Code != http.StatusForbidden {
		t.Errorf("sign-out with a wrong token: %d", rec.Code)
	}
	if rec := cl.do("POST", "/logout", url.Values{}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", rec.Code)
	}
	if rec := cl.do("GET", "/login", nil, nil); !strings.Contains(rec.Body.String(), "Bạn đã đăng xuất") {
		t.Error("no notice after signing out")
	}
	replay := newClient(t, ta.router)
	replay.cookies[sessionName] = signedIn
	if rec := replay.do("GET", "/account", nil, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("the signed-out cookie replayed: %d", rec.Code)
	}
	got := strings.Join(kindsOf(t, ta.store, models.AuditFilter{Kind: ""}), " ")
	if want := "user.create auth.login_failed auth.login_failed auth.login auth.login access.refused auth.logout"; got != want {
		t.Errorf("audit log %q, want %q", got, want)
	}
}

// A session ends after -session-idle without a request, and 12 hours after sign-in
// whatever its use; the clock is the app's.
func TestSessionExpiry(t *testing.T) {
	ta := newBareApp(t, DefaultConfig())
	addUser(t, ta.store, "lan", survey.RoleOfficial, "31", "")
	at := func(d time.Duration) { ta.clock.set(ta.now.Add(d)) }
	status := func(cl *client) int { return cl.do("GET", "/account", nil, nil).Code }

	cl := signIn(t, ta.router, "lan")
	at(29 * time.Minute)
	if s := status(cl); s != 200 {
		t.Fatalf("after 29 idle minutes: %d", s)
	}
	at(58 * time.Minute) // 29 minutes after the last request
	if s := status(cl); s != 200 {
		t.Fatalf("used every 29 minutes: %d", s)
	}
	at(88 * time.Minute)
	if s := status(cl); s != http.StatusSeeOther {
		t.Fatalf("after 30 idle minutes: %d", s)
	}

	at(0)
	cl = signIn(t, ta.router, "lan")
	for d := 20 * time.Minute; d < 12*time.Hour; d += 20 * time.Minute {
		at(d)
		if s := status(cl); s != 200 {
			t.Fatalf("in use, %v after sign-in: %d", d, s)
		}
	}
	at(12 * time.Hour)
	if s := status(cl); s != http.StatusSeeOther {
		t.Fatalf("12 hours after sign-in: %d", s)
	}
}

// The cookie key is kept in the database: another process (a restart) keeps the session.
func TestSessionSurvivesRestart(t *testing.T) {
	ta := newBareApp(t, DefaultConfig())
	addUser(t, ta.store, "lan", survey.RoleOfficial, "31", "")
	cl := signIn(t, ta.router, "lan")
	again, err := New(ta.store, ta.app.static, DefaultConfig(), ta.clock.now)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	cl.h = again.Handler()
	if rec := cl.do("GET", "/account", nil, nil); rec.Code != 200 {
		t.Fatalf("after a restart: %d", rec.Code)
	}
}

// alterFirst returns token with its first character changed, so that it is
// always wrong (a fixed replacement would equal the token now and then).
func alterFirst(token string) string {
	first := "x"
	if strings.HasPrefix(token, first) {
		first = "y"
	}
	return first + token[1:]
}

func TestCSRF(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	root := signIn(t, ta.router, "root")
	other := signIn(t, ta.router, "root") // another session, another token
	create := url.Values{"name": {"lan"}, "role": {"official"}, "province": {"31"}, "password": {testPassword}, "password_confirm": {testPassword}}
	with := func(token string) url.Values {
		f := cloneValues(create)
		f.Set(csrfField, token)
		return f
	}
	for _, tt := range []struct {
		name   string
		form   url.Values
		header map[string]string
	}{
		{"no token", with(""), nil},
		{"a wrong token", with(alterFirst(root.csrf)), nil},
		{"another session's token", with(other.csrf), nil},
		{"another origin", create, map[string]string{"Origin": "http://evil.example"}},
		{"a null origin", create, map[string]string{"Origin": "null"}},
		{"cross-site", create, map[string]string{"Sec-Fetch-Site": "cross-site"}},
	} {
		if rec := root.do("POST", "/admin/users", tt.form, tt.header); rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", tt.name, rec.Code)
		}
	}
	if _, err := ta.store.UserByName(context.Background(), "lan"); err == nil {
		t.Fatal("a refused request created the account")
	}
	var reasons []string
	ta.store.EachAuditEvent(context.Background(), models.AuditFilter{Kind: "access.refused"}, func(ev models.AuditEvent) error {
		reasons = append(reasons, ev.Actor+" "+ev.Target+" "+ev.After)
		return nil
	})
	if got := strings.Join(reasons, "\n"); strings.Count(got, `root POST /admin/users {"reason":"csrf_token"}`) != 3 ||
		strings.Count(got, `root POST /admin/users {"reason":"cross_site"}`) != 3 {
		t.Errorf("refusals audited:\n%s", got)
	}
	// the sign-in form needs the token too
	anon := newClient(t, ta.router)
	if rec := anon.do("POST", "/login", url.Values{"name": {"root"}, "password": {testPassword}}, nil); rec.Code != http.StatusForbidden {
		t.Errorf("sign-in without a token: %d", rec.Code)
	}
	// the same request, from this site with its token, passes
	if rec := root.do("POST", "/admin/users", create, map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a good request: %d %s", rec.Code, rec.Body)
	}
	// the kiosk takes no token
	form := allCriteria("4")
	form.Set("response_id", "0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11")
	form.Set("field", "land")
	if rec := newClient(t, ta.router).do("POST", "/kiosk/demo-31", form, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("kiosk without a token: %d", rec.Code)
	}
}

// Five failures of one account give 429 with Retry-After, for the right password too,
// until the oldest failure is 15 minutes old; an unknown account answers like a wrong
// password; twenty failures from one address block it for every name.
func TestLoginThrottled(t *testing.T) {
	ta := newBareApp(t, DefaultConfig())
	addUser(t, ta.store, "lan", survey.RoleOfficial, "31", "")
	cl := newClient(t, ta.router)
	cl.do("GET", "/login", nil, nil)
	try := func(name, pw string) (int, string) {
		rec := cl.do("POST", "/login", url.Values{"name": {name}, "password": {pw}, "lang": {"en"}}, nil)
		return rec.Code, rec.Header().Get("Retry-After")
	}
	for i := 0; i < 5; i++ {
		if code, _ := try("lan", "wrong password "+strconv.Itoa(i)); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, code)
		}
	}
	code, retry := try("lan", "wrong password 6")
	if code != http.StatusTooManyRequests || retry != "900" {
		t.Fatalf("sixth try: %d, Retry-After %q", code, retry)
	}
	if code, _ := try("lan", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("the right password while blocked: %d", code)
	}
	ta.clock.set(ta.now.Add(10 * time.Minute))
	if _, retry := try("lan", testPassword); retry != "300" {
		t.Errorf("Retry-After 10 minutes later: %q", retry)
	}
	ta.clock.set(ta.now.Add(15 * time.Minute))
	if code, _ := try("lan", testPassword); code != http.StatusSeeOther {
		t.Fatalf("15 minutes later: %d", code)
	}
	if n := len(kindsOf(t, ta.store, models.AuditFilter{Kind: "auth.login_throttled"})); n != 3 {
		t.Errorf("%d throttled sign-ins audited, want 3", n)
	}

	// the address: 20 failures over many names
	cl = newClient(t, ta.router)
	cl.addr = "198.51.100.7:4000"
	cl.do("GET", "/login", nil, nil)
	for i := 0; i < 20; i++ {
		if code, _ := try("user"+strconv.Itoa(i), "wrong password!!"); code != http.StatusUnauthorized {
			t.Fatalf("address failure %d: %d", i+1, code)
		}
	}
	if code, _ := try("lan", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("after 20 failures from one address: %d", code)
	}
}

func TestSetupLink(t *testing.T) {
	ta := newBareApp(t, DefaultConfig())
	ctx := context.Background()
	link, err := ta.app.SetupLink(ctx, "http://sipas.example")
	if err != nil || !strings.HasPrefix(link, "http://sipas.example/setup/") {
		t.Fatalf("SetupLink: %q %v", link, err)
	}
	path := strings.TrimPrefix(link, "http://sipas.example")
	cl := newClient(t, ta.router)
	if rec := cl.do("GET", path, nil, nil); rec.Code != 200 {
		t.Fatalf("GET the link: %d", rec.Code)
	}
	form := url.Values{"name": {"root"}, "password": {"short"}, "password_confirm": {"short"}}
	if rec := cl.do("POST", path, form, nil); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `aria-describedby="password-help password-error"`) {
		t.Fatalf("a short password: %d", rec.Code)
	}
	form.Set("password", testPassword)
	form.Set("password_confirm", testPassword+"x")
	if rec := cl.do("POST", path, form, nil); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="password_confirm-error"`) {
		t.Fatalf("passwords that differ: %d", rec.Code)
	}
	form.Set("password_confirm", testPassword)
	if rec := cl.do("POST", path, form, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	if rec := cl.do("GET", "/admin/users", nil, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "bạn là quản trị viên đầu tiên") {
		t.Fatalf("the first administrator is not signed in: %d", rec.Code)
	}
	form.Set("name", "second")
	if rec := newClient(t, ta.router).do("POST", path, form, nil); rec.Code != http.StatusForbidden {
		t.Errorf("a used link without a token: %d", rec.Code)
	}
	again := newClient(t, ta.router)
	again.do("GET", "/login", nil, nil)
	if rec := again.do("POST", path, form, nil); rec.Code != http.StatusNotFound {
		t.Errorf("the link used twice: %d", rec.Code)
	}
	if link, err := ta.app.SetupLink(ctx, ""); link != "" || err != nil {
		t.Errorf("a link once an administrator exists: %q %v", link, err)
	}

	// an hour later a link is worthless
	bare := newBareApp(t, DefaultConfig())
	link, _ = bare.app.SetupLink(ctx, "")
	bare.clock.set(bare.now.Add(time.Hour))
	if rec := newClient(t, bare.router).do("GET", link, nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("an expired link: %d", rec.Code)
	}
}

// The session cookie is HttpOnly and SameSite=Lax, and Secure over TLS or with
// -secure-cookies.
func TestSessionCookieFlags(t *testing.T) {
	for _, tt := range []struct {
		target string
		secure bool // Config.SecureCookies
		want   bool
	}{{"http://example.com/login", false, false}, {"https://example.com/login", false, true}, {"http://example.com/login", true, true}} {
		cfg := DefaultConfig()
		cfg.SecureCookies = tt.secure
		ta := newBareApp(t, cfg)
		rec := newClient(t, ta.router).do("GET", tt.target, nil, nil)
		var c *http.Cookie
		for _, x := range rec.Result().Cookies() {
			if x.Name == sessionName {
				c = x
			}
		}
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tt.want {
			t.Errorf("%s, -secure-cookies=%t: cookie %+v, want Secure %t", tt.target, tt.secure, c, tt.want)
		}
	}
}
