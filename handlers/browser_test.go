package handlers

// The browser suite: the real app on an httptest server, driven by headless Chromium
// through the DevTools protocol (chromedp). It runs when Chromium is found (SIPAS_CHROMIUM,
// else chromium on PATH) and skips otherwise, unless SIPAS_BROWSER_TESTS=1 (CI), which
// turns a missing browser into a failure. SIPAS_SCREENSHOTS=DIR writes PNG screenshots.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sipas/models"
	"sipas/static"
	"sipas/survey"
)

const (
	browserTestsEnv = "SIPAS_BROWSER_TESTS" // "1": a missing browser fails the suite
	chromiumEnv     = "SIPAS_CHROMIUM"      // path of the browser
	screenshotsEnv  = "SIPAS_SCREENSHOTS"   // directory for PNG screenshots
)

// chromiumPath finds the browser, or skips the test (fails it under SIPAS_BROWSER_TESTS=1).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", chromiumEnv, p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(browserTestsEnv) == "1" {
		t.Fatalf("%s=1 but no Chromium: install Debian's chromium or set %s", browserTestsEnv, chromiumEnv)
	}
	t.Skipf("no Chromium found (install chromium or set %s): browser suite skipped", chromiumEnv)
	return ""
}

// browserTest is the app over a fresh SQLite file with the counter demo-31, served on
// loopback, and one tab of a fresh headless Chromium.
type browserTest struct {
	t       *testing.T
	app     *App
	store   *models.Store
	srv     *httptest.Server
	counter models.Counter
	ctx     context.Context // the tab, with the test's deadline
}

func newBrowserTest(t *testing.T, cfg Config) *browserTest {
	t.Helper()
	exe := chromiumPath(t)
	store, units := openSeededStore(t)
	counter := addDemoCounter(t, store, units, browserToday())
	app, err := New(store, static.FS(), cfg, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close) // after the server has stopped
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 800),
		// no UserDataDir: chromedp makes a fresh temporary profile and removes it
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tab); err != nil { // starts the browser, bound to no deadline
		t.Fatalf("start Chromium %s: %v", exe, err)
	}
	deadline, cancel := context.WithTimeout(tab, 6*time.Minute)
	t.Cleanup(cancel)
	return &browserTest{t: t, app: app, store: store, srv: srv, counter: counter, ctx: deadline}
}

// browserToday is the date in Vietnam, YYYY-MM-DD.
func browserToday() string { return time.Now().In(survey.VietnamTime()).Format("2006-01-02") }

// do runs actions in the tab and fails the test on an error.
func (b *browserTest) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// browserEval evaluates a JavaScript expression in the page (awaiting a promise) into a T.
func browserEval[T any](b *browserTest, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript expression until it is truthy.
func (b *browserTest) waitFor(what, expr string, timeout time.Duration) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
}

// eventually checks cond every 100 ms until it holds, and fails the test after timeout.
func (b *browserTest) eventually(what string, cond func() bool, timeout time.Duration) {
	b.t.Helper()
	for end := time.Now().Add(timeout); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(end) {
			b.t.Fatalf("no %s after %v", what, timeout)
		}
	}
}

func (b *browserTest) url(path string) string { return b.srv.URL + path }

// JavaScript probes of the kiosk page's state.
const (
	jsQuestion   = `[...document.querySelectorAll('fieldset.question')].findIndex(q => q.offsetParent !== null)`
	jsVisibleQs  = `[...document.querySelectorAll('fieldset.question')].filter(q => q.offsetParent !== null).length`
	jsResponseID = `document.querySelector('input[name="response_id"]').value`
	jsChecked    = `document.querySelectorAll('#kiosk-form input[type="radio"]:checked').length`
	jsThanks     = `!!document.querySelector('.thanks') && !document.querySelector('.thanks').hidden && document.getElementById('kiosk-form').hidden`
	jsFormBack   = `!document.getElementById('kiosk-form').hidden && document.querySelector('.thanks').hidden`
	jsStepper    = `document.querySelector('form.is-stepper') !== null`
	jsLoaded     = `document.readyState === 'complete'`
	// every Chart.js chart has taken the size of its box
	jsCharts = jsLoaded + ` && (!window.Chart || Object.values(Chart.instances).every(c =>
		c.canvas.offsetParent === null || Math.abs(c.height - c.canvas.parentNode.clientHeight) < 2))`
	jsQueue     = `idbKeyval.keys().then(ks => ks.filter(k => String(k).startsWith('sipas-queue:')).length)`
	cssOnScreen = `fieldset.question:not([hidden])`
)

// openKiosk loads the kiosk with JavaScript and waits for its one-question-per-screen mode.
func (b *browserTest) openKiosk(lang string) {
	b.t.Helper()
	b.do("open the kiosk", chromedp.Navigate(b.url("/kiosk/demo-31?lang="+lang)))
	b.waitFor("the stepper", jsStepper, 10*time.Second)
}

// answer taps a choice of the question on screen and waits for the next one.
func (b *browserTest) answer(choice string) {
	b.t.Helper()
	before := browserEval[int](b, jsQuestion)
	b.do("tap "+choice, chromedp.Click(chromedp.CSS(cssOnScreen+" "+choice)))
	b.waitFor("the next question", fmt.Sprintf("%s === %d", jsQuestion, before+1), 5*time.Second)
}

// browserAPIProvince is what the browser tests read of a province in /api/v1/sipas.
type browserAPIProvince struct {
	Code      string `json:"code"`
	Responses int64  `json:"responses"`
	Criteria  []struct {
		Code     string `json:"code"`
		Answered int64  `json:"answered"`
	} `json:"criteria"`
}

// apiProvince31 reads the national API for this year and returns province 31.
func (b *browserTest) apiProvince31() browserAPIProvince {
	b.t.Helper()
	year := time.Now().In(survey.VietnamTime()).Year()
	res, err := http.Get(b.url(fmt.Sprintf("/api/v1/sipas?year=%d", year)))
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Provinces []browserAPIProvince `json:"provinces"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		b.t.Fatalf("API: %v", err)
	}
	for _, p := range out.Provinces {
		if p.Code == "31" {
			return p
		}
	}
	b.t.Fatal("no province 31 in the API")
	return browserAPIProvince{}
}

// responses counts the stored responses of this year at the counter, from the kept counts.
func (b *browserTest) responses() int64 {
	b.t.Helper()
	got, err := b.store.Tallies(context.Background(), models.TallyQuery{
		Period: survey.YearPeriod(time.Now().In(survey.VietnamTime()).Year()), Scope: models.AllProvinces(), CounterID: b.counter.ID})
	if err != nil {
		b.t.Fatal(err)
	}
	if t := got[""]; t != nil {
		return t.Responses
	}
	return 0
}

// screenshot writes the viewport as DIR/name.png when SIPAS_SCREENSHOTS is set; with
// screens > 1, up to that many viewports down a long page, as name-1.png, name-2.png, …
// (one tall capture would resize the page, and its charts with it).
func (b *browserTest) screenshot(name string, screens int) {
	b.t.Helper()
	dir := os.Getenv(screenshotsEnv)
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if screens <= 1 {
		b.writeShot(filepath.Join(dir, name+".png"))
		return
	}
	for i := 1; i <= screens; i++ {
		b.writeShot(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, i)))
		more := browserEval[bool](b, `(() => { const y = scrollY; scrollBy(0, innerHeight - 40); return scrollY > y; })()`)
		if !more {
			break
		}
		b.do("settle", chromedp.Sleep(150*time.Millisecond))
	}
	b.do("scroll back", chromedp.Evaluate[chromedp.Void](`scrollTo(0, 0)`))
}

// writeShot captures the viewport into path. A capture gets shotTimeout and is tried
// again once: in one CI run, headless Chromium never answered a capture after a form
// submission, and the test waited for its whole deadline (six minutes) on a picture
// that asserts nothing.
func (b *browserTest) writeShot(path string) {
	b.t.Helper()
	var err error
	for try := 1; try <= 2; try++ {
		ctx, cancel := context.WithTimeout(b.ctx, shotTimeout)
		var png []byte
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		cancel()
		if err == nil {
			if err := os.WriteFile(path, png, 0o644); err != nil {
				b.t.Fatal(err)
			}
			return
		}
		b.t.Logf("screenshot %s, try %d: %v", path, try, err)
	}
	b.t.Fatalf("screenshot %s: %v", path, err)
}

const shotTimeout = 20 * time.Second

func browserConfig() Config {
	cfg := DefaultConfig()
	cfg.RateLimit = 0
	cfg.ThanksSeconds = 1
	return cfg
}

// A citizen with JavaScript: one question per screen, a tap advances, Submit shows the
// thanks, the response is stored, and the form comes back fresh by itself.
func TestBrowserKioskOneQuestionPerScreen(t *testing.T) {
	b := newBrowserTest(t, browserConfig())
	b.openKiosk("vi")
	if n := browserEval[int](b, jsVisibleQs); n != 1 {
		t.Fatalf("%d questions on screen, want 1", n)
	}
	if i := browserEval[int](b, jsQuestion); i != 0 {
		t.Fatalf("starts at question %d", i)
	}
	if text := browserEval[string](b, `document.querySelector('.progress-text').textContent`); !strings.HasPrefix(text, "Câu 1/") {
		t.Errorf("progress %q", text)
	}
	first := browserEval[string](b, jsResponseID)

	b.answer(`input[value="land"] + span`) // the procedure field
	b.answer(`label.v5`)                   // E1.1
	b.answer(`label.v4`)                   // E1.2
	b.answer(`label.v2`)                   // E1.3
	if n := browserEval[int](b, jsVisibleQs); n != 1 {
		t.Errorf("%d questions on screen after answering, want 1", n)
	}
	b.do("go back", chromedp.Click(chromedp.CSS(`button.nav-back`)))
	b.waitFor("the previous question", jsQuestion+" === 3", 5*time.Second)
	if v := browserEval[string](b, `document.querySelector('input[name="E1.3"]:checked').value`); v != "2" {
		t.Errorf("E1.3 after Back: %q, want the answer kept", v)
	}

	b.do("submit", chromedp.Click(chromedp.CSS(`button.submit`)))
	b.waitFor("the thanks", jsThanks, 10*time.Second)
	if text := browserEval[string](b, `document.querySelector('.thanks').textContent`); !strings.Contains(text, "Cảm ơn") || strings.Contains(text, "kết nối mạng") {
		t.Errorf("thanks screen says %q", text)
	}
	b.screenshot("kiosk-thanks-inpage-tablet", 1)
	if n := b.responses(); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
	p := b.apiProvince31()
	answered := map[string]int64{}
	for _, c := range p.Criteria {
		answered[c.Code] = c.Answered
	}
	if p.Responses != 1 || answered["E1.1"] != 1 || answered["E1.3"] != 1 || answered["E1.4"] != 0 {
		t.Errorf("API: %d responses, answered %v", p.Responses, answered)
	}

	b.waitFor("a fresh form", jsFormBack, 5*time.Second)
	if id := browserEval[string](b, jsResponseID); id == first || len(id) != 36 {
		t.Errorf("response_id after the reset %q (was %q)", id, first)
	}
	if i, n := browserEval[int](b, jsQuestion), browserEval[int](b, jsChecked); i != 0 || n != 0 {
		t.Errorf("after the reset: question %d, %d answers checked", i, n)
	}
}

// networkOffline cuts the tab's network and sets navigator.onLine, or restores both.
func (b *browserTest) networkOffline(offline bool) {
	b.t.Helper()
	var rules []*network.Conditions
	if offline {
		rules = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	}
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: rules, EmulateOfflineServiceWorker: &offline}); err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		b.t.Fatal(err)
	}
}

// Offline: the answers are kept in IndexedDB and the citizen is thanked; when the network
// is back the queue is sent, and the response is stored exactly once.
func TestBrowserKioskOfflineQueue(t *testing.T) {
	cfg := browserConfig()
	cfg.ThanksSeconds = 30 // keep the thanks on screen while it is checked
	b := newBrowserTest(t, cfg)
	b.openKiosk("en")
	b.do("skip the field", chromedp.Click(chromedp.CSS(`button.nav-next`)))
	b.waitFor("question 2", jsQuestion+" === 1", 5*time.Second)
	b.answer(`label.v4`)
	b.answer(`label.v5`)

	b.networkOffline(true)
	b.waitFor("navigator.onLine false", `navigator.onLine === false`, 5*time.Second)
	b.do("submit offline", chromedp.Click(chromedp.CSS(`button.submit`)))
	b.waitFor("the thanks", jsThanks, 10*time.Second)
	if text := browserEval[string](b, `(document.querySelector('.thanks .offline-note') || {}).textContent || ''`); !strings.Contains(text, "network is back") {
		t.Errorf("offline note %q", text)
	}
	b.screenshot("kiosk-thanks-offline-tablet", 1)
	if n := browserEval[int](b, jsQueue); n != 1 {
		t.Fatalf("%d responses queued in IndexedDB, want 1", n)
	}
	if n := b.responses(); n != 0 {
		t.Fatalf("%d responses stored while offline", n)
	}

	b.networkOffline(false)
	// kiosk.js flushes on the 'online' event (and every 30 s); say it explicitly, since
	// whether lifting the emulation fires the event differs between browser versions
	b.do("back online", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('online'))`))
	b.eventually("an empty queue", func() bool { return browserEval[int](b, jsQueue) == 0 }, 10*time.Second)
	if n := b.responses(); n != 1 {
		t.Fatalf("%d responses stored after the flush, want 1", n)
	}
	// a second flush (a duplicate 'online' event, a retry) stores nothing more
	b.do("online again", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('online'))`), chromedp.Sleep(time.Second))
	if n := b.responses(); n != 1 {
		t.Errorf("%d responses stored after a second flush, want 1", n)
	}
	if p := b.apiProvince31(); p.Responses != 1 {
		t.Errorf("API counts %d responses, want 1", p.Responses)
	}
}

// Without JavaScript the questionnaire is one plain form that posts, 303s to the thanks
// page, which goes back to a fresh form through its meta refresh.
func TestBrowserKioskWithoutJavaScript(t *testing.T) {
	cfg := browserConfig()
	cfg.ThanksSeconds = 2
	b := newBrowserTest(t, cfg)
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	b.do("open the kiosk", chromedp.Navigate(b.url("/kiosk/demo-31")), chromedp.WaitVisible(chromedp.CSS(`#kiosk-form`)))
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSSAll(`fieldset.question`)))
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 28 {
		t.Errorf("%d questions in the plain form, want 28", len(nodes))
	}
	if attrs, err := chromedp.Run(b.ctx, chromedp.Attributes(chromedp.CSS(`#kiosk-form`))); err != nil || strings.Contains(attrs["class"], "is-stepper") {
		t.Errorf("the form was enhanced with scripts off (class %q, %v)", attrs["class"], err)
	}
	b.screenshot("kiosk-nojs-tablet", 1)
	for _, choice := range []string{
		`fieldset[data-code="field"] input[value="civil-status"] + span`,
		`fieldset[data-code="E1.1"] label.v4`,
		`fieldset[data-code="E3.2"] label.v5`,
		`fieldset[data-code="P4"] input[value="f"] + span`,
	} {
		b.do("choose "+choice, chromedp.ScrollIntoView(chromedp.CSS(choice)), chromedp.Click(chromedp.CSS(choice)))
	}
	listen, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	redirects := chromedp.Events(listen, network.RequestWillBeSent) // buffered from here on
	b.do("submit", chromedp.Click(chromedp.CSS(`button.submit`)), chromedp.WaitVisible(chromedp.CSS(`main.thanks h1`)))
	status := 0
	for ev, err := range redirects {
		if err != nil {
			break
		}
		if ev.RedirectResponse != nil && strings.HasSuffix(ev.RedirectResponse.URL, "/kiosk/demo-31") {
			status = int(ev.RedirectResponse.Status)
			break
		}
	}
	if status != http.StatusSeeOther {
		t.Errorf("the plain POST answered %d, want 303", status)
	}
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(loc); u == nil || u.Path != "/kiosk/demo-31/thanks" {
		t.Errorf("after the POST the browser is at %s", loc)
	}
	b.screenshot("thanks-nojs-tablet", 1)
	if n := b.responses(); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
	// the thank-you page's meta refresh returns to a fresh form without JavaScript
	b.do("return to the form", chromedp.WaitVisible(chromedp.CSS(`#kiosk-form`)))
	if checked, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSSAll(`#kiosk-form input:checked`), chromedp.AtLeast(0))); err != nil || len(checked) != 0 {
		t.Errorf("the returned form has %d answers checked (%v)", len(checked), err)
	}
}

// After a while without a touch the kiosk drops the answers and starts a fresh form.
func TestBrowserKioskInactivityReset(t *testing.T) {
	t.Parallel() // it mostly waits
	cfg := browserConfig()
	// kiosk.js never resets sooner than 10 s after the last touch, so that a citizen who
	// reads a long question is not interrupted, whatever the configuration says
	cfg.KioskResetSeconds = 2
	b := newBrowserTest(t, cfg)
	b.openKiosk("vi")
	first := browserEval[string](b, jsResponseID)
	b.answer(`input[value="land"] + span`)
	b.answer(`label.v3`)
	touched := time.Now()
	if i, n := browserEval[int](b, jsQuestion), browserEval[int](b, jsChecked); i != 2 || n != 2 {
		t.Fatalf("question %d with %d answers before the wait", i, n)
	}
	b.waitFor("the reset", jsQuestion+" === 0 && "+jsChecked+" === 0", 20*time.Second)
	if waited := time.Since(touched); waited < 9*time.Second {
		t.Errorf("reset after %v, want no sooner than 10 s", waited.Round(time.Second))
	}
	if id := browserEval[string](b, jsResponseID); id == first {
		t.Error("the reset kept the response_id")
	}
	if n := b.responses(); n != 0 {
		t.Errorf("%d responses stored by an abandoned form", n)
	}
}

// axeViolation is one rule that axe-core found broken on a page.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axe runs axe-core (vendored in testdata/axe-core) on the page, but for the rules named
// in skip: serious and critical violations fail the test, moderate and minor ones are logged.
func (b *browserTest) axe(page string, skip ...string) {
	b.t.Helper()
	axeOnce.Do(func() {
		src, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
		axeSource, axeErr = string(src), err
	})
	if axeErr != nil {
		b.t.Fatalf("axe-core: %v", axeErr)
	}
	b.do("inject axe-core", chromedp.Evaluate[chromedp.Void](axeSource+"\n;0"))
	rules := map[string]map[string]bool{}
	for _, id := range skip {
		rules[id] = map[string]bool{"enabled": false}
	}
	options, _ := json.Marshal(map[string]any{"resultTypes": []string{"violations"}, "rules": rules})
	found := browserEval[[]axeViolation](b, `axe.run(document, `+string(options)+`).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help,
		nodes: v.nodes.slice(0, 6).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' '))})))`)
	for _, v := range found {
		msg := fmt.Sprintf("%s: axe %s (%s) %s\n\t%s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
}

// adminPages are what the administrators' pages of the accessibility check show: a
// draft, a counter that needs a registered device (with one, silent), a closed counter
// and a registration link.
type adminPages struct {
	draft, deviceCounter, closedCounter, link string
}

func (b *browserTest) adminFixture(root models.User) adminPages {
	b.t.Helper()
	ctx := context.Background()
	by := models.Actor{ID: root.ID, Name: root.Name, Now: time.Now()}
	d, err := b.store.StartDraft(ctx, 1, 0, by)
	if err != nil {
		b.t.Fatal(err)
	}
	office, err := b.store.OfficeByID(ctx, b.counter.OfficeID)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range []models.Counter{
		{Code: "hp-quay-2", Name: "Quầy 2 – Đất đai", Field: "land", RequiresDevice: true, AnnualDossiers: 12000},
		{Code: "hp-quay-9", Name: "Quầy 9 (cũ)"},
	} {
		c.OfficeID, c.ProvinceID = office.ID, office.ProvinceID
		if err := b.store.CreateCounter(ctx, &c, by); err != nil {
			b.t.Fatal(err)
		}
	}
	closed, _ := b.store.CounterByCode(ctx, "hp-quay-9")
	if _, err := b.store.UpdateCounter(ctx, closed.ID, "counter.close", by, func(c *models.Counter) error {
		c.ClosedAt = models.Closing(time.Now())
		return nil
	}); err != nil {
		b.t.Fatal(err)
	}
	withDevice, _ := b.store.CounterByCode(ctx, "hp-quay-2")
	for i, name := range []string{"Máy tính bảng quầy 2", "Máy dự phòng"} {
		link := fmt.Sprintf("fixture-link-%d", i)
		if err := b.store.CreateDeviceLink(ctx, withDevice, hashToken(link), time.Now().Add(time.Hour), by); err != nil {
			b.t.Fatal(err)
		}
		then := by
		then.Now = time.Now().Add(-time.Duration(i*50+2) * time.Hour) // the second one silent for two days
		if _, _, err := b.store.RegisterDevice(ctx, hashToken(link), name, hashToken(name), then); err != nil {
			b.t.Fatal(err)
		}
	}
	const link = "browser-registration-link"
	if err := b.store.CreateDeviceLink(ctx, withDevice, hashToken(link), time.Now().Add(time.Hour), by); err != nil {
		b.t.Fatal(err)
	}
	return adminPages{draft: fmt.Sprintf("/admin/questionnaires/drafts/%d", d.ID), deviceCounter: "hp-quay-2", closedCounter: "hp-quay-9", link: link}
}

// signIn signs name in through the sign-in form, as a person would, and waits for the
// page it returns to.
func (b *browserTest) signIn(name string) {
	b.t.Helper()
	b.do("sign in as "+name,
		chromedp.Navigate(b.url("/login?next=/account")),
		chromedp.WaitVisible(chromedp.CSS(`#name`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), name),
		chromedp.SendKeys(chromedp.CSS(`#password`), testPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`#current`))) // the account page's password field
}

// seedDemo stores n synthetic responses over the last twelve months at a demo counter in
// every current province, so that the dashboards have figures.
func (b *browserTest) seedDemo(n int) {
	b.t.Helper()
	ctx := context.Background()
	qrow, q, err := b.store.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		b.t.Fatal(err)
	}
	all, err := b.store.Units(ctx)
	if err != nil {
		b.t.Fatal(err)
	}
	now := time.Now()
	places := survey.UnitsOn(all, browserToday())
	counters := make([]models.Counter, len(places))
	for i, u := range places {
		office, err := b.store.EnsureOffice(ctx, u.ID, "demo-"+u.Code, "Bộ phận Một cửa "+u.Name)
		if err != nil {
			b.t.Fatal(err)
		}
		if counters[i], err = b.store.EnsureCounter(ctx, office, "demo-"+u.Code, "Quầy "+u.Code); err != nil {
			b.t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	profiles := make([]survey.Synthetic, len(places))
	for i := range profiles {
		profiles[i] = q.NewSynthetic(r)
	}
	from := now.AddDate(-1, 0, 0)
	batch := make([]models.NewResponse, n)
	for i := range batch {
		p := r.IntN(len(places))
		sub := q.Synthesize(r, profiles[p], 0)
		batch[i] = models.NewResponse{UUID: fmt.Sprintf("browser-demo-%d", i), Counter: counters[p],
			ProvinceID: places[p].ID, QuestionnaireID: qrow.ID, Channel: models.ChannelKiosk,
			SubmittedAt: from.Add(time.Duration(r.Int64N(int64(now.Sub(from))))), Submission: sub, Tally: q.Tally(sub)}
	}
	if _, err := b.store.SubmitResponses(ctx, batch); err != nil {
		b.t.Fatal(err)
	}
}

// Every page a citizen or an official sees, on a phone and a tablet: axe-core finds no
// serious or critical violation, and SIPAS_SCREENSHOTS gets a picture of each.
func TestBrowserPagesAccessible(t *testing.T) {
	cfg := browserConfig()
	cfg.ThanksSeconds = 60 // the thank-you page must stay while it is checked
	b := newBrowserTest(t, cfg)
	b.seedDemo(3000)
	b.seedInsight()
	if _, err := chromedp.Call(b.ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err) // axe-core is injected into pages whose CSP allows only their own scripts
	}
	// no transitions half-way through in the screenshots
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}); err != nil {
		t.Fatal(err)
	}
	type pageCase struct {
		name, path string
		ready      string // a JavaScript condition the page is ready on
		screens    int    // viewports down the page to screenshot
		skipRules  []string
		optional   bool // checked only when the route exists
		signedIn   bool // as the administrator root (the pages before it are seen by nobody signed in)
	}
	// The thank-you page returns to a fresh form by itself (SPEC §5): a kiosk must not
	// keep one citizen's screen for the next. axe's meta-refresh rule (WCAG 2.2.1) allows
	// that as essential, which it cannot tell, so it is not applied there.
	thanksRules := []string{"meta-refresh"}
	// the first administrator's setup page, while the database has none
	setup := randomToken()
	if err := b.store.CreateSetupToken(context.Background(), hashToken(setup), time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		b.do("the setup page", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
			chromedp.Navigate(b.url("/setup/"+setup+"?lang="+lang)), chromedp.WaitVisible(chromedp.CSS(`#password_confirm`)))
		b.screenshot("setup-"+lang+"-phone", 2)
		b.axe("setup " + lang + " (phone)")
	}
	root := addUser(t, b.store, "root", survey.RoleAdmin, "", "")
	official := addUser(t, b.store, "lan.hp", survey.RoleOfficial, "31", "demo-31")
	// an import job that has run, and one waiting (no runner here), whose page refreshes
	// itself: axe's meta-refresh rule is not applied to it (the refresh is what shows the
	// progress without JavaScript; the progress is announced by a status region)
	queue := func(name string) models.ImportJob {
		job, err := b.app.imports.Queue(context.Background(), models.NewImport{FileName: name, Questionnaire: "sipas-counter",
			By: models.Actor{ID: root.ID, Name: "root", Now: time.Now()}}, strings.NewReader(paperCSV), int64(len(paperCSV)))
		if err != nil {
			t.Fatal(err)
		}
		return job
	}
	done := queue("phieu-giay-thang-8.csv")
	if err := b.app.imports.RunPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	waiting := queue("phieu-giay-thang-9.csv")
	addUser(t, b.store, "minh.dn", survey.RoleProvinceAdmin, "48", "")
	admin := b.adminFixture(root)
	pages := []pageCase{
		{"kiosk-vi", "/kiosk/demo-31", jsStepper, 1, nil, false, false},
		{"kiosk-en", "/kiosk/demo-31?lang=en", jsStepper, 1, nil, false, false},
		{"thanks-vi", "/kiosk/demo-31/thanks", `document.querySelector('main.thanks') !== null`, 1, thanksRules, false, false},
		{"thanks-en", "/kiosk/demo-31/thanks?lang=en", `document.querySelector('main.thanks') !== null`, 1, thanksRules, false, false},
		{"not-found", "/kiosk/no-such-counter", jsLoaded, 1, nil, false, false},
		{"dashboard", "/dashboard", jsCharts, 3, nil, true, false},
		{"dashboard-en", "/dashboard?lang=en", jsCharts, 1, nil, true, false},
		{"login-vi", "/login", jsLoaded, 1, nil, false, false},
		{"login-en", "/login?lang=en", jsLoaded, 1, nil, false, false},
		{"dashboard-province-31", "/dashboard/province/31", jsCharts, 6, nil, true, true},
		{"admin-import", "/admin/import", jsLoaded, 2, nil, true, true},
		{"import-job-done-vi", fmt.Sprintf("/admin/imports/%d", done.ID), jsLoaded, 1, nil, false, true},
		{"import-job-waiting-en", fmt.Sprintf("/admin/imports/%d?lang=en", waiting.ID), jsLoaded, 1, thanksRules, false, true},
		{"imports-vi", "/admin/imports", jsLoaded, 1, nil, false, true},
		{"account-vi", "/account", jsLoaded, 2, nil, false, true},
		{"account-en", "/account?lang=en", jsLoaded, 2, nil, false, true},
		{"users-vi", "/admin/users", jsLoaded, 3, nil, false, true},
		{"users-en", "/admin/users?lang=en", jsLoaded, 3, nil, false, true},
		{"user-vi", fmt.Sprintf("/admin/users/%d", official.ID), jsLoaded, 2, nil, false, true},
		{"audit-vi", "/admin/audit", jsLoaded, 2, nil, false, true},
		{"audit-en", "/admin/audit?lang=en", jsLoaded, 2, nil, false, true},
		{"admin-hub-vi", "/admin", jsLoaded, 2, nil, false, true},
		{"admin-hub-en", "/admin?lang=en", jsLoaded, 2, nil, false, true},
		// the administrators' part (issue 10)
		{"phone-vi", "/q/demo-31", jsStepper, 1, nil, false, false},
		{"phone-en", "/q/demo-31?lang=en", jsStepper, 1, nil, false, false},
		{"kiosk-device-required-vi", "/kiosk/" + admin.deviceCounter, jsLoaded, 1, nil, false, false},
		{"kiosk-device-required-en", "/kiosk/" + admin.deviceCounter + "?lang=en", jsLoaded, 1, nil, false, false},
		{"kiosk-closed-en", "/kiosk/" + admin.closedCounter + "?lang=en", jsLoaded, 1, nil, false, false},
		{"device-register-vi", "/device/" + admin.link, jsLoaded, 1, nil, false, false},
		{"device-register-en", "/device/" + admin.link + "?lang=en", jsLoaded, 1, nil, false, false},
		{"places-vi", "/admin/places", jsLoaded, 2, nil, false, true},
		{"offices-vi", "/admin/provinces/31/offices", jsLoaded, 2, nil, false, true},
		{"offices-en", "/admin/provinces/31/offices?lang=en", jsLoaded, 2, nil, false, true},
		{"office-vi", "/admin/provinces/31/offices/demo-31", jsLoaded, 3, nil, false, true},
		{"office-en", "/admin/provinces/31/offices/demo-31?lang=en", jsLoaded, 3, nil, false, true},
		{"counter-vi", "/admin/provinces/31/counters/" + admin.deviceCounter, jsLoaded, 4, nil, false, true},
		{"counter-en", "/admin/provinces/31/counters/" + admin.deviceCounter + "?lang=en", jsLoaded, 4, nil, false, true},
		{"fleet-vi", "/admin/provinces/31/fleet", jsLoaded, 3, nil, false, true},
		{"fleet-en", "/admin/provinces/31/fleet?lang=en", jsLoaded, 3, nil, false, true},
		{"card-vi", "/admin/provinces/31/counters/demo-31/card", jsLoaded, 1, nil, false, true},
		{"card-en", "/admin/provinces/31/counters/demo-31/card?lang=en", jsLoaded, 1, nil, false, true},
		{"questionnaires-vi", "/admin/questionnaires", jsLoaded, 2, nil, false, true},
		{"questionnaires-en", "/admin/questionnaires?lang=en", jsLoaded, 2, nil, false, true},
		{"version-vi", "/admin/questionnaires/versions/1", jsLoaded, 3, nil, false, true},
		{"version-en", "/admin/questionnaires/versions/1?lang=en", jsLoaded, 3, nil, false, true},
		{"designer-vi", admin.draft, jsLoaded, 4, nil, false, true},
		{"designer-en", admin.draft + "?lang=en", jsLoaded, 4, nil, false, true},
		{"preview-vi", admin.draft + "/preview", jsLoaded, 2, nil, false, true},
		{"preview-en", admin.draft + "/preview?lang=en&show=en", jsLoaded, 2, nil, false, true},
		{"preview-frame-en", admin.draft + "/preview/frame?lang=en", jsStepper, 1, nil, false, true},
		{"paper-vi", "/admin/questionnaires/versions/1/paper?counter=demo-31", jsLoaded, 3, nil, false, true},
		{"paper-en", "/admin/questionnaires/versions/1/paper?lang=en", jsLoaded, 3, nil, false, true},
	}
	public, signed := insightPages()
	first := slices.IndexFunc(pages, func(pc pageCase) bool { return pc.signedIn })
	for i, p := range public { // before the first page that signs in
		pages = slices.Insert(pages, first+i, pageCase{p[0], p[1], jsCharts, 5, nil, false, false})
	}
	for _, p := range signed {
		pages = append(pages, pageCase{p[0], p[1], jsCharts, 3, nil, false, true})
	}
	signedIn := false
	viewports := []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 390, 844, true}, {"tablet", 1280, 800, false}}
	for _, pc := range pages {
		if pc.signedIn && !signedIn {
			b.signIn("root")
			signedIn = true
		}
		if pc.optional {
			res, err := http.Get(b.url(pc.path))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode == http.StatusNotFound && !pc.signedIn {
				t.Logf("%s: %s is not there yet; not checked", pc.name, pc.path)
				continue
			}
		}
		for _, vp := range viewports {
			var emulate []chromedp.EmulateViewportOption
			if vp.mobile {
				emulate = append(emulate, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			b.do(pc.name+" on a "+vp.name,
				chromedp.EmulateViewport(vp.width, vp.height, emulate...),
				chromedp.Navigate(b.url(pc.path)))
			b.waitFor(pc.name+" ready", pc.ready, 10*time.Second)
			b.do("fonts", chromedp.Evaluate[chromedp.Void](`document.fonts.ready.then(() => 0)`, chromedp.EvalAwaitPromise),
				chromedp.Sleep(300*time.Millisecond)) // charts animate in
			b.screenshot(pc.name+"-"+vp.name, pc.screens)
			b.axe(pc.name+" ("+vp.name+")", pc.skipRules...)
			// wide tables scroll inside their box; the page itself never scrolls sideways
			if w := browserEval[float64](b, `document.documentElement.scrollWidth - innerWidth`); w > 0 {
				t.Errorf("%s on a %s: the page is %.0f px wider than the screen", pc.name, vp.name, w)
			}
		}
	}
	// the kiosk's own thank-you screen, and a question further on, on a phone
	b.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.openKiosk("vi")
	b.answer(`input[value="land"] + span`)
	b.answer(`label.v4`)
	b.screenshot("kiosk-vi-phone-question3", 1)
	b.axe("kiosk question 3 (phone)")
	// on a phone Submit is shown on the last question only
	for i := 0; i < 40 && browserEval[bool](b, `document.querySelector('button.nav-next').hidden === false`); i++ {
		b.do("next", chromedp.Click(chromedp.CSS(`button.nav-next`)))
	}
	b.screenshot("kiosk-vi-phone-last", 1)
	b.axe("kiosk last question (phone)")
	b.do("submit", chromedp.Click(chromedp.CSS(`button.submit`)))
	b.waitFor("the thanks", jsThanks, 10*time.Second)
	b.screenshot("kiosk-thanks-inpage-phone", 1)
	b.axe("kiosk thanks screen (phone)")
}
