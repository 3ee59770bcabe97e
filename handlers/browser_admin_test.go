package handlers

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sipas/models"
	"sipas/survey"
)

// The administrators' part tried as a new province admin of Hải Phòng would, in a real
// browser with a second one as the counter's tablet: create an office and two counters,
// register the tablet by its one-time link, edit a draft (reword a criterion, add an
// optional question), preview and publish it, assign it to the office; the tablet shows
// the new wording, an older response keeps its version, the province's page computes
// the criterion across both versions; revoke the tablet and see it refused; see the
// fleet flag a silent device; print the QR card and the paper form to PDF.
func TestBrowserAdminWalkthrough(t *testing.T) {
	b := newBrowserTest(t, browserConfig())
	ctx := context.Background()
	addUser(t, b.store, "hp.admin", survey.RoleProvinceAdmin, "31", "")
	// an older response, given yesterday at the demo counter, to version 1
	qrow, q, err := b.store.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		t.Fatal(err)
	}
	older := survey.Submission{Criteria: map[string]int{"E1.1": 5, "E2.1": 4}}
	if _, err := b.store.SubmitResponses(ctx, []models.NewResponse{{UUID: "walkthrough-older", Counter: b.counter,
		ProvinceID: b.counter.ProvinceID, QuestionnaireID: qrow.ID, Channel: models.ChannelKiosk,
		SubmittedAt: time.Now().Add(-24 * time.Hour), Submission: older, Tally: q.Tally(older)}}); err != nil {
		t.Fatal(err)
	}
	b.signIn("hp.admin")
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	// an office and two counters, the first of which takes registered tablets only
	b.do("the offices", chromedp.Navigate(b.url("/admin/places?lang=en")), chromedp.WaitVisible(chromedp.CSS(`#office-code`)),
		chromedp.SendKeys(chromedp.CSS(`#office-code`), "ubnd-ngo-quyen"),
		chromedp.SendKeys(chromedp.CSS(`#office-name`), "UBND quận Ngô Quyền"),
		chromedp.SendKeys(chromedp.CSS(`#office-annual_dossiers`), "24000"),
		chromedp.Submit(chromedp.CSS(`#office-code`)), chromedp.WaitVisible(chromedp.CSS(`#counter-code`)))
	b.screenshot("walk-1-office-created-en", 1)
	for _, c := range []struct{ code, name string }{{"nq-1", "Quầy 1 – Đất đai"}, {"nq-2", "Quầy 2"}} {
		actions := []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.url("/admin/provinces/31/offices/ubnd-ngo-quyen?lang=en")),
			chromedp.WaitVisible(chromedp.CSS(`#counter-code`)),
			chromedp.SendKeys(chromedp.CSS(`#counter-code`), c.code), chromedp.SendKeys(chromedp.CSS(`#counter-name`), c.name)}
		if c.code == "nq-1" {
			actions = append(actions, chromedp.Click(chromedp.CSS(`#counter-requires_device`)))
		}
		actions = append(actions, chromedp.Submit(chromedp.CSS(`#counter-code`)), chromedp.WaitVisible(chromedp.CSS(`#links-h`)))
		b.do("counter "+c.code, actions...)
	}
	if ctr, err := b.store.CounterByCode(ctx, "nq-1"); err != nil || !ctr.RequiresDevice {
		t.Fatalf("counter nq-1: %+v %v", ctr, err)
	}

	// the tablet, a browser of its own, is refused until registered by the QR link
	tabCtx, cancelTab := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	defer cancelTab()
	tablet := &browserTest{t: t, store: b.store, srv: b.srv, counter: b.counter, ctx: tabCtx}
	tablet.do("the unregistered tablet", chromedp.EmulateViewport(800, 1280, chromedp.EmulateTouch),
		chromedp.Navigate(b.url("/kiosk/nq-1?lang=en")), chromedp.WaitVisible(chromedp.CSS(`ol.steps`)))
	tablet.screenshot("walk-2-tablet-unregistered-en", 1)
	b.do("a registration link", chromedp.Navigate(b.url("/admin/provinces/31/counters/nq-1?lang=en")),
		chromedp.Click(chromedp.CSS(`form[action$="/devices"] button`)), chromedp.WaitVisible(chromedp.CSS(`.link-qr svg`)))
	b.screenshot("walk-3-registration-link-en", 1)
	link := text(`.link-url code`)
	tablet.do("register the tablet", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`#name`)))
	tablet.screenshot("walk-4-tablet-register-en", 1)
	tablet.do("name it", chromedp.SetValue(chromedp.CSS(`#name`), "Máy tính bảng quầy 1"), chromedp.Submit(chromedp.CSS(`#name`)),
		chromedp.WaitVisible(chromedp.CSS(`#kiosk-form`)))
	tablet.waitFor("the kiosk", jsStepper, 10*time.Second)
	answerAll := `(() => { document.querySelectorAll('#kiosk-form input[type=radio][value="4"]').forEach(r => r.checked = true);
		document.getElementById('kiosk-form').requestSubmit(); return true })()`
	browserEval[bool](tablet, answerAll)
	tablet.waitFor("the thanks", jsThanks, 10*time.Second)
	devices, err := b.store.Devices(ctx, mustCounter(t, b.store, "nq-1").ID)
	if err != nil || len(devices) != 1 || devices[0].Name != "Máy tính bảng quầy 1" {
		t.Fatalf("devices %+v %v", devices, err)
	}

	// a draft: reword E1.1, add an optional question, check, preview, publish
	b.do("the questionnaires", chromedp.Navigate(b.url("/admin/questionnaires?lang=en")),
		chromedp.Click(chromedp.CSS(`button[aria-label="Start a draft from sipas-counter version 1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[id="el.0.c.0.text.en"]`)))
	const wording, wordingVI = "There were enough seats while you waited", "Có đủ ghế ngồi trong lúc Ông/Bà chờ"
	b.do("reword and add a question",
		chromedp.SetValue(chromedp.CSS(`[id="el.0.c.0.text.en"]`), wording),
		chromedp.SetValue(chromedp.CSS(`[id="el.0.c.0.text.vi"]`), wordingVI),
		chromedp.Click(chromedp.CSS(`button[value="add-question"]`)), chromedp.WaitVisible(chromedp.CSS(`[id="q.5.text.vi"]`)))
	b.do("the new question's texts",
		chromedp.SetValue(chromedp.CSS(`[id="q.5.text.vi"]`), "Ông/Bà có tra cứu thủ tục trên Cổng dịch vụ công trước khi đến không?"),
		chromedp.SetValue(chromedp.CSS(`[id="q.5.text.en"]`), "Did you look the procedure up on the public services portal before coming?"),
		chromedp.SetValue(chromedp.CSS(`[id="q.5.o.0.value"]`), "no"),
		chromedp.SetValue(chromedp.CSS(`[id="q.5.o.0.label.vi"]`), "Không"), chromedp.SetValue(chromedp.CSS(`[id="q.5.o.0.label.en"]`), "No"),
		chromedp.SetValue(chromedp.CSS(`[id="q.5.o.1.value"]`), "yes"),
		chromedp.SetValue(chromedp.CSS(`[id="q.5.o.1.label.vi"]`), "Có"), chromedp.SetValue(chromedp.CSS(`[id="q.5.o.1.label.en"]`), "Yes"),
		chromedp.Click(chromedp.CSS(`button[value="check"]`)), chromedp.WaitVisible(chromedp.CSS(`.flash.ok`)))
	b.screenshot("walk-5-designer-checked-en", 1)
	b.do("preview", chromedp.Click(chromedp.CSS(`button[value="preview"]`)), chromedp.WaitVisible(chromedp.CSS(`.tablet iframe`)))
	b.waitFor("the preview's kiosk", `(() => { const d = document.querySelector('.tablet iframe').contentDocument;
		return !!d && !!d.querySelector('form.is-stepper') && d.body.textContent.includes('`+wording+`') })()`, 10*time.Second)
	b.do("fonts", chromedp.Sleep(300*time.Millisecond))
	b.screenshot("walk-6-preview-en", 1)
	b.do("publish", chromedp.Click(chromedp.CSS(`.crumbs a`)), chromedp.WaitVisible(chromedp.CSS(`#note`)),
		chromedp.SendKeys(chromedp.CSS(`#note`), "E1.1 reworded; question P6 about the portal"),
		chromedp.Click(chromedp.CSS(`button[formaction$="/publish"]`)), chromedp.WaitVisible(chromedp.CSS(`#assign-h`)))
	if flash := text(`.flash`); !strings.Contains(flash, "Published sipas-counter version 2. It is not in force anywhere yet") {
		t.Errorf("after publishing: %q", flash)
	}
	b.do("assign it to the office", chromedp.Click(chromedp.CSS(`input[name="place"][value="office"]`)),
		chromedp.SetValue(chromedp.CSS(`#office`), "ubnd-ngo-quyen"), chromedp.Submit(chromedp.CSS(`#office`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	b.screenshot("walk-7-version-assigned-en", 2)

	// the tablet shows the new wording and its answers are version 2's; the older ones keep version 1
	// The kiosk's service worker answers from its cache when the server takes over 4 s, as it
	// may on a loaded test machine: that page is the old version, and the next load the new one.
	newWording := `document.body.textContent.includes('` + wording + `') && !!document.querySelector('input[name="P6"]')`
	for try := 1; ; try++ {
		tablet.do("the kiosk again", chromedp.Navigate(b.url("/kiosk/nq-1?lang=en")), chromedp.WaitVisible(chromedp.CSS(`#kiosk-form`)))
		if try == 4 || browserEval[bool](tablet, newWording) {
			break
		}
	}
	tablet.waitFor("the new wording", newWording, 10*time.Second)
	tablet.screenshot("walk-8-tablet-new-version-en", 1)
	browserEval[bool](tablet, answerAll)
	tablet.waitFor("the thanks", jsThanks, 10*time.Second)
	uses, err := b.store.VersionsIn(ctx, survey.MonthPeriod(time.Now().In(survey.VietnamTime()).Year(), int(time.Now().In(survey.VietnamTime()).Month())),
		models.AllProvinces())
	if err != nil || len(uses) != 2 || uses[0].Version != 1 || uses[1].Version != 2 || uses[1].Responses != 1 {
		t.Errorf("versions answered this month: %+v %v", uses, err)
	}
	// the province's page says which versions its figures come from; E1.1 adds up across them
	b.do("the province's page", chromedp.Navigate(b.url("/dashboard/province/31?lang=en")), chromedp.WaitVisible(chromedp.CSS(`.versions-note`)))
	if note := text(`.versions-note`); !strings.Contains(note, "sipas-counter v1:") || !strings.Contains(note, "v2: n = 1") {
		t.Errorf("versions note %q", note)
	}
	answered := browserEval[float64](b, `fetch('/api/v1/sipas/provinces/31').then(r => r.json()).then(d => d.criteria.find(c => c.code === 'E1.1').answered)`)
	if answered < 3 {
		t.Errorf("E1.1 answered %v times, want the three answers of both versions", answered)
	}

	// revoked, the tablet is refused and says so
	b.do("revoke", chromedp.Navigate(b.url("/admin/provinces/31/counters/nq-1?lang=en")),
		chromedp.Click(chromedp.CSS(`form[action$="/revoke"] button`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	before := countResponses(t, b.store)
	// the tablet shows its thank-you screen for a few seconds after the last answer; the
	// admin's steps since may take less than that (kept pages), so wait for the form
	tablet.waitFor("the form again", jsFormBack, 15*time.Second)
	browserEval[bool](tablet, `(() => { document.querySelectorAll('#kiosk-form input[type=radio][value="2"]').forEach(r => r.checked = true);
		document.getElementById('kiosk-form').requestSubmit(); return true })()`)
	tablet.waitFor("the refusal", `!document.querySelector('#kiosk-form .error-box').hidden && document.querySelector('#kiosk-form .error-box').textContent.includes('revoked')`, 10*time.Second)
	tablet.screenshot("walk-9-tablet-revoked-en", 1)
	if n := browserEval[float64](tablet, jsQueue); n != 0 {
		t.Errorf("the refused answers were queued: %v", n)
	}
	if countResponses(t, b.store) != before {
		t.Error("a revoked tablet's answers were stored")
	}

	// the fleet flags a tablet silent during opening hours
	silent := mustCounter(t, b.store, "nq-2")
	by := models.Actor{Name: "hp.admin", Now: time.Now().Add(-72 * time.Hour)}
	if err := b.store.CreateDeviceLink(ctx, silent, "silent-link", time.Now().Add(time.Hour), by); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.store.RegisterDevice(ctx, "silent-link", "Máy quầy 2 (tắt)", "silent-device", by); err != nil {
		t.Fatal(err)
	}
	b.do("the fleet", chromedp.Navigate(b.url("/admin/provinces/31/fleet?lang=en")), chromedp.WaitVisible(chromedp.CSS(`table.fleet`)))
	if first := text(`table.fleet tbody tr:first-child`); !strings.Contains(first, "Máy quầy 2 (tắt)") || !strings.Contains(first, "Silent") {
		t.Errorf("the fleet's first row: %q", first)
	}
	b.screenshot("walk-10-fleet-en", 1)

	// print the QR card (A6) and the paper form (A4)
	for _, p := range []struct {
		name, path string
		pages      func(int) bool
	}{
		{"walk-11-card-vi", "/admin/provinces/31/counters/nq-1/card", func(n int) bool { return n == 1 }},
		{"walk-12-paper-vi", "/admin/questionnaires/versions/2/paper?counter=nq-1", func(n int) bool { return n >= 2 && n <= 4 }},
	} {
		b.do(p.name, chromedp.Navigate(b.url(p.path)), chromedp.WaitVisible(chromedp.CSS(`body`)))
		b.waitFor("fonts", `document.fonts.status === 'loaded'`, 10*time.Second)
		yes := true
		pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(func(pp *page.PrintToPDFParams) { pp.PreferCSSPageSize, pp.PrintBackground = &yes, &yes }))
		if err != nil {
			t.Fatalf("print %s: %v", p.name, err)
		}
		if n := pdfPages(pdf); !p.pages(n) {
			t.Errorf("%s prints on %d pages", p.name, n)
		}
		if dir := os.Getenv(screenshotsEnv); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, p.name+".pdf"), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func mustCounter(t *testing.T, store *models.Store, code string) models.Counter {
	t.Helper()
	c, err := store.CounterByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func countResponses(t *testing.T, store *models.Store) int64 {
	t.Helper()
	n, err := store.CountResponses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// pdfPages counts the page objects of a PDF (/Type /Page, not /Pages).
func pdfPages(pdf []byte) int {
	n := 0
	for i := 0; ; {
		j := bytes.Index(pdf[i:], []byte("/Type /Page"))
		if j < 0 {
			return n
		}
		i += j + len("/Type /Page")
		if i >= len(pdf) || pdf[i] != 's' {
			n++
		}
	}
}
