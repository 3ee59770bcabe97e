package survey

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func officialRules(q *Questionnaire, langs ...string) DesignRules {
	earlier := map[string]bool{}
	for _, c := range append(q.CriterionCodes(), q.QuestionCodes()...) {
		earlier[c] = true
	}
	earlier["E1.9"] = true // as if an earlier version had it
	return DesignRules{Languages: langs, Base: q, Earlier: earlier}
}

func problemFields(err DesignError) []string {
	var out []string
	for _, p := range err {
		out = append(out, p.Field+" "+p.Msg.Key)
	}
	return out
}

func TestCheckDesign(t *testing.T) {
	base := Official()
	if err := base.CheckDesign(officialRules(base, "vi", "en")); err != nil {
		t.Fatalf("the official questionnaire: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(q *Questionnaire)
		langs []string
		want  []string // field and problem key
	}{
		{"an empty English text", func(q *Questionnaire) { q.Elements[0].Criteria[2].Text["en"] = "  " }, nil,
			[]string{"el.0.c.2.text.en design.problem.empty"}},
		{"an empty title", func(q *Questionnaire) { delete(q.Title, "vi") }, nil, []string{"title.vi design.problem.empty"}},
		{"a missing scale label", func(q *Questionnaire) { q.Scale.Labels["en"] = q.Scale.Labels["en"][:4] }, nil,
			[]string{"scale.4.en design.problem.empty"}},
		{"a text too long", func(q *Questionnaire) { q.Intro["vi"] = strings.Repeat("x", MaxDesignText+1) }, nil,
			[]string{"intro.vi design.problem.too_long"}},
		{"an element without criteria", func(q *Questionnaire) { q.Elements[4].Criteria = nil }, nil,
			[]string{"el.4 design.problem.no_criteria"}},
		{"a repeated code", func(q *Questionnaire) { q.Questions[1].Code = "P1" }, nil,
			[]string{"q.1.code design.problem.code_twice"}},
		{"a criterion taking a question's code", func(q *Questionnaire) {
			q.Elements[0].Criteria = append(q.Elements[0].Criteria, Criterion{Code: "P9", Text: Text{"vi": "a", "en": "a"}})
			q.Questions[0].Code = "P9"
		}, nil, []string{"q.0.code design.problem.code_twice"}},
		{"a reserved code", func(q *Questionnaire) { q.Questions[0].Code = "province" }, nil,
			[]string{"q.0.code design.problem.code_reserved"}},
		{"a code a URL cannot carry", func(q *Questionnaire) { q.Questions[0].Code = "P 1" }, nil,
			[]string{"q.0.code paper.code.characters"}},
		{"a new criterion with an earlier version's code", func(q *Questionnaire) {
			q.Elements[0].Criteria = append(q.Elements[0].Criteria, Criterion{Code: "E1.9", Text: Text{"vi": "a", "en": "a"}})
		}, nil, []string{"el.0.c.4.code design.problem.code_earlier"}},
		{"a question with one option", func(q *Questionnaire) { q.Questions[1].Options = q.Questions[1].Options[:1] }, nil,
			[]string{"q.1 design.problem.two_options"}},
		{"an option value with a comma", func(q *Questionnaire) { q.Questions[4].Options[0].Value = "18,24" }, nil,
			[]string{"q.4.o.0.value design.problem.option_value"}},
		{"a repeated field value", func(q *Questionnaire) { q.Fields.Options[1].Value = "land" }, nil,
			[]string{"f.o.1.value design.problem.value_twice"}},
		{"no procedure fields", func(q *Questionnaire) { q.Fields.Options = nil }, nil, []string{"f design.problem.no_options"}},
	}
	for _, tt := range tests {
		q := base.Clone()
		tt.edit(q)
		langs := tt.langs
		if langs == nil {
			langs = []string{"vi", "en"}
		}
		got := problemFields(q.CheckDesign(officialRules(base, langs...)))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	// a third language needs every text in it
	problems := base.CheckDesign(officialRules(base, "vi", "en", "tyz"))
	if len(problems) < 22 || !strings.HasSuffix(problems[0].Field, ".tyz") {
		t.Errorf("a third language: %d problems, first %v", len(problems), problems)
	}
	var d Described = problems
	if d.Describe().Key != "design.problem.many" {
		t.Errorf("many problems are described as %v", d.Describe())
	}
}

func TestApplyDesignForm(t *testing.T) {
	base := Official()
	q := base.Clone()
	if err := q.ApplyEdit(DesignEdit{Verb: "add", What: "criterion", At: []int{1}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := q.ApplyEdit(DesignEdit{Verb: "add", What: "question"}, nil); err != nil {
		t.Fatal(err)
	}
	form := map[string][]string{
		"el.0.c.0.text.vi": {"  Nơi chờ có đủ ghế ngồi  "},
		"el.0.c.0.code":    {"E1.99"}, // a base criterion keeps its code
		"el.1.c.5.code":    {"E2.9"},  // the new one takes the typed one
		"el.1.c.5.text.vi": {"Mới"},
		"el.1.c.5.text.en": {"New"},
		"q.5.code":         {"P7"},
		"q.5.o.0.value":    {"no"},
		"q.1.o.0.value":    {"nope"}, // a base option keeps its value
		"title.tyz":        {"not a language of this form"},
		"scale.0.en":       {"Very unhappy"},
	}
	q.ApplyDesignForm(form, []string{"vi", "en"}, base)
	if got := q.Elements[0].Criteria[0]; got.Code != "E1.1" || got.Text["vi"] != "Nơi chờ có đủ ghế ngồi" {
		t.Errorf("base criterion %+v", got)
	}
	if got := q.Elements[1].Criteria[5]; got.Code != "E2.9" || got.Text["en"] != "New" {
		t.Errorf("new criterion %+v", got)
	}
	if got := q.Questions[5]; got.Code != "P7" || got.Options[0].Value != "no" {
		t.Errorf("new question %+v", got)
	}
	if got := q.Questions[1].Options[0].Value; got != "no" {
		t.Errorf("a base option's value became %q", got)
	}
	if _, ok := q.Title["tyz"]; ok {
		t.Error("a text in a language outside the form's was set")
	}
	if got := q.Scale.Labels["en"][0]; got != "Very unhappy" {
		t.Errorf("scale label %q", got)
	}
	was, now := DesignChanges(base, q)
	if was["E1.1.text.vi"] != base.Elements[0].Criteria[0].Text["vi"] || now["E1.1.text.vi"] != "Nơi chờ có đủ ghế ngồi" ||
		now["E2.9.text.en"] != "New" || now["order.E2"] != "E2.1,E2.2,E2.3,E2.4,E2.5,E2.9" {
		t.Errorf("changes: %v → %v", was, now)
	}
	if _, ok := now["E3.1.text.vi"]; ok {
		t.Error("an unchanged text is listed as changed")
	}
}

func TestDesignEdits(t *testing.T) {
	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"add-criterion:1", true}, {"remove-criterion:1.2", true}, {"up-question:3", true}, {"down-option:2.0", true},
		{"add-question", true}, {"add-field", true}, {"remove-field:4", true}, {"add-option:0", true},
		{"add-criterion", false}, {"remove-criterion:1", false}, {"up-question", false}, {"jump-question:1", false},
		{"remove-element:0", false}, {"remove-option:a.b", false}, {"remove-option:-1.0", false}, {"", false},
	} {
		ed, ok := ParseDesignEdit(tt.s)
		if ok != tt.ok || ok && ed.String() != tt.s {
			t.Errorf("ParseDesignEdit(%q) = %+v, %t", tt.s, ed, ok)
		}
	}
	q := Official()
	taken := map[string]bool{"E1.5": true} // an earlier version's
	steps := []string{"add-criterion:0", "up-criterion:0.4", "remove-criterion:0.0", "down-question:0", "remove-option:4.0",
		"add-option:1", "add-field", "up-field:0"}
	for _, s := range steps {
		ed, _ := ParseDesignEdit(s)
		if err := q.ApplyEdit(ed, taken); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if got := strings.Join(codesOf(q.Elements[0].Criteria), ","); got != "E1.2,E1.3,E1.6,E1.4" {
		t.Errorf("element E1: %s", got)
	}
	if q.Questions[0].Code != "P2" || q.Questions[1].Code != "P1" || len(q.Questions[1].Options) != 4 || q.Questions[1].Options[3].Value != "4" {
		t.Errorf("questions %+v %+v", q.Questions[0].Code, q.Questions[1])
	}
	if q.Questions[4].Options[0].Value != "25-34" {
		t.Errorf("question P5's first option %q", q.Questions[4].Options[0].Value)
	}
	if last := q.Fields.Options[len(q.Fields.Options)-1].Value; last != "field-1" {
		t.Errorf("new field %q", last)
	}
	for _, s := range []string{"remove-criterion:9.0", "remove-criterion:0.40", "up-question:17", "add-option:30"} {
		ed, _ := ParseDesignEdit(s)
		if err := q.ApplyEdit(ed, nil); !errors.Is(err, ErrDesignEdit) {
			t.Errorf("%s: %v", s, err)
		}
	}
}

func codesOf(cs []Criterion) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return out
}

func TestSameDesign(t *testing.T) {
	a := Official()
	b := a.Clone()
	b.Version = 7
	if !a.SameDesign(b) {
		t.Error("a copy with another version number differs")
	}
	b.Intro["en"] += "!"
	if a.SameDesign(b) {
		t.Error("a reworded copy is the same")
	}
}
