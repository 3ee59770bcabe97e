package views

import (
	"sort"
	"testing"
	"testing/fstest"
)

// Every key must exist in every language, so that no page shows a raw key.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	c, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Languages() {
		for _, other := range Languages() {
			var missing []string
			for k := range c[l] {
				if _, ok := c[other][k]; !ok {
					missing = append(missing, k)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("keys in %s but not in %s: %v", l, other, missing)
			}
		}
	}
}

func TestTemplatesParse(t *testing.T) {
	assets, err := AssetURLs(fstest.MapFS{"css/app.css": {Data: []byte("x")}}, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(assets, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pages()) == 0 {
		t.Fatal("no pages")
	}
	if got := assets("css/app.css"); got != "/static/css/app.css?v=2d711642b726" {
		t.Errorf("asset URL %q", got)
	}
}

func TestFormats(t *testing.T) {
	x := 88.0949
	tests := []struct{ got, want string }{
		{Percent("vi", &x), "88,09 %"},
		{Percent("en", x), "88.09%"},
		{Percent("vi", (*float64)(nil)), "–"},
		{Number("vi", int64(1234567)), "1.234.567"},
		{Number("en", 1234), "1,234"},
		{Number("en", 12), "12"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestOther(t *testing.T) {
	for in, want := range map[string]string{"vi": "en", "en": "vi", "": "en", "fr": "en"} {
		if got := Other(in); got != want {
			t.Errorf("Other(%q) = %q, want %q", in, got, want)
		}
	}
}
