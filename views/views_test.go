package views

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sipas/survey"
)

func loadTestCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testLocales are the Vietnamese and English locales of the real catalogues.
func testLocales(t *testing.T) (vi, en Locale) {
	c := loadTestCatalog(t)
	return c.Locale("vi"), c.Locale("en")
}

// Every key must exist in every language, so that no page shows a raw key.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	c := loadTestCatalog(t)
	if got := c.langs; len(got) < 2 || got[0] != DefaultLang {
		t.Fatalf("languages %v, want %s first and at least one other", got, DefaultLang)
	}
	for _, l := range c.langs {
		for _, other := range c.langs {
			var missing []string
			for k := range c.texts[l] {
				if _, ok := c.texts[other][k]; !ok {
					missing = append(missing, k)
				}
			}
			slices.Sort(missing)
			if len(missing) > 0 {
				t.Errorf("keys in %s but not in %s: %v", l, other, missing)
			}
		}
	}
}

// The languages are the files present: a third language is a new file, and the switch
// of every page goes round all of them.
func TestCatalogLanguagesAreTheFiles(t *testing.T) {
	locale := `"locale.decimal": ",", "locale.thousands": " ", "locale.percent": "%s %%", "locale.date": "02/01/2006"`
	fsys := fstest.MapFS{
		"i18n/vi.json": {Data: []byte(`{"lang.name": "Tiếng Việt", "hello": "Xin chào %s", ` + locale + `}`)},
		"i18n/en.json": {Data: []byte(`{"lang.name": "English", "hello": "Hello %s", ` + locale + `}`)},
		"i18n/fr.json": {Data: []byte(`{"lang.name": "Français", ` + locale + `}`)},
	}
	c, err := loadCatalog(fsys, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.langs; !reflect.DeepEqual(got, []string{"vi", "en", "fr"}) {
		t.Errorf("languages %v, want the default first, then the others in order", got)
	}
	for from, want := range map[string]string{"vi": "en", "en": "fr", "fr": "vi", "de": "en", "": "en"} {
		if got := c.Next(from); got != want {
			t.Errorf("Next(%q) = %q, want %q", from, got, want)
		}
	}
	if got := c.Lang("fr"); got != "fr" {
		t.Errorf("Lang(fr) = %q", got)
	}
	if got := c.Lang("de"); got != DefaultLang {
		t.Errorf("Lang(de) = %q, want the default", got)
	}
	// A key missing in a language falls back to the default one; missing everywhere, it shows itself.
	if got := c.T("fr", "hello", "Lan"); got != "Xin chào Lan" {
		t.Errorf("fallback %q", got)
	}
	if got := c.T("en", "nope"); got != "nope" {
		t.Errorf("missing key %q", got)
	}

	for name, files := range map[string]fstest.MapFS{
		"a part file":          {"i18n/vi.json": fsys["i18n/vi.json"], "i18n/auth.vi.json": fsys["i18n/vi.json"]},
		"no default language":  {"i18n/en.json": fsys["i18n/en.json"]},
		"no locale":            {"i18n/vi.json": {Data: []byte(`{"lang.name": "Tiếng Việt"}`)}},
		"not a JSON object":    {"i18n/vi.json": {Data: []byte(`["x"]`)}},
		"percent without a %s": {"i18n/vi.json": {Data: []byte(strings.Replace(string(fsys["i18n/vi.json"].Data), `"%s %%"`, `"%%"`, 1))}},
	} {
		if _, err := loadCatalog(files, "i18n"); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestMessageInWords(t *testing.T) {
	c := loadTestCatalog(t)
	day := time.Date(2025, 8, 1, 0, 0, 0, 0, survey.VietnamTime())
	tests := []struct {
		m      survey.Message
		vi, en string
	}{
		{survey.YearPeriod(2026).Name(), "Năm 2026", "Year 2026"},
		{survey.QuarterPeriod(2026, 1).Name(), "Quý 1/2026", "Q1 2026"},
		{survey.MonthPeriod(2026, 3).Name(), "Tháng 3/2026", "March 2026"},
		{survey.Period{Kind: "range", From: day, To: day.AddDate(0, 1, 0)}.Name(), "01/08/2025 – 01/09/2025", "2025-08-01 – 2025-09-01"},
		{survey.MonthName(202503), "03/2025", "2025-03"},
		{survey.FixFirst.Label(), "Ưu tiên cải thiện", "Fix first"},
		{survey.Overserved.Label(), "Có thể đầu tư quá mức", "Possible overkill"},
		// a message inside a message, a day as the language writes it
		{(&survey.PaperError{Row: 2, Column: "province", Msg: survey.Msg("paper.problem.province_not_in_force", "30", day, "2008-08-01 – 2025-06-30")}).Describe(),
			"dòng 2, cột province: mã 30 không có hiệu lực vào ngày 01/08/2025 (hiệu lực 2008-08-01 – 2025-06-30).",
			"row 2, column province: province 30 was not in force on 2025-08-01 (in force 2008-08-01 – 2025-06-30)."},
	}
	for _, tt := range tests {
		if got := c.Message("vi", tt.m); got != tt.vi {
			t.Errorf("%s in vi: %q, want %q", tt.m, got, tt.vi)
		}
		if got := c.Message("en", tt.m); got != tt.en {
			t.Errorf("%s in en: %q, want %q", tt.m, got, tt.en)
		}
	}
	if _, ok := c.Error("en", errors.New("disk full")); ok {
		t.Error("an error that is not described was put into words")
	}
}

func TestTemplatesParse(t *testing.T) {
	assets, err := LoadAssets(fstest.MapFS{"css/app.css": {Data: []byte("x")}}, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(assets.URL, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.pages) == 0 {
		t.Fatal("no pages")
	}
	if got := assets.URL("css/app.css"); got != "/static/css/app.css?v=2d711642b726" {
		t.Errorf("asset URL %q", got)
	}
	if v, ok := assets.Version("css/app.css"); !ok || v != "2d711642b726" {
		t.Errorf("asset version %q %v", v, ok)
	}
	if got, _ := assets.Version("css/none.css"); got != "" || assets.URL("css/none.css") != "/static/css/none.css" {
		t.Errorf("an unknown file has version %q", got)
	}
}

func TestFormats(t *testing.T) {
	vi, en := testLocales(t)
	x := 88.0949
	day := time.Date(2026, 12, 31, 0, 0, 0, 0, survey.VietnamTime())
	tests := []struct{ got, want string }{
		{Percent(vi, &x), "88,09 %"},
		{Percent(en, x), "88.09%"},
		{Percent(vi, (*float64)(nil)), "–"},
		{Number(vi, int64(1234567)), "1.234.567"},
		{Number(en, 1234), "1,234"},
		{Number(en, 12), "12"},
		{Date(vi, day), "31/12/2026"},
		{Date(en, day), "2026-12-31"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// A deployment's catalogues lay over the embedded ones file by file: a new file adds a
// language, a file of an embedded language replaces it.
func TestCatalogOverlay(t *testing.T) {
	locale := `"locale.decimal": ",", "locale.thousands": ".", "locale.percent": "%s %%", "locale.date": "02/01/2006"`
	c, err := LoadCatalogWith(fstest.MapFS{
		"i18n/tyz.json": {Data: []byte(`{"lang.name": "Tày", ` + locale + `}`)},
		"i18n/en.json":  {Data: []byte(`{"lang.name": "English (ours)", ` + locale + `}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); !reflect.DeepEqual(got, []string{"vi", "en", "tyz"}) {
		t.Errorf("languages %v", got)
	}
	if got := c.T("en", "lang.name"); got != "English (ours)" {
		t.Errorf("the overlaid English is %q", got)
	}
	if got := c.T("vi", "kiosk.submit"); got != "Gửi ý kiến" && got == "kiosk.submit" {
		t.Errorf("the embedded Vietnamese is gone: %q", got)
	}
	choices := c.Choices("en", "tyz", "/dashboard?year=2025&lang=tyz")
	if len(choices) != 3 || choices[0].URL != "/dashboard?year=2025&lang=vi" || !choices[1].Current || choices[2].Name != "Tày" {
		t.Errorf("choices %+v", choices)
	}
	if _, err := LoadCatalogWith(fstest.MapFS{"i18n/x.y.json": {Data: []byte(`{}`)}}); err == nil {
		t.Error("a part file in the overlay was accepted")
	}
}
