package views

import (
	"html/template"
	"regexp"
	"slices"
	"testing"
)

func TestTemplateNames(t *testing.T) {
	src := []byte(`{{define "a"}}{{template "b" .}}{{- template "c"}}{{block "d" .}}{{end}}{{end}}{{ define "e" }}{{end}}`)
	for _, tc := range []struct {
		re   *regexp.Regexp
		want []string
	}{
		{defineRE, []string{"a", "e"}},
		{useRE, []string{"b", "c", "d"}},
	} {
		if got := templateNames(tc.re, src); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.re, got, tc.want)
		}
	}
}

// A page's set holds the layout, the partials it uses (through others too) and the page,
// and none it does not use.
func TestPagesHoldTheirPartialsOnly(t *testing.T) {
	partials, err := readPartials([]string{"partials/design_parts.html", "partials/nav.html", "partials/lang_menu.html", "partials/auth_parts.html"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		page      string
		with      []string
		without   []string
		usesNames []string
	}{
		{"pages/designer.html", []string{"partials/design_parts.html", "partials/nav.html"}, nil, []string{"design-texts", "nav"}},
		{"pages/kiosk.html", nil, []string{"partials/design_parts.html"}, nil},
	} {
		files, used, err := partials.filesFor("layouts/base.html", tc.page)
		if err != nil {
			t.Fatal(err)
		}
		if files[0] != "layouts/base.html" || files[len(files)-1] != tc.page {
			t.Errorf("%s: %q, want the layout first and the page last", tc.page, files)
		}
		for _, f := range tc.with {
			if !slices.Contains(files, f) {
				t.Errorf("%s: %q lacks %s", tc.page, files, f)
			}
		}
		for _, f := range tc.without {
			if slices.Contains(files, f) {
				t.Errorf("%s: %q holds %s, which it does not use", tc.page, files, f)
			}
		}
		for _, name := range tc.usesNames {
			if !slices.Contains(used, name) {
				t.Errorf("%s: uses %q, want %s among them", tc.page, used, name)
			}
		}
	}
}

func TestPartialDefinedTwiceFailsTheStart(t *testing.T) {
	if _, err := readPartials([]string{"partials/nav.html", "partials/nav.html"}); err == nil {
		t.Error("a template defined in two partial files was accepted")
	}
}

func TestUndefinedTemplateIsFound(t *testing.T) {
	set := template.Must(template.New("page").Parse(`{{define "nav"}}n{{end}}{{template "nav"}}{{template "flash"}}`))
	for _, tc := range []struct {
		used    []string
		missing string
	}{
		{[]string{"nav"}, ""},
		{[]string{"nav", "flash", "csrf"}, "flash"},
		{nil, ""},
	} {
		name, ok := undefined(set, tc.used)
		if name != tc.missing || ok != (tc.missing != "") {
			t.Errorf("undefined(%q) = %q, %v; want %q", tc.used, name, ok, tc.missing)
		}
	}
}
