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
// path; TestEncodeIsJSON holds it to encoding/json's output byte for byte.
func (s Submission) Encode() string {
	b := make([]byte, 0, 32+12*len(s.Criteria)+16*len(s.Answers))
	b = append(b, '{')
	if s.Field != "" {
		b = append(b, `"field":`...)
		b = appendJSONString(b, s.Field)
		b = append(b, ',')
	}
	b = append(b, `"criteria":`...)
	if s.Criteria == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		for i, code := range SortedKeys(s.Criteria) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, code)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(s.Criteria[code]), 10)
		}
		b = append(b, '}')
	}
	if len(s.Answers) > 0 {
		b = append(b, `,"answers":{`...)
		for i, code := range SortedKeys(s.Answers) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, code)
			b = append(b, ':')
			b = appendJSONString(b, s.Answers[code])
		}
		b = append(b, '}')
	}
	return string(append(b, '}'))
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

// appendJSONString appends s as encoding/json writes it: plain printable ASCII as is,
// anything else through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil {
				panic(err) // a string always marshals
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
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
