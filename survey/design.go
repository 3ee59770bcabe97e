package survey

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The designer edits a draft questionnaire through plain HTML forms. Every text and code
// of the draft has a field name, built by the functions below, that the form, the
// problems found by CheckDesign and ApplyDesignForm agree on:
//
//	title.<lang>, intro.<lang>                      the questionnaire's title and introduction
//	scale.<i>.<lang>                                the label of the i-th answer of the scale
//	el.<e>.name.<lang>                              the name of element e
//	el.<e>.c.<c>.code, el.<e>.c.<c>.text.<lang>     criterion c of element e
//	q.<i>.code, q.<i>.text.<lang>                   the i-th question outside the index (P1…)
//	q.<i>.o.<j>.value, q.<i>.o.<j>.label.<lang>     its j-th answer option
//	f.text.<lang>, f.o.<j>.value, f.o.<j>.label.<lang>  the procedure-field question and its options
//
// Positions are those of the stored draft: a form is applied only to the revision it
// was made from.

// MaxDesignText bounds one text of a questionnaire (a criterion's statement is a sentence).
const MaxDesignText = 1000

// maxOptionValue bounds an option's value, which is a cell of the paper import.
const maxOptionValue = 32

// ElementField names element e in the designer's form.
func ElementField(e int) string { return fmt.Sprintf("el.%d", e) }

// CriterionField names criterion c of element e.
func CriterionField(e, c int) string { return fmt.Sprintf("el.%d.c.%d", e, c) }

// QuestionField names the i-th question outside the index.
func QuestionField(i int) string { return fmt.Sprintf("q.%d", i) }

// OptionField names option j of question i.
func OptionField(i, j int) string { return fmt.Sprintf("q.%d.o.%d", i, j) }

// FieldOptionField names option j of the procedure-field question.
func FieldOptionField(j int) string { return fmt.Sprintf("f.o.%d", j) }

// ScaleField names the label of the i-th answer of the scale (0: the lowest).
func ScaleField(i int) string { return fmt.Sprintf("scale.%d", i) }

// Prefixes of the designer's fields that are not numbered.
const (
	TitleField     = "title"
	IntroField     = "intro"
	FieldTextField = "f.text"
	fieldQuestion  = "f"
)

// In is the name of a text field in lang: In("el.0.name", "en") is "el.0.name.en".
func In(field, lang string) string { return field + "." + lang }

// DesignRules says what a questionnaire needs to be published, beyond being well formed.
type DesignRules struct {
	// Languages are those the interface speaks: every text is needed in each.
	Languages []string
	// Base is the version the draft was started from; nil for a new questionnaire. Its
	// criteria, questions and options keep their codes and values.
	Base *Questionnaire
	// Earlier holds the codes of the criteria and questions of every published version of
	// the questionnaire: a new item may not take one, as indices across versions are
	// computed per code.
	Earlier map[string]bool
}

// DesignProblem is what keeps a draft from being published, at the field it concerns.
type DesignProblem struct {
	Field string  // the designer's field name
	Where Message // the field in words ("criterion E1.3 (en)")
	Msg   Message // what is wrong ("is empty.")
}

// Describe is the problem with where it is.
func (p DesignProblem) Describe() Message { return Msg("design.problem.at", p.Where, p.Msg) }

// DesignError is a questionnaire that cannot be published, with every problem found.
type DesignError []DesignProblem

func (e DesignError) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.Field + ": " + p.Describe().String()
	}
	return "questionnaire: " + strings.Join(lines, "; ")
}

// Describe says the first problem and how many there are.
func (e DesignError) Describe() Message {
	if len(e) == 1 {
		return e[0].Describe()
	}
	return Msg("design.problem.many", e[0].Describe(), len(e)-1)
}

// reservedCodes are names of the kiosk's form and of the paper import's columns, which no
// criterion or question may take.
var reservedCodes = []string{FieldName, "response_id", "lang", KioskVersionField,
	ColProvince, ColOffice, ColCounter, ColChannel, ColSubmittedAt}

// KioskVersionField is the kiosk form's hidden field naming the questionnaire version
// the citizen answered, so that a response queued offline keeps it.
const KioskVersionField = "questionnaire_id"

// CheckDesign lists what keeps q from being published: an empty text in one of the
// languages, a bad, repeated or reserved code, a new item that takes the code of an
// earlier version's, an element without a criterion, a question without two options,
// an option value a paper form cannot carry. nil when q can be published.
func (q *Questionnaire) CheckDesign(r DesignRules) DesignError {
	c := designCheck{rules: r, seen: map[string]bool{}}
	for _, code := range reservedCodes {
		c.seen[code] = true
	}
	if m, ok := CheckCode(q.Code); !ok {
		c.add("code", Msg("design.at.code"), m)
	}
	c.texts(TitleField, Msg("design.at.title"), q.Title)
	c.texts(IntroField, Msg("design.at.intro"), q.Intro)
	for i := range q.Scale.Values() {
		labels := make(Text)
		for lang, l := range q.Scale.Labels {
			if i < len(l) {
				labels[lang] = l[i]
			}
		}
		c.texts(ScaleField(i), Msg("design.at.scale", q.Scale.Min+i), labels)
	}
	for e, el := range q.Elements {
		c.code(ElementField(e), Msg("design.at.element", el.Code), el.Code, true)
		c.texts(ElementField(e)+".name", Msg("design.at.element_name", el.Code), el.Name)
		if len(el.Criteria) == 0 {
			c.add(ElementField(e), Msg("design.at.element", el.Code), Msg("design.problem.no_criteria"))
		}
		for i, cr := range el.Criteria {
			f := CriterionField(e, i)
			c.code(f+".code", Msg("design.at.criterion_code", i+1, el.Code), cr.Code, r.Base != nil && r.Base.hasCriterion(cr.Code))
			c.texts(f+".text", Msg("design.at.criterion", cr.Code), cr.Text)
		}
	}
	for i, x := range q.Questions {
		f := QuestionField(i)
		_, inBase := r.Base.question(x.Code)
		c.code(f+".code", Msg("design.at.question_code", i+1), x.Code, inBase)
		c.texts(f+".text", Msg("design.at.question", x.Code), x.Text)
		if len(x.Options) < 2 {
			c.add(f, Msg("design.at.question", x.Code), Msg("design.problem.two_options"))
		}
		c.options(x.Options, func(j int) string { return OptionField(i, j) },
			func(v string) Message { return Msg("design.at.option", x.Code, v) })
	}
	c.texts(FieldTextField, Msg("design.at.field_text"), q.Fields.Text)
	if len(q.Fields.Options) == 0 {
		c.add(fieldQuestion, Msg("design.at.field_text"), Msg("design.problem.no_options"))
	}
	c.options(q.Fields.Options, FieldOptionField, func(v string) Message { return Msg("design.at.field_option", v) })
	if len(c.problems) == 0 {
		return nil
	}
	return c.problems
}

type designCheck struct {
	rules    DesignRules
	seen     map[string]bool
	problems DesignError
}

func (c *designCheck) add(field string, where, m Message) {
	c.problems = append(c.problems, DesignProblem{Field: field, Where: where, Msg: m})
}

// texts checks a text in every language.
func (c *designCheck) texts(field string, where Message, t Text) {
	for _, lang := range c.rules.Languages {
		at := Msg("design.at.in", where, lang)
		switch s := strings.TrimSpace(t[lang]); {
		case s == "":
			c.add(In(field, lang), at, Msg("design.problem.empty"))
		case utf8.RuneCountInString(s) > MaxDesignText:
			c.add(In(field, lang), at, Msg("design.problem.too_long", MaxDesignText))
		}
	}
}

// code checks a code of an element, criterion or question; kept says it is the base
// version's own, which an earlier version may of course have used.
func (c *designCheck) code(field string, where Message, code string, kept bool) {
	if m, ok := CheckCode(code); !ok {
		c.add(field, where, m)
		return
	}
	switch {
	case c.seen[code] && contains(reservedCodes, code):
		c.add(field, where, Msg("design.problem.code_reserved", code))
	case c.seen[code]:
		c.add(field, where, Msg("design.problem.code_twice", code))
	case !kept && c.rules.Earlier[code]:
		c.add(field, where, Msg("design.problem.code_earlier", code))
	}
	c.seen[code] = true
}

// options checks the values and labels of a question's options.
func (c *designCheck) options(opts []Option, field func(int) string, where func(string) Message) {
	seen := map[string]bool{}
	for j, o := range opts {
		if m, ok := CheckOptionValue(o.Value); !ok {
			c.add(field(j)+".value", where(o.Value), m)
		} else if seen[o.Value] {
			c.add(field(j)+".value", where(o.Value), Msg("design.problem.value_twice", o.Value))
		}
		seen[o.Value] = true
		c.texts(field(j)+".label", where(o.Value), o.Label)
	}
}

// CheckOptionValue is the rule for an answer option's value, which a paper file carries
// in a cell: 1 to 32 printable ASCII characters without spaces, commas, semicolons or
// quotes ("35-49", "60+", "yes").
func CheckOptionValue(v string) (Message, bool) {
	if v == "" {
		return Msg("design.problem.empty"), false
	}
	if len(v) > maxOptionValue {
		return Msg("paper.code.too_long", maxOptionValue), false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`,;"'`, c) >= 0 {
			return Msg("design.problem.option_value", v), false
		}
	}
	return Message{}, true
}

func (q *Questionnaire) hasCriterion(code string) bool {
	if q == nil {
		return false
	}
	_, _, ok := q.Criterion(code)
	return ok
}

// question is Question on a questionnaire that may be nil.
func (q *Questionnaire) question(code string) (Question, bool) {
	if q == nil {
		return Question{}, false
	}
	return q.Question(code)
}

// Clone is a deep copy of q, for a draft to change.
func (q *Questionnaire) Clone() *Questionnaire {
	data, err := json.Marshal(q)
	if err != nil {
		panic("survey: a questionnaire always marshals: " + err.Error())
	}
	var out Questionnaire
	if err := json.Unmarshal(data, &out); err != nil {
		panic("survey: a marshalled questionnaire always unmarshals: " + err.Error())
	}
	return &out
}

// JSON is the definition as stored and exported: indented, in the field order of the
// types, so that versions compare line by line in version control.
func (q *Questionnaire) JSON() []byte {
	data, err := json.MarshalIndent(q, "", "  ")
	if err != nil {
		panic("survey: a questionnaire always marshals: " + err.Error())
	}
	return append(data, '\n')
}

// SameDesign tells whether two versions ask the same in the same words (their version
// numbers aside): publishing a draft that changed nothing is refused.
func (q *Questionnaire) SameDesign(o *Questionnaire) bool {
	a, b := q.Clone(), o.Clone()
	a.Version, b.Version = 0, 0
	return string(a.JSON()) == string(b.JSON())
}
