package survey

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Submission is one validated response: the criteria it rated, its answers to the other
// questions and the procedure field. Unanswered items are simply absent.
type Submission struct {
	Field    string            `json:"field,omitempty"`
	Criteria map[string]int    `json:"criteria"`
	Answers  map[string]string `json:"answers,omitempty"`
}

// InputError is a problem with a submission that the citizen or the importer can fix.
// Name is the form field or column at fault ("" for the whole submission).
type InputError struct {
	Name string
	Msg  Message
}

func (e *InputError) Error() string { return "input " + e.Name + ": " + e.Msg.String() }

// Describe says what is wrong with the input.
func (e *InputError) Describe() Message { return e.Msg }

func inputError(name string, m Message) *InputError { return &InputError{Name: name, Msg: m} }

// Validate turns submitted form values into a Submission. Every name must be a criterion,
// a question of q or the procedure field, given at most once; criteria take a value on the
// scale, questions one of their options; an empty value means "not answered". At least one
// criterion must be answered. The error is an *InputError.
func (q *Questionnaire) Validate(form map[string][]string) (Submission, error) {
	s := Submission{Criteria: map[string]int{}, Answers: map[string]string{}}
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	sort.Strings(names) // deterministic: the first problem reported is always the same
	for _, name := range names {
		values := form[name]
		if len(values) > 1 {
			return Submission{}, inputError(name, Msg("submission.error.repeated", name))
		}
		v := ""
		if len(values) == 1 {
			v = strings.TrimSpace(values[0])
		}
		if err := q.set(&s, name, v); err != nil {
			return Submission{}, err
		}
	}
	if len(s.Criteria) == 0 {
		return Submission{}, inputError("", Msg("submission.error.no_criterion"))
	}
	return s, nil
}

func (q *Questionnaire) set(s *Submission, name, v string) error {
	if name == FieldName {
		if v != "" && !q.HasField(v) {
			return inputError(name, Msg("submission.error.field", v))
		}
		s.Field = v
		return nil
	}
	if _, _, ok := q.Criterion(name); ok {
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < q.Scale.Min || n > q.Scale.Max {
			return inputError(name, Msg("submission.error.value", name, v, q.Scale.Min, q.Scale.Max))
		}
		s.Criteria[name] = n
		return nil
	}
	if x, ok := q.Question(name); ok {
		if v == "" {
			return nil
		}
		if !hasOption(x.Options, v) {
			return inputError(name, Msg("submission.error.option", name, v))
		}
		s.Answers[name] = v
		return nil
	}
	return inputError(name, Msg("submission.error.unknown", name))
}

// Encode is the canonical form of the answers: equal submissions encode equally, which
// is how a repeated response_id is told apart from a conflicting one. It is the JSON of
// the Submission with sorted keys, written by hand because it is on the import's hot
// path (the keys sorted in arrays on the stack, the text built once, in place);
// TestEncodeIsJSON holds it to encoding/json's output byte for byte.
func (s Submission) Encode() string {
	var codeArray, questionArray, textArray [64]string
	var valueArray [64]int
	codes, values := AppendSortedKeys(codeArray[:0], s.Criteria), valueArray[:0]
	for _, code := range codes {
		values = append(values, s.Criteria[code])
	}
	questions, texts := AppendSortedKeys(questionArray[:0], s.Answers), textArray[:0]
	for _, q := range questions {
		texts = append(texts, s.Answers[q])
	}
	return encodeSubmission(s.Field, s.Criteria == nil, codes, values, questions, texts)
}

// Encode is s.Encode(), quicker for a submission of the layout's questionnaire: its
// codes come sorted already, and sorting them was half of Encode's time.
func (l *CountsLayout) Encode(s Submission) string {
	var codeArray, questionArray, textArray [64]string
	var valueArray [64]int
	codes, values := codeArray[:0], valueArray[:0]
	for _, code := range l.Criteria {
		if v, ok := s.Criteria[code]; ok {
			codes, values = append(codes, code), append(values, v)
		}
	}
	questions, texts := questionArray[:0], textArray[:0]
	for _, q := range l.Questions {
		if v, ok := s.Answers[q]; ok {
			questions, texts = append(questions, q), append(texts, v)
		}
	}
	if len(codes) != len(s.Criteria) || len(questions) != len(s.Answers) {
		return s.Encode() // a code the layout does not know
	}
	return encodeSubmission(s.Field, s.Criteria == nil, codes, values, questions, texts)
}

// encodeSubmission writes a submission's criteria and answers, in the order given
// (sorted), as Encode does; noCriteria writes a nil Criteria map as encoding/json does.
func encodeSubmission(field string, noCriteria bool, codes []string, values []int, questions, texts []string) string {
	size := len(field) + len(`{"field":"","criteria":{},"answers":{}}`)
	for _, code := range codes {
		size += len(code) + len(`"":5,`)
	}
	for i, q := range questions {
		size += len(q) + len(texts[i]) + len(`"":"",`)
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteByte('{')
	if field != "" {
		b.WriteString(`"field":`)
		writeJSONString(&b, field)
		b.WriteByte(',')
	}
	b.WriteString(`"criteria":`)
	if noCriteria {
		b.WriteString("null")
	} else {
		b.WriteByte('{')
		for i, code := range codes {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(&b, code)
			b.WriteByte(':')
			if v := values[i]; v >= 0 && v <= 9 {
				b.WriteByte(byte('0' + v))
			} else {
				b.WriteString(strconv.Itoa(v))
			}
		}
		b.WriteByte('}')
	}
	if len(questions) > 0 {
		b.WriteString(`,"answers":{`)
		for i, q := range questions {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(&b, q)
			b.WriteByte(':')
			writeJSONString(&b, texts[i])
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String()
}

// SortedKeys lists the keys of m in order: codes of criteria, questions and options
// wherever they are written out in a fixed order (here, and the packed counts of models).
func SortedKeys[V any](m map[string]V) []string {
	return AppendSortedKeys(make([]string, 0, len(m)), m)
}

// AppendSortedKeys is SortedKeys appended to dst, for a caller that keeps the slice
// (the kiosk writer encodes its count rows again for every batch).
func AppendSortedKeys[V any](dst []string, m map[string]V) []string {
	start := len(dst)
	for k := range m {
		dst = append(dst, k)
	}
	slices.Sort(dst[start:])
	return dst
}

// writeJSONString writes s as encoding/json writes it: plain printable ASCII as is,
// anything else through encoding/json itself.
func writeJSONString(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil {
				panic(err) // a string always marshals
			}
			b.Write(q)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// DecodeSubmission reverses Encode.
func DecodeSubmission(data string) (Submission, error) {
	var s Submission
	err := json.Unmarshal([]byte(data), &s)
	return s, err
}

// Satisfied reports whether v counts as satisfied on the scale (4 or 5 on 1..5).
func (q *Questionnaire) Satisfied(v int) bool { return v >= q.Scale.SatisfiedMin }

// Score is the response's own SIPAS-like share of satisfied answers, in [0, 1]: each
// element it answered weighs the same, each answered criterion the same inside its
// element (METHOD.md §6). ok is false when it answered no criterion of q.
func (q *Questionnaire) Score(s Submission) (score float64, ok bool) {
	sum, elements := 0.0, 0
	for _, e := range q.Elements {
		answered, satisfied := 0, 0
		for _, c := range e.Criteria {
			if v, ok := s.Criteria[c.Code]; ok {
				answered++
				if q.Satisfied(v) {
					satisfied++
				}
			}
		}
		if answered > 0 {
			sum += float64(satisfied) / float64(answered)
			elements++
		}
	}
	if elements == 0 {
		return 0, false
	}
	return sum / float64(elements), true
}
