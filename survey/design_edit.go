package survey

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrDesignEdit is an edit that does not fit the draft (a position that is not there):
// the form was made from another revision.
var ErrDesignEdit = errors.New("the edit does not fit the draft")

// ApplyDesignForm sets q's texts from the designer's form (field names as in design.go)
// in the given languages, and the codes and values of the items that are new in q (not
// in base, the version the draft started from): those of base never change, as indices
// and option counts across versions are kept per code and value. A field missing from
// the form leaves its text as it was.
func (q *Questionnaire) ApplyDesignForm(form map[string][]string, langs []string, base *Questionnaire) {
	get := func(name string) (string, bool) {
		v, ok := form[name]
		if !ok || len(v) == 0 {
			return "", false
		}
		return strings.TrimSpace(v[0]), true
	}
	text := func(field string, t *Text) {
		for _, lang := range langs {
			if v, ok := get(In(field, lang)); ok {
				if *t == nil {
					*t = make(Text)
				}
				(*t)[lang] = v
			}
		}
	}
	code := func(field string, c *string, kept bool) {
		if v, ok := get(field); ok && !kept {
			*c = v
		}
	}
	text(TitleField, &q.Title)
	text(IntroField, &q.Intro)
	for _, lang := range langs {
		for i := range q.Scale.Values() {
			if v, ok := get(In(ScaleField(i), lang)); ok {
				if q.Scale.Labels == nil {
					q.Scale.Labels = map[string][]string{}
				}
				l := q.Scale.Labels[lang]
				for len(l) <= i {
					l = append(l, "")
				}
				l[i] = v
				q.Scale.Labels[lang] = l
			}
		}
	}
	for e := range q.Elements {
		el := &q.Elements[e]
		text(ElementField(e)+".name", &el.Name)
		for c := range el.Criteria {
			cr := &el.Criteria[c]
			code(CriterionField(e, c)+".code", &cr.Code, base.hasCriterion(cr.Code))
			text(CriterionField(e, c)+".text", &cr.Text)
		}
	}
	for i := range q.Questions {
		x := &q.Questions[i]
		baseQ, kept := base.question(x.Code)
		code(QuestionField(i)+".code", &x.Code, kept)
		text(QuestionField(i)+".text", &x.Text)
		for j := range x.Options {
			o := &x.Options[j]
			code(OptionField(i, j)+".value", &o.Value, kept && hasOption(baseQ.Options, o.Value))
			text(OptionField(i, j)+".label", &o.Label)
		}
	}
	text(FieldTextField, &q.Fields.Text)
	for j := range q.Fields.Options {
		o := &q.Fields.Options[j]
		var baseFields []Option
		if base != nil {
			baseFields = base.Fields.Options
		}
		code(FieldOptionField(j)+".value", &o.Value, hasOption(baseFields, o.Value))
		text(FieldOptionField(j)+".label", &o.Label)
	}
}

// DesignEdit is one change of a draft's structure, asked by a button of the designer:
// add, remove or move a criterion, a question, a question's option or a procedure field.
type DesignEdit struct {
	Verb string // add, remove, up, down
	What string // criterion, question, option, field
	At   []int  // the position: element and criterion; question; question and option; field option
}

// ParseDesignEdit reads a button's value, "verb-what:i.j" ("add-criterion:1",
// "remove-option:2.0", "up-question:3", "add-field").
func ParseDesignEdit(s string) (DesignEdit, bool) {
	head, pos, _ := strings.Cut(s, ":")
	verb, what, ok := strings.Cut(head, "-")
	if !ok {
		return DesignEdit{}, false
	}
	ed := DesignEdit{Verb: verb, What: what}
	if pos != "" {
		for _, p := range strings.Split(pos, ".") {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				return DesignEdit{}, false
			}
			ed.At = append(ed.At, n)
		}
	}
	want := map[string]int{"criterion": 2, "question": 1, "option": 2, "field": 1}[what]
	if verb == "add" {
		want-- // adds at the end of its list: no position of its own
	}
	switch {
	case verb != "add" && verb != "remove" && verb != "up" && verb != "down",
		what != "criterion" && what != "question" && what != "option" && what != "field",
		len(ed.At) != want:
		return DesignEdit{}, false
	}
	return ed, true
}

// String is the button value of the edit.
func (ed DesignEdit) String() string {
	s := ed.Verb + "-" + ed.What
	for i, n := range ed.At {
		if i == 0 {
			s += ":"
		} else {
			s += "."
		}
		s += strconv.Itoa(n)
	}
	return s
}

// ApplyEdit changes q's structure. A new criterion, question or option gets a code or
// value that neither q nor taken (the codes of earlier versions) uses, and empty texts
// for the designer to fill in. ErrDesignEdit when the position is not in q.
func (q *Questionnaire) ApplyEdit(ed DesignEdit, taken map[string]bool) error {
	at := func(i, n int) bool { return i >= 0 && i < n }
	switch ed.What {
	case "criterion":
		if !at(ed.At[0], len(q.Elements)) {
			return ErrDesignEdit
		}
		el := &q.Elements[ed.At[0]]
		if ed.Verb == "add" {
			el.Criteria = append(el.Criteria, Criterion{Code: q.freeCode(el.Code+".", len(el.Criteria)+1, taken), Text: make(Text)})
			return nil
		}
		return editList(&el.Criteria, ed.Verb, ed.At[1])
	case "question":
		if ed.Verb == "add" {
			q.Questions = append(q.Questions, Question{Code: q.freeCode("P", len(q.Questions)+1, taken), Text: make(Text),
				Options: []Option{{Value: "1", Label: make(Text)}, {Value: "2", Label: make(Text)}}})
			return nil
		}
		return editList(&q.Questions, ed.Verb, ed.At[0])
	case "option":
		if !at(ed.At[0], len(q.Questions)) {
			return ErrDesignEdit
		}
		x := &q.Questions[ed.At[0]]
		if ed.Verb == "add" {
			x.Options = append(x.Options, Option{Value: freeValue(x.Options, ""), Label: make(Text)})
			return nil
		}
		return editList(&x.Options, ed.Verb, ed.At[1])
	case "field":
		if ed.Verb == "add" {
			q.Fields.Options = append(q.Fields.Options, Option{Value: freeValue(q.Fields.Options, "field-"), Label: make(Text)})
			return nil
		}
		return editList(&q.Fields.Options, ed.Verb, ed.At[0])
	}
	return ErrDesignEdit
}

// editList removes the i-th item of a list or moves it one place up or down.
func editList[T any](list *[]T, verb string, i int) error {
	l := *list
	if i < 0 || i >= len(l) {
		return ErrDesignEdit
	}
	switch verb {
	case "remove":
		*list = append(l[:i:i], l[i+1:]...)
	case "up":
		if i > 0 {
			l[i-1], l[i] = l[i], l[i-1]
		}
	case "down":
		if i < len(l)-1 {
			l[i], l[i+1] = l[i+1], l[i]
		}
	default:
		return ErrDesignEdit
	}
	return nil
}

// freeCode is prefix followed by the smallest number from n on that makes a code neither
// q nor taken uses ("E2.6", "P6").
func (q *Questionnaire) freeCode(prefix string, n int, taken map[string]bool) string {
	used := map[string]bool{}
	for _, e := range q.Elements {
		used[e.Code] = true
		for _, c := range e.Criteria {
			used[c.Code] = true
		}
	}
	for _, x := range q.Questions {
		used[x.Code] = true
	}
	for ; ; n++ {
		code := prefix + strconv.Itoa(n)
		if !used[code] && !taken[code] {
			return code
		}
	}
}

// freeValue is prefix and the smallest number that makes a value no option has.
func freeValue(opts []Option, prefix string) string {
	for n := 1; ; n++ {
		v := prefix + strconv.Itoa(n)
		if !hasOption(opts, v) {
			return v
		}
	}
}

// DesignTexts lists every text and code of q keyed by what it belongs to, not where it
// stands ("E1.1.text.vi", "P2.option.yes.label.en", "order.E1"): two versions compared
// this way show what was reworded, added, removed or moved, for the audit log.
func (q *Questionnaire) DesignTexts() map[string]string {
	out := map[string]string{}
	texts := func(key string, t Text) {
		for lang, s := range t {
			out[key+"."+lang] = s
		}
	}
	codes := func(n int, code func(int) string) string {
		list := make([]string, n)
		for i := range list {
			list[i] = code(i)
		}
		return strings.Join(list, ",")
	}
	texts("title", q.Title)
	texts("intro", q.Intro)
	for lang, labels := range q.Scale.Labels {
		for i, l := range labels {
			out[fmt.Sprintf("scale.%d.%s", q.Scale.Min+i, lang)] = l
		}
	}
	for _, e := range q.Elements {
		texts(e.Code+".name", e.Name)
		out["order."+e.Code] = codes(len(e.Criteria), func(i int) string { return e.Criteria[i].Code })
		for _, c := range e.Criteria {
			texts(c.Code+".text", c.Text)
		}
	}
	out["order.questions"] = codes(len(q.Questions), func(i int) string { return q.Questions[i].Code })
	for _, x := range q.Questions {
		texts(x.Code+".text", x.Text)
		out["order."+x.Code] = codes(len(x.Options), func(i int) string { return x.Options[i].Value })
		for _, o := range x.Options {
			texts(x.Code+".option."+o.Value+".label", o.Label)
		}
	}
	texts("field.text", q.Fields.Text)
	out["order.field"] = codes(len(q.Fields.Options), func(i int) string { return q.Fields.Options[i].Value })
	for _, o := range q.Fields.Options {
		texts("field.option."+o.Value+".label", o.Label)
	}
	return out
}

// DesignChanges compares two versions by DesignTexts: the keys whose values differ, with
// their values before and after ("" where a key is missing on one side).
func DesignChanges(before, after *Questionnaire) (was, now map[string]string) {
	a, b := before.DesignTexts(), after.DesignTexts()
	was, now = map[string]string{}, map[string]string{}
	for k, v := range a {
		if b[k] != v {
			was[k], now[k] = v, b[k]
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok && v != "" {
			was[k], now[k] = "", v
		}
	}
	return was, now
}
