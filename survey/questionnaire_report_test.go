package survey

import (
	"encoding/json"
	"strings"
	"testing"
)

// withoutReports is the official definition as an earlier release stored it: no question
// says how it is reported.
func withoutReports(t *testing.T, edit func(map[string]any)) []byte {
	t.Helper()
	var def map[string]any
	if err := json.Unmarshal(OfficialQuestionnaireJSON(), &def); err != nil {
		t.Fatal(err)
	}
	for _, x := range def["questions"].([]any) {
		delete(x.(map[string]any), "report")
	}
	if edit != nil {
		edit(def)
	}
	data, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func perceptionCodes(q *Questionnaire) string {
	var codes []string
	for _, x := range q.Perceptions() {
		codes = append(codes, x.Code)
	}
	return strings.Join(codes, ",")
}

func TestParseStoredQuestionnaire(t *testing.T) {
	tests := []struct {
		name        string
		definition  []byte
		perceptions string
	}{
		{"as published now", OfficialQuestionnaireJSON(), "P1,P2,P3"},
		{"version 1 stored before report roles", withoutReports(t, nil), "P1,P2,P3"},
		{"another version keeps what it says", withoutReports(t, func(d map[string]any) { d["version"] = 2 }), ""},
		{"another questionnaire keeps what it says", withoutReports(t, func(d map[string]any) { d["code"] = "my-survey" }), ""},
		{"a changed question does not borrow", withoutReports(t, func(d map[string]any) {
			p2 := d["questions"].([]any)[1].(map[string]any)
			p2["options"] = []any{map[string]any{"value": "never", "label": map[string]any{"vi": "Không bao giờ"}}}
		}), "P1,P3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseStoredQuestionnaire(tt.definition)
			if err != nil {
				t.Fatal(err)
			}
			if got := perceptionCodes(q); got != tt.perceptions {
				t.Errorf("perceptions %q, want %q", got, tt.perceptions)
			}
		})
	}
	// What it borrows is the headline too.
	q, _ := ParseStoredQuestionnaire(withoutReports(t, nil))
	if h := q.Perceptions()[1].Report.Headline; h == nil || h.Option != "yes" {
		t.Errorf("P2 headline %+v", h)
	}
}

func TestQuestionReportIsChecked(t *testing.T) {
	tests := []struct {
		name, report string
	}{
		{"unknown role", `{"role": "profile"}`},
		{"headline not an option", `{"role": "perception", "headline": {"option": "maybe", "text": {"en": "x"}}}`},
		{"headline without text", `{"role": "perception", "headline": {"option": "f"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := strings.Replace(string(OfficialQuestionnaireJSON()), `"code": "P4",`, `"code": "P4", "report": `+tt.report+`,`, 1)
			if !strings.Contains(def, tt.report) {
				t.Fatal("the test did not place its report")
			}
			if _, err := ParseQuestionnaire([]byte(def)); err == nil {
				t.Error("accepted")
			}
		})
	}
}
