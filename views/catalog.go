package views

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"sipas/survey"
)

// DefaultLang is the language of a request that asks for none, or for one the interface
// does not speak.
const DefaultLang = "vi"

// Catalog holds the interface text of every language: i18n/<lang>.json, one file per
// language, keys sorted. The languages are the files present, so that a new language is
// a new file and no change of code.
type Catalog struct {
	langs   []string // DefaultLang first, then the others in alphabetical order
	texts   map[string]map[string]string
	locales map[string]Locale
}

// LoadCatalog reads the embedded catalogues.
func LoadCatalog() (*Catalog, error) { return loadCatalog(files, "i18n") }

// LoadCatalogWith reads the embedded catalogues and those of overlay's i18n directory,
// which adds languages or replaces embedded ones file by file (nil: none).
func LoadCatalogWith(overlay fs.FS) (*Catalog, error) {
	if overlay == nil {
		return LoadCatalog()
	}
	return loadCatalog(overlayFS{top: overlay, under: files}, "i18n")
}

// overlayFS reads a file from top when it has it, else from under; a directory lists both.
type overlayFS struct{ top, under fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.under.Open(name)
}

func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	under, err := fs.ReadDir(o.under, name)
	if err != nil {
		return nil, err
	}
	top, _ := fs.ReadDir(o.top, name) // an overlay without the directory adds nothing
	seen := map[string]bool{}
	for _, e := range top {
		seen[e.Name()] = true
	}
	for _, e := range under {
		if !seen[e.Name()] {
			top = append(top, e)
		}
	}
	slices.SortFunc(top, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return top, nil
}

// loadCatalog reads every <lang>.json of dir in fsys. A file whose name is not a language
// (a leftover part such as auth.vi.json) is an error: its keys belong in <lang>.json.
func loadCatalog(fsys fs.FS, dir string) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	c := &Catalog{texts: map[string]map[string]string{}, locales: map[string]Locale{}}
	for _, e := range entries {
		lang, ok := strings.CutSuffix(e.Name(), ".json")
		if e.IsDir() || !ok {
			continue
		}
		if lang == "" || strings.Contains(lang, ".") {
			return nil, fmt.Errorf("%s/%s: the catalogue of a language is one file, <lang>.json; move its keys into it", dir, e.Name())
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		texts := map[string]string{}
		if err := json.Unmarshal(data, &texts); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", dir, e.Name(), err)
		}
		loc, err := localeOf(texts)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", dir, e.Name(), err)
		}
		c.texts[lang], c.locales[lang] = texts, loc
		c.langs = append(c.langs, lang)
	}
	if _, ok := c.texts[DefaultLang]; !ok {
		return nil, fmt.Errorf("%s: no catalogue of the default language, %s.json", dir, DefaultLang)
	}
	slices.SortFunc(c.langs, func(a, b string) int {
		switch {
		case a == DefaultLang:
			return -1
		case b == DefaultLang:
			return 1
		}
		return strings.Compare(a, b)
	})
	return c, nil
}

// Keys lists the keys of the default language's catalogue, sorted: what a new
// language's file translates.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.texts[DefaultLang]))
	for k := range c.texts[DefaultLang] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Languages lists the languages the interface speaks, the default one first.
func (c *Catalog) Languages() []string { return slices.Clone(c.langs) }

// LangChoice is one language of a page's language menu.
type LangChoice struct {
	Code, Name, URL string
	Current         bool
}

// Choices lists every language for a page in lang, each with the page's address in it:
// switchURL is the address in other (the page's switch), whose lang=other is replaced.
func (c *Catalog) Choices(lang, other, switchURL string) []LangChoice {
	out := make([]LangChoice, len(c.langs))
	for i, l := range c.langs {
		out[i] = LangChoice{Code: l, Name: c.T(l, "lang.name"), Current: l == lang,
			URL: strings.Replace(switchURL, "lang="+other, "lang="+l, 1)}
	}
	return out
}

// Lang returns l if the interface speaks it, else the default language.
func (c *Catalog) Lang(l string) string {
	if _, ok := c.texts[l]; ok {
		return l
	}
	return DefaultLang
}

// Next is the language a page's language switch offers: the one after lang in Languages,
// round the list, so that the switch reaches every language.
func (c *Catalog) Next(lang string) string {
	i := slices.Index(c.langs, c.Lang(lang))
	return c.langs[(i+1)%len(c.langs)]
}

// T translates key into lang with fmt verbs filled by args (%[2]s where a language's word
// order differs); a key missing in lang falls back to the default language, and a key
// missing everywhere shows itself, so that it is noticed.
func (c *Catalog) T(lang, key string, args ...any) string {
	s, ok := c.texts[lang][key]
	if !ok {
		s, ok = c.texts[DefaultLang][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Message puts a message of the domain into words in lang: its arguments that are
// messages first, days (time.Time) as the language writes dates.
func (c *Catalog) Message(lang string, m survey.Message) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch v := a.(type) {
		case survey.Message:
			args[i] = c.Message(lang, v)
		case time.Time:
			args[i] = Date(c.Locale(lang), v)
		default:
			args[i] = v
		}
	}
	return c.T(lang, m.Key, args...)
}

// Error words err in lang when it says what went wrong as a message (survey.Described);
// ok is false for any other error, whose text is not meant for people.
func (c *Catalog) Error(lang string, err error) (text string, ok bool) {
	var d survey.Described
	if !errors.As(err, &d) {
		return "", false
	}
	return c.Message(lang, d.Describe()), true
}

// Locale is how lang writes numbers and dates.
func (c *Catalog) Locale(lang string) Locale {
	if l, ok := c.locales[lang]; ok {
		return l
	}
	return c.locales[DefaultLang]
}
