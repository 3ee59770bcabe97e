// Package survey is the pure domain of sipas: the questionnaire, the validation of a
// submission, the SIPAS computation from answer counts, confidence intervals, ranking,
// periods in Vietnam time and the provincial units. It does no I/O.
package survey

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed questionnaire.json
var officialQuestionnaire []byte

// OfficialQuestionnaireJSON returns the embedded copy of the Ministry's counter
// questionnaire (shared/sipas/questionnaire.json), the default published as version 1.
func OfficialQuestionnaireJSON() []byte { return append([]byte(nil), officialQuestionnaire...) }

// Official parses the embedded official questionnaire.
func Official() *Questionnaire {
	q, err := ParseQuestionnaire(officialQuestionnaire)
	if err != nil {
		panic("survey: embedded questionnaire is invalid: " + err.Error())
	}
	return q
}

// Text is a string in several languages, keyed by language code ("vi", "en").
type Text map[string]string

// In returns the text in lang, falling back to Vietnamese, then to any language.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if s, ok := t["vi"]; ok {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
}

// Questionnaire is one version of a satisfaction questionnaire.
type Questionnaire struct {
	Code      string        `json:"code"`
	Version   int           `json:"version"`
	Title     Text          `json:"title"`
	Intro     Text          `json:"intro"`
	Source    string        `json:"source,omitempty"`
	Scale     Scale         `json:"scale"`
	Elements  []Element     `json:"elements"`
	Questions []Question    `json:"questions"`
	Fields    FieldQuestion `json:"fields"`
}

// Scale is the answer scale of every criterion.
type Scale struct {
	Min          int                 `json:"min"`
	Max          int                 `json:"max"`
	SatisfiedMin int                 `json:"satisfied_min"`
	Labels       map[string][]string `json:"labels"`
}

// Label returns the label of value v in lang.
func (s Scale) Label(lang string, v int) string {
	l, ok := s.Labels[lang]
	if !ok {
		l = s.Labels["vi"]
	}
	if i := v - s.Min; i >= 0 && i < len(l) {
		return l[i]
	}
	return fmt.Sprint(v)
}

// Values lists the scale's values, lowest first.
func (s Scale) Values() []int {
	var v []int
	for i := s.Min; i <= s.Max; i++ {
		v = append(v, i)
	}
	return v
}

// Element is one of the five SIPAS elements (yếu tố).
type Element struct {
	Code     string      `json:"code"`
	Name     Text        `json:"name"`
	Criteria []Criterion `json:"criteria"`
}

// Criterion is one rated statement (tiêu chí).
type Criterion struct {
	Code string `json:"code"`
	Text Text   `json:"text"`
}

// Question is a multiple-choice question outside the index (perception, profile).
type Question struct {
	Code    string          `json:"code"`
	Text    Text            `json:"text"`
	Options []Option        `json:"options"`
	Report  *QuestionReport `json:"report,omitempty"`
}

// QuestionReport says how the dashboards show a question's answers. A question without
// one (the respondent's profile) is stored and imported but not shown there.
type QuestionReport struct {
	Role     string    `json:"role"` // RolePerception
	Headline *Headline `json:"headline,omitempty"`
}

// RolePerception marks a question of the citizens' perceptions (trips, harassment,
// informal payments), tabulated on a province's page.
const RolePerception = "perception"

// Headline is the option whose share a report puts first, and what that share means
// ("came only once", "answered yes").
type Headline struct {
	Option string `json:"option"`
	Text   Text   `json:"text"`
}

// Option is one answer to a Question.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// FieldQuestion asks for the procedure field (land, civil status, …).
type FieldQuestion struct {
	Text    Text     `json:"text"`
	Note    string   `json:"note,omitempty"`
	Options []Option `json:"options"`
}

// FieldName is the form and import name of the procedure-field answer.
const FieldName = "field"

// ParseQuestionnaire decodes and checks a questionnaire definition.
func ParseQuestionnaire(data []byte) (*Questionnaire, error) {
	var q Questionnaire
	if err := json.Unmarshal(data, &q); err != nil {
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	if err := q.check(); err != nil {
		return nil, err
	}
	return &q, nil
}

func (q *Questionnaire) check() error {
	if q.Code == "" {
		return fmt.Errorf("questionnaire: no code")
	}
	if q.Scale.Min < 1 || q.Scale.Max <= q.Scale.Min || q.Scale.SatisfiedMin <= q.Scale.Min || q.Scale.SatisfiedMin > q.Scale.Max || q.Scale.Max > MaxScale {
		return fmt.Errorf("questionnaire %s: bad scale %d..%d satisfied from %d", q.Code, q.Scale.Min, q.Scale.Max, q.Scale.SatisfiedMin)
	}
	if len(q.Elements) == 0 {
		return fmt.Errorf("questionnaire %s: no elements", q.Code)
	}
	seen := map[string]bool{FieldName: true, "response_id": true, "lang": true, KioskVersionField: true}
	use := func(code string) error {
		if code == "" {
			return fmt.Errorf("questionnaire %s: empty code", q.Code)
		}
		if seen[code] {
			return fmt.Errorf("questionnaire %s: code %q used twice or reserved", q.Code, code)
		}
		seen[code] = true
		return nil
	}
	for _, e := range q.Elements {
		if err := use(e.Code); err != nil {
			return err
		}
		if len(e.Criteria) == 0 {
			return fmt.Errorf("questionnaire %s: element %s has no criteria", q.Code, e.Code)
		}
		for _, c := range e.Criteria {
			if err := use(c.Code); err != nil {
				return err
			}
		}
	}
	for _, x := range q.Questions {
		if err := use(x.Code); err != nil {
			return err
		}
		if len(x.Options) == 0 {
			return fmt.Errorf("questionnaire %s: question %s has no options", q.Code, x.Code)
		}
		if err := x.checkReport(); err != nil {
			return fmt.Errorf("questionnaire %s: question %s: %w", q.Code, x.Code, err)
		}
	}
	return nil
}

func (x Question) checkReport() error {
	r := x.Report
	if r == nil {
		return nil
	}
	if r.Role != RolePerception {
		return fmt.Errorf("report role %q is not %q", r.Role, RolePerception)
	}
	if h := r.Headline; h != nil && (!hasOption(x.Options, h.Option) || len(h.Text) == 0) {
		return fmt.Errorf("the headline needs one of the question's options and its text")
	}
	return nil
}

// Perceptions lists the questions of the citizens' perceptions, in questionnaire order.
func (q *Questionnaire) Perceptions() []Question {
	var out []Question
	for _, x := range q.Questions {
		if x.Report != nil && x.Report.Role == RolePerception {
			out = append(out, x)
		}
	}
	return out
}

// ParseStoredQuestionnaire decodes a stored questionnaire version. The official version
// stored before questions carried report roles (a database made by an earlier release)
// takes them from the embedded copy of the same version, where every question it has is
// unchanged: the stored definition stays as it was published.
func ParseStoredQuestionnaire(data []byte) (*Questionnaire, error) {
	q, err := ParseQuestionnaire(data)
	if err != nil {
		return nil, err
	}
	for _, x := range q.Questions {
		if x.Report != nil {
			return q, nil // the version says how it is reported
		}
	}
	official := Official()
	if q.Code != official.Code || q.Version != official.Version {
		return q, nil
	}
	for i, x := range q.Questions {
		if ref, ok := official.Question(x.Code); ok && sameOptions(x.Options, ref.Options) {
			q.Questions[i].Report = ref.Report
		}
	}
	return q, nil
}

// sameOptions reports whether two questions offer the same option values in the same order.
func sameOptions(a, b []Option) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}

// CriterionCodes lists every criterion code in questionnaire order.
func (q *Questionnaire) CriterionCodes() []string {
	var codes []string
	for _, e := range q.Elements {
		for _, c := range e.Criteria {
			codes = append(codes, c.Code)
		}
	}
	return codes
}

// QuestionCodes lists the codes of the questions outside the index.
func (q *Questionnaire) QuestionCodes() []string {
	codes := make([]string, len(q.Questions))
	for i, x := range q.Questions {
		codes[i] = x.Code
	}
	return codes
}

// Criterion finds a criterion and the element it belongs to.
func (q *Questionnaire) Criterion(code string) (Criterion, Element, bool) {
	for _, e := range q.Elements {
		for _, c := range e.Criteria {
			if c.Code == code {
				return c, e, true
			}
		}
	}
	return Criterion{}, Element{}, false
}

// Question finds a question outside the index by code.
func (q *Questionnaire) Question(code string) (Question, bool) {
	for _, x := range q.Questions {
		if x.Code == code {
			return x, true
		}
	}
	return Question{}, false
}

// HasField reports whether v is a known procedure-field value.
func (q *Questionnaire) HasField(v string) bool {
	return hasOption(q.Fields.Options, v)
}

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}
