package views

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The catalogue keys the code uses are read from the sources themselves: the first
// argument of survey.Msg, the key of the translate functions (a.t(c, key, …),
// catalog.T(lang, key, …)) and of the templates' t. A key must be a literal there, so
// that this test sees it; only the functions that pass a key through are exempt.

// keyWrappers are the functions that translate a key they are given.
var keyWrappers = []string{"(*Catalog).Message", "(*App).t"}

// sourceDirs are the packages whose production code may use catalogue keys.
var sourceDirs = []string{"../cmd", "../handlers", "../models", "../survey", "../views"}

type keyUse struct {
	key string
	at  string // file:line
}

// goKeys returns the catalogue keys used in the Go sources and the places where a key is
// not a literal.
func goKeys(t *testing.T) (uses []keyUse, dynamic []string) {
	t.Helper()
	fset := token.NewFileSet()
	for _, dir := range sourceDirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				wrapper := slices.Contains(keyWrappers, funcName(fn))
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					i := keyArg(call)
					if i < 0 || i >= len(call.Args) {
						return true
					}
					at := fset.Position(call.Pos()).String()
					if lit, ok := call.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						key, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatalf("%s: %v", at, err)
						}
						uses = append(uses, keyUse{key, at})
					} else if !wrapper {
						dynamic = append(dynamic, at)
					}
					return true
				})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return uses, dynamic
}

// funcName is "Name" or "(*Recv).Name".
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	recv := fn.Recv.List[0].Type
	star := ""
	if s, ok := recv.(*ast.StarExpr); ok {
		recv, star = s.X, "*"
	}
	if id, ok := recv.(*ast.Ident); ok {
		return "(" + star + id.Name + ")." + fn.Name.Name
	}
	return fn.Name.Name
}

// keyArg is the index of the catalogue key among a call's arguments, -1 when the call
// takes none: Msg(key, …), x.t(c, key, …), x.T(lang, key, …).
func keyArg(call *ast.CallExpr) int {
	var name string
	switch f := call.Fun.(type) {
	case *ast.Ident:
		name = f.Name
	case *ast.SelectorExpr:
		name = f.Sel.Name
		if name == "t" || name == "T" {
			return 1
		}
	}
	if name == "Msg" {
		return 0
	}
	return -1
}

// templateKey finds the t function of the templates: {{t .Lang "key"}}, (t $lang "key" …).
var (
	templateKey     = regexp.MustCompile(`[{(]\s*t\s+[$.\w]+\s+"([^"]+)"`)
	templateDynamic = regexp.MustCompile(`[{(]\s*t\s+[$.\w]+\s+[^\s"]`)
)

func templateKeys(t *testing.T) (uses []keyUse, dynamic []string) {
	t.Helper()
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		data, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			at := path + ":" + strconv.Itoa(i+1)
			for _, m := range templateKey.FindAllStringSubmatch(line, -1) {
				uses = append(uses, keyUse{m[1], at})
			}
			if templateDynamic.MatchString(line) {
				dynamic = append(dynamic, at)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return uses, dynamic
}

// Every key the code and the templates use is in the catalogues, written as a literal.
func TestEveryUsedKeyExists(t *testing.T) {
	c := loadTestCatalog(t)
	goUses, goDynamic := goKeys(t)
	tplUses, tplDynamic := templateKeys(t)
	if len(goUses) < 100 || len(tplUses) < 100 {
		t.Fatalf("found %d keys in Go and %d in templates: the scan is broken", len(goUses), len(tplUses))
	}
	for _, at := range append(goDynamic, tplDynamic...) {
		t.Errorf("%s: a catalogue key that is not a literal; write the key out so that this test sees it", at)
	}
	for _, u := range append(goUses, tplUses...) {
		for _, l := range c.langs {
			if _, ok := c.texts[l][u.key]; !ok {
				t.Errorf("%s: key %q is not in %s.json", u.at, u.key, l)
			}
		}
	}
}

// Every key of the catalogues is used, so that a translator translates nothing in vain.
func TestEveryKeyIsUsed(t *testing.T) {
	c := loadTestCatalog(t)
	goUses, _ := goKeys(t)
	tplUses, _ := templateKeys(t)
	used := map[string]bool{}
	for _, u := range append(goUses, tplUses...) {
		used[u.key] = true
	}
	for k := range c.texts[DefaultLang] {
		if !used[k] && !strings.HasPrefix(k, "locale.") {
			t.Errorf("key %q is used nowhere", k)
		}
	}
}

// Interface text is in the catalogues, questionnaire wording in the questionnaire: no Go
// file writes a survey.Text of its own.
func TestNoTextLiteralsInGo(t *testing.T) {
	fset := token.NewFileSet()
	for _, dir := range sourceDirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				switch typ := lit.Type.(type) {
				case *ast.Ident:
					ok = typ.Name == "Text" && strings.HasSuffix(filepath.Dir(path), "survey")
				case *ast.SelectorExpr:
					ok = typ.Sel.Name == "Text" && isIdent(typ.X, "survey")
				default:
					ok = false
				}
				if ok {
					t.Errorf("%s: a survey.Text literal; put interface text in views/i18n", fset.Position(lit.Pos()))
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
