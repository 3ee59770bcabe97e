// Package views holds the html/template files and the interface-language catalogues,
// embedded in the binary and parsed once at start: a broken template fails the start,
// not a request.
package views

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed layouts pages partials i18n
var files embed.FS

// Languages returns the languages the interface speaks, the default first.
func Languages() []string { return []string{"vi", "en"} }

// Lang returns l if the interface speaks it, else the default language.
func Lang(l string) string {
	for _, x := range Languages() {
		if x == l {
			return l
		}
	}
	return Languages()[0]
}

// Other is the language a page's switch offers: the other one of the two.
func Other(lang string) string {
	if Lang(lang) == Languages()[0] {
		return Languages()[1]
	}
	return Languages()[0]
}

// Catalog maps language → message key → text.
type Catalog map[string]map[string]string

// T translates key into lang; a missing key shows itself so that it is noticed.
func (c Catalog) T(lang, key string, args ...any) string {
	s, ok := c[lang][key]
	if !ok {
		s, ok = c[Languages()[0]][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// LoadCatalog reads the embedded i18n/<part>.<lang>.json files; each feature keeps its
// own part, and a key defined twice is an error.
func LoadCatalog() (Catalog, error) {
	c := Catalog{}
	for _, l := range Languages() {
		names, err := fs.Glob(files, "i18n/*."+l+".json")
		if err != nil {
			return nil, err
		}
		c[l] = map[string]string{}
		for _, name := range names {
			data, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			m := map[string]string{}
			if err := json.Unmarshal(data, &m); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			for k, v := range m {
				if _, dup := c[l][k]; dup {
					return nil, fmt.Errorf("%s: key %q is defined twice", name, k)
				}
				c[l][k] = v
			}
		}
	}
	return c, nil
}

// Renderer renders the pages; each page is parsed with the layout and the partials.
type Renderer struct {
	pages   map[string]*template.Template
	Catalog Catalog
}

// New parses every template. assets maps a static path ("css/app.css") to its URL with a
// content hash, so that browsers may cache assets for ever.
func New(assets func(string) string, extra template.FuncMap) (*Renderer, error) {
	catalog, err := LoadCatalog()
	if err != nil {
		return nil, err
	}
	funcs := baseFuncs(catalog, assets)
	for k, v := range extra {
		funcs[k] = v
	}
	shared, err := fs.Glob(files, "partials/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(files, "pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}, Catalog: catalog}
	for _, p := range pages {
		names := append([]string{"layouts/base.html"}, shared...)
		names = append(names, p)
		t, err := template.New(path.Base(p)).Funcs(funcs).ParseFS(files, names...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		r.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return r, nil
}

// Pages lists the page names, for tests.
func (r *Renderer) Pages() []string {
	var names []string
	for n := range r.pages {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Render writes page with data (executed through the layout's "base" template).
func (r *Renderer) Render(w io.Writer, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("no page %q", page)
	}
	return t.ExecuteTemplate(w, "base", data)
}

// AssetURLs hashes every file of a static FS and returns the function that gives a file's
// URL under prefix with ?v=<hash>.
func AssetURLs(static fs.FS, prefix string) (func(string) string, error) {
	hashes := map[string]string{}
	err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		hashes[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func(p string) string {
		if h, ok := hashes[p]; ok {
			return prefix + p + "?v=" + h
		}
		return prefix + p
	}, nil
}
