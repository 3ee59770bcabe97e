package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// The designer edits a draft in one plain form: every text in every language, the codes
// of new items, and buttons (name "edit") that save the form and then add, remove or move
// an item, check the draft, or open its preview. Publishing and discarding are buttons of
// the same form posting elsewhere (formaction), so that nothing typed is lost.

// draft is the path's draft (:draft) that the editor may change; 404 or 403 otherwise.
func (a *App) draft(c echo.Context) (models.Draft, editor, error) {
	ed, err := a.editor(c)
	if err != nil {
		return models.Draft{}, ed, err
	}
	id, err := strconv.ParseUint(c.Param("draft"), 10, 64)
	if err != nil {
		return models.Draft{}, ed, a.fail(c, http.StatusNotFound, a.t(c, "designer.error.gone"))
	}
	d, err := a.store.DraftByID(c.Request().Context(), uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return d, ed, a.fail(c, http.StatusNotFound, a.t(c, "designer.error.gone"))
	}
	if err != nil {
		return d, ed, err
	}
	if !ed.mayEdit(d) {
		return d, ed, a.forbidden(c)
	}
	return d, ed, nil
}

// designRules are what the draft must meet to be published: every text in every
// language the interface speaks, the base version's codes kept, no earlier code reused.
func (a *App) designRules(c echo.Context, d models.Draft) (survey.DesignRules, error) {
	ctx := c.Request().Context()
	r := survey.DesignRules{Languages: a.views.Catalog.Languages()}
	if d.BasedOnID != nil {
		_, base, err := a.store.Version(ctx, *d.BasedOnID)
		if err != nil {
			return r, err
		}
		r.Base = base
	}
	var err error
	r.Earlier, err = a.store.EarlierCodes(ctx, d.Code)
	return r, err
}

// designerPage is the form of a draft.
type designerPage struct {
	basePage
	Draft       models.Draft
	BaseVersion int
	Languages   []langOption
	Title       []textInput
	Intro       []textInput
	Scale       []scaleRow
	Elements    []designElement
	Questions   []designItem
	FieldText   []textInput
	Fields      []designItem
	Problems    []problemLink
	Checked     bool // the draft was checked and has no problem
	From        string
	Note        string
	Errors      formErrors // the publishing fields' problems
	PreviewURL  string
}

// langOption is a language of the form: its code and name.
type langOption struct{ Code, Name string }

// textInput is one text of the draft in one language.
type textInput struct {
	Name, Lang, LangName, Value, Error string
	Long                               bool
}

type scaleRow struct {
	Value  int
	Labels []textInput
}

// designItem is a criterion, a question or an option, with its code and texts and the
// buttons that move or remove it.
type designItem struct {
	Field, Code          string
	CodeEditable         bool
	CodeName, CodeError  string
	Texts                []textInput
	Problem              string
	Up, Down, Remove     string // the edit buttons' values, "" when not offered
	Options              []designItem
	AddOption            string
	Perception, Headline bool
}

type designElement struct {
	Field, Code string
	Name        []textInput
	Criteria    []designItem
	Add         string
	Problem     string
}

// problemLink is a problem of the draft in words, linked to its field.
type problemLink struct {
	Field, Text string
}

func (a *App) designerPage(c echo.Context) error {
	d, _, err := a.draft(c)
	if err != nil {
		return err
	}
	q, err := d.Parse()
	if err != nil {
		return err
	}
	return a.renderDesigner(c, http.StatusOK, d, q, nil, false, publishForm{From: a.today()}, formErrors{})
}

// publishForm is the publishing fields as typed.
type publishForm struct{ From, Note string }

func (a *App) renderDesigner(c echo.Context, status int, d models.Draft, q *survey.Questionnaire, problems survey.DesignError,
	checked bool, pf publishForm, errs formErrors) error {
	p, err := a.newPage(c, draftPath(d.ID))
	if err != nil {
		return err
	}
	rules, err := a.designRules(c, d)
	if err != nil {
		return err
	}
	b := designBuilder{a: a, c: c, q: q, base: rules.Base, errs: map[string]string{}}
	for _, l := range rules.Languages {
		b.langs = append(b.langs, langOption{Code: l, Name: a.views.Catalog.T(l, "lang.name")})
	}
	dp := designerPage{basePage: p, Draft: d, Languages: b.langs, Checked: checked && len(problems) == 0,
		From: pf.From, Note: pf.Note, Errors: errs, PreviewURL: draftPath(d.ID) + "/preview?lang=" + p.Lang}
	if rules.Base != nil {
		dp.BaseVersion = rules.Base.Version
	}
	for _, pr := range problems {
		text := a.msg(c, pr.Describe())
		b.errs[pr.Field] = a.msg(c, pr.Msg)
		dp.Problems = append(dp.Problems, problemLink{Field: pr.Field, Text: text})
	}
	b.fill(&dp)
	return c.Render(status, "designer", dp)
}

// designBuilder turns a draft into the designer's form.
type designBuilder struct {
	a     *App
	c     echo.Context
	q     *survey.Questionnaire
	base  *survey.Questionnaire
	langs []langOption
	errs  map[string]string // problems by field name
}

func (b designBuilder) texts(field string, t survey.Text, long bool) []textInput {
	out := make([]textInput, len(b.langs))
	for i, l := range b.langs {
		name := survey.In(field, l.Code)
		out[i] = textInput{Name: name, Lang: l.Code, LangName: l.Name, Value: t[l.Code], Error: b.errs[name], Long: long}
	}
	return out
}

// item builds a criterion, question or option; n is the size of its list.
func (b designBuilder) item(field, code string, kept bool, texts []textInput, what, at string, i, n int) designItem {
	it := designItem{Field: field, Code: code, CodeEditable: !kept, CodeName: field + ".code", Texts: texts, Problem: b.errs[field],
		Remove: "remove-" + what + ":" + at}
	it.CodeError = b.errs[it.CodeName]
	if i > 0 {
		it.Up = "up-" + what + ":" + at
	}
	if i < n-1 {
		it.Down = "down-" + what + ":" + at
	}
	return it
}

func (b designBuilder) fill(dp *designerPage) {
	q := b.q
	dp.Title = b.texts(survey.TitleField, q.Title, true)
	dp.Intro = b.texts(survey.IntroField, q.Intro, true)
	for i, v := range q.Scale.Values() {
		labels := make(survey.Text)
		for lang, l := range q.Scale.Labels {
			if i < len(l) {
				labels[lang] = l[i]
			}
		}
		dp.Scale = append(dp.Scale, scaleRow{Value: v, Labels: b.texts(survey.ScaleField(i), labels, false)})
	}
	for e, el := range q.Elements {
		de := designElement{Field: survey.ElementField(e), Code: el.Code, Name: b.texts(survey.ElementField(e)+".name", el.Name, false),
			Add: "add-criterion:" + strconv.Itoa(e), Problem: b.errs[survey.ElementField(e)]}
		for i, cr := range el.Criteria {
			f := survey.CriterionField(e, i)
			_, _, kept := b.baseCriterion(cr.Code)
			de.Criteria = append(de.Criteria, b.item(f, cr.Code, kept, b.texts(f+".text", cr.Text, true), "criterion",
				strconv.Itoa(e)+"."+strconv.Itoa(i), i, len(el.Criteria)))
		}
		dp.Elements = append(dp.Elements, de)
	}
	for i, x := range q.Questions {
		f := survey.QuestionField(i)
		baseQ, kept := b.baseQuestion(x.Code)
		it := b.item(f, x.Code, kept, b.texts(f+".text", x.Text, true), "question", strconv.Itoa(i), i, len(q.Questions))
		it.AddOption = "add-option:" + strconv.Itoa(i)
		it.Perception = x.Report != nil
		for j, o := range x.Options {
			of := survey.OptionField(i, j)
			oi := b.item(of, o.Value, kept && hasOptionValue(baseQ.Options, o.Value), b.texts(of+".label", o.Label, false), "option",
				strconv.Itoa(i)+"."+strconv.Itoa(j), j, len(x.Options))
			oi.CodeName, oi.CodeError = of+".value", b.errs[of+".value"]
			it.Options = append(it.Options, oi)
		}
		dp.Questions = append(dp.Questions, it)
	}
	dp.FieldText = b.texts(survey.FieldTextField, q.Fields.Text, false)
	var baseFields []survey.Option
	if b.base != nil {
		baseFields = b.base.Fields.Options
	}
	for j, o := range q.Fields.Options {
		of := survey.FieldOptionField(j)
		it := b.item(of, o.Value, hasOptionValue(baseFields, o.Value), b.texts(of+".label", o.Label, false), "field", strconv.Itoa(j), j, len(q.Fields.Options))
		it.CodeName, it.CodeError = of+".value", b.errs[of+".value"]
		dp.Fields = append(dp.Fields, it)
	}
}

func (b designBuilder) baseCriterion(code string) (survey.Criterion, survey.Element, bool) {
	if b.base == nil {
		return survey.Criterion{}, survey.Element{}, false
	}
	return b.base.Criterion(code)
}

func (b designBuilder) baseQuestion(code string) (survey.Question, bool) {
	if b.base == nil {
		return survey.Question{}, false
	}
	return b.base.Question(code)
}

func hasOptionValue(opts []survey.Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// applyForm reads the posted form into the draft's questionnaire, made from the posted
// revision (ErrStale when the draft changed since: the form's positions would not fit).
func (a *App) applyForm(c echo.Context, d models.Draft) (*survey.Questionnaire, int, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, 0, a.fail(c, http.StatusBadRequest, a.t(c, "error.bad_form"))
	}
	revision, err := strconv.Atoi(form.Get("revision"))
	if err != nil || revision != d.Revision {
		return nil, revision, models.ErrStale
	}
	q, err := d.Parse()
	if err != nil {
		return nil, revision, err
	}
	rules, err := a.designRules(c, d)
	if err != nil {
		return nil, revision, err
	}
	q.ApplyDesignForm(form, rules.Languages, rules.Base)
	return q, revision, nil
}

// stale answers a form made from an older revision of the draft: 409, and the draft as
// it is now, so that nothing is overwritten.
func (a *App) stale(c echo.Context, d models.Draft) error {
	return a.redirectWith(c, draftPath(d.ID)+"?lang="+a.lang(c), errorNotice(survey.Msg("designer.error.stale")))
}

// savedForm is a draft after the posted form was saved into it.
type savedForm struct {
	draft models.Draft
	ed    editor
	q     *survey.Questionnaire
}

// saveForm applies the posted form, and the edit of the structure its button asks for
// if any, to the path's draft and saves it. answered is true when the request has its
// answer already: a form made from an older revision goes back to the draft as it is
// now (nothing is overwritten), an edit that does not fit it too.
func (a *App) saveForm(c echo.Context, withEdit bool) (sf savedForm, answered bool, err error) {
	d, ed, err := a.draft(c)
	if err != nil {
		return sf, false, err
	}
	q, revision, err := a.applyForm(c, d)
	if errors.Is(err, models.ErrStale) {
		return sf, true, a.stale(c, d)
	}
	if err != nil {
		return sf, false, err
	}
	if edit, ok := survey.ParseDesignEdit(c.FormValue("edit")); ok && withEdit {
		rules, err := a.designRules(c, d)
		if err != nil {
			return sf, false, err
		}
		if err := q.ApplyEdit(edit, rules.Earlier); err != nil {
			return sf, true, a.stale(c, d)
		}
	}
	saved, err := a.store.SaveDraft(c.Request().Context(), d.ID, revision, q, ed.Actor)
	if errors.Is(err, models.ErrStale) {
		return sf, true, a.stale(c, d)
	}
	return savedForm{draft: saved, ed: ed, q: q}, false, err
}

// draftSave saves the form, then does what its button asks: an edit of the structure,
// a check, or the preview.
func (a *App) draftSave(c echo.Context) error {
	sf, answered, err := a.saveForm(c, true)
	if answered || err != nil {
		return err
	}
	action, q := c.FormValue("edit"), sf.q
	back := draftPath(sf.draft.ID) + "?lang=" + a.lang(c)
	switch {
	case action == "check":
		rules, err := a.designRules(c, sf.draft)
		if err != nil {
			return err
		}
		problems := q.CheckDesign(rules)
		status := http.StatusOK
		if len(problems) > 0 {
			status = http.StatusBadRequest
		}
		return a.renderDesigner(c, status, sf.draft, q, problems, true, publishForm{From: c.FormValue("from"), Note: c.FormValue("note")}, formErrors{})
	case action == "preview":
		return c.Redirect(http.StatusSeeOther, draftPath(sf.draft.ID)+"/preview?lang="+a.lang(c))
	case strings.HasPrefix(action, "add-"):
		return c.Redirect(http.StatusSeeOther, back+"#"+lastAdded(action, q))
	}
	return a.redirectWith(c, back, noticeOf(survey.Msg("designer.saved")))
}

// lastAdded is the anchor of the item an add button made, to scroll to it.
func lastAdded(action string, q *survey.Questionnaire) string {
	edit, _ := survey.ParseDesignEdit(action)
	switch edit.What {
	case "criterion":
		e := edit.At[0]
		return survey.CriterionField(e, len(q.Elements[e].Criteria)-1)
	case "question":
		return survey.QuestionField(len(q.Questions) - 1)
	case "option":
		i := edit.At[0]
		return survey.OptionField(i, len(q.Questions[i].Options)-1)
	}
	return survey.FieldOptionField(len(q.Fields.Options) - 1)
}

// draftPublish saves the form, checks the draft and publishes it as a new version that
// replaces the one it started from where the editor may assign, from the chosen day.
func (a *App) draftPublish(c echo.Context) error {
	sf, answered, err := a.saveForm(c, false)
	if answered || err != nil {
		return err
	}
	saved, ed, q := sf.draft, sf.ed, sf.q
	pf := publishForm{From: strings.TrimSpace(c.FormValue("from")), Note: strings.TrimSpace(c.FormValue("note"))}
	errs := formErrors{}
	from, err := survey.ParseDate(pf.From)
	if pf.From != "" && err != nil {
		errs["from"] = a.t(c, "questionnaires.error.from", pf.From)
	}
	if survey.DayKey(from) <= survey.DayKey(a.now()) {
		from = a.now()
	}
	if utf8.RuneCountInString(pf.Note) > 500 {
		errs["note"] = a.t(c, "designer.error.note", 500)
	}
	rules, err := a.designRules(c, saved)
	if err != nil {
		return err
	}
	problems := q.CheckDesign(rules)
	if len(problems) > 0 || len(errs) > 0 {
		return a.renderDesigner(c, http.StatusBadRequest, saved, q, problems, true, pf, errs)
	}
	p := models.Publishing{Q: q, From: from, Note: pf.Note}
	if ed.Province != 0 {
		p.Within = ed.Territory
	}
	pub, err := a.store.PublishDraft(c.Request().Context(), saved.ID, saved.Revision, p, ed.Actor)
	switch {
	case errors.Is(err, models.ErrStale):
		return a.stale(c, saved)
	case errors.Is(err, models.ErrUnchanged):
		errs["note"] = a.t(c, "designer.error.unchanged", dpBase(rules))
		return a.renderDesigner(c, http.StatusBadRequest, saved, q, nil, false, pf, errs)
	case err != nil:
		return err
	}
	done := survey.Msg("designer.published", pub.Version.Code, pub.Version.Version, len(pub.Replaced))
	if len(pub.Replaced) == 0 {
		done = survey.Msg("designer.published_unassigned", pub.Version.Code, pub.Version.Version)
	}
	return a.redirectWith(c, versionPath(pub.Version.ID)+"?lang="+a.lang(c), noticeOf(done))
}

func dpBase(r survey.DesignRules) int {
	if r.Base == nil {
		return 0
	}
	return r.Base.Version
}

// draftDiscard removes the draft (the audit log keeps it).
func (a *App) draftDiscard(c echo.Context) error {
	d, ed, err := a.draft(c)
	if err != nil {
		return err
	}
	revision, _ := strconv.Atoi(c.FormValue("revision"))
	err = a.store.DiscardDraft(c.Request().Context(), d.ID, revision, ed.Actor)
	if errors.Is(err, models.ErrStale) {
		return a.stale(c, d)
	}
	if err != nil {
		return err
	}
	return a.redirectWith(c, "/admin/questionnaires?lang="+a.lang(c), noticeOf(survey.Msg("designer.discarded", d.Code)))
}

// previewPage frames the kiosk's page of the draft at a tablet's size, in each of its
// languages.
type previewPage struct {
	basePage
	Draft     models.Draft
	Show      string // the questionnaire's language shown in the frame
	Languages []langTab
	FrameURL  string
	Back      string
}

type langTab struct {
	Code, Name, URL string
	Current         bool
}

func (a *App) draftPreview(c echo.Context) error {
	d, _, err := a.draft(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, draftPath(d.ID)+"/preview")
	if err != nil {
		return err
	}
	show := a.views.Catalog.Lang(c.QueryParam("show"))
	if c.QueryParam("show") == "" {
		show = p.Lang
	}
	pp := previewPage{basePage: p, Draft: d, Show: show, Back: draftPath(d.ID) + "?lang=" + p.Lang,
		FrameURL: draftPath(d.ID) + "/preview/frame?lang=" + show}
	for _, l := range a.views.Catalog.Languages() {
		pp.Languages = append(pp.Languages, langTab{Code: l, Name: a.views.Catalog.T(l, "lang.name"), Current: l == show,
			URL: draftPath(d.ID) + "/preview?lang=" + p.Lang + "&show=" + l})
	}
	return c.Render(http.StatusOK, "preview", pp)
}

// draftPreviewFrame is the kiosk's very page with the draft, for the preview's frame:
// the kiosk template and script, a demo counter's names, and a form that posts nothing.
func (a *App) draftPreviewFrame(c echo.Context) error {
	d, _, err := a.draft(c)
	if err != nil {
		return err
	}
	q, err := d.Parse()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("X-Frame-Options", "SAMEORIGIN") // framed by the preview page, ours only
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; frame-ancestors 'self'; form-action 'self'")
	h.Set("Cache-Control", "no-store")
	k := kioskContext{mode: modePreview}
	k.Q, k.Counter.Name, k.Office.Name = q, a.t(c, "designer.preview.counter"), a.t(c, "designer.preview.office")
	page := a.kioskPage(c, k, "00000000-0000-4000-8000-000000000000", map[string]string{})
	page.Action, page.SwitchURL = "", "?lang="+page.OtherLang
	return c.Render(http.StatusOK, "kiosk", page)
}
