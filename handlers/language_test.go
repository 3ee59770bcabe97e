package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// thirdLanguage is a catalogue of a third language, Tày (tyz), as a deployment would add
// it: English's keys with their texts marked, its own name, English's way of writing
// numbers and dates.
func thirdLanguage(t *testing.T) fstest.MapFS {
	t.Helper()
	en, err := views.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	for _, k := range en.Keys() {
		texts[k] = "⟨tyz⟩ " + en.T("en", k)
		if strings.HasPrefix(k, "locale.") {
			texts[k] = en.T("en", k)
		}
	}
	texts["lang.name"] = "Tày"
	data, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{"i18n/tyz.json": {Data: data}}
}

// A third language is a catalogue file and the questionnaire's texts in it, no change of
// code: the kiosk, the pages and the designer speak it, every page offers a menu of the
// three languages instead of a switch, and a version cannot be published without its texts.
func TestThirdLanguage(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Languages = thirdLanguage(t)
	ta := newTestApp(t, cfg)
	ctx := context.Background()

	// a version with the Tày texts, assigned to the whole country
	q := survey.Official()
	q.Title["tyz"] = "Phiếu Tày: slư khảo sát"
	q.Intro["tyz"] = "Intro tyz"
	q.Elements[0].Criteria[0].Text["tyz"] = "Tiêu chí E1.1 pằng tiếng Tày"
	p, err := ta.store.Publish(ctx, models.Publishing{Q: q, BaseID: 1}, models.Actor{Name: "root", Now: ta.now})
	if err != nil {
		t.Fatal(err)
	}
	ta.clock.set(ta.clock.now().Add(1))

	rec := ta.do("GET", "/kiosk/demo-31?lang=tyz", nil, nil)
	body := rec.Body.String()
	for _, want := range []string{`<html lang="tyz">`, "Phiếu Tày: slư khảo sát", "Tiêu chí E1.1 pằng tiếng Tày", "⟨tyz⟩ Submit",
		`<details class="lang-menu">`, `href="?lang=vi"`, `href="?lang=en"`, `href="?lang=tyz"`, `aria-current="true">Tày`} {
		if !strings.Contains(body, want) {
			t.Errorf("the Tày kiosk lacks %q", want)
		}
	}
	if rec.Code != http.StatusOK || strings.Contains(body, `class="lang-switch"`) {
		t.Errorf("kiosk: %d, with a two-language switch", rec.Code)
	}
	// a text the version lacks in Tày falls back to Vietnamese
	if !strings.Contains(body, q.Elements[1].Criteria[0].Text["vi"]) {
		t.Error("a criterion without a Tày text is not shown in Vietnamese")
	}
	// the dashboards and admin pages offer the menu too, keeping the page's query
	page := ta.do("GET", "/dashboard?year=2025&lang=tyz", nil, nil).Body.String()
	if !strings.Contains(page, `<details class="lang-menu">`) || !strings.Contains(page, `/dashboard?lang=en&amp;year=2025`) && !strings.Contains(page, `year=2025&amp;lang=en`) {
		t.Errorf("the dashboard's language menu:\n%.3000s", page)
	}
	// the designer edits every text in the three languages and needs them all to publish
	rec = ta.do("POST", "/admin/questionnaires/drafts", url.Values{"from": {itoa(p.Version.ID)}}, nil)
	draft, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
	page = ta.do("GET", draft+"?lang=tyz", nil, nil).Body.String()
	for _, want := range []string{`id="title.tyz"`, `id="el.0.c.0.text.tyz"`, `id="el.4.c.3.text.tyz"`, ">Phiếu Tày: slư khảo sát</textarea>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the designer lacks %q", want)
		}
	}
	cl := &client{t: t, h: ta.handler, cookies: map[string]*http.Cookie{}}
	rec = ta.do("POST", draft+"/publish?lang=en", url.Values{"revision": {revisionOf(t, cl, draft)}, "intro.en": {"Changed."}}, nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="el.1.c.0.text.tyz-error"`) {
		t.Errorf("publishing without the Tày texts: %d", rec.Code)
	}
}
