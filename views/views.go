// Package views holds the html/template files and the interface-language catalogues,
// embedded in the binary and parsed once at start: a broken template fails the start,
// not a request.
package views

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
)

//go:embed layouts pages partials i18n
var files embed.FS

// Renderer renders the pages; each page is parsed with the layout and the partials it
// uses (partials.go).
type Renderer struct {
	pages   map[string]*template.Template
	Catalog *Catalog
}

// New parses every template. assets maps a static path ("css/app.css") to its URL with a
// content hash, so that browsers may cache assets for ever. languages adds catalogues
// (i18n/<lang>.json) to the embedded ones, or replaces them; nil adds none.
func New(assets func(string) string, extra template.FuncMap, languages fs.FS) (*Renderer, error) {
	catalog, err := LoadCatalogWith(languages)
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
	partials, err := readPartials(shared)
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}, Catalog: catalog}
	for _, p := range pages {
		names, used, err := partials.filesFor("layouts/base.html", p)
		if err != nil {
			return nil, err
		}
		t, err := template.New(path.Base(p)).Funcs(funcs).ParseFS(files, names...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		if name, ok := undefined(t, used); ok {
			return nil, fmt.Errorf("template %s: no template %q is defined for it", p, name)
		}
		r.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return r, nil
}

// Render writes page with data (executed through the layout's "base" template).
func (r *Renderer) Render(w io.Writer, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("no page %q", page)
	}
	return t.ExecuteTemplate(w, "base", data)
}

// RenderPart renders one named template of a page (a partial such as "nav") with data.
func (r *Renderer) RenderPart(w io.Writer, page, part string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("no page %q", page)
	}
	return t.ExecuteTemplate(w, part, data)
}

// Assets are the content versions of the static files: a page links a file with its
// version in the URL (?v=<hash>), so that browsers may keep it for ever and fetch it
// again exactly when it changes.
type Assets struct {
	prefix   string
	versions map[string]string // path in the static FS → hash of its content
}

// LoadAssets hashes every file of a static FS served under prefix.
func LoadAssets(static fs.FS, prefix string) (*Assets, error) {
	a := &Assets{prefix: prefix, versions: map[string]string{}}
	err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		a.versions[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// URL is the address of a static file ("css/app.css") with its version.
func (a *Assets) URL(p string) string {
	if v, ok := a.versions[p]; ok {
		return a.prefix + p + "?v=" + v
	}
	return a.prefix + p
}

// Version is the content version of a static file; ok is false for an unknown one.
func (a *Assets) Version(p string) (version string, ok bool) {
	version, ok = a.versions[p]
	return version, ok
}
