package handlers

import (
	"fmt"
	"math"
	"net/url"
	"reflect"

	"github.com/labstack/echo/v4"

	"sipas/survey"
)

// navBar is what the navigation shows on every page: who is signed in, the pages their
// role may open, and the token of the sign-out form.
type navBar struct {
	Lang     string
	User     string // the account name; "" when nobody is signed in
	Role     string // its role, in words
	CSRF     string
	Links    []navLink
	LoginURL string // the sign-in link, back to this page
}

type navLink struct {
	Href, Label string
	Current     bool
}

// navItems are the pages of the navigation with the rule of each; a link shows when the
// viewer's role may open it, whatever the language.
func navItems() []struct {
	path  string
	label survey.Message
	rule  rule
} {
	return []struct {
		path  string
		label survey.Message
		rule  rule
	}{
		{"/dashboard", survey.Msg("nav.dashboard"), ruleFigures},
		{"/alerts", survey.Msg("auth.nav.alerts"), ruleOfficial},
		{"/admin", survey.Msg("nav.admin"), ruleProvinceAdmin}, // the hub of every administrative page
		{"/account", survey.Msg("auth.nav.account"), ruleSignedIn},
	}
}

// navBar builds the navigation for the request.
func (a *App) navBar(c echo.Context) navBar {
	lang := a.lang(c)
	nb := navBar{Lang: lang, LoginURL: "/login?" + url.Values{"lang": {lang}, "next": {c.Request().URL.RequestURI()}}.Encode()}
	v, err := a.viewer(c)
	if err != nil {
		v = &viewer{}
	}
	if v.user != nil {
		nb.User, nb.Role = v.user.Name, a.msg(c, survey.Role(v.user.Role).Name())
		nb.CSRF, _ = a.csrfToken(c)
	}
	section := navSection(c.Request().URL.Path)
	for _, item := range navItems() {
		if a.mayOpen(v, item.rule) {
			nb.Links = append(nb.Links, navLink{Href: item.path + "?lang=" + lang, Label: a.msg(c, item.label), Current: section == item.path})
		}
	}
	return nb
}

// navSection is the navigation link a page belongs under: every administrative page
// under the administration's hub.
func navSection(path string) string {
	if inAdministration(path) {
		return "/admin"
	}
	return path
}

// basePage is what every page of accounts and the audit log shows around its content.
type basePage struct {
	Lang, OtherLang, SwitchURL string
	Nav                        navBar
	CSRF                       string
	Flash                      string // the notice left by the previous request, in words
	FlashError                 bool
}

// notice is a one-time message shown after a redirect (Post/Redirect/Get), kept in the
// session cookie as its catalogue key and arguments.
type notice struct {
	Key   string
	Args  []noticeArg
	Error bool
}

// noticeArg is an argument of a notice as JSON keeps it: whole numbers stay numbers, so
// that the catalogue's %d formats them (everything else is kept as its text, for %s).
type noticeArg struct {
	Text string `json:"s,omitempty"`
	Int  *int64 `json:"i,omitempty"`
}

func (n noticeArg) value() any {
	if n.Int != nil {
		return noticeInt(*n.Int)
	}
	return n.Text
}

// noticeInt is a whole number of a notice, written in decimal whether the catalogue's
// text formats it with %d or %s.
type noticeInt int64

// Format writes n for fmt: %s as %d, the other verbs as they are for an int64.
func (n noticeInt) Format(f fmt.State, verb rune) {
	if verb == 's' || verb == 'v' {
		verb = 'd'
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), int64(n))
}

// noticeOf keeps m for the next page.
func noticeOf(m survey.Message) notice {
	n := notice{Key: m.Key}
	for _, a := range m.Args {
		var arg noticeArg
		if v := reflect.ValueOf(a); v.CanInt() {
			i := v.Int()
			arg.Int = &i
		} else if v.CanUint() && v.Uint() <= math.MaxInt64 {
			i := int64(v.Uint())
			arg.Int = &i
		} else {
			arg.Text = fmt.Sprint(a)
		}
		n.Args = append(n.Args, arg)
	}
	return n
}

// errorNotice keeps m for the next page, shown as an error.
func errorNotice(m survey.Message) notice {
	n := noticeOf(m)
	n.Error = true
	return n
}

// newPage builds the frame of a page at path, with a CSRF token for its forms and the
// notice left by the previous request.
func (a *App) newPage(c echo.Context, path string) (basePage, error) {
	lang := a.lang(c)
	other := a.views.Catalog.Next(lang)
	p := basePage{Lang: lang, OtherLang: other, SwitchURL: path + "?lang=" + other, Nav: a.navBar(c)}
	var err error
	if p.CSRF, err = a.csrfToken(c); err != nil {
		return p, err
	}
	var n notice
	if a.takeFlash(c, &n) && n.Key != "" {
		args := make([]any, len(n.Args))
		for i, arg := range n.Args {
			args[i] = arg.value()
		}
		p.Flash, p.FlashError = a.msg(c, survey.Message{Key: n.Key, Args: args}), n.Error
	}
	return p, nil
}

// redirectWith sends the browser to target with a notice for the next page.
func (a *App) redirectWith(c echo.Context, target string, n notice) error {
	if err := a.setFlash(c, n); err != nil {
		return err
	}
	return c.Redirect(303, target)
}
