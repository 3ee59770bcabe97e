package survey

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestOfficialQuestionnaire(t *testing.T) {
	q := official
	if q.Code != "sipas-counter" {
		t.Errorf("code = %q", q.Code)
	}
	wantSizes := map[string]int{"E1": 4, "E2": 5, "E3": 6, "E4": 3, "E5": 4}
	if len(q.Elements) != 5 {
		t.Fatalf("%d elements, want 5", len(q.Elements))
	}
	for _, e := range q.Elements {
		if len(e.Criteria) != wantSizes[e.Code] {
			t.Errorf("element %s has %d criteria, want %d", e.Code, len(e.Criteria), wantSizes[e.Code])
		}
		if e.Name.In("vi") == "" || e.Name.In("en") == "" {
			t.Errorf("element %s lacks a name", e.Code)
		}
	}
	if n := len(q.CriterionCodes()); n != 22 {
		t.Errorf("%d criteria, want 22", n)
	}
	if q.Scale.Min != 1 || q.Scale.Max != 5 || q.Scale.SatisfiedMin != 4 {
		t.Errorf("scale = %+v", q.Scale)
	}
	if got := q.Scale.Values(); !reflect.DeepEqual(got, []int{1, 2, 3, 4, 5}) {
		t.Errorf("Values() = %v", got)
	}
	if q.Scale.Label("en", 5) != "Very satisfied" || q.Scale.Label("vi", 4) != "Hài lòng" || q.Scale.Label("fr", 1) != "Rất không hài lòng" {
		t.Errorf("scale labels wrong: %q %q %q", q.Scale.Label("en", 5), q.Scale.Label("vi", 4), q.Scale.Label("fr", 1))
	}
	if q.Scale.Label("en", 9) != "9" {
		t.Errorf("label of out-of-scale value = %q", q.Scale.Label("en", 9))
	}
	if c, e, ok := q.Criterion("E3.2"); !ok || c.Code != "E3.2" || e.Code != "E3" {
		t.Errorf("Criterion(E3.2) = %v %v %v", c.Code, e.Code, ok)
	}
	if _, _, ok := q.Criterion("P1"); ok {
		t.Error("P1 found as a criterion")
	}
	if _, ok := q.Question("P1"); !ok {
		t.Error("P1 not found as a question")
	}
	if got := q.QuestionCodes(); !reflect.DeepEqual(got, []string{"P1", "P2", "P3", "P4", "P5"}) {
		t.Errorf("QuestionCodes() = %v", got)
	}
	if !q.HasField("land") || q.HasField("space") {
		t.Error("HasField wrong")
	}
	// OfficialQuestionnaireJSON is a copy.
	b := OfficialQuestionnaireJSON()
	b[0] = 'X'
	if OfficialQuestionnaireJSON()[0] == 'X' {
		t.Error("OfficialQuestionnaireJSON returns the embedded slice itself")
	}
}

func TestTextIn(t *testing.T) {
	tx := Text{"vi": "xin chào", "en": "hello"}
	for _, c := range []struct{ lang, want string }{{"vi", "xin chào"}, {"en", "hello"}, {"fr", "xin chào"}, {"", "xin chào"}} {
		if got := tx.In(c.lang); got != c.want {
			t.Errorf("In(%q) = %q, want %q", c.lang, got, c.want)
		}
	}
	if got := (Text{"vi": "a", "en": ""}).In("en"); got != "a" {
		t.Errorf("empty en falls back to %q, want vi", got)
	}
	if got := (Text{"fr": "bonjour"}).In("en"); got != "bonjour" {
		t.Errorf("fallback to any language = %q", got)
	}
	if got := (Text{}).In("en"); got != "" {
		t.Errorf("empty text = %q", got)
	}
}

func TestParseQuestionnaireRejects(t *testing.T) {
	good := `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4},
		"elements":[{"code":"E1","criteria":[{"code":"C1"}]}],
		"questions":[{"code":"P1","options":[{"value":"a"}]}]}`
	if _, err := ParseQuestionnaire([]byte(good)); err != nil {
		t.Fatalf("good questionnaire rejected: %v", err)
	}
	cases := map[string]string{
		"not json":             `{`,
		"no code":              `{"scale":{"min":1,"max":5,"satisfied_min":4},"elements":[{"code":"E1","criteria":[{"code":"C1"}]}]}`,
		"scale min 0":          `{"code":"x","scale":{"min":0,"max":5,"satisfied_min":4},"elements":[{"code":"E1","criteria":[{"code":"C1"}]}]}`,
		"scale max<=min":       `{"code":"x","scale":{"min":3,"max":3,"satisfied_min":3},"elements":[{"code":"E1","criteria":[{"code":"C1"}]}]}`,
		"satisfied above max":  `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":6},"elements":[{"code":"E1","criteria":[{"code":"C1"}]}]}`,
		"satisfied at min":     `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":1},"elements":[{"code":"E1","criteria":[{"code":"C1"}]}]}`,
		"scale beyond tally":   `{"code":"x","scale":{"min":1,"max":7,"satisfied_min":5},"elements":[{"code":"E1","criteria":[{"code":"C1"}]}]}`,
		"no elements":          `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4}}`,
		"element no criteria":  `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4},"elements":[{"code":"E1"}]}`,
		"duplicate code":       `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4},"elements":[{"code":"E1","criteria":[{"code":"C1"},{"code":"C1"}]}]}`,
		"element = criterion":  `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4},"elements":[{"code":"E1","criteria":[{"code":"E1"}]}]}`,
		"reserved field":       `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4},"elements":[{"code":"E1","criteria":[{"code":"field"}]}]}`,
		"reserved response_id": `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4},"elements":[{"code":"E1","criteria":[{"code":"C1"}]}],"questions":[{"code":"response_id","options":[{"value":"a"}]}]}`,
		"empty code":           `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4},"elements":[{"code":"E1","criteria":[{"code":""}]}]}`,
		"question no options":  `{"code":"x","scale":{"min":1,"max":5,"satisfied_min":4},"elements":[{"code":"E1","criteria":[{"code":"C1"}]}],"questions":[{"code":"P1"}]}`,
	}
	for name, js := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseQuestionnaire([]byte(js)); err == nil {
				t.Error("accepted")
			}
		})
	}
}

// form builds form values from name/value pairs; a name may repeat.
func form(pairs ...string) map[string][]string {
	f := map[string][]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		f[pairs[i]] = append(f[pairs[i]], pairs[i+1])
	}
	return f
}

func TestValidate(t *testing.T) {
	type want struct {
		criteria map[string]int
		answers  map[string]string
		field    string
	}
	cases := []struct {
		name    string
		form    map[string][]string
		want    *want
		errName string // expected InputError.Name when want is nil
	}{
		{
			name: "good",
			form: form("E1.1", "5", "E1.2", "4", "E2.1", "1", "E5.4", "3", "P1", "2", "P4", "f", "field", "land"),
			want: &want{
				criteria: map[string]int{"E1.1": 5, "E1.2": 4, "E2.1": 1, "E5.4": 3},
				answers:  map[string]string{"P1": "2", "P4": "f"},
				field:    "land",
			},
		},
		{
			name: "every criterion",
			form: func() map[string][]string {
				f := map[string][]string{}
				for _, c := range official.CriterionCodes() {
					f[c] = []string{"4"}
				}
				return f
			}(),
			want: &want{criteria: allCriteria(4).Criteria, answers: map[string]string{}},
		},
		{
			name: "surrounding spaces are trimmed",
			form: form("E1.1", " 4 ", "P2", " yes"),
			want: &want{criteria: map[string]int{"E1.1": 4}, answers: map[string]string{"P2": "yes"}},
		},
		{
			name: "empty values are not answered",
			form: form("E1.1", "4", "E1.2", "", "E1.3", "  ", "P1", "", "field", ""),
			want: &want{criteria: map[string]int{"E1.1": 4}, answers: map[string]string{}},
		},
		{
			name: "a name without values is not answered",
			form: map[string][]string{"E1.1": {"2"}, "E1.2": {}},
			want: &want{criteria: map[string]int{"E1.1": 2}, answers: map[string]string{}},
		},
		{name: "value 0", form: form("E1.1", "0"), errName: "E1.1"},
		{name: "value 6", form: form("E1.1", "6"), errName: "E1.1"},
		{name: "value -1", form: form("E1.1", "-1"), errName: "E1.1"},
		{name: "value x", form: form("E1.1", "x"), errName: "E1.1"},
		{name: "value 4.0", form: form("E1.1", "4.0"), errName: "E1.1"},
		{name: "value huge", form: form("E1.1", "99999999999999999999"), errName: "E1.1"},
		{name: "bad value among good ones", form: form("E1.1", "4", "E2.2", "7", "P1", "1"), errName: "E2.2"},
		{name: "unknown criterion", form: form("E1.1", "4", "E9.9", "4"), errName: "E9.9"},
		{name: "element code is not a criterion", form: form("E1", "4"), errName: "E1"},
		{name: "unknown option", form: form("E1.1", "4", "P1", "9"), errName: "P1"},
		{name: "option is case-sensitive", form: form("E1.1", "4", "P2", "YES"), errName: "P2"},
		{name: "unknown field", form: form("E1.1", "4", "field", "space"), errName: FieldName},
		{name: "criterion twice", form: form("E1.1", "4", "E1.1", "5"), errName: "E1.1"},
		{name: "criterion twice with the same value", form: form("E1.1", "4", "E1.1", "4"), errName: "E1.1"},
		{name: "question twice", form: form("E1.1", "4", "P1", "1", "P1", "2"), errName: "P1"},
		{name: "field twice", form: form("E1.1", "4", "field", "land", "field", "land"), errName: FieldName},
		{name: "only P questions", form: form("P1", "1", "P2", "no", "field", "land"), errName: ""},
		{name: "only empty criteria", form: form("E1.1", "", "E1.2", ""), errName: ""},
		{name: "empty form", form: map[string][]string{}, errName: ""},
		{name: "nil form", form: nil, errName: ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := official.Validate(c.form)
			if c.want != nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if !reflect.DeepEqual(s.Criteria, c.want.criteria) {
					t.Errorf("criteria = %v, want %v", s.Criteria, c.want.criteria)
				}
				if !reflect.DeepEqual(s.Answers, c.want.answers) {
					t.Errorf("answers = %v, want %v", s.Answers, c.want.answers)
				}
				if s.Field != c.want.field {
					t.Errorf("field = %q, want %q", s.Field, c.want.field)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v is not an *InputError", err, err)
			}
			if ie.Name != c.errName {
				t.Errorf("Name = %q, want %q", ie.Name, c.errName)
			}
			if !strings.HasPrefix(ie.Msg.Key, "submission.error.") || ie.Describe().Key != ie.Msg.Key {
				t.Errorf("message %s, want a submission.error.* key", ie.Msg)
			}
			if c.errName != "" && c.errName != FieldName && (len(ie.Msg.Args) == 0 || ie.Msg.Args[0] != c.errName) {
				t.Errorf("message %s does not name %s first", ie.Msg, c.errName)
			}
			if s.Criteria != nil || s.Answers != nil || s.Field != "" {
				t.Errorf("a failed validation returned a partial submission: %+v", s)
			}
		})
	}
}

// The first problem reported does not depend on map order.
func TestValidateDeterministic(t *testing.T) {
	f := form("E5.4", "9", "E1.1", "0", "Z", "1")
	first, _ := official.Validate(f)
	_, err := official.Validate(f)
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		_, err2 := official.Validate(f)
		if err2.Error() != err.Error() {
			t.Fatalf("different errors: %v / %v", err, err2)
		}
	}
	if ie.Name != "E1.1" {
		t.Errorf("first name reported = %q, want E1.1 (sorted)", ie.Name)
	}
	_ = first
}

func TestEncode(t *testing.T) {
	// Same answers built in different insertion orders.
	a := Submission{Field: "land", Criteria: map[string]int{}, Answers: map[string]string{}}
	b := Submission{Field: "land", Criteria: map[string]int{}, Answers: map[string]string{}}
	codes := official.CriterionCodes()
	for i, c := range codes {
		a.Criteria[c] = 1 + i%5
	}
	for i := len(codes) - 1; i >= 0; i-- {
		b.Criteria[codes[i]] = 1 + i%5
	}
	a.Answers["P1"], a.Answers["P4"] = "1", "m"
	b.Answers["P4"], b.Answers["P1"] = "m", "1"
	if a.Encode() != b.Encode() {
		t.Fatalf("same answers encode differently:\n%s\n%s", a.Encode(), b.Encode())
	}
	// Via Validate too (the map of form values is iterated in random order).
	f := form("E1.1", "4", "E2.3", "2", "P3", "no", "field", "land")
	s1, err1 := official.Validate(f)
	s2, err2 := official.Validate(form("field", "land", "P3", "no", "E2.3", "2", "E1.1", "4"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if s1.Encode() != s2.Encode() {
		t.Errorf("validated submissions encode differently: %s / %s", s1.Encode(), s2.Encode())
	}
	// An unanswered item is absent, exactly as if it had not been on the form.
	s3, _ := official.Validate(form("E1.1", "4", "E2.3", "2", "P3", "no", "field", "land", "E5.1", "", "P1", ""))
	if s3.Encode() != s1.Encode() {
		t.Errorf("empty answers change the encoding: %s / %s", s3.Encode(), s1.Encode())
	}

	differ := []struct {
		name string
		f    func(s *Submission)
	}{
		{"criterion value", func(s *Submission) { s.Criteria["E1.1"] = 5 }},
		{"criterion missing", func(s *Submission) { delete(s.Criteria, "E2.3") }},
		{"criterion added", func(s *Submission) { s.Criteria["E3.1"] = 3 }},
		{"answer value", func(s *Submission) { s.Answers["P3"] = "yes" }},
		{"answer missing", func(s *Submission) { delete(s.Answers, "P3") }},
		{"field", func(s *Submission) { s.Field = "civil-status" }},
		{"no field", func(s *Submission) { s.Field = "" }},
	}
	for _, d := range differ {
		t.Run(d.name, func(t *testing.T) {
			s, _ := official.Validate(f)
			d.f(&s)
			if s.Encode() == s1.Encode() {
				t.Errorf("a different answer encodes the same: %s", s.Encode())
			}
		})
	}

	back, err := DecodeSubmission(s1.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if back.Encode() != s1.Encode() || !reflect.DeepEqual(back.Criteria, s1.Criteria) || back.Field != s1.Field {
		t.Errorf("DecodeSubmission(Encode) = %+v, want %+v", back, s1)
	}
	if _, err := DecodeSubmission("{"); err == nil {
		t.Error("DecodeSubmission accepted bad JSON")
	}
}

func TestSatisfied(t *testing.T) {
	for v, want := range map[int]bool{1: false, 2: false, 3: false, 4: true, 5: true} {
		if official.Satisfied(v) != want {
			t.Errorf("Satisfied(%d) = %v", v, !want)
		}
	}
}

func TestScore(t *testing.T) {
	all := func(v int, codes ...string) map[string]int {
		m := map[string]int{}
		for _, c := range codes {
			m[c] = v
		}
		return m
	}
	cases := []struct {
		name     string
		criteria map[string]int
		want     float64
		ok       bool
	}{
		{"one satisfied element, one not", map[string]int{"E1.1": 5, "E2.1": 1}, 0.5, true},
		{"E1 only, 4 4 2 2", map[string]int{"E1.1": 4, "E1.2": 4, "E1.3": 2, "E1.4": 2}, 0.5, true},
		{"single satisfied answer", map[string]int{"E3.6": 4}, 1, true},
		{"single neutral answer", map[string]int{"E3.6": 3}, 0, true},
		{"all 5", allCriteria(5).Criteria, 1, true},
		{"all 4", allCriteria(4).Criteria, 1, true},
		{"all 3", allCriteria(3).Criteria, 0, true},
		// E1: 1/1; E2: 1/2; E3: 0/1 → (1 + 0.5 + 0) / 3
		{"three elements", map[string]int{"E1.1": 4, "E2.1": 4, "E2.2": 1, "E3.1": 1}, 0.5, true},
		// E1: 1/3; E4: 1/1 → (1/3 + 1) / 2 — element-weighted, not criterion-weighted (2/4)
		{"element weights", map[string]int{"E1.1": 5, "E1.2": 1, "E1.3": 1, "E4.1": 5}, 2.0 / 3, true},
		// E2 fully satisfied (5 criteria) weighs as much as E4 with one dissatisfied answer.
		{"big element weighs 1/5", merge(all(5, "E2.1", "E2.2", "E2.3", "E2.4", "E2.5"), map[string]int{"E4.3": 2}), 0.5, true},
		// All elements answered: E1 2/4, E2 5/5, E3 0/6, E4 1/3, E5 3/4
		{"all elements", merge(
			map[string]int{"E1.1": 4, "E1.2": 5, "E1.3": 3, "E1.4": 1},
			all(4, "E2.1", "E2.2", "E2.3", "E2.4", "E2.5"),
			all(2, "E3.1", "E3.2", "E3.3", "E3.4", "E3.5", "E3.6"),
			map[string]int{"E4.1": 5, "E4.2": 3, "E4.3": 3},
			map[string]int{"E5.1": 4, "E5.2": 4, "E5.3": 5, "E5.4": 1},
		), (0.5 + 1 + 0 + 1.0/3 + 0.75) / 5, true},
		{"unknown codes are ignored", map[string]int{"Z1": 5, "E1.1": 1}, 0, true},
		{"no criteria", map[string]int{}, 0, false},
		{"nil criteria", nil, 0, false},
		{"only unknown codes", map[string]int{"Z1": 5}, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := official.Score(Submission{Criteria: c.criteria})
			if ok != c.ok || !near(got, c.want, tol) {
				t.Errorf("Score = %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func merge(ms ...map[string]int) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestSubmissionTally(t *testing.T) {
	s := Submission{Field: "land", Criteria: map[string]int{"E1.1": 5, "E1.2": 3, "E2.1": 1}, Answers: map[string]string{"P1": "2"}}
	tl := official.Tally(s)
	if tl.Responses != 1 {
		t.Errorf("Responses = %d", tl.Responses)
	}
	// score: E1 1/2, E2 0/1 → 0.25
	if !near(tl.SumScore, 0.25, tol) || !near(tl.SumScore2, 0.0625, tol) {
		t.Errorf("score sums = %v, %v; want 0.25, 0.0625", tl.SumScore, tl.SumScore2)
	}
	if len(tl.Criteria) != 3 {
		t.Errorf("%d criteria tallied", len(tl.Criteria))
	}
	c := tl.Criteria["E1.1"]
	if c.Values != [MaxScale]int64{0, 0, 0, 0, 1} || c.Answered() != 1 || c.SatisfiedCount(4) != 1 {
		t.Errorf("E1.1 tally = %+v", c)
	}
	// E1.1 = 5, the others are 3 and 1 → o = 2.
	if c.PairN != 1 || c.SumX != 5 || c.SumX2 != 25 || c.SumO != 2 || c.SumO2 != 4 || c.SumXO != 10 {
		t.Errorf("E1.1 pair sums = %+v", c)
	}
	// E2.1 = 1, the others 5 and 3 → o = 4.
	if c := tl.Criteria["E2.1"]; c.SumX != 1 || c.SumO != 4 || c.SumXO != 4 || c.SatisfiedCount(4) != 0 {
		t.Errorf("E2.1 tally = %+v", c)
	}
	if tl.Options["P1"]["2"] != 1 || tl.Options[FieldName]["land"] != 1 || len(tl.Options) != 2 {
		t.Errorf("options = %v", tl.Options)
	}

	// A single answered criterion has no pair.
	one := official.Tally(sub(map[string]int{"E4.2": 4}))
	if c := one.Criteria["E4.2"]; c.PairN != 0 || c.SumX != 0 || c.Answered() != 1 {
		t.Errorf("lone criterion tally = %+v", c)
	}
	if _, ok := one.Options[FieldName]; ok {
		t.Error("an empty field was counted")
	}

	// Add sums everything.
	sum := NewTally()
	sum.Add(tl)
	sum.Add(tl)
	sum.Add(one)
	if sum.Responses != 3 || !near(sum.SumScore, 1.5, tol) || !near(sum.SumScore2, 1.125, tol) {
		t.Errorf("summed tally = %d %v %v", sum.Responses, sum.SumScore, sum.SumScore2)
	}
	if c := sum.Criteria["E1.1"]; c.Values[4] != 2 || c.PairN != 2 || c.SumXO != 20 || c.SumO2 != 8 {
		t.Errorf("summed E1.1 = %+v", c)
	}
	if sum.Options["P1"]["2"] != 2 || sum.Options[FieldName]["land"] != 2 {
		t.Errorf("summed options = %v", sum.Options)
	}
	// Adding did not alias the added tally.
	if tl.Criteria["E1.1"].Values[4] != 1 {
		t.Error("Add modified its argument")
	}
	// Criterion creates on demand.
	if c := NewTally().Criterion("X"); c == nil || c.Answered() != 0 {
		t.Error("Criterion did not create empty counts")
	}
}

func FuzzValidate(f *testing.F) {
	seeds := [][6]string{
		{"E1.1", "4", "P1", "2", "field", "land"},
		{"E1.1", "0", "", "", "", ""},
		{"E1.1", "6", "E1.2", "5", "", ""},
		{"E1.1", "x", "E1.1", "4", "", ""},
		{"E1.1", "4.0", "P4", "f", "", ""},
		{"E9.9", "4", "", "", "", ""},
		{"P1", "9", "E2.2", "1", "", ""},
		{"field", "space", "E3.3", "3", "", ""},
		{"P1", "1", "P2", "no", "", ""},
		{"E1.1", " 5 ", "E5.4", "+1", "P5", "60+"},
		{"E1.1", "\x00", "E1.2", "٤", "response_id", "abc"},
		{"E1.1", "", "E1.2", "", "E1.3", "3"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	q := Official()
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, n3, v3 string) {
		fm := map[string][]string{}
		for _, p := range [][2]string{{n1, v1}, {n2, v2}, {n3, v3}} {
			if p[0] == "" && p[1] == "" {
				continue
			}
			fm[p[0]] = append(fm[p[0]], p[1])
		}
		s, err := q.Validate(fm)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError: %v", err, err)
			}
			if ie.Msg.Key == "" {
				t.Fatalf("error without a message: %+v", ie)
			}
			if ie.Name != "" {
				if _, ok := fm[ie.Name]; !ok {
					t.Fatalf("error names %q, which was not submitted", ie.Name)
				}
			}
			return
		}
		if len(s.Criteria) == 0 {
			t.Fatal("accepted a submission without criteria")
		}
		for code, v := range s.Criteria {
			if _, _, ok := q.Criterion(code); !ok {
				t.Fatalf("unknown criterion %q accepted", code)
			}
			if v < 1 || v > 5 {
				t.Fatalf("criterion %s = %d accepted", code, v)
			}
			if _, ok := fm[code]; !ok {
				t.Fatalf("criterion %s was not submitted", code)
			}
		}
		for code, v := range s.Answers {
			x, ok := q.Question(code)
			if !ok {
				t.Fatalf("unknown question %q accepted", code)
			}
			if !hasOption(x.Options, v) {
				t.Fatalf("question %s = %q accepted", code, v)
			}
		}
		if s.Field != "" && !q.HasField(s.Field) {
			t.Fatalf("field %q accepted", s.Field)
		}
		// What is accepted can be scored, tallied, encoded and decoded.
		if _, ok := q.Score(s); !ok {
			t.Fatal("accepted submission has no score")
		}
		tl := q.Tally(s)
		if tl.Responses != 1 {
			t.Fatal("tally of one submission")
		}
		if ix := q.Compute(tl); ix.SIPAS == nil || *ix.SIPAS < 0 || *ix.SIPAS > 100 {
			t.Fatalf("SIPAS of an accepted submission = %v", show(ix.SIPAS))
		}
		back, err := DecodeSubmission(s.Encode())
		if err != nil || back.Encode() != s.Encode() {
			t.Fatalf("encode round trip: %v %q", err, s.Encode())
		}
	})
}

// Encode is written by hand for speed; it must stay encoding/json's output exactly, as
// stored answers are compared with it.
func TestEncodeIsJSON(t *testing.T) {
	q := Official()
	r := rand.New(rand.NewPCG(3, 4))
	profile := q.NewSynthetic(r)
	subs := []Submission{
		{Criteria: map[string]int{}},
		{Criteria: nil},
		{Field: "land", Criteria: map[string]int{"E1.1": 5}, Answers: map[string]string{"P1": "a<b>&\"c\\\n", "P2": "Không", "P3": ""}},
		{Criteria: map[string]int{"E1.1": 10, "E1.2": -1}},
		manyCodes(70),
	}
	for range 200 {
		subs = append(subs, q.Synthesize(r, profile, 0))
	}
	for _, s := range subs {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Encode(); got != string(want) {
			t.Fatalf("Encode\n got %s\nwant %s", got, want)
		}
	}
}

// TestLayoutEncodeIsEncode holds the layout's quicker Encode to Submission.Encode, also
// for submissions it does not know all of.
func TestLayoutEncodeIsEncode(t *testing.T) {
	q := Official()
	l := q.Layout()
	r := rand.New(rand.NewPCG(7, 8))
	profile := q.NewSynthetic(r)
	cases := map[string]Submission{
		"no criteria":        {Criteria: nil},
		"empty":              {Criteria: map[string]int{}},
		"unknown criterion":  {Criteria: map[string]int{"E1.1": 5, "Z9.9": 3}},
		"unknown question":   {Criteria: map[string]int{"E1.1": 5}, Answers: map[string]string{"P1": "1", "Q42": "x"}},
		"field and escapes":  {Field: "land", Criteria: map[string]int{"E2.1": 4}, Answers: map[string]string{"P1": "a<b>&\"c\\\n"}},
		"value over 9":       {Criteria: map[string]int{"E1.1": 10, "E1.2": -1}},
		"more than 64 codes": manyCodes(70),
	}
	for i := range 100 {
		cases[fmt.Sprintf("synthetic %d", i)] = q.Synthesize(r, profile, 0)
	}
	for name, s := range cases {
		if got, want := l.Encode(s), s.Encode(); got != want {
			t.Errorf("%s: layout encodes\n%s\nSubmission.Encode\n%s", name, got, want)
		}
	}
}

func manyCodes(n int) Submission {
	s := Submission{Criteria: map[string]int{}, Answers: map[string]string{}}
	for i := range n {
		s.Criteria[fmt.Sprintf("C%03d", i)] = i % 5
		s.Answers[fmt.Sprintf("Q%03d", i)] = "v"
	}
	return s
}
