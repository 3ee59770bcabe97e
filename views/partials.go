package views

import (
	"fmt"
	"html/template"
	"io/fs"
	"regexp"
)

// Every page is parsed as a template set of its own, and html/template keeps a copy of
// every parse tree of a set: with all the partials in every set, the templates were 9 MB
// of small objects, more than half of what `serve` keeps in memory, and every collection
// of the garbage went over them. A page's set now holds only the partials it uses,
// directly or through another partial.

var (
	defineRE = regexp.MustCompile(`{{-?\s*define\s+"([^"]+)"`)
	useRE    = regexp.MustCompile(`{{-?\s*(?:template|block)\s+"([^"]+)"`)
)

// partialFiles knows which partial file defines each template name, and which names
// each file uses.
type partialFiles struct {
	order   []string            // the files, in the order they are parsed
	definer map[string]string   // template name → the file defining it
	usesOf  map[string][]string // file → the template names it uses
}

// templateNames lists the template names that re finds in src.
func templateNames(re *regexp.Regexp, src []byte) []string {
	var out []string
	for _, m := range re.FindAllSubmatch(src, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// namesIn reads the template names a file defines and those it uses.
func namesIn(file string) (defines, uses []string, err error) {
	src, err := fs.ReadFile(files, file)
	if err != nil {
		return nil, nil, err
	}
	return templateNames(defineRE, src), templateNames(useRE, src), nil
}

func readPartials(shared []string) (*partialFiles, error) {
	p := &partialFiles{order: shared, definer: map[string]string{}, usesOf: map[string][]string{}}
	for _, file := range shared {
		defines, uses, err := namesIn(file)
		if err != nil {
			return nil, err
		}
		for _, name := range defines {
			if other, ok := p.definer[name]; ok {
				return nil, fmt.Errorf("template %q is defined in both %s and %s", name, other, file)
			}
			p.definer[name] = file
		}
		p.usesOf[file] = uses
	}
	return p, nil
}

// filesFor lists what a page's set is parsed from: the layout, the partials that the
// layout and the page use, directly or through other partials, and the page; and every
// template name those files use, which New checks the set defines (a name no partial
// defines is the layout's or the page's own, such as a block).
func (p *partialFiles) filesFor(layout, page string) (files, used []string, err error) {
	for _, file := range []string{layout, page} {
		_, uses, err := namesIn(file)
		if err != nil {
			return nil, nil, err
		}
		used = append(used, uses...)
	}
	needed := map[string]bool{}
	for i := 0; i < len(used); i++ {
		file, ok := p.definer[used[i]]
		if !ok || needed[file] {
			continue
		}
		needed[file] = true
		used = append(used, p.usesOf[file]...)
	}
	files = []string{layout}
	for _, file := range p.order {
		if needed[file] {
			files = append(files, file)
		}
	}
	return append(files, page), used, nil
}

// undefined returns the first of the names that set t does not define: a set that uses a
// template it lacks would fail only when a request renders it.
func undefined(t *template.Template, names []string) (string, bool) {
	for _, name := range names {
		if t.Lookup(name) == nil {
			return name, true
		}
	}
	return "", false
}
