package handlers

// The browser suite's part for issue 11: the printed report as a PDF, the badge, and the
// data the new pages show (an alert, held responses) for the accessibility check.

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sipas/models"
	"sipas/survey"
)

// seedInsight adds what the pages of issue 11 show: a counter of Hải Phòng whose answers
// fell over the last two weeks (and the alert the scan opens for it), and three responses
// held for review.
func (b *browserTest) seedInsight() {
	b.t.Helper()
	ctx := context.Background()
	qrow, q, err := b.store.PublishedQuestionnaire(ctx, "sipas-counter")
	if err != nil {
		b.t.Fatal(err)
	}
	office, err := b.store.EnsureOffice(ctx, b.counter.ProvinceID, "demo-31", "Bộ phận Một cửa Hải Phòng")
	if err != nil {
		b.t.Fatal(err)
	}
	drop, err := b.store.EnsureCounter(ctx, office, "drop-31", "Quầy đất đai")
	if err != nil {
		b.t.Fatal(err)
	}
	now := time.Now()
	profile := q.NewSynthetic(rand.New(rand.NewPCG(3, 4)))
	profile.Quality = 4.5
	fall := survey.DayOf(now).AddDate(0, 0, -13)
	var batch []models.NewResponse
	for _, r := range q.DailyResponses(profile, now.AddDate(0, 0, -110), now.AddDate(0, 0, -1), 12, func(d time.Time) float64 {
		if d.Before(fall) {
			return 0
		}
		return -0.9
	}, 5) {
		batch = append(batch, models.NewResponse{UUID: fmt.Sprintf("drop-%d", r.Index), Counter: drop, ProvinceID: drop.ProvinceID,
			QuestionnaireID: qrow.ID, Channel: models.ChannelKiosk, SubmittedAt: r.At, Submission: r.Submission, Tally: q.Tally(r.Submission)})
	}
	for i := range 3 {
		sub := q.Synthesize(rand.New(rand.NewPCG(9, 9)), profile, 0)
		batch = append(batch, models.NewResponse{UUID: fmt.Sprintf("held-%d", i), Counter: b.counter, ProvinceID: b.counter.ProvinceID,
			QuestionnaireID: qrow.ID, Channel: models.ChannelKiosk, SubmittedAt: now.Add(-time.Hour), Submission: sub,
			Tally: q.Tally(sub), Held: []string{string(survey.HoldIdentical)}})
	}
	if _, err := b.store.SubmitResponses(ctx, batch); err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.store.ScanAlerts(ctx, "sipas-counter", now, survey.DefaultDropRules()); err != nil {
		b.t.Fatal(err)
	}
}

// insightPages are the pages of issue 11 that TestBrowserPagesAccessible checks: the
// public ones before signing in, the others as the administrator.
func insightPages() (public, signedIn [][2]string) {
	return [][2]string{{"public-31-vi", "/provinces/31"}, {"public-31-en", "/provinces/31?lang=en"}},
		[][2]string{{"alerts-vi", "/alerts"}, {"alerts-en", "/alerts?lang=en"}, {"held-vi", "/admin/held"},
			{"held-en", "/admin/held?lang=en"}, {"official-vi", "/admin/official"}, {"alerts-admin-vi", "/admin/alerts"},
			{"report-31-vi", "/report/province/31"}, {"report-31-en", "/report/province/31?lang=en"}}
}

// The printed report: headless Chromium prints it to an A4 PDF, in both languages;
// SIPAS_SCREENSHOTS keeps the PDFs (and a picture of the badge) beside the screenshots.
func TestBrowserReportPDF(t *testing.T) {
	b := newBrowserTest(t, browserConfig())
	b.seedDemo(2000)
	b.seedInsight()
	addUser(t, b.store, "root", survey.RoleAdmin, "", "")
	b.signIn("root")
	pageCount := regexp.MustCompile(`/Type\s*/Page[^s]`)
	a4 := regexp.MustCompile(`/MediaBox \[0 0 59[45]\.?\d* 84[12]\.?\d*\]`) // 210 × 297 mm in points
	for _, lang := range []string{"vi", "en"} {
		b.do("the report", chromedp.Navigate(b.url("/report/province/31?lang="+lang)), chromedp.WaitVisible(chromedp.CSS(`#held-h`)))
		b.do("fonts", chromedp.Evaluate[chromedp.Void](`document.fonts.ready.then(() => 0)`, chromedp.EvalAwaitPromise))
		yes := true
		res, err := chromedp.Call(b.ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
		if err != nil {
			t.Fatalf("print to PDF: %v", err)
		}
		pdf := res.Data
		pages := len(pageCount.FindAll(pdf, -1))
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || pages < 2 || pages > 6 {
			t.Errorf("%s: %d bytes, %d pages; want a PDF of 2 to 6 A4 pages", lang, len(pdf), pages)
		}
		if !a4.Match(pdf) {
			t.Errorf("%s: not A4 (595 × 842 points)", lang)
		}
		if dir := os.Getenv(screenshotsEnv); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "report-31-"+lang+".pdf"), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	b.do("the badge", chromedp.EmulateViewport(400, 60), chromedp.Navigate(b.url("/badge/31.svg")), chromedp.WaitReady(chromedp.CSS(`svg`)))
	b.screenshot("badge-31", 1)
}
